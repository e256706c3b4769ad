import pytest
from allauth.account.models import EmailAddress

from members.models import Membership, Organisation, Profile, User

PASSWORD = "correct-horse-battery"


def make_user(email, *, organisation=None, role=Membership.Role.MEMBER, **fields):
    user = User.objects.create_user(email=email, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(
        name="Harzer Metallrückgewinnung GmbH",
        slug="harzer-metallrueckgewinnung",
        kind=Organisation.Kind.COMPANY,
        city="Goslar",
        federal_state=Organisation.FederalState.NI,
    )


@pytest.fixture
def user(organisation):
    user = make_user(
        "katrin.berger@example.org",
        organisation=organisation,
        role=Membership.Role.MEMBER,
        first_name="Katrin",
        last_name="Berger",
    )
    Profile.objects.create(user=user, position="Head of R&D", expertise_keywords="leaching, indium")
    return user


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client
