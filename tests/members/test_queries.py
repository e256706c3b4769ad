"""Pages render in a constant number of queries, whatever the list length (PRODUCT.md 6, P1)."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, OrganisationFactory, ProfileFactory, topic

pytestmark = pytest.mark.django_db


def _organisations(count):
    topics = [topic("battery-recycling"), topic("weee")]
    for _ in range(count):
        organisation = OrganisationFactory(topics=topics)
        MembershipFactory(organisation=organisation, role="admin")


def _people(organisation, count):
    for _ in range(count):
        ProfileFactory(user=MembershipFactory(organisation=organisation).user)


@pytest.mark.parametrize("count", [1, 30])
def test_directory_queries_visitor_constant(client, django_assert_num_queries, count):
    _organisations(count)

    with django_assert_num_queries(4):
        response = client.get(reverse("members:directory"))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_directory_queries_filtered_member_constant(
    client, member, django_assert_num_queries, count
):
    _organisations(count)
    client.force_login(member)

    # 7, was 8: the session comes from the cache (issue 17)
    with django_assert_num_queries(7):
        response = client.get(
            reverse("members:directory"), {"topic": "weee", "kind": "company", "q": "Harz"}
        )

    assert len(response.context["organisations"]) == min(count, 20)


@pytest.mark.parametrize("count", [1, 30])
def test_organisation_detail_queries_member_constant(
    client, org, outsider, django_assert_num_queries, count
):
    _people(org, count)
    org.topics.set([topic("weee"), topic("catalysts")])
    client.force_login(outsider)

    # 6 for the page itself, plus the organisation's needs (1) and its stands and talks (2).
    # 9, was 10: the session comes from the cache (issue 17)
    with django_assert_num_queries(9):
        response = client.get(org.get_absolute_url())

    assert len(response.context["memberships"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_organisation_members_page_queries_constant(
    client, org, admin, django_assert_num_queries, count
):
    _people(org, count)
    client.force_login(admin)

    # The open requests to join (issue 11) are listed too.
    # 7, was 8: the session comes from the cache (issue 17)
    with django_assert_num_queries(7):
        response = client.get(reverse("members:organisation_members", args=[org.slug]))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_review_page_queries_constant(client, organiser_user, django_assert_num_queries, count):
    for _ in range(count):
        organisation = OrganisationFactory(status="pending")
        MembershipFactory(organisation=organisation, role="admin")
    client.force_login(organiser_user)

    # 6, was 7: the session comes from the cache (issue 17)
    with django_assert_num_queries(6):
        response = client.get(reverse("members:review"))

    assert response.status_code == 200
    assert response.text.count('name="reject-') == count
