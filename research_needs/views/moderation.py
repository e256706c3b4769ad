"""Moderation: the organisers' queue of submitted needs; publishing one, sending it back for
changes or rejecting it, each with the reason the organisation reads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum.shortcuts import run_service

from .. import permissions, selectors, services
from ..forms import CommentForm
from ..models import Need
from .common import GET, GET_POST, form_page

QUEUE = "research_needs:moderation"


def _submitted_need(request, pk) -> Need:
    """The need to moderate, for organisers (Http404 for anyone else); whether it waits for
    moderation is the service's to check."""
    if not permissions.can_moderate(request.user):
        raise Http404
    need = Need.objects.select_related("organisation").filter(pk=pk).first()
    if need is None:
        raise Http404
    return need


@login_required
@require_http_methods(GET)
def moderation(request):
    if not permissions.can_moderate(request.user):
        raise Http404
    return TemplateResponse(
        request,
        "research_needs/moderation.html",
        {"needs": selectors.moderation_queue()},
    )


@login_required
@require_POST
def moderation_publish(request, pk):
    need = _submitted_need(request, pk)
    run_service(
        request,
        services.need_publish,
        success=_("“%(title)s” has been published.") % {"title": need.title},
        actor=request.user,
        need=need,
    )
    return redirect(QUEUE)


def _comment_page(request, pk, service, action, success):
    """Sending back and rejecting: a page with the comment the organisation will read."""
    need = _submitted_need(request, pk)
    return form_page(
        request,
        CommentForm(request.POST or None),
        "research_needs/moderation_comment.html",
        {"need": need, "action": action},
        service=service,
        fields=["comment"],
        success=success % {"title": need.title},
        done=QUEUE,
        actor=request.user,
        need=need,
    )


@login_required
@require_http_methods(GET_POST)
def moderation_request_changes(request, pk):
    return _comment_page(
        request,
        pk,
        services.need_request_changes,
        "changes",
        _("“%(title)s” has been sent back for changes."),
    )


@login_required
@require_http_methods(GET_POST)
def moderation_reject(request, pk):
    return _comment_page(
        request, pk, services.need_reject, "reject", _("“%(title)s” has been rejected.")
    )
