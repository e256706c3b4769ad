"""Who may open which privacy URL (PRODUCT.md 3.5, 4, R3): the data export and the account
deletion only ever act on the person who is logged in; visitors go to the login page. Every
URL pattern of forum/privacy/urls.py is in the matrix."""

import json

import pytest
from django.urls import reverse

from members.models import User
from tests.factories import PASSWORD, MembershipFactory, organiser
from tests.matrix import LOGIN, MATRIX_ARGS, cases, check, url_names

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "member", "other_member", "organiser"]
DELETE = {"password": PASSWORD, "confirm": "on"}
WRONG_PASSWORD = {"password": "not-the-password", "confirm": "on"}

# name, method, args, expected per role[, data].
MATRIX = [
    ("overview", "get", lambda w: [], [LOGIN, 200, 200, 200]),
    ("overview", "post", lambda w: [], [LOGIN, 405, 405, 405]),
    ("export", "get", lambda w: [], [LOGIN, 200, 200, 200]),
    ("export", "post", lambda w: [], [LOGIN, 405, 405, 405]),
    ("delete", "get", lambda w: [], [LOGIN, 200, 200, 200]),
    ("delete", "post", lambda w: [], [LOGIN, 400, 400, 400], WRONG_PASSWORD),
    ("delete", "post", lambda w: [], [LOGIN, 302, 302, 302], DELETE),
]


@pytest.fixture
def world(db):
    member = MembershipFactory().user
    # A colleague stays in the member's organisation, so neither is its last admin alone.
    MembershipFactory(organisation=member.memberships.get().organisation, admin=True)
    return {
        "users": {
            "visitor": None,
            "member": member,
            "other_member": MembershipFactory().user,
            "organiser": organiser(),
        },
    }


@pytest.mark.parametrize(MATRIX_ARGS, cases(MATRIX, ROLES))
def test_permission_matrix(client, world, name, method, args, role, expected, data):
    check(client, world, "privacy", name, method, args, role, expected, data)


def test_permission_matrix_covers_every_privacy_url():
    from forum.privacy.urls import urlpatterns

    assert url_names(urlpatterns) == {row[0] for row in MATRIX}


@pytest.mark.parametrize("role", ["member", "other_member", "organiser"])
def test_export_holds_only_the_persons_own_account(client, world, role):
    user = world["users"][role]
    others = [u.email for r, u in world["users"].items() if u is not None and r != role]
    client.force_login(user)

    response = client.get(reverse("privacy:export"))

    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    text = response.content.decode()
    assert not [email for email in others if email in text]


@pytest.mark.parametrize("role", ["member", "other_member", "organiser"])
def test_delete_removes_only_the_persons_own_account(client, world, role):
    user = world["users"][role]
    others = [u.pk for r, u in world["users"].items() if u is not None and r != role]
    client.force_login(user)

    client.post(reverse("privacy:delete"), DELETE)

    assert not User.objects.filter(pk=user.pk).exists()
    assert User.objects.filter(pk__in=others).count() == len(others)
