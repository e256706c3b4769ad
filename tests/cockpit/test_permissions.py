"""Who opens the cockpit's pages (issue 15): the admin sends visitors and members to its
login; staff outside the Organisers group see the admin's start page but get a 403 on the
organisers' pages; organisers and superusers get them."""

import pytest
from django.urls import reverse

from tests.matrix import MATRIX_ARGS, cases, check

ROLES = ["visitor", "member", "staff", "organiser", "superuser"]
ADMIN_LOGIN = 302  # the admin's own login page, checked below


def no_args(world):
    return []


ROWS = [
    ("admin:index", "get", no_args, [ADMIN_LOGIN, ADMIN_LOGIN, 200, 200, 200]),
    ("admin:statistics", "get", no_args, [ADMIN_LOGIN, ADMIN_LOGIN, 403, 200, 200]),
    ("admin:statistics_csv", "get", no_args, [ADMIN_LOGIN, ADMIN_LOGIN, 403, 200, 200]),
    ("admin:statistics_xlsx", "get", no_args, [ADMIN_LOGIN, ADMIN_LOGIN, 403, 200, 200]),
    (
        "admin:auditlog_logentry_changelist",
        "get",
        no_args,
        [ADMIN_LOGIN, ADMIN_LOGIN, 403, 200, 200],
    ),
]
COCKPIT_URL_NAMES = {"statistics", "statistics_csv", "statistics_xlsx"}


@pytest.fixture
def world(member_user, staff_user, organiser_user, superuser):
    return {
        "users": {
            "visitor": None,
            "member": member_user,
            "staff": staff_user,
            "organiser": organiser_user,
            "superuser": superuser,
        }
    }


@pytest.mark.parametrize(MATRIX_ARGS, cases(ROWS, ROLES))
def test_permission_matrix(client, world, name, method, args, role, expected, data):
    response = check(client, world, None, name, method, args, role, expected, data)
    if expected == ADMIN_LOGIN:
        assert response["Location"].startswith(reverse("admin:login"))


def test_matrix_covers_every_cockpit_url():
    from django.contrib import admin

    names = {pattern.name for pattern in admin.site.get_urls()[:3]}
    assert names == COCKPIT_URL_NAMES
    assert {row[0].split(":")[1] for row in ROWS} >= COCKPIT_URL_NAMES
