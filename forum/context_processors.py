from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import translate_url
from django.utils.translation import get_language


@lru_cache(maxsize=4096)
def _language_links(path: str, active: str) -> tuple:
    """Resolving and reversing the path once per language cost a tenth of a cached page
    (issue 17); the answer depends only on the path, the language it was resolved in and
    the URLconf, which a process never changes, so each process keeps it."""
    return tuple((code, name, translate_url(path, code)) for code, name in settings.LANGUAGES)


def site(request):
    """Links to the current page in every language (the language lives in the URL, not in a cookie)."""
    return {
        "SITE_URL": settings.SITE_URL,
        "language_links": _language_links(request.get_full_path(), get_language()),
    }


def _forget_links(*, setting, **_kwargs) -> None:  # tests that change the URLs or languages
    if setting in {"ROOT_URLCONF", "LANGUAGES"}:
        _language_links.cache_clear()


setting_changed.connect(_forget_links, dispatch_uid="forum_language_links")
