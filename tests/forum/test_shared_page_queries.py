"""P1 for the pages that show more than one app's content: the landing page (next events,
newest public needs) and an organisation's page (its needs, stands and talks). The query
count stays the same whether there is one item of each or thirty."""

import pytest
from django.urls import reverse

from tests.factories import (
    EventFactory,
    MembershipFactory,
    NeedFactory,
    OrganisationFactory,
    ProgrammeItemFactory,
    SpeakerFactory,
    StandFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _fill(organisation, count):
    for _ in range(count):
        NeedFactory(organisation=organisation)
        NeedFactory(organisation=organisation, anonymous=True)
        event = EventFactory()
        StandFactory(event=event, organisation=organisation, confirmed=True)
        talk = ProgrammeItemFactory(event=event)
        talk.speakers.add(SpeakerFactory(event=event, organisation=organisation))


@pytest.mark.parametrize("count", [1, 30])
def test_landing_page_queries_constant(client, django_assert_num_queries, count):
    _fill(OrganisationFactory(), count)

    with django_assert_num_queries(3):
        response = client.get(reverse("landing"))

    assert response.status_code == 200
    assert len(response.context["landing_events"]) == min(count, 3)
    # Only public needs: the anonymous one of each pair never reaches the landing page.
    assert len(response.context["landing_needs"]) == min(count, 6)
    for need in response.context["landing_needs"]:
        assert need.visibility == "public"


@pytest.mark.parametrize("count", [1, 30])
def test_landing_page_queries_constant_member(client, django_assert_num_queries, count):
    _fill(OrganisationFactory(), count)
    user = MembershipFactory().user
    client.force_login(user)

    # 5, was 6: the session comes from the cache (issue 17)
    with django_assert_num_queries(5):
        response = client.get(reverse("landing"))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_organisation_page_queries_constant(client, django_assert_num_queries, count):
    organisation = OrganisationFactory()
    _fill(organisation, count)
    client.force_login(MembershipFactory().user)

    # 10, was 11: the session comes from the cache (issue 17)
    with django_assert_num_queries(10):
        response = client.get(organisation.get_absolute_url())

    assert response.status_code == 200
    needs = response.context["organisation_needs"]
    assert needs and all(need.visibility != "anonymous" for need in needs)
    presence = response.context["organisation_events"]
    assert len(presence["stands"]) >= 1 and len(presence["talks"]) >= 1


@pytest.mark.parametrize("count", [1, 30])
def test_organisation_page_queries_constant_visitor(client, django_assert_num_queries, count):
    organisation = OrganisationFactory()
    _fill(organisation, count)
    UserFactory()

    with django_assert_num_queries(6):
        response = client.get(organisation.get_absolute_url())

    assert response.status_code == 200
