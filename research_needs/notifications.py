"""The research needs' notification categories and kinds (forum/notifications/registry.py).

Registered from ``ResearchNeedsConfig.ready()`` through ``register_notifications()``. The
services call the functions below inside their transaction, so a rolled-back change leaves
no notification behind.

What each notification stores (its context) is what its subject needs, rendered in the
in-app list without queries: the need's title, the link, and the name of an organisation
only where the recipient may know it. An anonymous need's owner stays hidden from everyone
but organisers until the owner accepts an answer (PRODUCT.md 3.2), so alerts, answer
decisions before acceptance and messages to the responder never carry it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forum.notifications import registry
from forum.notifications.models import Notification
from forum.notifications.services import notify, notify_many
from forum.organisers import ORGANISERS_GROUP
from members.selectors import organisation_admins

CATEGORY = "research_needs"
ALERTS = "need_alerts"
ALERT_KIND = "research_needs.need_alert"


def _kind(name: str) -> str:
    return f"research_needs.{name}"


# --- Delivery-time context ----------------------------------------------------------------


def _need_model():
    from .models import Need

    return Need


def _current_need(notification):
    """The need as it is now, for the body (its deadline may have moved since)."""
    need = (
        _need_model()
        .objects.select_related("organisation")
        .filter(pk=notification.context.get("need_id"))
        .first()
    )
    return {"need": need} if need is not None else {}


def _open_need(notification):
    """Alerts and reminders are only worth sending while the need is still open: a need
    closed or withdrawn before the email went out is not announced any more."""
    need = (
        _need_model()
        .objects.select_related("organisation")
        .prefetch_related("topics")
        .filter(pk=notification.context.get("need_id"), status="published")
        .first()
    )
    if need is None:
        return None
    if notification.kind == _kind("need_expiry_reminder") and (
        need.deadline.isoformat() != notification.context.get("deadline")
    ):
        return None  # extended meanwhile: this reminder is about a deadline that no longer holds
    return {"need": need, "topics": list(need.topics.all())}


def register_notifications() -> None:
    registry.register_category(
        CATEGORY,
        label=_("Research needs and answers"),
        description=_(
            "Your needs are published or sent back, answers arrive or are decided, "
            "new messages in your conversations, deadlines."
        ),
        order=30,
    )
    registry.register_category(
        ALERTS,
        label=_("Alerts for new research needs"),
        description=_(
            "A research need in one of your topics or your organisation's was published."
        ),
        order=35,
    )
    plain = [
        ("need_submitted", None),
        ("need_published", _current_need),
        ("need_changes_requested", None),
        ("need_rejected", None),
        ("need_expiry_reminder", _open_need),
        ("need_expired", None),
        ("answer_received", None),
        ("answer_shortlisted", None),
        ("answer_accepted", None),
        ("answer_declined", None),
        ("message_received", None),
    ]
    for name, prepare in plain:
        registry.register_kind(
            _kind(name),
            category=CATEGORY,
            template=f"mail/research_needs/{name}",
            prepare=prepare,
        )
    registry.register_kind(
        ALERT_KIND, category=ALERTS, template="mail/research_needs/need_alert", prepare=_open_need
    )


# --- Who hears about what -----------------------------------------------------------------


def _active_members(user_ids, organisation):
    """The given users who are active and still belong to ``organisation``."""
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return []
    return list(
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True, memberships__organisation=organisation)
        .order_by("pk")
    )


def need_owners(need) -> list:
    """Who speaks for a need: its author and its contact person, while they still belong to
    the organisation; if neither does any more, the organisation's admins."""
    owners = _active_members([need.created_by_id, need.contact_person_id], need.organisation)
    if owners:
        return owners
    return list(organisation_admins(need.organisation))


def responders(answer) -> list:
    """Who speaks for an answer: its author while still in the organisation, else the
    answering organisation's admins."""
    people = _active_members([answer.created_by_id], answer.organisation)
    if people:
        return people
    return list(organisation_admins(answer.organisation))


