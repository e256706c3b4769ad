"""Cross-cutting request and response rules."""

import logging
import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.forms import BaseForm
from django.http import HttpResponseBadRequest
from django.template import loader
from django.utils import translation

logger = logging.getLogger("forum.bad_input")

# C0 control characters and DEL, except tab, line feed and carriage return, which text
# areas and pasted text carry. NUL cannot be stored in PostgreSQL at all; the others are
# invalid in XML 1.0 (the PDFs and calendar feeds), invisible on screen and have no place
# in anything a person types. C1 controls (U+0080-U+009F) are left alone: they are valid
# XML and PostgreSQL text and turn up in text pasted from legacy systems.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _bad_encoded(raw: str) -> bool:
    """``raw`` is a percent-encoded query string or form body as WSGI hands it over
    (bytes decoded as Latin-1): True if it does not decode as UTF-8 or holds a
    forbidden character."""
    try:
        text = unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return bool(FORBIDDEN.search(text))


# Django decodes the path before any middleware runs and percent-encodes again what is not
# UTF-8 (``repercent_broken_unicode``): a decoded path that still holds ``%XX`` came from
# invalid UTF-8 or from a double-encoded URL. None of our URLs contains a percent sign.
ENCODED_IN_PATH = re.compile("%[0-9A-Fa-f]{2}")


def bad_input(request) -> str | None:
    """Why the request carries input no view should ever see, or None."""
    if FORBIDDEN.search(request.path_info) or ENCODED_IN_PATH.search(request.path_info):
        return "path"
    if _bad_encoded(request.META.get("QUERY_STRING", "")):
        return "query string"
    if request.method == "POST":
        if request.content_type == "application/x-www-form-urlencoded":
            if _bad_encoded(request.body.decode("latin-1")):
                return "form body"
        elif request.content_type == "multipart/form-data":
            # Only the text fields: the uploads' bytes are checked by their own fields.
            # The multipart parser already decoded them (invalid UTF-8 became U+FFFD).
            for key, values in request.POST.lists():
                if FORBIDDEN.search(key) or any(FORBIDDEN.search(value) for value in values):
                    return "form field"
    return None


class BadInputMiddleware:
    """NUL bytes, other control characters and invalid UTF-8 in the path, the query string
    or a form field answer 400 everywhere (issue 11, R2).

    The one guard instead of a check in every form and view: such input cannot be typed by
    a person, PostgreSQL refuses NUL in text (a 500 wherever it reached a query), and
    tokens, slugs and file names in URLs are looked up as they come. It sits right below
    the security and CSP middleware (which only add headers, so the 400 carries them too)
    and above everything that reads the input; the 400 page is rendered here in the
    language of the URL, like Django's own bad-request page, without a request context.
    The clickjacking middleware sits further down, so its header is set here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = bad_input(request)
        if reason is None:
            return self.get_response(request)
        logger.info("Bad input refused (%s): %s %r", reason, request.method, request.path)
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        with translation.override(language):
            content = loader.get_template("400.html").render({"LANGUAGE_CODE": language})
        response = HttpResponseBadRequest(content)
        response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        return response


class InvalidFormStatusMiddleware:
    """A page that shows a bound form with errors answers 400, not 200 (R2).

    The one place this rule lives: our views return TemplateResponses
    (``forum.shortcuts.render_page``), and allauth's views (login, sign-up, password reset, ...) do too. Clients,
    monitoring and tests can then tell a rejected submission from a page view, and the
    form still shows every error and keeps the input.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if response.status_code == 200 and any(
            isinstance(value, BaseForm) and value.is_bound and value.errors
            for value in (response.context_data or {}).values()
        ):
            response.status_code = 400
        return response
