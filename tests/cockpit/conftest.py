import pytest

from tests.factories import MembershipFactory, UserFactory, organiser


@pytest.fixture
def organiser_user(db):
    return organiser()


@pytest.fixture
def staff_user(db):
    """Staff outside the Organisers group (e.g. a technician with single permissions)."""
    return UserFactory(is_staff=True)


@pytest.fixture
def member_user(db):
    return MembershipFactory().user


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)
