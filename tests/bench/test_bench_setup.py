"""What the benchmarks build on the real database: P5's event at fixed times (it failed
every evening when its times followed the clock), the logged-in sessions the load sends,
and the Server-Timing header of the search benchmark."""

from datetime import datetime

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory

from bench import web_timing
from bench.bench_registrations import create_event
from bench.sessions import login, member, organiser
from events.forms import RegistrationChoicesForm
from events.models import BERLIN

pytestmark = pytest.mark.django_db


def test_p5_event_is_one_day_at_fixed_hours_and_open():
    event = create_event(seats=100)

    assert not event.is_multi_day
    start, end = event.starts_at.astimezone(BERLIN), event.ends_at.astimezone(BERLIN)
    assert (start.hour, end.hour, start.date()) == (10, 17, end.date())
    assert event.registration_state() == "open"
    # Even at the late hour when the old event crossed midnight.
    assert event.registration_state(now=datetime(2026, 5, 4, 23, 30, tzinfo=BERLIN)) == "open"


def test_p5_post_is_a_valid_registration_without_days():
    event = create_event(seats=100)

    form = RegistrationChoicesForm({"dietary_needs": ""}, event=event, sessions=[])

    assert form.is_valid(), form.errors
    assert "days" not in form.fields


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


def test_server_timing_counts_sql():
    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    response = web_timing.ServerTiming(view)(RequestFactory().get("/"))

    timing = web_timing.parse(response["Server-Timing"])
    assert timing["queries"] == 2
    assert 0 <= timing["db"] <= timing["app"]


def test_member_post_yardstick_answers_only_a_logged_in_member_with_the_token(settings):
    """P5's floor (bench/web_urls.py): a member's POST with the CSRF token gets the redirect
    and a message kept in the session; without a session it is refused, without the token
    the CSRF check refuses it, as for a registration."""
    settings.ROOT_URLCONF = "bench.web_urls"
    session = login(member("bench-floor-member@example.org"))
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = session.session_key
    client.cookies["csrftoken"] = session.csrf

    answered = client.post("/bench/member-post/", {"csrfmiddlewaretoken": session.csrf})
    without_token = client.post("/bench/member-post/", {})
    anonymous = Client().post("/bench/member-post/", {})

    assert answered.status_code == 302 and answered["Location"] == "/"
    assert [str(m) for m in answered.wsgi_request._messages] == ["bench"]
    assert without_token.status_code == 403
    assert anonymous.status_code == 403
