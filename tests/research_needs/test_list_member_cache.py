"""Issue 17: members get the needs list's content from the cache, kept per language, query
and what they may see (their organisation, organiser or not, may post or not), and renewed
by every change it shows; the page around it (name, CSRF token) is theirs."""

import pytest
from django.urls import reverse
from django.utils import translation

from research_needs import services
from tests.factories import AnswerFactory, NeedFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _get(client, data=None, language="de"):
    with translation.override(language):
        url = reverse("research_needs:list")
    response = client.get(url, data or {})
    assert response.status_code == 200
    return response.content.decode()


def _as(client, user, data=None, language="de"):
    client.force_login(user)
    return _get(client, data, language)


def test_a_colleague_gets_the_kept_content_with_fewer_queries(
    client, sme, owner, colleague, django_assert_max_num_queries
):
    NeedFactory(organisation=sme, title="Schwarzmasse sortenrein")
    first = _as(client, owner)
    client.force_login(colleague)

    with django_assert_max_num_queries(6):  # session, user, membership, header: no list
        second = _get(client)

    assert "Schwarzmasse sortenrein" in first
    assert "Schwarzmasse sortenrein" in second


def test_each_member_gets_their_own_csrf_token(client, sme, owner, colleague):
    NeedFactory(organisation=sme)
    first = _as(client, owner)
    client.logout()
    second = _as(client, colleague)

    token = 'name="csrfmiddlewaretoken" value="'
    assert token in first and token in second
    assert first.split(token)[1][:64] != second.split(token)[1][:64]


def test_an_anonymous_poster_stays_hidden_from_other_organisations(client, sme, owner, stranger):
    NeedFactory(organisation=sme, anonymous=True, title="Anonymer Bedarf")
    assert "Harzer Batterierecycling GmbH" in _as(client, owner)

    page = _as(client, stranger)

    assert "Anonymer Bedarf" in page
    assert "Harzer Batterierecycling GmbH" not in page
    assert "Anonymous organisation" in page or "Anonyme Organisation" in page


def test_an_accepted_answer_reveals_the_poster_at_once(client, sme, owner, researcher, institute):
    need = NeedFactory(organisation=sme, anonymous=True, created_by=owner)
    answer = AnswerFactory(need=need, organisation=institute, created_by=researcher)
    assert "Harzer Batterierecycling GmbH" not in _as(client, researcher)

    services.answer_accept(actor=owner, answer=answer)

    assert "Harzer Batterierecycling GmbH" in _as(client, researcher)


def test_members_only_needs_are_not_served_to_pending_organisations(client, sme, stranger):
    from tests.factories import MembershipFactory

    NeedFactory(organisation=sme, members_only=True, title="Nur für Mitglieder")
    pending = MembershipFactory(
        organisation=OrganisationFactory(slug="wartet", status="pending")
    ).user
    member_page = _as(client, stranger)
    assert "Nur für Mitglieder" in member_page
    assert "Post a research need" in _as(client, stranger, language="en")

    page = _as(client, pending, language="en")

    assert "Post a research need" not in page


def test_a_changed_need_shows_at_once(client, sme, owner, stranger):
    need = NeedFactory(organisation=sme, title="Alter Titel")
    assert "Alter Titel" in _as(client, stranger)

    need.title = "Neuer Titel"
    need.save()

    page = _as(client, stranger)
    assert "Neuer Titel" in page
    assert "Alter Titel" not in page


def test_queries_and_languages_are_kept_apart(client, sme, stranger):
    NeedFactory(organisation=sme, title="Schlacke aus der Kupferhütte")
    NeedFactory(organisation=sme, title="Leiterplatten entstücken")
    german = _as(client, stranger)
    english = _as(client, stranger, language="en")
    search = _as(client, stranger, {"q": "Schlacke"})

    assert 'lang="de"' in german and "Forschungsbedarf" in german
    assert "research need" in english
    assert "Leiterplatten entstücken" not in search
    assert "<mark>Schlacke</mark>" in search
    assert "<mark>Leiterplatten</mark> entstücken" in _as(client, stranger, {"q": "Leiterplatten"})


def test_invalid_filters_answer_400_each_time(client, stranger):
    client.force_login(stranger)
    for _ in range(2):
        response = client.get(reverse("research_needs:list"), {"topic": "no-such-topic"})
        assert response.status_code == 400
        assert "is-invalid" in response.content.decode()


def test_kept_cards_follow_the_viewer_and_each_change(client, sme, owner, stranger):
    """The cards are kept across queries (another page, another filter); whether the
    poster is shown is part of their key, and a change renews them."""
    need = NeedFactory(organisation=sme, anonymous=True, title="Anonymer Bedarf")
    assert "Harzer Batterierecycling GmbH" in _as(client, owner, {"x": "1"})

    page = _as(client, stranger, {"x": "2"})
    assert "Anonymer Bedarf" in page
    assert "Harzer Batterierecycling GmbH" not in page

    need.title = "Umbenannter Bedarf"
    need.save()
    assert "Umbenannter Bedarf" in _as(client, stranger, {"x": "3"})


def test_the_kept_search_form_shows_the_query_it_was_kept_for(client, sme, stranger):
    NeedFactory(organisation=sme)
    first = _as(client, stranger, {"q": "Schlacke", "page": "1"})
    second = _as(client, stranger, {"q": "Kupfer", "page": "1"})

    assert 'value="Schlacke"' in first
    assert 'value="Kupfer"' in second
    assert 'value="Schlacke"' not in second
