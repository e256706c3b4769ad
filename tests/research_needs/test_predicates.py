"""The rules of research_needs/permissions.py asked directly (the pages' answers are in
test_permissions.py): who may know an anonymous need's poster, in each of the forms the
rule is asked in, and what may still happen to an answer in each status."""

import pytest
from django.contrib.auth.models import AnonymousUser

from research_needs import permissions, selectors
from research_needs.models import Answer
from tests.factories import AnswerFactory, NeedFactory

pytestmark = pytest.mark.django_db

STATUSES = ["submitted", "shortlisted", "accepted", "declined", "withdrawn"]


@pytest.fixture
def anonymous_need(sme, owner):
    return NeedFactory(organisation=sme, created_by=owner, anonymous=True)


# --- who may know who posted a need ---------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("stranger", False),
        ("researcher", False),
        ("colleague", True),
        ("organiser_user", True),
    ],
)
def test_anonymous_poster_shown_to_its_organisation_and_organisers_only(
    anonymous_need, institute, request, viewer, expected
):
    AnswerFactory(need=anonymous_need, organisation=institute, status="shortlisted")
    user = request.getfixturevalue(viewer)

    assert permissions.can_see_poster(user, anonymous_need) is expected
    assert selectors.need_for_viewer(user, anonymous_need.pk).poster_revealed is expected


@pytest.mark.parametrize("viewer", ["researcher", "institute"])
def test_anonymous_poster_shown_once_the_answer_is_accepted(
    anonymous_need, institute, request, viewer
):
    answer = AnswerFactory(need=anonymous_need, organisation=institute)
    user_or_organisation = request.getfixturevalue(viewer)
    before = permissions.can_see_poster(user_or_organisation, anonymous_need)

    Answer.objects.filter(pk=answer.pk).update(status=Answer.Status.ACCEPTED)

    assert before is False
    assert permissions.can_see_poster(user_or_organisation, anonymous_need) is True


def test_poster_of_a_need_that_is_not_anonymous_is_shown_to_everyone(sme, stranger):
    need = NeedFactory(organisation=sme)

    for viewer in (AnonymousUser(), stranger, sme):
        assert permissions.can_see_poster(viewer, need) is True
    assert selectors.need_for_viewer(AnonymousUser(), need.pk).poster_revealed is True


def test_mine_and_conversation_carry_the_same_answer(anonymous_need, institute, researcher):
    answer = AnswerFactory(need=anonymous_need, organisation=institute, created_by=researcher)

    (mine,) = selectors.organisation_answers(institute)
    conversation = selectors.conversation_for_viewer(researcher, answer.conversation.pk)

    assert mine.poster_revealed is False
    assert conversation.answer.need.poster_revealed is False


# --- what may still happen to an answer ---------------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
def test_decisions_and_withdrawal_by_status(owner, researcher, sme, institute, status):
    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    answer.status = status
    undecided = status in ("submitted", "shortlisted")

    assert permissions.can_shortlist_answer(owner, answer) is (status == "submitted")
    assert permissions.can_accept_answer(owner, answer) is undecided
    assert permissions.can_decline_answer(owner, answer) is undecided
    assert permissions.can_withdraw_answer(researcher, answer) is undecided
    assert permissions.can_send_message(owner, answer) is (status not in ("declined", "withdrawn"))
    assert permissions.can_attach_to_answer(researcher, answer) is answer.is_active


def test_only_the_need_s_organisation_decides_and_only_the_responder_withdraws(
    owner, researcher, stranger, organiser_user, sme, institute
):
    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)

    for user in (researcher, stranger, organiser_user):
        assert not permissions.can_shortlist_answer(user, answer)
        assert not permissions.can_decline_answer(user, answer)
    for user in (owner, stranger, organiser_user):
        assert not permissions.can_withdraw_answer(user, answer)
        assert not permissions.can_attach_to_answer(user, answer)


def test_accepting_waits_for_an_open_need(owner, sme, institute):
    answer = AnswerFactory(need=NeedFactory(organisation=sme, closed=True), organisation=institute)

    assert permissions.can_decline_answer(owner, answer)
    assert not permissions.can_accept_answer(owner, answer)


@pytest.mark.parametrize(
    ("trait", "expected"), [("draft", True), ("submitted", True), ("closed", False)]
)
def test_files_of_a_need_change_until_it_is_closed(owner, stranger, sme, trait, expected):
    need = NeedFactory(organisation=sme, **{trait: True})

    assert permissions.can_attach_to_need(owner, need) is expected
    assert not permissions.can_attach_to_need(stranger, need)


def test_contacts_once_accepted_for_those_who_see_the_answer(
    owner, researcher, stranger, organiser_user, sme, institute
):
    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    before = permissions.can_see_contacts(owner, answer)
    answer.status = Answer.Status.ACCEPTED

    assert before is False
    for user in (owner, researcher, organiser_user):
        assert permissions.can_see_contacts(user, answer)
    assert not permissions.can_see_contacts(stranger, answer)
