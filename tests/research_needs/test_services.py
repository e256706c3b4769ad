from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from forum.notifications.models import Notification
from research_needs import selectors, services
from research_needs.models import Answer, Need, add_months
from tests.factories import AnswerFactory, NeedFactory, topic

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    data = {
        "title": "Recycling von Lithium-Ionen-Batterien",
        "summary": "Wir suchen ein Verfahren für Schwarzmasse.",
        "description": "Unsere Anlage zerkleinert Altbatterien.",
        "challenge_types": ["new_technology"],
        "keywords": "Schwarzmasse, Lithium,  , lithium",
        "trl_now": 3,
        "trl_target": 6,
        "cooperation_types": ["contract_research"],
        "partner_kinds": ["research"],
        "budget_band": "10k_50k",
        "public_funding": True,
        "desired_start": None,
        "deadline": timezone.localdate() + timedelta(days=120),
        "language": "de",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def _kinds():
    return list(Notification.objects.values_list("kind", flat=True).distinct())


# --- create, update, submit -------------------------------------------------------------


def test_need_create_makes_a_draft_of_the_actors_organisation(owner, sme):
    need = services.need_create(actor=owner, topics=[topic()], **_fields())

    assert need.status == Need.Status.DRAFT
    assert need.organisation == sme
    assert need.created_by == owner
    assert need.contact_person == owner
    assert need.keywords == ["Schwarzmasse", "Lithium"]
    assert list(need.topics.all()) == [topic()]


def test_need_create_refuses_users_without_organisation(db):
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        services.need_create(actor=UserFactory(), topics=[topic()], **_fields())


def test_need_create_refuses_another_organisation(owner, institute):
    with pytest.raises(PermissionDenied):
        services.need_create(actor=owner, organisation=institute, topics=[topic()], **_fields())


def test_need_create_by_organiser_for_any_organisation(organiser_user, sme):
    need = services.need_create(
        actor=organiser_user, organisation=sme, topics=[topic()], **_fields()
    )

    assert need.organisation == sme
    assert need.contact_person is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"summary": "x" * 501}, "summary"),
        ({"description": "x" * 8001}, "description"),
        ({"challenge_types": []}, "challenge_types"),
        ({"challenge_types": ["flying"]}, "challenge_types"),
        ({"cooperation_types": []}, "cooperation_types"),
        ({"trl_now": 0}, "trl_now"),
        ({"trl_target": 10}, "trl_target"),
        ({"trl_now": 6, "trl_target": 4}, "trl_target"),
        # Dates as callables: evaluated when the test runs, not when pytest collects it, so a
        # run that crosses midnight still tests "today" and "a year and a day from today".
        ({"deadline": timezone.localdate}, "deadline"),
        (
            {"deadline": lambda: add_months(timezone.localdate(), 12) + timedelta(days=1)},
            "deadline",
        ),
        ({"keywords": ",".join(f"k{i}" for i in range(11))}, "keywords"),
        ({"budget_band": "millions"}, "budget_band"),
        ({"visibility": "secret"}, "visibility"),
    ],
)
def test_need_create_refuses_bad_values_at_their_field(owner, overrides, field):
    overrides = {key: value() if callable(value) else value for key, value in overrides.items()}
    with pytest.raises(ValidationError) as raised:
        services.need_create(actor=owner, topics=[topic()], **_fields(**overrides))

    assert field in raised.value.message_dict
    assert not Need.objects.exists()


@pytest.mark.parametrize("count", [0, 6])
def test_need_create_needs_one_to_five_topics(owner, count):
    from members.models import Topic

    topics = list(Topic.objects.all()[:count])
    with pytest.raises(ValidationError) as raised:
        services.need_create(actor=owner, topics=topics, **_fields())

    assert "topics" in raised.value.message_dict


def test_need_update_changes_a_draft(owner, colleague):
    need = NeedFactory(organisation=owner.memberships.get().organisation, draft=True)

    services.need_update(
        actor=colleague, need=need, title="Neuer Titel", topics=[topic("catalysts")]
    )

    need.refresh_from_db()
    assert need.title == "Neuer Titel"
    assert list(need.topics.values_list("slug", flat=True)) == ["catalysts"]


