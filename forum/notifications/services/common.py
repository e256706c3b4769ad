"""Settings, languages and links that every part of the notification services shares."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse, translate_url
from django.utils import translation


def setting(name: str, default):
    return getattr(settings, name, default)


def batch_size() -> int:
    return setting("NOTIFICATIONS_BATCH_SIZE", 100)


def max_attempts() -> int:
    return setting("NOTIFICATIONS_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones: base, twice that, four times…"""
    return setting("NOTIFICATIONS_RETRY_BACKOFF", 60) * 2 ** max(attempts - 1, 0)


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def language_or_default(code: str | None) -> str:
    codes = {c for c, _name in settings.LANGUAGES}
    code = (code or "").split("-")[0]
    return code if code in codes else settings.LANGUAGE_CODE


def user_language(user) -> str:
    try:
        return language_or_default(user.profile.preferred_language)
    except ObjectDoesNotExist:
        return settings.LANGUAGE_CODE


def localised_url(path: str, language: str) -> str:
    """``path`` (a site path) in ``language``: /members/… for German, /en/members/… for English."""
    if not path:
        return ""
    # Stored paths are in the default language, and translate_url resolves in the active one.
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(path, language)


def site_link(url_name: str, language: str, fragment: str = "") -> str:
    """An absolute link to a page of the site, in ``language``, for emails."""
    with translation.override(language):
        return settings.SITE_URL + reverse(url_name) + fragment
