"""/readyz: database, cache, broker and the notification outbox (issue 10, item 6)."""

import shutil
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from django.utils import timezone

from forum.notifications.models import EmailState, Notification
from tests.notifications.conftest import Processes, RedisServer


@pytest.fixture
def private_redis(request, tmp_path):
    """A redis-server of this test's own (never the machine's), which the test may stop:
    the notification worker tests' process helpers."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not on PATH.")
    processes = Processes(request, tmp_path)
    server = RedisServer(binary, processes, tmp_path)
    server.start()
    try:
        yield server.url, server.stop
    finally:
        processes.stop_all()


def _redis_settings(url: str) -> dict:
    return {
        "CELERY_BROKER_URL": url,
        "REDIS_URL": url,
        "CACHES": {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        },
    }


def test_readyz_all_up_returns_200_with_each_check(client, db, private_redis):
    url, _stop = private_redis
    with override_settings(**_redis_settings(url)):
        response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["cache"] == {"ok": True}
    assert body["checks"]["broker"] == {"ok": True, "mode": "redis"}
    assert body["checks"]["notifications"]["ok"] is True
    assert "no-cache" in response["Cache-Control"]


def test_readyz_redis_stopped_returns_503_with_cache_and_broker_down(client, db, private_redis):
    url, stop = private_redis
    with override_settings(**_redis_settings(url)):
        assert client.get("/readyz").status_code == 200
        stop()
        started = time.monotonic()
        response = client.get("/readyz")
        took = time.monotonic() - started

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert response.json()["status"] == "unavailable"
    assert checks["cache"]["ok"] is False
    assert checks["broker"]["ok"] is False
    assert checks["broker"]["error"] == "ConnectionError"
    assert checks["database"] == {"ok": True}
    assert took < 10


def test_readyz_without_broker_reports_eager(client, db):
    with override_settings(CELERY_BROKER_URL="memory://"):
        response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"ok": True, "mode": "eager"}


def test_readyz_database_down_returns_503(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/readyz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": False, "error": "OperationalError"}
    assert checks["notifications"]["ok"] is False


def _pending(*, created_minutes_ago: int, next_attempt_minutes: int) -> Notification:
    now = timezone.now()
    return Notification.objects.create(
        email="waiting.person@example.org",
        category="system",
        kind="test",
        email_state=EmailState.PENDING,
        created_at=now - timedelta(minutes=created_minutes_ago),
        email_next_attempt_at=now + timedelta(minutes=next_attempt_minutes),
    )


def test_readyz_notification_due_too_long_returns_503_without_personal_data(client, db):
    _pending(created_minutes_ago=31, next_attempt_minutes=-1)

    response = client.get("/readyz")

    assert response.status_code == 503
    notifications = response.json()["checks"]["notifications"]
    assert notifications["ok"] is False
    assert 31 * 60 <= notifications["oldest_pending_seconds"] < 33 * 60
    assert notifications["limit_seconds"] == 30 * 60
    assert b"waiting.person" not in response.content


def test_readyz_ignores_recent_and_retrying_notifications(client, db):
    _pending(created_minutes_ago=5, next_attempt_minutes=-1)
    _pending(created_minutes_ago=45, next_attempt_minutes=4)  # in backoff, not due yet
    Notification.objects.create(
        email="sent@example.org",
        category="system",
        kind="test",
        email_state=EmailState.SENT,
        created_at=timezone.now() - timedelta(days=3),
    )

    response = client.get("/readyz")

    assert response.status_code == 200
    assert 5 * 60 <= response.json()["checks"]["notifications"]["oldest_pending_seconds"] < 7 * 60


def test_readyz_threshold_comes_from_settings(client, db):
    _pending(created_minutes_ago=5, next_attempt_minutes=-1)

    with override_settings(HEALTH_MAX_PENDING_AGE=60):
        assert client.get("/readyz").status_code == 503


def test_readyz_rejects_post(client, db):
    assert client.post("/readyz").status_code == 405
