"""Helpers every app's views share."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse


def render_page(request, template, context, status=None):
    """A TemplateResponse, so forum.middleware answers a page with an invalid form with 400."""
    return TemplateResponse(request, template, context, status=status)


def add_errors(form, error: ValidationError, *, aliases=None) -> None:
    """Shows a service's ValidationError on the form: each message at its field (``aliases``
    maps a service's field name to the form's), the rest at the top."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = aliases.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def run_service(request, service, /, *, form=None, success=None, aliases=None, **arguments):
    """The one view block around a service call.

    Calls ``service(**arguments)`` and answers its outcome the same way everywhere:

    - ``PermissionDenied`` becomes a 404, so a page does not tell outsiders what exists;
    - a ``ValidationError`` goes onto ``form`` (each message at its field) or, without a form,
      into an error message at the top of the next page;
    - on success, ``success`` (a string, or a callable given the service's result) is shown
      as a success message.

    Returns ``(ok, result)``: ``result`` is the service's return value, ``None`` on failure.
    """
    try:
        result = service(**arguments)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        if form is not None:
            add_errors(form, exc, aliases=aliases)
        else:
            messages.error(request, " ".join(exc.messages))
        return False, None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return True, result


def confirmed(request) -> bool:
    """A confirmation page's POST: only its own button (``confirm=yes``) confirms; any other
    POST (a bot, a stale form) is sent back to the question."""
    return request.method == "POST" and request.POST.get("confirm") == "yes"
