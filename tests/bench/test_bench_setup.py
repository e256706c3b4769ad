"""What the benchmarks build on the real database: the logged-in sessions the load sends."""

import pytest
from django.test import Client

from bench.sessions import login, member, organiser

pytestmark = pytest.mark.django_db


def test_session_cookie_logs_the_member_in():
    user = member("bench-test-member@example.org")
    client = Client()
    session = login(user)
    client.cookies["sessionid"] = session.session_key

    response = client.get("/members/me/")

    assert response.status_code == 200
    assert response.wsgi_request.user == user
    assert session.cookie.startswith(f"sessionid={session.session_key}; csrftoken=")


def test_organiser_session_opens_the_admin_with_mfa_required(settings):
    settings.FORUM_STAFF_REQUIRE_MFA = True
    client = Client()
    client.cookies["sessionid"] = login(organiser()).session_key

    response = client.get("/admin/events/registration/")

    assert response.status_code == 200
    assert b'id="changelist"' in response.content