def organisers() -> list:
    """Cluster staff who moderate: active staff in the Organisers group, and superusers."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name=ORGANISERS_GROUP))
        .distinct()
        .order_by("pk")
    )


#: How many of the organisations a need fits best get its alert (issue 13).
FITTING_ORGANISATIONS = 10


def fitting_recipients(need) -> list:
    """The active members of the FITTING_ORGANISATIONS organisations the need fits best
    (research_needs.matching), best first: approved, not the need's own, not opted out of
    recommendations. Empty until the need's row for the recommendations exists."""
    from .matching.selectors import SYSTEM, recommend_organisations_for_need

    matches = recommend_organisations_for_need(need, viewer=SYSTEM, limit=FITTING_ORGANISATIONS)
    if not matches:
        return []
    rank = {match.organisation.pk: position for position, match in enumerate(matches)}
    people = (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation__in=list(rank),
            memberships__organisation__status="approved",
        )
        .exclude(memberships__organisation=need.organisation_id)
        .exclude(memberships__organisation__competence_profile__recommend=False)
        .annotate(alert_organisation=F("memberships__organisation"))
        .distinct()
    )
    return sorted(people, key=lambda person: (rank[person.alert_organisation], person.pk))


def alert_groups(need) -> tuple[list, list]:
    """Who gets a need's alert, in two groups with their own explanation: members of
    other, approved organisations whose own topics or whose organisation's topics meet the
    need's topics; then the members of the organisations the need fits best
    (fitting_recipients) not already in the first group. A need of an organisation that
    is not approved (pending, rejected, deactivated) is never announced (issue 11)."""
    if need.organisation.status != "approved":
        return [], []
    by_topic = _topic_recipients(need)
    seen = {person.pk for person in by_topic}
    by_fit = []
    for person in fitting_recipients(need):
        if person.pk not in seen:
            seen.add(person.pk)
            by_fit.append(person)
    return by_topic, by_fit


def alert_recipients(need) -> list:
    """Everyone who gets the need's alert, each once (alert_groups)."""
    by_topic, by_fit = alert_groups(need)
    return by_topic + by_fit


def _topic_recipients(need) -> list:
    topic_ids = list(need.topics.values_list("pk", flat=True))
    if not topic_ids:
        return []
    return list(
        get_user_model()
        .objects.filter(is_active=True, memberships__organisation__status="approved")
        .filter(
            Q(profile__topics__in=topic_ids) | Q(memberships__organisation__topics__in=topic_ids)
        )
        .exclude(memberships__organisation=need.organisation_id)
        .distinct()
        .order_by("pk")
    )


# --- Context ------------------------------------------------------------------------------


def _need_url(need) -> str:
    return reverse("research_needs:detail", args=[need.pk])


def _conversation_url(answer) -> str:
    conversation = getattr(answer, "conversation", None)
    if conversation is not None:
        return reverse("research_needs:conversation", args=[conversation.pk])
    return _need_url(answer.need)


def _need_context(need, **extra) -> dict:
    return {"need_id": need.pk, "need_title": need.title, "url": _need_url(need), **extra}


def _owner_name_for_responder(answer) -> str:
    """The need's organisation as the responding organisation may know it
    (permissions.can_see_poster): hidden on an anonymous need until its answer is accepted."""
    from .permissions import can_see_poster

    need = answer.need
    return need.organisation.name if can_see_poster(answer.organisation, need) else ""


def _to_each(kind: str, people, context: dict, dedup: str = "") -> None:
    for person in people:
        notify(
            kind=kind,
            recipient=person,
            context=context,
            dedup_key=f"{dedup}:{person.pk}" if dedup else "",
        )


# --- Called by research_needs/services.py inside their transactions -----------------------


def need_submitted(need) -> None:
    """To the organisers: a need waits for moderation. Every submission counts (a need sent
    back for changes comes again), so there is no dedup key."""
    people = [person for person in organisers() if person.pk != need.created_by_id]
    if not people:
        return
    notify_many(
        kind=_kind("need_submitted"),
        recipients=people,
        context=_need_context(
            need,
            organisation_name=need.organisation.name,
            url=reverse("research_needs:moderation"),
            need_url=_need_url(need),
        ),
    )


