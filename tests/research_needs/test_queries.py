"""P1: every needs page renders in a constant number of SQL queries, at most 12, whether it
lists 1 or 30 things (an N+1 shows at once). Each count is a literal, the same for both sizes."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from research_needs.models import Attachment
from research_needs.views.needs import PAGE_SIZE
from tests.factories import (
    AnswerFactory,
    MembershipFactory,
    MessageFactory,
    NeedFactory,
    OrganisationFactory,
    topic,
)

pytestmark = pytest.mark.django_db

SIZES = [1, 30]
PDF = b"%PDF-1.4\n%%EOF\n"


def _attach(**parent):
    attachment = Attachment(
        original_name="messbericht.pdf", content_type="application/pdf", size=len(PDF), **parent
    )
    attachment.file.save("messbericht.pdf", ContentFile(PDF), save=False)
    attachment.save()
    return attachment


def _needs(sme, owner, count, **kwargs):
    topics = [topic("battery-recycling"), topic("hydrometallurgy"), topic("logistics")]
    return [
        NeedFactory(
            organisation=sme, created_by=owner, contact_person=owner, topics=topics, **kwargs
        )
        for _ in range(count)
    ]


def _get(client, url, data=None):
    response = client.get(url, data or {})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("count", SIZES)
def test_list_for_visitor(client, sme, owner, count, django_assert_num_queries):
    _needs(sme, owner, count)

    # Count (capped), page, its organisations, its topics, the filter's topics.
    with django_assert_num_queries(5):
        response = _get(client, reverse("research_needs:list"))

    assert len(response.context["needs"]) == min(count, PAGE_SIZE)


@pytest.mark.parametrize("count", SIZES)
def test_list_for_member(client, sme, owner, stranger, count, django_assert_num_queries):
    _needs(sme, owner, count // 2)
    _needs(sme, owner, count - count // 2, visibility="anonymous")
    client.force_login(stranger)

    # 8, was 9: the session comes from the cache (issue 17)
    with django_assert_num_queries(8):
        response = _get(client, reverse("research_needs:list"))

    assert len(response.context["needs"]) == min(count, PAGE_SIZE)


@pytest.mark.parametrize("count", SIZES)
def test_list_with_search_and_filters(
    client, sme, owner, stranger, count, django_assert_num_queries
):
    _needs(sme, owner, count)
    client.force_login(stranger)
    query = {"q": "Batterien", "topic": "battery-recycling", "sort": "relevance"}

    # 10: the session comes from the cache (issue 17); the planner's estimate of the hits,
    # their ids (one match of the hits) and this page's rows replace the capped count and
    # the page (two matches of the hits; selectors.hit_ids)
    with django_assert_num_queries(10):
        response = _get(client, reverse("research_needs:list"), query)

    assert len(response.context["needs"]) == min(count, PAGE_SIZE)


@pytest.mark.parametrize("count", SIZES)
def test_detail_for_owner_with_answers_and_files(
    client, sme, owner, count, django_assert_num_queries
):
    (need,) = _needs(sme, owner, 1)
    for index in range(count):
        institute = OrganisationFactory(kind="research")
        responder = MembershipFactory(organisation=institute).user
        answer = AnswerFactory(
            need=need,
            organisation=institute,
            created_by=responder,
            status="accepted" if index == 0 else "submitted",
        )
        MessageFactory(conversation=answer.conversation, author=responder)
        _attach(answer=answer)
        _attach(need=need)
    client.force_login(owner)

    # 13, was 14: the session comes from the cache (issue 17)
    with django_assert_num_queries(13):  # +1 notifications read, +1 is_matched (partners)
        response = _get(client, reverse("research_needs:detail", args=[need.pk]))

    assert len(response.context["answers"]) == count
    assert len(response.context["attachments"]) == count


@pytest.mark.parametrize("count", SIZES)
def test_detail_for_responder(
    client, sme, owner, institute, researcher, count, django_assert_num_queries
):
    (need,) = _needs(sme, owner, 1)
    answer = AnswerFactory(need=need, organisation=institute, created_by=researcher)
    for _ in range(count):
        _attach(need=need)
        MessageFactory(conversation=answer.conversation, author=owner, author_organisation=sme)
    client.force_login(researcher)

    # 9, was 10: the session comes from the cache (issue 17)
    with django_assert_num_queries(9):  # +1: the need's notifications marked read
        response = _get(client, reverse("research_needs:detail", args=[need.pk]))

    assert len(response.context["attachments"]) == count


@pytest.mark.parametrize("count", SIZES)
def test_conversation_with_messages_and_files(
    client, sme, owner, institute, researcher, count, django_assert_num_queries
):
    (need,) = _needs(sme, owner, 1)
    answer = AnswerFactory(need=need, organisation=institute, created_by=researcher)
    for index in range(count):
        if index % 2:
            MessageFactory(conversation=answer.conversation, author=owner, author_organisation=sme)
        else:
            MessageFactory(conversation=answer.conversation, author=researcher)
        _attach(answer=answer)
    client.force_login(owner)

    # 8, was 9: the session comes from the cache (issue 17)
    with django_assert_num_queries(8):  # +1: the conversation's notifications marked read
        response = _get(
            client, reverse("research_needs:conversation", args=[answer.conversation.pk])
        )

    assert len(response.context["chat_messages"]) == count
    assert len(response.context["attachments"]) == count


@pytest.mark.parametrize("count", SIZES)
def test_moderation_queue(client, sme, owner, organiser_user, count, django_assert_num_queries):
    _needs(sme, owner, count, submitted=True)
    client.force_login(organiser_user)

    # 5, was 6: the session comes from the cache (issue 17)
    with django_assert_num_queries(5):
        response = _get(client, reverse("research_needs:moderation"))

    assert len(response.context["needs"]) == count


@pytest.mark.parametrize("count", SIZES)
def test_mine_with_needs_and_answers(
    client, sme, owner, institute, researcher, count, django_assert_num_queries
):
    needs = _needs(sme, owner, count)
    for need in needs:
        answer = AnswerFactory(need=need, organisation=institute, created_by=researcher)
        MessageFactory(conversation=answer.conversation, author=researcher)
    client.force_login(researcher)

    # 5, was 6: the session comes from the cache (issue 17)
    with django_assert_num_queries(5):
        response = _get(client, reverse("research_needs:mine"))

    assert response.status_code == 200
