"""Introductions (issue 13, item 5): proposing, accepting, declining (privately), the
conversation once both accepted, the outbox, the pages and the predicates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from forum.notifications.models import Notification
from members.models import Membership
from research_needs import permissions, services
from research_needs.models import Conversation, Introduction, Message
from tests.factories import MembershipFactory, NeedFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

REASON = "Beide arbeiten an der Laugung von Schwarzmasse."


@pytest.fixture
def need(sme, owner):
    return NeedFactory(organisation=sme, created_by=owner, contact_person=owner)


@pytest.fixture
def proposed(need, owner, institute, researcher):
    return services.introduction_propose(
        actor=owner, need=need, organisation=institute, reason=REASON
    )


def _accepted(introduction, a_user, b_user):
    services.introduction_accept(actor=a_user, introduction=introduction)
    return services.introduction_accept(actor=b_user, introduction=introduction)


def _kinds(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- Proposing --------------------------------------------------------------------------------


def test_propose_records_both_sides_and_tells_them_but_not_the_proposer(
    need, owner, colleague, institute, researcher
):
    need.contact_person = colleague
    need.save()

    introduction = services.introduction_propose(
        actor=owner, need=need, organisation=institute, reason=f"  {REASON}  "
    )

    assert (introduction.organisation_a, introduction.organisation_b) == (
        need.organisation,
        institute,
    )
    assert introduction.reason == REASON and introduction.status == Introduction.Status.PROPOSED
    assert _kinds(colleague) == ["research_needs.introduction_proposed"]
    assert _kinds(researcher) == ["research_needs.introduction_proposed"]
    assert _kinds(owner) == []
    told = Notification.objects.get(recipient=researcher)
    assert told.context["other_name"] == need.organisation.name
    assert told.context["need_title"] == need.title


def test_propose_for_an_anonymous_need_does_not_link_it_to_side_b(
    sme, owner, institute, researcher
):
    need = NeedFactory(organisation=sme, created_by=owner, anonymous=True)

    services.introduction_propose(actor=owner, need=need, organisation=institute, reason=REASON)

    told = Notification.objects.get(recipient=researcher)
    assert told.context["need_title"] == ""


def test_organiser_proposes_for_any_need(need, organiser_user, institute):
    introduction = services.introduction_propose(
        actor=organiser_user, need=need, organisation=institute, reason=REASON
    )

    assert introduction.proposed_by == organiser_user


@pytest.mark.parametrize("who", ["stranger", "researcher"])
def test_others_cannot_propose(request, need, institute, third_org, who):
    actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.introduction_propose(actor=actor, need=need, organisation=third_org, reason=REASON)
    assert not Introduction.objects.exists()


@pytest.mark.parametrize(
    "reason, message",
    [("   ", "Say in one line"), ("x" * 301, "At most 300")],
)
def test_propose_needs_a_reason_of_one_line(need, owner, institute, reason, message):
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.introduction_propose(actor=owner, need=need, organisation=institute, reason=reason)

    assert message in " ".join(error.value.messages)
    assert not Introduction.objects.exists()


def test_never_to_itself(need, owner, sme):
    with pytest.raises(ValidationError):
        services.introduction_propose(actor=owner, need=need, organisation=sme, reason=REASON)


def test_never_to_an_organisation_not_approved(need, owner):
    pending = OrganisationFactory(status="pending")

    with pytest.raises(ValidationError):
        services.introduction_propose(actor=owner, need=need, organisation=pending, reason=REASON)


def test_never_for_a_closed_need(sme, owner, institute):
    need = NeedFactory(organisation=sme, created_by=owner, closed=True)

    with pytest.raises(PermissionDenied):
        services.introduction_propose(actor=owner, need=need, organisation=institute, reason=REASON)


def test_same_proposal_twice_is_one_introduction(proposed, need, owner, institute):
    again = services.introduction_propose(
        actor=owner, need=need, organisation=institute, reason=REASON
    )

    assert again == proposed
    assert Introduction.objects.count() == 1


def test_one_open_introduction_per_pair_until_it_is_decided(
    proposed, sme, owner, institute, researcher
):
    other_need = NeedFactory(organisation=sme, created_by=owner)
    with pytest.raises(ValidationError):
        services.introduction_propose(
            actor=owner, need=other_need, organisation=institute, reason=REASON
        )

    services.introduction_decline(actor=researcher, introduction=proposed)
    second = services.introduction_propose(
        actor=owner, need=other_need, organisation=institute, reason=REASON
    )

    assert second != proposed and second.status == Introduction.Status.PROPOSED


def test_database_refuses_a_second_open_introduction_and_one_to_itself(proposed, sme, institute):
    with pytest.raises(IntegrityError), transaction.atomic():
        Introduction.objects.create(organisation_a=institute, organisation_b=sme, reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Introduction.objects.create(organisation_a=sme, organisation_b=sme, reason="x")


def test_database_wants_exactly_one_of_answer_and_introduction(proposed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create()


# --- Accepting and declining ------------------------------------------------------------------


def test_one_side_accepting_opens_nothing_yet(proposed, owner):
    introduction = services.introduction_accept(actor=owner, introduction=proposed)

    assert introduction.a_accepted_at is not None and introduction.b_accepted_at is None
    assert introduction.status == Introduction.Status.PROPOSED
    assert not Conversation.objects.filter(introduction=proposed).exists()


def test_both_accepting_opens_one_conversation_and_tells_the_proposer(
    proposed, owner, colleague, researcher
):
    MembershipFactory(organisation=proposed.organisation_b)  # a second member of side B
    introduction = _accepted(proposed, colleague, researcher)
    services.introduction_accept(actor=researcher, introduction=proposed)  # again: nothing

    assert introduction.status == Introduction.Status.ACCEPTED
    assert Conversation.objects.filter(introduction=proposed).count() == 1
    assert "research_needs.introduction_accepted" in _kinds(owner)


@pytest.mark.parametrize("who", ["stranger", "organiser_user"])
def test_only_the_two_sides_answer(request, proposed, who):
    actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.introduction_accept(actor=actor, introduction=proposed)
    with pytest.raises(PermissionDenied):
        services.introduction_decline(actor=actor, introduction=proposed)


def test_decline_needs_no_reason_and_tells_nobody(proposed, owner, researcher):
    before = Notification.objects.count()

    introduction = services.introduction_decline(actor=researcher, introduction=proposed)

    assert introduction.status == Introduction.Status.DECLINED
    assert introduction.declined_by_side == Introduction.Side.B
    assert Notification.objects.count() == before
    with pytest.raises(ValidationError):
        services.introduction_accept(actor=owner, introduction=proposed)


def test_a_side_may_step_back_after_accepting_until_both_did(proposed, owner, researcher):
    services.introduction_accept(actor=owner, introduction=proposed)
    services.introduction_decline(actor=owner, introduction=proposed)
    proposed.refresh_from_db()
    assert proposed.declined_by_side == Introduction.Side.A

    other = OrganisationFactory()
    other_member = MembershipFactory(organisation=other).user
    second = services.introduction_propose(
        actor=owner, need=proposed.need, organisation=other, reason=REASON
    )
    _accepted(second, owner, other_member)
    with pytest.raises(ValidationError):
        services.introduction_decline(actor=other_member, introduction=second)


# --- The conversation -------------------------------------------------------------------------


def test_both_sides_write_in_the_conversation_and_the_other_side_is_told(
    client, proposed, owner, researcher, organiser_user, stranger
):
    _accepted(proposed, owner, researcher)
    conversation = Conversation.objects.get(introduction=proposed)
    url = reverse("research_needs:conversation", args=[conversation.pk])
    client.force_login(researcher)

    response = client.post(url, {"body": "Guten Tag, wann passt ein Termin?"})

    assert response.status_code == 302
    message = Message.objects.get(conversation=conversation)
    assert message.author_organisation == proposed.organisation_b
    assert "research_needs.introduction_message" in _kinds(owner)
    client.force_login(owner)
    page = client.get(url)
    assert page.status_code == 200
    assert "Guten Tag, wann passt ein Termin?" in page.content.decode()
    assert REASON in page.content.decode()
    # Organisers read along but do not write; strangers do not find it.
    client.force_login(organiser_user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"body": "Hallo"}).status_code == 404
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert Message.objects.count() == 1


def test_unread_count_includes_introduction_messages(proposed, owner, researcher):
    from research_needs.selectors import unread_message_count

    _accepted(proposed, owner, researcher)
    conversation = Conversation.objects.get(introduction=proposed)
    services.message_send(actor=researcher, conversation=conversation, body="Hallo")

    assert unread_message_count(owner) == 1
    assert unread_message_count(researcher) == 0


# --- Pages ------------------------------------------------------------------------------------


def test_list_shows_each_side_its_introductions_with_accept_and_decline(
    client, proposed, researcher, stranger
):
    client.force_login(researcher)

    response = client.get(reverse("research_needs:introductions"))

    content = response.content.decode()
    assert response.status_code == 200
    assert proposed.organisation_a.name in content and REASON in content
    assert reverse("research_needs:introduction_accept", args=[proposed.pk]) in content
    assert reverse("research_needs:introduction_decline", args=[proposed.pk]) in content
    client.force_login(stranger)
    assert REASON not in client.get(reverse("research_needs:introductions")).content.decode()


def test_accepting_through_the_pages_shows_the_conversation_link(
    client, proposed, owner, researcher
):
    for user in (owner, researcher):
        client.force_login(user)
        response = client.post(
            reverse("research_needs:introduction_accept", args=[proposed.pk]), {"confirm": "yes"}
        )
        assert response.status_code == 302

    conversation = Conversation.objects.get(introduction=proposed)
    link = reverse("research_needs:conversation", args=[conversation.pk])
    assert link in client.get(reverse("research_needs:introductions")).content.decode()


def test_a_post_without_confirmation_changes_nothing(client, proposed, researcher):
    client.force_login(researcher)

    client.post(reverse("research_needs:introduction_decline", args=[proposed.pk]))

    proposed.refresh_from_db()
    assert proposed.status == Introduction.Status.PROPOSED


def test_declining_stays_private_from_the_other_side_only(
    client, proposed, owner, researcher, organiser_user
):
    client.force_login(researcher)
    client.post(
        reverse("research_needs:introduction_decline", args=[proposed.pk]), {"confirm": "yes"}
    )
    with translation.override("en"):
        url = reverse("research_needs:introductions")
    declined_by = f"Declined by {proposed.organisation_b.name}"

    other_side = MembershipFactory(organisation=proposed.organisation_a).user
    client.force_login(other_side)
    content = client.get(url).content.decode()
    assert "did not come about" in content and "Declined by" not in content
    client.force_login(owner)  # the proposer
    assert declined_by in client.get(url).content.decode()


def test_propose_page_keeps_bad_input_with_a_400(client, need, owner, institute):
    client.force_login(owner)
    url = reverse("research_needs:introduction_propose", args=[need.pk, institute.pk])

    response = client.post(url, {"reason": "x" * 301})

    assert response.status_code == 400
    assert "x" * 300 in response.content.decode()
    assert not Introduction.objects.exists()


def test_propose_form_sent_twice_makes_one_introduction(client, need, owner, institute):
    client.force_login(owner)
    url = reverse("research_needs:introduction_propose", args=[need.pk, institute.pk])
    data = {"reason": REASON, "form_once": "a" * 32}

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert Introduction.objects.count() == 1


def test_admin_lists_introductions_read_only(client, proposed, organiser_user):
    client.force_login(organiser_user)  # an organiser, not a superuser

    listing = client.get(
        reverse("admin:research_needs_introduction_changelist"), {"status": "proposed"}
    )

    assert listing.status_code == 200
    assert proposed.organisation_b.name in listing.content.decode()
    assert client.get(reverse("admin:research_needs_introduction_add")).status_code == 403


# --- Predicates -------------------------------------------------------------------------------


def test_predicates(proposed, need, owner, colleague, researcher, stranger, organiser_user):
    assert permissions.can_propose_introduction(colleague, need)
    assert permissions.can_propose_introduction(organiser_user, need)
    assert not permissions.can_propose_introduction(researcher, need)
    assert permissions.introduction_side(colleague, proposed) == "a"
    assert permissions.introduction_side(researcher, proposed) == "b"
    assert permissions.introduction_side(stranger, proposed) == ""
    assert permissions.can_see_introduction(organiser_user, proposed)
    assert not permissions.can_see_introduction(stranger, proposed)
    assert permissions.can_answer_introduction(researcher, proposed)
    assert not permissions.can_answer_introduction(organiser_user, proposed)

    services.introduction_accept(actor=researcher, introduction=proposed)
    proposed.refresh_from_db()
    assert not permissions.can_answer_introduction(researcher, proposed)
    assert permissions.can_decline_introduction(researcher, proposed)

    services.introduction_decline(actor=colleague, introduction=proposed)
    proposed.refresh_from_db()
    assert permissions.can_see_who_declined(owner, proposed)  # the proposer
    assert permissions.can_see_who_declined(colleague, proposed)  # the declining side
    assert not permissions.can_see_who_declined(researcher, proposed)
    assert not permissions.can_decline_introduction(researcher, proposed)


def test_conversation_predicates(proposed, owner, researcher, stranger, organiser_user):
    _accepted(proposed, owner, researcher)
    conversation = Conversation.objects.get(introduction=proposed)

    assert permissions.can_read_conversation_at(researcher, conversation)
    assert permissions.can_read_conversation_at(organiser_user, conversation)
    assert not permissions.can_read_conversation_at(stranger, conversation)
    assert permissions.can_send_message_at(owner, conversation)
    assert not permissions.can_write_in_conversation_at(organiser_user, conversation)
    assert not permissions.can_send_message_at(stranger, conversation)


def test_member_roles_do_not_matter_for_answering(proposed):
    plain = MembershipFactory(
        organisation=proposed.organisation_b, role=Membership.Role.MEMBER
    ).user

    assert permissions.can_answer_introduction(plain, proposed)


def test_privacy_export_holds_messages_of_an_introduction(proposed, owner, researcher):
    from research_needs.privacy import export_needs

    _accepted(proposed, owner, researcher)
    conversation = Conversation.objects.get(introduction=proposed)
    services.message_send(actor=researcher, conversation=conversation, body="Hallo")

    exported = export_needs(researcher)["messages"]

    assert [(m["conversation"], m["need"], m["body"]) for m in exported] == [
        (conversation.pk, "", "Hallo")
    ]