def need_published(need) -> None:
    """To the owners; and an alert to members of other organisations in the need's topics
    and of the organisations it fits best (alert_recipients).
    A need is published once, so the alerts go out once, even if this is called again."""
    _to_each(
        _kind("need_published"),
        need_owners(need),
        _need_context(need),
        dedup=f"research_needs.need_published:{need.pk}",
    )
    if Notification.objects.filter(kind=ALERT_KIND, context__need_id=need.pk).exists():
        return
    by_topic, by_fit = alert_groups(need)
    if not (by_topic or by_fit):
        return
    # One message for members of many organisations: only a need that is not anonymous
    # names its poster to all of them (permissions.poster_shown).
    context = _need_context(need, summary=need.summary, anonymous=need.is_anonymous)
    if not need.is_anonymous:
        context["organisation_name"] = need.organisation.name
    if by_topic:
        notify_many(kind=ALERT_KIND, recipients=by_topic, context=context)
    if by_fit:
        # Told why: the need fits their organisation's competence profile (issue 13).
        notify_many(kind=ALERT_KIND, recipients=by_fit, context={**context, "fits": True})


def need_changes_requested(need, comment: str) -> None:
    _to_each(
        _kind("need_changes_requested"),
        need_owners(need),
        _need_context(need, comment=comment),
    )


def need_rejected(need, comment: str) -> None:
    _to_each(
        _kind("need_rejected"),
        need_owners(need),
        _need_context(need, comment=comment),
        dedup=f"research_needs.need_rejected:{need.pk}",
    )


def need_expiry_reminder(need) -> None:
    """Once per deadline: after an extension the new deadline gets its own reminder."""
    deadline = need.deadline.isoformat()
    _to_each(
        _kind("need_expiry_reminder"),
        need_owners(need),
        _need_context(need, deadline=deadline),
        dedup=f"research_needs.need_expiry_reminder:{need.pk}:{deadline}",
    )


def need_expired(need) -> None:
    _to_each(
        _kind("need_expired"),
        need_owners(need),
        _need_context(need),
        dedup=f"research_needs.need_expired:{need.pk}",
    )


def answer_received(answer) -> None:
    need = answer.need
    _to_each(
        _kind("answer_received"),
        need_owners(need),
        _need_context(
            need,
            answer_id=answer.pk,
            responder_name=answer.organisation.name,
            url=_conversation_url(answer),
        ),
        dedup=f"research_needs.answer_received:{answer.pk}",
    )


def _answer_decision(kind: str, answer, **extra) -> None:
    need = answer.need
    _to_each(
        _kind(kind),
        responders(answer),
        _need_context(
            need,
            answer_id=answer.pk,
            organisation_name=_owner_name_for_responder(answer),
            url=_conversation_url(answer),
            **extra,
        ),
        dedup=f"research_needs.{kind}:{answer.pk}",
    )


def answer_shortlisted(answer) -> None:
    _answer_decision("answer_shortlisted", answer)


def answer_accepted(answer) -> None:
    _answer_decision("answer_accepted", answer)


def answer_declined(answer) -> None:
    _answer_decision("answer_declined", answer, feedback=answer.feedback)


def message_received(message) -> None:
    """To the other side of the conversation: its default people (the need's owners, or the
    answer's author) and whoever of that side has written in it. The sender's organisation
    is named unless it is the owner of an anonymous need that has not accepted this answer."""
    conversation = message.conversation
    answer = conversation.answer
    need = answer.need
    from_owner = message.author_organisation_id == need.organisation_id
    if from_owner:
        other_org = answer.organisation
        default = responders(answer)
        sender_name = _owner_name_for_responder(answer)
    else:
        other_org = need.organisation
        default = need_owners(need)
        sender_name = answer.organisation.name
    writers = set(
        conversation.messages.filter(author_organisation=other_org).values_list(
            "author_id", flat=True
        )
    )
    people = {person.pk: person for person in default}
    for person in _active_members(writers - set(people), other_org):
        people[person.pk] = person
    people.pop(message.author_id, None)
    if not people:
        return
    notify_many(
        kind=_kind("message_received"),
        recipients=[people[pk] for pk in sorted(people)],
        context=_need_context(
            need,
            message_id=message.pk,
            sender_name=sender_name,
            url=reverse("research_needs:conversation", args=[conversation.pk]),
        ),
    )


