"""Reads of B2B meetings outside the meetings page (issue 14, items 5 and 7): a person's
meetings for the agenda, the calendar feed, the agenda PDF and the morning mail; the venue's
lists per place; and the organisers' figures of an event.

A meeting is an accepted request with a slot. In organiser mode (the organisers plan the
schedule themselves) meetings show only once the schedule is published; the settings fields
of that mode are read with ``getattr`` so this works with and without them.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import BERLIN
from .models_meetings import MeetingParticipant, MeetingPlace, MeetingRequest, MeetingSettings
from .models_meetings_outcomes import MeetingOutcome

_RELATED = (
    "event__meeting_settings",
    "slot",
    "place",
    "requester__registration__organisation",
    "recipient__registration__organisation",
)


def _scheduled():
    return MeetingRequest.objects.filter(
        status=MeetingRequest.Status.ACCEPTED, slot__isnull=False
    ).select_related(*_RELATED)


def _settings_of(meeting) -> MeetingSettings | None:
    try:
        return meeting.event.meeting_settings
    except MeetingSettings.DoesNotExist:
        return None


def _decorate(meetings, sides: set[int], now) -> list:
    """Only visible meetings, each with ``me`` and ``other`` (the participants), the times as
    ``starts_at``/``ends_at`` (so they sort and print with programme items), ``is_meeting``,
    ``can_report`` (the slot has started) and ``my_outcome``."""
    out = []
    for meeting in meetings:
        settings = _settings_of(meeting)
        if settings is None or not settings.schedule_visible:
            continue
        mine = meeting.requester_id in sides
        meeting.me = meeting.requester if mine else meeting.recipient
        meeting.other = meeting.recipient if mine else meeting.requester
        meeting.starts_at, meeting.ends_at = meeting.slot.starts_at, meeting.slot.ends_at
        meeting.is_meeting = True
        meeting.title = _("Meeting with %(name)s") % {"name": meeting.other.registration.name}
        meeting.can_report = meeting.slot.starts_at <= now
        outcomes = getattr(meeting, "my_outcomes", None)
        meeting.my_outcome = outcomes[0] if outcomes else None
        out.append(meeting)
    return out


def _of_user(user):
    return Q(requester__registration__user=user) | Q(recipient__registration__user=user)


def agenda_meetings(event, user) -> list:
    """The user's meetings at ``event`` by time (one query; a second for their answers
    only when there are meetings)."""
    if user is None or not user.is_authenticated:
        return []
    meetings = (
        _scheduled()
        .filter(_of_user(user), event=event)
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=MeetingOutcome.objects.filter(participant__registration__user=user),
                to_attr="my_outcomes",
            )
        )
        .order_by("slot__starts_at", "pk")
    )
    meetings = list(meetings)
    sides = {
        side.pk
        for meeting in meetings
        for side in (meeting.requester, meeting.recipient)
        if side.registration.user_id == user.pk
    }
    return _decorate(meetings, sides, timezone.now())


def feed_meetings(user) -> list:
    """The user's meetings of every event that is not a draft, for the calendar feed."""
    meetings = list(
        _scheduled()
        .filter(_of_user(user))
        .exclude(event__status="draft")
        .order_by("slot__starts_at", "pk")
    )
    sides = {
        side.pk
        for meeting in meetings
        for side in (meeting.requester, meeting.recipient)
        if side.registration.user_id == user.pk
    }
    return _decorate(meetings, sides, timezone.now())


def merged_by_day(items: list, meetings: list) -> list[tuple]:
    """[(date, [items and meetings by time])] in Europe/Berlin days; a meeting that overlaps
    a starred item is added to the item's ``conflicts`` and the item to the meeting's."""
    for meeting in meetings:
        meeting.conflicts = []
        for item in items:
            if item.starts_at < meeting.ends_at and meeting.starts_at < item.ends_at:
                meeting.conflicts.append(item)
                item.conflicts = [*getattr(item, "conflicts", []), meeting]
    entries = sorted(
        [*items, *meetings],
        key=lambda entry: (entry.starts_at, bool(getattr(entry, "is_meeting", False)), entry.pk),
    )
    days: OrderedDict = OrderedDict()
    for entry in entries:
        days.setdefault(timezone.localtime(entry.starts_at, BERLIN).date(), []).append(entry)
    return list(days.items())


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=BERLIN)
    return start, start + timedelta(days=1)