def test_need_update_refuses_published_needs_and_strangers(owner, stranger, sme):
    published = NeedFactory(organisation=sme)
    with pytest.raises(ValidationError):
        services.need_update(actor=owner, need=published, title="Neu")
    draft = NeedFactory(organisation=sme, draft=True)
    with pytest.raises(PermissionDenied):
        services.need_update(actor=stranger, need=draft, title="Neu")


def test_need_submit_hands_the_draft_to_organisers(owner, sme, organiser_user):
    need = NeedFactory(organisation=sme, draft=True)

    need = services.need_submit(actor=owner, need=need)

    assert need.status == Need.Status.SUBMITTED
    assert need.submitted_at is not None
    assert Notification.objects.filter(
        kind="research_needs.need_submitted", recipient=organiser_user
    ).exists()


def test_need_submit_refuses_non_drafts_and_strangers(owner, stranger, sme):
    with pytest.raises(ValidationError):
        services.need_submit(actor=owner, need=NeedFactory(organisation=sme))
    with pytest.raises(PermissionDenied):
        services.need_submit(actor=stranger, need=NeedFactory(organisation=sme, draft=True))


# --- moderation ---------------------------------------------------------------------------


def test_need_publish_opens_the_need_and_tells_the_owner(owner, sme, organiser_user):
    need = NeedFactory(organisation=sme, submitted=True, created_by=owner)

    need = services.need_publish(actor=organiser_user, need=need)

    assert need.status == Need.Status.PUBLISHED
    assert need.published_at is not None
    assert "research_needs.need_published" in _kinds()


def test_only_organisers_moderate(owner, sme):
    need = NeedFactory(organisation=sme, submitted=True)
    for service in (services.need_publish,):
        with pytest.raises(PermissionDenied):
            service(actor=owner, need=need)
    with pytest.raises(PermissionDenied):
        services.need_request_changes(actor=owner, need=need, comment="Bitte genauer")
    with pytest.raises(PermissionDenied):
        services.need_reject(actor=owner, need=need, comment="Nein")


def test_moderation_only_for_submitted_needs(organiser_user, sme):
    with pytest.raises(ValidationError):
        services.need_publish(actor=organiser_user, need=NeedFactory(organisation=sme, draft=True))
    with pytest.raises(ValidationError):
        services.need_reject(actor=organiser_user, need=NeedFactory(organisation=sme), comment="x")


def test_need_publish_refuses_a_deadline_that_has_passed(organiser_user, sme):
    need = NeedFactory(organisation=sme, submitted=True, deadline=timezone.localdate())

    with pytest.raises(ValidationError):
        services.need_publish(actor=organiser_user, need=need)

    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED


def test_request_changes_sends_back_to_draft_with_comment(organiser_user, owner, sme):
    need = NeedFactory(organisation=sme, submitted=True, created_by=owner)

    need = services.need_request_changes(
        actor=organiser_user, need=need, comment="Bitte die Mengen angeben."
    )

    assert need.status == Need.Status.DRAFT
    assert need.moderation_comment == "Bitte die Mengen angeben."
    assert "research_needs.need_changes_requested" in _kinds()


@pytest.mark.parametrize("service", ["need_request_changes", "need_reject"])
def test_request_changes_and_reject_need_a_comment(organiser_user, sme, service):
    need = NeedFactory(organisation=sme, submitted=True)

    with pytest.raises(ValidationError) as raised:
        getattr(services, service)(actor=organiser_user, need=need, comment="   ")

    assert "comment" in raised.value.message_dict


def test_reject_closes_the_need_and_keeps_it_hidden(organiser_user, owner, sme, researcher):
    need = NeedFactory(organisation=sme, submitted=True, created_by=owner)

    need = services.need_reject(actor=organiser_user, need=need, comment="Kein Forschungsbedarf.")

    assert need.status == Need.Status.CLOSED
    assert need.close_reason == Need.CloseReason.REJECTED
    assert not selectors.visible_needs(researcher).filter(pk=need.pk).exists()
    assert "research_needs.need_rejected" in _kinds()


# --- close, extend ------------------------------------------------------------------------


def test_need_close_with_a_reason(owner, sme):
    need = services.need_close(
        actor=owner, need=NeedFactory(organisation=sme), reason="cooperation"
    )

    assert need.status == Need.Status.CLOSED
    assert need.close_reason == "cooperation"
    assert need.closed_at is not None


