"""What the meetings page shows (issue 14): the participant, the others to meet (filtered,
those sharing topics first, with the topics as the reason), the requests and meetings."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from members.models import Topic

from . import permissions_meetings as rules
from .models_meetings import MeetingParticipant, MeetingRequest, MeetingSettings, MeetingSlot


def settings_of(event) -> MeetingSettings | None:
    return MeetingSettings.objects.filter(event=event).first()


def participant_of(user, event) -> MeetingParticipant | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        MeetingParticipant.objects.filter(event=event, registration__user=user)
        .select_related("registration__organisation")
        .prefetch_related("available_slots")
        .first()
    )


def opt_in_initial(user, event) -> dict:
    """The opt-in form's first values: "we offer" from the organisation's competence
    profile, every slot ticked."""
    registration = rules.meeting_registration(user, event)
    organisation = registration.organisation if registration else None
    profile = getattr(organisation, "competence_profile", None) if organisation else None
    return {
        "offer": (profile.competences if profile else "")[:1000],
        "looking_for": "",
        "slots": list(slots_of(event)),
    }


def slots_of(event):
    return MeetingSlot.objects.filter(event=event).order_by("starts_at", "pk")


def _topic_ids(participant) -> set[int]:
    organisation = participant.registration.organisation
    return {topic.pk for topic in organisation.topics.all()} if organisation else set()


def others_to_meet(me, *, kind: str = "", topic: int | None = None) -> list:
    """The other opted-in participants of ``me``'s event, as (participant, shared topics),
    those sharing most topics with ``me``'s organisation first, then by name."""
    others = (
        MeetingParticipant.objects.filter(event_id=me.event_id)
        .exclude(pk=me.pk)
        .select_related("registration__organisation")
        .prefetch_related(
            Prefetch("registration__organisation__topics", queryset=Topic.objects.all())
        )
    )
    if kind:
        others = others.filter(registration__organisation__kind=kind)
    if topic:
        others = others.filter(registration__organisation__topics=topic)
    mine = _topic_ids(me)
    rows = []
    for other in others:
        organisation = other.registration.organisation
        topics = list(organisation.topics.all()) if organisation else []
        shared = [t for t in topics if t.pk in mine]
        rows.append((other, shared))
    rows.sort(key=lambda row: (-len(row[1]), row[0].registration.name.lower(), row[0].pk))
    return rows


def requests_of(me) -> dict:
    """``me``'s requests by what to do with them."""
    requests = (
        MeetingRequest.objects.filter(Q(requester=me) | Q(recipient=me))
        .select_related(
            "slot",
            "place",
            "requester__registration__organisation",
            "recipient__registration__organisation",
        )
        .order_by("slot__starts_at", "-created_at", "pk")
    )
    groups = {"received": [], "sent": [], "meetings": [], "closed": []}
    for request in requests:
        request.other = request.recipient if request.requester_id == me.pk else request.requester
        if request.status == MeetingRequest.Status.PENDING:
            groups["received" if request.recipient_id == me.pk else "sent"].append(request)
        elif request.status == MeetingRequest.Status.ACCEPTED:
            groups["meetings"].append(request)
        else:
            groups["closed"].append(request)
    return groups


def open_partner_ids(me) -> set[int]:
    """Participants ``me`` already has an open request or meeting with."""
    open_requests = MeetingRequest.objects.filter(status__in=MeetingRequest.OPEN)
    sent = open_requests.filter(requester=me).values_list("recipient_id", flat=True)
    received = open_requests.filter(recipient=me).values_list("requester_id", flat=True)
    return set(sent) | set(received)
