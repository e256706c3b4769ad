"""Who may open which notifications/ URL (PRODUCT.md 4, R3): a person's notifications are
their own only; another person's (or one that is not shown in the app) answers 404, and
visitors go to the login page. Every URL pattern of forum/notifications/urls.py is in the
matrix."""

import pytest
from django.urls import reverse

from forum.notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory, organiser
from tests.matrix import LOGIN, MATRIX_ARGS, cases, check, url_names

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "member", "other_member", "organiser"]

# name, method, args, expected per role. "own" is the member's in-app notification,
# "organisers" the organiser's; "email_only" is the member's, sent by email only.
MATRIX = [
    ("list", "get", lambda w: [], [LOGIN, 200, 200, 200]),
    ("list", "post", lambda w: [], [LOGIN, 405, 405, 405]),
    ("read_all", "post", lambda w: [], [LOGIN, 302, 302, 302]),
    ("read_all", "get", lambda w: [], [LOGIN, 405, 405, 405]),
    ("open", "get", lambda w: [w["own"].pk], [LOGIN, 302, 404, 404]),
    ("open", "get", lambda w: [w["organisers"].pk], [LOGIN, 404, 404, 302]),
    ("open", "get", lambda w: [w["email_only"].pk], [LOGIN, 404, 404, 404]),
    ("open", "get", lambda w: [w["missing"]], [LOGIN, 404, 404, 404]),
    ("open", "post", lambda w: [w["own"].pk], [LOGIN, 405, 405, 405]),
    ("read", "post", lambda w: [w["own"].pk], [LOGIN, 302, 404, 404]),
    ("read", "post", lambda w: [w["organisers"].pk], [LOGIN, 404, 404, 302]),
    ("read", "post", lambda w: [w["email_only"].pk], [LOGIN, 404, 404, 404]),
    ("read", "post", lambda w: [w["missing"]], [LOGIN, 404, 404, 404]),
    ("read", "get", lambda w: [w["own"].pk], [LOGIN, 405, 405, 405]),
]


@pytest.fixture
def world(db):
    member = MembershipFactory().user
    other_member = MembershipFactory().user
    staff = organiser()
    email_only = NotificationFactory(recipient=member, in_app=False, sent=True)
    missing = NotificationFactory(recipient=member, sent=True)
    missing_pk = missing.pk
    missing.delete()
    return {
        "own": NotificationFactory(recipient=member, sent=True),
        "organisers": NotificationFactory(recipient=staff, sent=True),
        "email_only": email_only,
        "missing": missing_pk,
        "users": {
            "visitor": None,
            "member": member,
            "other_member": other_member,
            "organiser": staff,
        },
    }


@pytest.mark.parametrize(MATRIX_ARGS, cases(MATRIX, ROLES))
def test_permission_matrix(client, world, name, method, args, role, expected, data):
    check(client, world, "notifications", name, method, args, role, expected, data)


def test_permission_matrix_covers_every_notifications_url():
    from forum.notifications.urls import urlpatterns

    assert url_names(urlpatterns) == {row[0] for row in MATRIX}


@pytest.mark.parametrize("role", ["visitor", "other_member", "organiser"])
def test_nobody_else_marks_the_members_notification_read(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    own = world["own"]

    client.get(reverse("notifications:open", args=[own.pk]))
    client.post(reverse("notifications:read", args=[own.pk]))
    client.post(reverse("notifications:read_all"))

    own.refresh_from_db()
    assert own.read_at is None


@pytest.mark.parametrize("role", ["member", "other_member", "organiser"])
def test_notification_list_shows_only_the_persons_own(client, world, role):
    user = world["users"][role]
    NotificationFactory(recipient=UserFactory(), sent=True)  # someone without a role here
    client.force_login(user)

    response = client.get(reverse("notifications:list"))

    shown = {item["notification"].pk for item in response.context["items"]}
    own = set(Notification.objects.filter(recipient=user, in_app=True).values_list("pk", flat=True))
    assert shown == own
