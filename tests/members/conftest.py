import pytest
from django.utils import translation

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


@pytest.fixture(autouse=True)
def _german_by_default():
    """A request under /en/ leaves English active in the thread; reverse() would follow it."""
    translation.activate("de")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps verification cooldowns in the cache; tests must not share them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
