import pytest

from members.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, organiser


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Harzer Zinkhütte GmbH", slug="harzer-zinkhuette")


@pytest.fixture
def admin_membership(org):
    return MembershipFactory(organisation=org, role=Membership.Role.ADMIN)


@pytest.fixture
def admin(admin_membership):
    return admin_membership.user


@pytest.fixture
def member_membership(org, admin_membership):
    return MembershipFactory(organisation=org, role=Membership.Role.MEMBER)


@pytest.fixture
def member(member_membership):
    return member_membership.user


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="TU Clausthal Institut", slug="tu-clausthal-institut")


@pytest.fixture
def outsider(other_org):
    """An admin of another organisation."""
    return MembershipFactory(organisation=other_org, role=Membership.Role.ADMIN).user


@pytest.fixture
def organiser_user(db):
    return organiser()