def test_need_close_refuses_bad_reasons_strangers_and_closed_needs(owner, stranger, sme):
    need = NeedFactory(organisation=sme)
    with pytest.raises(ValidationError):
        services.need_close(actor=owner, need=need, reason="expired")
    with pytest.raises(PermissionDenied):
        services.need_close(actor=stranger, need=need, reason="withdrawn")
    with pytest.raises(ValidationError):
        services.need_close(
            actor=owner, need=NeedFactory(organisation=sme, draft=True), reason="cooperation"
        )
    closed = NeedFactory(organisation=sme, closed=True)
    with pytest.raises(ValidationError):
        services.need_close(actor=owner, need=closed, reason="withdrawn")


def test_need_close_withdraws_a_draft(owner, sme):
    need = services.need_close(
        actor=owner, need=NeedFactory(organisation=sme, draft=True), reason="withdrawn"
    )

    assert need.status == Need.Status.CLOSED


def test_need_extend_once_within_twelve_months(owner, sme):
    need = NeedFactory(organisation=sme, reminder_sent_at=timezone.now())
    later = need.deadline + timedelta(days=30)

    need = services.need_extend(actor=owner, need=need, deadline=later)

    assert need.deadline == later
    assert need.extended_at is not None
    assert need.reminder_sent_at is None
    with pytest.raises(ValidationError):
        services.need_extend(actor=owner, need=need, deadline=later + timedelta(days=1))


def test_need_extend_refuses_earlier_or_too_late_dates(owner, sme, stranger):
    need = NeedFactory(organisation=sme)
    with pytest.raises(ValidationError) as raised:
        services.need_extend(actor=owner, need=need, deadline=need.deadline)
    assert "deadline" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.need_extend(
            actor=owner, need=need, deadline=need.latest_extension_deadline + timedelta(days=1)
        )
    assert "deadline" in raised.value.message_dict
    with pytest.raises(PermissionDenied):
        services.need_extend(actor=stranger, need=need, deadline=need.deadline + timedelta(days=5))
    with pytest.raises(ValidationError):
        services.need_extend(
            actor=owner,
            need=NeedFactory(organisation=sme, draft=True),
            deadline=timezone.localdate() + timedelta(days=10),
        )


# --- answers ------------------------------------------------------------------------------


def _answer(researcher, need):
    return services.answer_create(
        actor=researcher,
        need=need,
        approach="Selektive Laugung der Schwarzmasse.",
        competences="Hydrometallurgie",
        references="",
        cooperation_type="contract_research",
        timeframe="6 Monate",
    )


def test_answer_create_opens_a_conversation_and_tells_the_owner(researcher, institute, sme, owner):
    need = NeedFactory(organisation=sme, created_by=owner)

    answer = _answer(researcher, need)

    assert answer.organisation == institute
    assert answer.status == Answer.Status.SUBMITTED
    assert answer.conversation.pk
    assert Notification.objects.filter(
        kind="research_needs.answer_received", recipient=owner
    ).exists()


def test_answer_create_only_once_per_organisation(researcher, sme, institute):
    from tests.factories import MembershipFactory

    need = NeedFactory(organisation=sme)
    _answer(researcher, need)
    colleague = MembershipFactory(organisation=institute).user

    with pytest.raises(ValidationError):
        _answer(colleague, need)


def test_answer_again_after_withdrawing(researcher, sme):
    need = NeedFactory(organisation=sme)
    services.answer_withdraw(actor=researcher, answer=_answer(researcher, need))

    again = _answer(researcher, need)

    assert again.is_active


def test_answer_create_refuses_own_organisation_closed_needs_and_non_members(
    owner, researcher, sme
):
    from tests.factories import UserFactory

    need = NeedFactory(organisation=sme)
    with pytest.raises(PermissionDenied):
        _answer(owner, need)
    with pytest.raises(PermissionDenied):
        _answer(UserFactory(), need)
    with pytest.raises(ValidationError):
        _answer(researcher, NeedFactory(organisation=sme, closed=True))
    with pytest.raises(ValidationError):
        _answer(researcher, NeedFactory(organisation=sme, submitted=True))


def test_answer_create_refuses_bad_values(researcher, sme):
    need = NeedFactory(organisation=sme)
    with pytest.raises(ValidationError) as raised:
        services.answer_create(
            actor=researcher, need=need, approach="x" * 4001, cooperation_type="teleport"
        )
    assert {"approach", "cooperation_type"} <= set(raised.value.message_dict)


