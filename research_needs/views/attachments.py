"""Files of needs and answers: adding them, downloading them (only through a permission
check, always as a download) and removing them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum.shortcuts import run_service

from .. import permissions, selectors, services
from ..forms import AttachmentForm
from ..models import Attachment, Need
from .common import FILES, GET, GET_POST, form_page, owned_need


def _add_page(request, parent: dict, count: int, context: dict, back_url: str):
    return form_page(
        request,
        AttachmentForm(request.POST or None, request.FILES or None, existing=count),
        "research_needs/attachment_form.html",
        {**context, "back_url": back_url},
        service=services.attachments_add,
        fields=["files"],
        aliases=FILES,
        success=_("The files have been attached."),
        done=back_url,
        actor=request.user,
        **parent,
    )


@login_required
@require_http_methods(GET_POST)
def attachment_add(request, pk):
    """Files for a need (its owners) from the detail page; a page of its own on errors."""
    need = owned_need(request, pk)
    return _add_page(
        request,
        {"need": need},
        need.attachments.count(),
        {"need": need, "answer": None},
        need.get_absolute_url(),
    )


@login_required
@require_http_methods(GET_POST)
def answer_attachment_add(request, pk):
    answer = selectors.answer_for_viewer(request.user, pk)
    if not permissions.is_responder(request.user, answer):
        raise Http404
    return _add_page(
        request,
        {"answer": answer},
        answer.attachments.count(),
        {"need": answer.need, "answer": answer},
        reverse("research_needs:conversation", args=[answer.conversation.pk]),
    )


def _attachment(request, pk, file_pk) -> Attachment:
    attachment = (
        Attachment.objects.select_related("need", "answer", "answer__need", "answer__organisation")
        .filter(pk=file_pk)
        .first()
    )
    if attachment is None:
        raise Http404
    need_id = attachment.need_id or attachment.answer.need_id
    if need_id != pk or not permissions.can_download(request.user, attachment):
        raise Http404
    return attachment


@require_http_methods(GET)
def attachment_download(request, pk, file_pk):
    """Only through this permission check, always as a download, never sniffed."""
    attachment = _attachment(request, pk, file_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def attachment_remove(request, pk, file_pk):
    attachment = _attachment(request, pk, file_pk)
    run_service(
        request,
        services.attachment_remove,
        success=_("The file has been removed."),
        actor=request.user,
        attachment=attachment,
    )
    if attachment.answer_id:
        return redirect("research_needs:conversation", attachment.answer.conversation.pk)
    need = attachment.need
    if need.status == Need.Status.DRAFT:
        return redirect("research_needs:edit", need.pk)
    return redirect(need)
