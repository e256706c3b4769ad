"""Rate limits of the platform's own forms: one home for the counting, the limits live in
``settings.FORUM_RATE_LIMITS`` by name (allauth keeps its own for login and sign-up).

A limit is ``"<amount>/<period>"`` with the period in seconds, minutes, hours or days
(``"5/h"``, ``"20/10m"``). Counting is a fixed window in Django's cache, keyed by the
action and a hash of the key (an address, a client IP, a user id), so no address sits in
the cache in clear. A limit that is not configured never refuses.

Views call ``consume()`` once per accepted submission and, when it returns a ``Limited``,
answer 429 with the form and its input kept (``form_refused``) or the 429 page.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limited:
    """A refused use: which limit, and how many seconds until it counts from zero again."""

    action: str
    retry_after: int

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        return ngettext(
            "You have sent this too often in a short time. Please try again in %(minutes)d minute.",
            "You have sent this too often in a short time. Please try again in %(minutes)d "
            "minutes.",
            minutes,
        ) % {"minutes": minutes}


def rate(action: str) -> tuple[int, int] | None:
    """``(amount, seconds)`` of the named limit, or None when it is not configured."""
    spec = getattr(settings, "FORUM_RATE_LIMITS", {}).get(action)
    if not spec:
        return None
    amount, _slash, period = spec.partition("/")
    unit = period[-1]
    count = int(period[:-1] or 1) if unit in UNITS else int(period)
    return int(amount), count * UNITS.get(unit, 1)


def client_key(request) -> str:
    """The client's IP as allauth determines it (honouring ALLAUTH_TRUSTED_PROXY_COUNT)."""
    from allauth.account.adapter import get_adapter

    return f"ip:{get_adapter(request).get_client_ip(request)}"


def user_key(user) -> str:
    return f"user:{user.pk}"


def consume(request, *, action: str, key: str, amount: int = 1) -> Limited | None:
    """Counts one use of ``action`` for ``key``; returns None while within the limit, a
    ``Limited`` once it is exceeded (the refused use counts too, so hammering does not
    reset anything)."""
    limit = rate(action)
    if limit is None:
        return None
    allowed, period = limit
    now = time.time()
    window = int(now // period)
    digest = hashlib.sha256(f"{action}:{key}".encode()).hexdigest()[:40]
    cache_key = f"forum:throttle:{action}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key, amount)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, amount, timeout=period)
        count = amount
    if count is None or count <= allowed:
        return None
    return Limited(action=action, retry_after=max(1, int((window + 1) * period - now)))


def first_limited(request, checks: list[tuple[str, str]]) -> Limited | None:
    """Consumes every ``(action, key)`` and returns the first refusal, if any."""
    refused = [consume(request, action=action, key=key) for action, key in checks]
    return next((limited for limited in refused if limited is not None), None)


def with_retry_after(response, limited: Limited):
    """Status 429 and the Retry-After header on a page that already shows the reason."""
    response.status_code = 429
    response["Retry-After"] = str(limited.retry_after)
    return response


def form_refused(request, template: str, context: dict, form, limited: Limited):
    """The form page again, input kept, the reason at the top, status 429."""
    form.add_error(None, limited.message)
    context = {**context, "limited": limited}
    return with_retry_after(TemplateResponse(request, template, context, status=429), limited)


def page_refused(request, limited: Limited):
    """The 429 page (templates/429.html) with the reason."""
    response = TemplateResponse(request, "429.html", {"limited": limited}, status=429)
    return with_retry_after(response, limited)
