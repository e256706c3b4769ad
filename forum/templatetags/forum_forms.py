"""The error summary at the top of a form with errors (templates/forum/_error_summary.html)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass(frozen=True)
class FormError:
    message: str
    label: str = ""
    href: str = ""  # "#id_field" of the input to fix; empty for errors of the whole form


def _anchor(bound_field) -> str:
    """The id of the input a link should jump to. Radio buttons and checkbox lists have no
    single input (their id_for_label is empty): jump to the first choice."""
    target = bound_field.id_for_label or (f"{bound_field.auto_id}_0" if bound_field.auto_id else "")
    return f"#{target}" if target else ""


@register.simple_tag
def form_errors(*forms) -> list[FormError]:
    """Every error of the given forms in page order: errors of the whole form first, then
    each field's, with a link to the field. Missing forms (None) are skipped."""
    errors: list[FormError] = []
    for form in forms:
        if not form or not getattr(form, "errors", None):
            continue
        errors.extend(FormError(str(message)) for message in form.non_field_errors())
        for bound_field in form:
            label = str(bound_field.label or bound_field.name)
            href = "" if bound_field.is_hidden else _anchor(bound_field)
            errors.extend(FormError(str(message), label, href) for message in bound_field.errors)
    return errors
