from django.conf import settings
from django.urls import translate_url


def site(request):
    """Links to the current page in every language (the language lives in the URL, not in a cookie)."""
    path = request.get_full_path()
    return {
        "SITE_URL": settings.SITE_URL,
        "language_links": [
            (code, name, translate_url(path, code)) for code, name in settings.LANGUAGES
        ],
    }