def test_answer_shortlist_accept_by_the_owner(owner, sme, researcher, institute):
    answer = AnswerFactory(
        need=NeedFactory(organisation=sme), organisation=institute, created_by=researcher
    )

    answer = services.answer_shortlist(actor=owner, answer=answer)
    assert answer.status == Answer.Status.SHORTLISTED
    answer = services.answer_accept(actor=owner, answer=answer)

    assert answer.status == Answer.Status.ACCEPTED
    assert answer.decided_at is not None
    assert {"research_needs.answer_shortlisted", "research_needs.answer_accepted"} <= set(_kinds())


def test_answer_decisions_refused_to_others(researcher, stranger, organiser_user, sme):
    answer = AnswerFactory(need=NeedFactory(organisation=sme))
    for actor in (researcher, stranger, organiser_user):
        with pytest.raises(PermissionDenied):
            services.answer_shortlist(actor=actor, answer=answer)
        with pytest.raises(PermissionDenied):
            services.answer_accept(actor=actor, answer=answer)
        with pytest.raises(PermissionDenied):
            services.answer_decline(actor=actor, answer=answer, feedback="Nein")


def test_answer_decline_needs_feedback(owner, sme):
    answer = AnswerFactory(need=NeedFactory(organisation=sme))
    with pytest.raises(ValidationError) as raised:
        services.answer_decline(actor=owner, answer=answer, feedback="  ")
    assert "feedback" in raised.value.message_dict

    answer = services.answer_decline(actor=owner, answer=answer, feedback="Zu teuer.")

    assert answer.status == Answer.Status.DECLINED
    assert answer.feedback == "Zu teuer."
    with pytest.raises(ValidationError):
        services.answer_accept(actor=owner, answer=answer)


def test_answer_accept_refused_on_a_closed_need(owner, sme):
    answer = AnswerFactory(need=NeedFactory(organisation=sme, closed=True))

    with pytest.raises(ValidationError):
        services.answer_accept(actor=owner, answer=answer)


def test_answer_withdraw_only_by_the_responder_and_before_a_decision(researcher, owner, sme):
    answer = AnswerFactory(
        need=NeedFactory(organisation=sme), organisation=researcher.memberships.get().organisation
    )
    with pytest.raises(PermissionDenied):
        services.answer_withdraw(actor=owner, answer=answer)

    answer = services.answer_withdraw(actor=researcher, answer=answer)
    assert answer.status == Answer.Status.WITHDRAWN

    accepted = AnswerFactory(
        need=NeedFactory(organisation=sme),
        organisation=researcher.memberships.get().organisation,
        accepted=True,
    )
    with pytest.raises(ValidationError):
        services.answer_withdraw(actor=researcher, answer=accepted)


# --- messages -----------------------------------------------------------------------------


def test_message_send_and_read_state(owner, researcher, sme, institute, organiser_user):
    answer = AnswerFactory(
        need=NeedFactory(organisation=sme, created_by=owner), organisation=institute
    )
    conversation = answer.conversation

    message = services.message_send(actor=researcher, conversation=conversation, body=" Hallo ")

    assert message.body == "Hallo"
    assert message.author_organisation == institute
    assert selectors.unread_message_count(owner) == 1
    assert selectors.unread_message_count(researcher) == 0
    assert services.conversation_mark_read(actor=organiser_user, conversation=conversation) == 0
    assert services.conversation_mark_read(actor=owner, conversation=conversation) == 1
    assert selectors.unread_message_count(owner) == 0
    assert "research_needs.message_received" in _kinds()


def test_message_send_refused_to_others_empty_and_closed(
    stranger, organiser_user, researcher, sme, institute
):
    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    for actor in (stranger, organiser_user):
        with pytest.raises(PermissionDenied):
            services.message_send(actor=actor, conversation=answer.conversation, body="Hallo")
    with pytest.raises(ValidationError) as raised:
        services.message_send(actor=researcher, conversation=answer.conversation, body=" ")
    assert "body" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.message_send(actor=researcher, conversation=answer.conversation, body="x" * 4001)
    assert "body" in raised.value.message_dict
    Answer.objects.filter(pk=answer.pk).update(status="withdrawn")
    with pytest.raises(ValidationError):
        services.message_send(actor=researcher, conversation=answer.conversation, body="Hallo")
