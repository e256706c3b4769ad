"""Helpers every app's views share."""

from django.core.exceptions import ValidationError
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
