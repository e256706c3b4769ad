"""The members' start page (``members:home``) lists the open needs that fit the member's
organisation with their reasons (issue 13, item 2), asks for the competence profile where
there is none, never names an anonymous need's poster, and renders in a bounded number of
queries. On the real database with the recommendations' stored rows."""

import pytest
from django.urls import reverse

from members.models import CompetenceProfile, Membership, Organisation
from research_needs.matching import corpus
from tests.factories import MembershipFactory, OrganisationFactory
from tests.research_needs.matching_world import build_world, need

pytestmark = pytest.mark.django_db

HOME = reverse("members:home")


@pytest.fixture
def world(db):
    corpus.forget()
    built = build_world()
    built.refresh()
    return built


def test_the_institute_sees_the_need_that_fits_with_a_german_reason(client, world):
    client.force_login(world.gips_member)

    response = client.get(HOME)

    assert response.status_code == 200
    assert "Bedarfe, die zu Ihrer Organisation passen" in response.text
    section = next(s for s in response.context["sections"] if s.name == "research_needs")
    matches = section.context["home_recommendations"]
    assert [m.need for m in matches] == [world.need]
    assert matches[0].reason in response.text
    assert "TRL" in matches[0].reason
    assert world.need.get_absolute_url() in response.text
    assert world.sme.name in response.text  # a public need names its poster


def test_the_reason_is_in_english_on_the_english_page(client, world):
    client.force_login(world.gips_member)

    response = client.get("/en" + HOME)

    section = next(s for s in response.context["sections"] if s.name == "research_needs")
    reason = section.context["home_recommendations"][0].reason
    assert "Needs that fit your organisation" in response.text
    assert reason in response.text.replace("&#x27;", "'")


def test_an_anonymous_need_does_not_name_its_poster(client, world):
    world.need.visibility = "anonymous"
    world.need.save()
    client.force_login(world.gips_member)

    response = client.get(HOME)

    section = next(s for s in response.context["sections"] if s.name == "research_needs")
    assert [m.need for m in section.context["home_recommendations"]] == [world.need]
    assert world.need.title in response.text
    assert world.sme.name not in response.text


def test_the_posting_organisation_does_not_see_its_own_need(client, world):
    client.force_login(world.owner)

    response = client.get(HOME)

    section = next(s for s in response.context["sections"] if s.name == "research_needs")
    assert section.context["home_recommendations"] == []


def test_at_most_five_needs(client, world):
    for index in range(7):
        need(world.sme, title=f"Gipsplatten aus dem Rückbau verwerten {index}")
    world.refresh()
    corpus.forget()
    client.force_login(world.gips_member)

    response = client.get(HOME)

    section = next(s for s in response.context["sections"] if s.name == "research_needs")
    assert len(section.context["home_recommendations"]) == 5


def test_an_admin_without_profile_gets_the_link_to_fill_it_in(client, world):
    admin = MembershipFactory(organisation=world.firm, role=Membership.Role.ADMIN).user
    client.force_login(admin)

    response = client.get(HOME)

    assert reverse("members:competence_edit", args=[world.firm.slug]) in response.text


def test_a_member_without_profile_is_told_to_ask_the_admins(client, world):
    client.force_login(world.firm_member)

    response = client.get(HOME)

    assert reverse("members:competence_edit", args=[world.firm.slug]) not in response.text
    assert "Administratoren Ihrer Organisation" in response.text


def test_a_member_with_profile_gets_no_prompt(client, world):
    client.force_login(world.gips_member)

    response = client.get(HOME)

    assert reverse("members:competence_edit", args=[world.gips.slug]) not in response.text


def test_a_pending_organisation_gets_no_section(client, db):
    organisation = OrganisationFactory(status=Organisation.Status.PENDING)
    CompetenceProfile.objects.create(organisation=organisation, competences="Laugung.")
    user = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    client.force_login(user)

    response = client.get(HOME)

    assert response.status_code == 200
    assert "Bedarfe, die zu Ihrer Organisation passen" not in response.text


@pytest.mark.parametrize("count", [1, 8])
def test_home_queries_bounded(client, world, django_assert_num_queries, count):
    for index in range(count):
        need(world.sme, title=f"Gipsplatten aus dem Rückbau verwerten {index}")
    world.refresh()
    corpus.forget()
    client.force_login(world.gips_member)
    client.get(HOME)  # builds this process's index once

    # The page itself with the fitting needs: their visibility (1 window) and the rest of
    # the dashboard; the same with 1 or 8 fitting needs.
    # 7, was 9: the session comes from the cache (issue 17); so does the unread count
    with django_assert_num_queries(7):
        response = client.get(HOME)

    assert response.status_code == 200
