"""What a logged-in request costs, and that what it keeps in the cache stays correct
(issue 17): the session is read from the cache (forum/sessions.py), the header's unread
count is kept per user (forum/notifications/unread.py). Logging out, deactivation and a
new password take effect on the next request; a new or read notification shows at once;
with Redis unreachable everything works from the database."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import sessions
from forum.notifications import services
from forum.notifications.models import Notification
from tests.factories import UserFactory
from tests.notifications.conftest import free_port
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

PAGE = "/members/"
LOGGED_IN = "/accounts/logout/"  # the logout form in the header
BADGE = '<span class="badge rounded-pill text-bg-light">'


def sql_of(queries) -> str:
    return "\n".join(q["sql"] for q in queries.captured_queries)


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


# --- Sessions ----------------------------------------------------------------------------


def test_session_engine_is_the_cached_one():
    assert settings.SESSION_ENGINE == "forum.sessions"


def test_logged_in_page_reads_neither_session_table_nor_unread_count(member_client):
    member_client.get(PAGE)  # the count is kept after the first page

    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(PAGE)

    assert LOGGED_IN in response.text
    sql = sql_of(queries)
    assert "django_session" not in sql
    assert "notifications_notification" not in sql
    assert '"members_user"' in sql  # the user is still read: deactivation counts at once


def test_session_survives_a_lost_cache_entry(member_client):
    cache.clear()  # evicted, flushed, or Redis restarted without its data

    response = member_client.get(PAGE)

    assert LOGGED_IN in response.text


def test_session_kept_in_the_cache_for_minutes_only(member):
    timeouts = []

    class Recording:
        def set(self, key, value, timeout=None, version=None):
            timeouts.append(timeout)

    capped = sessions._CappedCache(Recording())
    capped.set("k", 1, 14 * 24 * 3600)
    capped.set("k", 1, 30)
    capped.set("k", 1, None)

    assert timeouts == [sessions.CACHE_SECONDS, 30, sessions.CACHE_SECONDS]


def test_logout_ends_the_session_at_once(member_client):
    cookie = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    member_client.get(PAGE)

    member_client.post(reverse("account_logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = replay.get(PAGE)

    assert LOGGED_IN not in response.text


def test_deactivated_member_is_logged_out_on_the_next_request(member_client, member):
    assert LOGGED_IN in member_client.get(PAGE).text

    member.is_active = False
    member.save()

    response = member_client.get(PAGE)
    assert LOGGED_IN not in response.text
    assert member_client.get(reverse("members:home")).status_code == 302


def test_new_password_logs_out_other_sessions(member_client, member):
    assert LOGGED_IN in member_client.get(PAGE).text

    member.set_password("an entirely new secret 42")
    member.save()

    assert LOGGED_IN not in member_client.get(PAGE).text


# --- Unread count ------------------------------------------------------------------------


def test_new_notification_shows_at_once(member_client, member):
    assert BADGE not in member_client.get(PAGE).text  # 0 kept

    NotificationFactory(recipient=member)

    assert f"{BADGE}1<" in member_client.get(PAGE).text


def test_notifications_recorded_in_bulk_show_at_once(member_client, member):
    member_client.get(PAGE)

    services.notify_many(
        kind="members.member_joined",
        recipients=[member, UserFactory()],
        context={"member_name": "N", "organisation_name": "O"},
    )

    assert f"{BADGE}1<" in member_client.get(PAGE).text


def test_marking_read_updates_the_count_at_once(member_client, member):
    first, _second = NotificationFactory(recipient=member), NotificationFactory(recipient=member)
    assert f"{BADGE}2<" in member_client.get(PAGE).text

    member_client.post(reverse("notifications:read", args=[first.pk]))
    assert f"{BADGE}1<" in member_client.get(PAGE).text

    member_client.post(reverse("notifications:read_all"))
    assert BADGE not in member_client.get(PAGE).text


def test_erasure_and_purge_update_the_count(member_client, member):
    NotificationFactory(recipient=member)
    assert f"{BADGE}1<" in member_client.get(PAGE).text

    from forum.notifications.privacy import erase_notifications

    erase_notifications(member)
    assert BADGE not in member_client.get(PAGE).text

    NotificationFactory(recipient=member, sent=True)
    Notification.objects.update(created_at="2000-01-01T00:00:00Z")
    assert f"{BADGE}1<" in member_client.get(PAGE).text  # kept, the update sent no signal
    services.notification_purge_old()
    assert BADGE not in member_client.get(PAGE).text


def test_count_is_per_user(member_client, member):
    other = UserFactory()
    NotificationFactory(recipient=other)
    NotificationFactory(recipient=other)
    assert BADGE not in member_client.get(PAGE).text

    other_client = Client()
    other_client.force_login(other)
    assert f"{BADGE}2<" in other_client.get(PAGE).text
    assert BADGE not in member_client.get(PAGE).text


# --- Redis unreachable -------------------------------------------------------------------


@pytest.fixture
def dead_cache():
    """The production cache backend on a port nobody listens on."""
    location = f"redis://127.0.0.1:{free_port()}/0"
    dead = {"default": {"BACKEND": "forum.cache.ResilientRedisCache", "LOCATION": location}}
    with override_settings(CACHES=dead):
        yield


def test_with_redis_down_members_log_in_read_and_log_out(dead_cache, member):
    NotificationFactory(recipient=member)
    client = Client()
    client.force_login(member)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.get(PAGE)
    assert LOGGED_IN in response.text
    assert f"{BADGE}1<" in response.text
    client.post(reverse("notifications:read_all"))
    assert BADGE not in client.get(PAGE).text

    client.post(reverse("account_logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert LOGGED_IN not in replay.get(PAGE).text


def test_with_redis_down_deactivation_still_logs_out(dead_cache, member):
    client = Client()
    client.force_login(member)
    assert LOGGED_IN in client.get(PAGE).text

    member.is_active = False
    member.save()

    assert LOGGED_IN not in client.get(PAGE).text


def test_redis_client_is_built_once_per_pool():
    from forum.cache import ResilientRedisCache

    backend = ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {})
    client = backend._cache

    assert client.get_client() is client.get_client(write=True)
    assert backend.get("anything", "missing") == "missing"  # still resilient
