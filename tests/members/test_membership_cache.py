"""Issue 17: a user's membership (with its organisation, whose status decides what they may
do) is kept in the cache, read together with the other values about the viewer, and every
change of a membership or an organisation shows on the next request. Transactional
tests: only a membership read outside a transaction is kept."""

import pytest
from django.db import transaction
from django.urls import reverse

from members.models import Membership, Organisation, User
from members.permissions import membership_of
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _fresh(user) -> User:
    """The user as the next request loads them."""
    return User.objects.get(pk=user.pk)


def test_the_next_request_reads_the_membership_from_the_cache(django_assert_num_queries):
    membership = MembershipFactory()
    user = membership.user
    assert membership_of(_fresh(user)) == membership

    fresh = _fresh(user)
    with django_assert_num_queries(0):
        kept = membership_of(fresh)
    assert kept == membership
    assert kept.organisation.name == membership.organisation.name


def test_no_membership_is_kept_too(django_assert_num_queries):
    user = UserFactory()
    assert membership_of(_fresh(user)) is None
    fresh = _fresh(user)
    with django_assert_num_queries(0):
        assert membership_of(fresh) is None


def test_a_changed_organisation_shows_at_once():
    membership = MembershipFactory()
    user = membership.user
    assert membership_of(_fresh(user)).organisation.status == Organisation.Status.APPROVED

    organisation = membership.organisation
    organisation.status = Organisation.Status.DEACTIVATED
    organisation.save()
    assert membership_of(_fresh(user)).organisation.status == Organisation.Status.DEACTIVATED


def test_a_removed_or_new_membership_shows_at_once():
    membership = MembershipFactory()
    user = membership.user
    assert membership_of(_fresh(user)) == membership

    membership.delete()
    assert membership_of(_fresh(user)) is None

    other = OrganisationFactory()
    Membership.objects.create(user=user, organisation=other, role=Membership.Role.MEMBER)
    assert membership_of(_fresh(user)).organisation == other


def test_a_membership_rolled_back_is_never_kept():
    user = UserFactory()
    organisation = OrganisationFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        Membership.objects.create(user=user, organisation=organisation)
        assert membership_of(_fresh(user)).organisation == organisation
        raise RuntimeError("rolled back")

    assert membership_of(_fresh(user)) is None


def test_rights_follow_the_organisation_on_the_next_page(client):
    membership = MembershipFactory(role=Membership.Role.ADMIN)
    client.force_login(membership.user)
    url = reverse("research_needs:create")
    assert client.get(url).status_code == 200

    organisation = membership.organisation
    organisation.status = Organisation.Status.DEACTIVATED
    organisation.save()
    assert client.get(url).status_code != 200
