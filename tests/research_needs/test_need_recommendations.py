"""Partners that fit on the need page (issue 13, item 2): the organisations that fit, with
their reasons, for the need's organisation and organisers only; nobody else sees them, so
they never reveal who posted an anonymous need; a note while they are being computed; a
bounded number of queries; proposing an introduction from there."""

import pytest
from django.urls import reverse
from django.utils import translation

from research_needs.matching import corpus
from research_needs.models import Introduction
from tests.factories import AnswerFactory, MembershipFactory, OrganisationFactory

from .matching_world import build_world, need

pytestmark = pytest.mark.django_db

TITLE = "Partners that fit"


@pytest.fixture
def world(db):
    corpus.forget()
    built = build_world()
    built.refresh()
    return built


def _page(client, user, target, language="en"):
    if user is not None:
        client.force_login(user)
    with translation.override(language):
        url = reverse("research_needs:detail", args=[target.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("reader", ["owner", "colleague", "organiser"])
def test_need_organisation_and_organisers_see_partners_with_reasons(client, world, reader):
    response = _page(client, getattr(world, reader), world.need)

    rows = response.context["partners"]["rows"]
    content = response.content.decode()
    assert TITLE in content
    assert rows[0][0].organisation == world.gips
    assert rows[0][0].reason and rows[0][0].reason in content
    assert world.gips.get_absolute_url() in content
    assert len(rows) <= 10
    propose = reverse("research_needs:introduction_propose", args=[world.need.pk, world.gips.pk])
    assert propose in content


def test_reason_in_the_reader_language(client, world):
    german = _page(client, world.owner, world.need, "de").context["partners"]["rows"][0][0]
    english = _page(client, world.owner, world.need, "en").context["partners"]["rows"][0][0]

    assert german.reason != english.reason


@pytest.mark.parametrize("reader", [None, "gips_member", "firm_member"])
def test_nobody_else_sees_partners(client, world, reader):
    response = _page(client, getattr(world, reader) if reader else None, world.need)

    assert response.context["partners"] is None
    assert TITLE not in response.content.decode()


@pytest.mark.parametrize("reader", ["gips_member", "firm_member"])
def test_anonymous_need_partners_never_reveal_the_poster(client, world, reader):
    secret = need(world.sme, visibility="anonymous", title="Gipsreste anonym loswerden")
    world.refresh()

    response = _page(client, getattr(world, reader), secret)

    content = response.content.decode()
    assert response.context["partners"] is None
    assert TITLE not in content and world.sme.name not in content
    owner_view = _page(client, world.owner, secret).context["partners"]
    assert owner_view["rows"] and owner_view["rows"][0][0].organisation == world.gips


def test_not_yet_computed_says_so(client, world):
    fresh = need(world.sme, title="Neue Frage zu Gips")  # no stored row yet

    response = _page(client, world.owner, fresh)

    assert response.context["partners"] == {"rows": [], "matched": False, "can_propose": True}
    assert "still being worked out" in response.content.decode()


def test_introduction_proposed_from_the_page_shows_there(client, world):
    client.force_login(world.owner)
    url = reverse("research_needs:introduction_propose", args=[world.need.pk, world.gips.pk])
    data = {"reason": "Calciumsulfat aus Bauabfällen", "form_once": "b" * 32}

    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double click

    introduction = Introduction.objects.get()
    assert (introduction.organisation_a, introduction.organisation_b) == (world.sme, world.gips)
    rows = _page(client, world.owner, world.need).context["partners"]["rows"]
    assert {m.organisation: i for m, i in rows}[world.gips] == introduction


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("reader", ["owner", "organiser"])
def test_need_page_with_partners_in_bounded_queries(
    client, world, reader, count, django_assert_num_queries
):
    for index in range(count):
        responder = OrganisationFactory(kind="research")
        AnswerFactory(
            need=world.need,
            organisation=responder,
            created_by=MembershipFactory(organisation=responder).user,
            status="accepted" if index == 0 else "submitted",
        )
    client.force_login(getattr(world, reader))
    corpus.current()  # the per-process index, built once a change moved its generation
    url = reverse("research_needs:detail", args=[world.need.pk])

    # The session comes from the cache since issue 17 (one query less).
    with django_assert_num_queries(13 if reader == "owner" else 14):
        response = client.get(url)

    assert response.status_code == 200
    assert response.context["partners"]["rows"]
