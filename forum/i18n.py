from django.conf import settings
from django.utils.translation import get_language


def language_code(language: str | None) -> str:
    """One of settings.LANGUAGES for ``language``, else the active language, else the default."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in codes else settings.LANGUAGE_CODE
