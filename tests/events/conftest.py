import pytest

from events import notifications
from members.models import Membership
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    organiser,
)

NOTIFICATIONS = [
    "guest_confirmation_requested",
    "registration_confirmed",
    "registration_waitlisted",
    "registration_promoted",
    "registration_cancelled",
    "session_signup_changed",
    "event_cancelled",
]


@pytest.fixture
def notified(monkeypatch):
    """Records which notification the services asked for (and still sends it), as
    ``[(kind, object), ...]``; the emails' content is tested with the notifications."""
    calls = []
    for name in NOTIFICATIONS:
        original = getattr(notifications, name)

        def spy(*args, _name=name, _original=original):
            calls.append((_name, args[0] if len(args) == 1 else args))
            return _original(*args)

        monkeypatch.setattr(notifications, name, spy)
    return calls


@pytest.fixture
def host(db):
    return OrganisationFactory(name="Clausthaler Umwelttechnik-Institut", slug="cutec")


@pytest.fixture
def host_admin(host):
    return MembershipFactory(organisation=host, role=Membership.Role.ADMIN).user


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Harzer Zinkhütte GmbH", slug="harzer-zinkhuette")


@pytest.fixture
def member(org):
    user = MembershipFactory(organisation=org).user
    ProfileFactory(user=user, preferred_language="en")
    return user


@pytest.fixture
def other_member(db):
    return MembershipFactory(
        organisation=OrganisationFactory(name="Andere GmbH", slug="andere")
    ).user


@pytest.fixture
def organiser_user(db):
    return organiser()


@pytest.fixture
def event(host):
    return EventFactory(host=host, capacity=2, title="Workshop Schwarzmasse", slug="schwarzmasse")


@pytest.fixture
def forum(host):
    return EventFactory(
        two_days=True, host=host, title="5. Innovationsforum", slug="forum-2027", capacity=100
    )