# --- Introductions (issue 13, item 5) ----------------------------------------------------
#
# Registered from apps.py with register_introduction_notifications(). Side B learns the
# name of side A (the introduction is meant to make them meet) but learns the need only
# where it may know who posted it (permissions.poster_shown): an anonymous need stays
# unlinked from its organisation.

INTRODUCTION_KINDS = ("introduction_proposed", "introduction_accepted", "introduction_message")


def register_introduction_notifications() -> None:
    for name in INTRODUCTION_KINDS:
        registry.register_kind(
            _kind(name), category=CATEGORY, template=f"mail/research_needs/{name}"
        )


def _introductions_url() -> str:
    return reverse("research_needs:introductions")


def _introduction_context(introduction, organisation, **extra) -> dict:
    """What ``organisation`` (one side) reads about the introduction."""
    from .permissions import can_see_poster

    need = introduction.need
    shown = need is not None and can_see_poster(organisation, need)
    other = introduction.other(introduction.side_of(organisation.pk))
    return {
        "introduction_id": introduction.pk,
        "other_name": other.name,
        "need_title": need.title if shown else "",
        "reason": introduction.reason,
        "url": _introductions_url(),
        **extra,
    }


def _side_people(introduction, side: str) -> list:
    if side == "a" and introduction.need is not None:
        return need_owners(introduction.need)
    organisation = introduction.organisation_a if side == "a" else introduction.organisation_b
    return list(organisation_admins(organisation))


def introduction_proposed(introduction) -> None:
    """Both sides (the need's owners on side A, the admins on side B), but not the proposer."""
    for side, organisation in (
        ("a", introduction.organisation_a),
        ("b", introduction.organisation_b),
    ):
        people = [
            p for p in _side_people(introduction, side) if p.pk != introduction.proposed_by_id
        ]
        _to_each(
            _kind("introduction_proposed"),
            people,
            _introduction_context(introduction, organisation),
            dedup=f"research_needs.introduction_proposed:{introduction.pk}",
        )


def introduction_accepted(introduction) -> None:
    """The proposer, once both sides accepted."""
    proposer = introduction.proposed_by
    if proposer is None or not proposer.is_active:
        return
    notify(
        kind=_kind("introduction_accepted"),
        recipient=proposer,
        context={
            "introduction_id": introduction.pk,
            "a_name": introduction.organisation_a.name,
            "b_name": introduction.organisation_b.name,
            "url": _introductions_url(),
        },
        dedup_key=f"research_needs.introduction_accepted:{introduction.pk}",
    )


def introduction_message_received(message) -> None:
    """A message in an introduction's conversation: the other side's admins and whoever of
    that side has written in it."""
    conversation = message.conversation
    introduction = conversation.introduction
    side = introduction.side_of(message.author_organisation_id)
    other = introduction.other(side)
    writers = set(
        conversation.messages.filter(author_organisation=other).values_list("author_id", flat=True)
    )
    people = {p.pk: p for p in organisation_admins(other)}
    for person in _active_members(writers - set(people), other):
        people[person.pk] = person
    people.pop(message.author_id, None)
    if not people:
        return
    notify_many(
        kind=_kind("introduction_message"),
        recipients=[people[pk] for pk in sorted(people)],
        context={
            "conversation_id": conversation.pk,
            "sender_name": message.author_organisation.name,
            "url": reverse("research_needs:conversation", args=[conversation.pk]),
        },
    )
