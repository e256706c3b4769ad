"""Withdrawing an answer asks first (issue 11): it closes the conversation for good. GET
shows what happens with a POST button and a back link; only that POST withdraws, through
answer_withdraw; the old one-click form withdraws nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from research_needs.models import Answer
from tests.factories import AnswerFactory, NeedFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en"]
WHAT_HAPPENS = (
    "The organisation behind the need can no longer consider your answer, and the "
    "conversation closes: neither side can write in it any more. This cannot be undone; you "
    "can send a new answer while the need is open."
)


def tr(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


def url(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def answer(sme, institute):
    return AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)


@pytest.mark.parametrize("language", LANGUAGES)
def test_withdraw_page_says_what_happens_and_changes_nothing(client, researcher, answer, language):
    client.force_login(researcher)

    response = client.get(url(language, "research_needs:answer_withdraw", answer.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert tr(language, WHAT_HAPPENS) in html
    assert tr(language, "Withdraw answer") + "</button>" in html
    assert 'name="confirm" value="yes"' in html
    assert f'href="{url(language, "research_needs:detail", answer.need.pk)}"' in html
    answer.refresh_from_db()
    assert answer.status == Answer.Status.SUBMITTED


def test_confirmed_post_withdraws_and_redirects_to_the_need(client, researcher, answer):
    client.force_login(researcher)

    response = client.post(
        reverse("research_needs:answer_withdraw", args=[answer.pk]), {"confirm": "yes"}
    )

    answer.refresh_from_db()
    assert answer.status == Answer.Status.WITHDRAWN
    assert response.status_code == 302
    assert response["Location"] == answer.need.get_absolute_url()


def test_old_one_click_post_withdraws_nothing(client, researcher, answer):
    client.force_login(researcher)
    withdraw = reverse("research_needs:answer_withdraw", args=[answer.pk])

    response = client.post(withdraw)

    answer.refresh_from_db()
    assert answer.status == Answer.Status.SUBMITTED
    assert response.status_code == 302 and response["Location"] == withdraw


def test_from_the_conversation_back_and_done_lead_there(client, researcher, answer):
    client.force_login(researcher)
    withdraw = reverse("research_needs:answer_withdraw", args=[answer.pk]) + "?next=conversation"
    conversation = answer.conversation.get_absolute_url()

    html = client.get(withdraw).content.decode()
    response = client.post(withdraw, {"confirm": "yes", "next": "conversation"})

    assert f'href="{conversation}"' in html
    assert response["Location"] == conversation
    answer.refresh_from_db()
    assert answer.status == Answer.Status.WITHDRAWN


@pytest.mark.parametrize("page", ["detail", "conversation"])
def test_pages_link_to_the_confirmation_instead_of_withdrawing(client, researcher, answer, page):
    client.force_login(researcher)
    target = (
        answer.need.get_absolute_url()
        if page == "detail"
        else answer.conversation.get_absolute_url()
    )

    html = client.get(target).content.decode()

    withdraw = reverse("research_needs:answer_withdraw", args=[answer.pk])
    assert f'href="{withdraw}' in html
    assert f'action="{withdraw}"' not in html


def test_a_decided_answer_cannot_be_withdrawn(client, researcher, answer):
    Answer.objects.filter(pk=answer.pk).update(status=Answer.Status.ACCEPTED)
    client.force_login(researcher)
    withdraw = reverse("research_needs:answer_withdraw", args=[answer.pk])

    page = client.get(withdraw)
    post = client.post(withdraw, {"confirm": "yes"})

    assert page.status_code == post.status_code == 302
    answer.refresh_from_db()
    assert answer.status == Answer.Status.ACCEPTED


@pytest.mark.parametrize("who", ["owner", "stranger", "organiser_user"])
def test_only_the_responder_sees_the_page(client, answer, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("research_needs:answer_withdraw", args=[answer.pk]))

    assert response.status_code == 404
