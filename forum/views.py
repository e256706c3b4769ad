import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from forum import sections

logger = logging.getLogger(__name__)


def landing(request):
    """The public front page; the apps above forum add their sections (forum/sections.py)."""
    return render(
        request, "forum/landing.html", {"sections": sections.collect(sections.LANDING, request)}
    )


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 otherwise (for load balancers and compose)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _check_cache() -> dict:
    """A real write and read: a cache that only accepts connections is not enough."""
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": ok}


def _check_broker() -> dict:
    url = settings.CELERY_BROKER_URL or ""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        # No REDIS_URL: tasks run eagerly in the web process, there is no broker to lose.
        return {"ok": True, "mode": "eager"}
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return {"ok": bool(client.ping()), "mode": "redis"}
    finally:
        client.close()


def _check_notifications() -> dict:
    """Age of the oldest notification due for sending. Rows waiting for a retry (backoff)
    are not due yet; one older than HEALTH_MAX_PENDING_AGE and due means mail is not going
    out: no worker runs, or the SMTP server keeps refusing."""
    from django.db.models import Min, Q

    from forum.notifications.models import EmailState, Notification

    now = timezone.now()
    oldest = Notification.objects.filter(
        Q(email_next_attempt_at__lte=now) | Q(email_next_attempt_at__isnull=True),
        email_state=EmailState.PENDING,
    ).aggregate(oldest=Min("created_at"))["oldest"]
    age = max(0, int((now - oldest) / timedelta(seconds=1))) if oldest else 0
    limit = settings.HEALTH_MAX_PENDING_AGE
    return {"ok": age <= limit, "oldest_pending_seconds": age, "limit_seconds": limit}


READINESS_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "notifications": _check_notifications,
}


@never_cache
@require_GET
def readyz(request):
    """Readiness: database, cache, broker and the notification outbox, as JSON; 200 when all
    are fine, 503 otherwise. Only states and numbers, never anything about a person."""
    checks = {}
    for name, check in READINESS_CHECKS.items():
        if name == "notifications" and not checks["database"]["ok"]:
            checks[name] = {"ok": False, "error": "database unavailable"}
            continue
        try:
            checks[name] = check()
        except Exception as error:  # any failure of a dependency means "not ready"
            logger.warning("Readiness check %s failed: %s", name, type(error).__name__)
            checks[name] = {"ok": False, "error": type(error).__name__}
    ready = all(result["ok"] for result in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


@require_safe
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page links; send them to
    the static icon. Not permanent: the hashed name changes with the icon."""
    return HttpResponseRedirect(static("img/favicon.ico"))
