"""What the research-needs views share: allowed methods, the need a manager acts on, the
contacts shown once an answer is accepted, and the page of a form that calls one service."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect

from forum.shortcuts import render_page, run_service

from .. import permissions, selectors
from ..models import Answer, Need

GET = ["GET", "HEAD"]
GET_POST = ["GET", "HEAD", "POST"]
#: The services call the upload field "file", the forms "files".
FILES = {"file": "files"}


def owned_need(request, pk) -> Need:
    """The need if the user manages it (permissions.can_manage_need); Http404 otherwise."""
    need = selectors.need_for_viewer(request.user, pk)
    if not permissions.can_manage_need(request.user, need):
        raise Http404
    return need


def contacts(need: Need, answer: Answer) -> dict:
    """Both sides' contact people once an answer is accepted (permissions.can_see_contacts)."""
    owner_person = need.contact_person or need.created_by
    responder_person = answer.created_by
    return {
        "owner_person": owner_person,
        "owner_phone": _phone(owner_person),
        "responder_person": responder_person,
        "responder_phone": _phone(responder_person),
    }


def _phone(user) -> str:
    profile = getattr(user, "profile", None) if user is not None else None
    return profile.phone if profile is not None else ""


def form_page(
    request,
    form,
    template,
    context,
    *,
    service,
    success,
    done,
    fields=(),
    aliases=None,
    **arguments,
):
    """The page of a form that calls one service. A valid POST calls ``service`` with
    ``arguments`` and the form's ``fields`` (forum.shortcuts.run_service) and, when it
    succeeds, redirects to ``done`` (a URL or an object with one). Otherwise the page shows
    the form with its errors (a 400 then, forum.middleware)."""
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in fields}
        ok, _result = run_service(
            request, service, form=form, success=success, aliases=aliases, **arguments, **data
        )
        if ok:
            return redirect(done)
    return render_page(request, template, {"form": form, **context})