def meetings_on_day(participant: MeetingParticipant, day: date) -> list:
    """``participant``'s visible meetings that start on ``day`` (Berlin), by time."""
    start, end = _day_bounds(day)
    meetings = (
        _scheduled()
        .filter(Q(requester=participant) | Q(recipient=participant))
        .filter(slot__starts_at__gte=start, slot__starts_at__lt=end)
        .order_by("slot__starts_at", "pk")
    )
    return _decorate(list(meetings), {participant.pk}, timezone.now())


def participants_meeting_on(day: date) -> list[MeetingParticipant]:
    """Everyone with a visible meeting on ``day``, for the morning mails."""
    start, end = _day_bounds(day)
    meetings = _scheduled().filter(slot__starts_at__gte=start, slot__starts_at__lt=end)
    people: dict[int, MeetingParticipant] = {}
    for meeting in meetings.order_by("pk"):
        settings = _settings_of(meeting)
        if settings is not None and settings.schedule_visible:
            for side in (meeting.requester, meeting.recipient):
                people.setdefault(side.pk, side)
    return [people[pk] for pk in sorted(people)]


# --- The venue ------------------------------------------------------------------------------


def places_with_meetings(event) -> list[MeetingPlace]:
    """Every place of the event with its scheduled meetings by time (``place.schedule``)."""
    meetings = (
        MeetingRequest.objects.filter(status=MeetingRequest.Status.ACCEPTED, slot__isnull=False)
        .select_related(
            "slot", "requester__registration__organisation", "recipient__registration__organisation"
        )
        .order_by("slot__starts_at", "pk")
    )
    return list(
        MeetingPlace.objects.filter(event=event)
        .prefetch_related(Prefetch("meetings", queryset=meetings, to_attr="schedule"))
        .order_by("name", "pk")
    )


# --- Figures for the organisers (item 7) ---------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figures(event) -> dict:
    """The meeting figures of one event (definitions in docs: README "B2B meetings").

    - participants: opted in; requests: every request sent; answered: accepted or declined;
      acceptance rate: accepted of answered, in per cent;
    - meetings: accepted requests with a slot; meetings per participant: each meeting counts
      for both sides, divided by the participants;
    - held / no-show: meetings with at least one side's answer, held when no side reported a
      no-show; rates of the meetings with an answer;
    - useful: answers "useful: yes" and "no" (per side)."""
    requests = MeetingRequest.objects.filter(event=event).aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(status="pending")),
        accepted=Count("pk", filter=Q(status="accepted")),
        declined=Count("pk", filter=Q(status="declined")),
        expired=Count("pk", filter=Q(status="expired")),
        cancelled=Count("pk", filter=Q(status="cancelled")),
        scheduled=Count("pk", filter=Q(status="accepted", slot__isnull=False)),
    )
    participants = MeetingParticipant.objects.filter(event=event).count()
    reported = (
        MeetingRequest.objects.filter(event=event, status="accepted", slot__isnull=False)
        .annotate(
            answers=Count("outcomes"),
            no_shows=Count("outcomes", filter=Q(outcomes__outcome="no_show")),
        )
        .filter(answers__gt=0)
        .aggregate(
            reported=Count("pk"),
            no_show=Count("pk", filter=Q(no_shows__gt=0)),
        )
    )
    useful = MeetingOutcome.objects.filter(request__event=event).aggregate(
        yes=Count("pk", filter=Q(useful=True)),
        no=Count("pk", filter=Q(useful=False)),
    )
    answered = requests["accepted"] + requests["declined"]
    held = reported["reported"] - reported["no_show"]
    return {
        "participants": participants,
        "requests": requests["total"],
        "by_status": {key: requests[key] for key in MeetingRequest.Status.values},
        "answered": answered,
        "acceptance_rate": _rate(requests["accepted"], answered),
        "meetings": requests["scheduled"],
        "per_participant": round(2 * requests["scheduled"] / participants, 1)
        if participants
        else None,
        "reported": reported["reported"],
        "held": held,
        "no_show": reported["no_show"],
        "held_rate": _rate(held, reported["reported"]),
        "no_show_rate": _rate(reported["no_show"], reported["reported"]),
        "useful_yes": useful["yes"],
        "useful_no": useful["no"],
        "useful_rate": _rate(useful["yes"], useful["yes"] + useful["no"]),
    }
