"""The conversation between a need's organisation and an answering one: its messages, the
answer beside them, and writing a message; and the conversation of two organisations
introduced to each other (issue 13), which never closes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forum import throttle
from forum.notifications.services import notification_mark_read_for
from forum.once import submit_once
from forum.shortcuts import render_page, run_service

from .. import permissions, selectors, services
from ..forms import MessageForm
from .common import GET_POST, contacts


@login_required
@require_http_methods(GET_POST)
@submit_once
def conversation(request, pk):
    conversation = selectors.conversation_for_viewer(request.user, pk)
    if conversation.introduction_id:
        return _introduction_conversation(request, conversation)
    answer = conversation.answer
    need = answer.need
    user = request.user
    can_write = permissions.can_send_message(user, answer)
    if request.method == "POST":
        if not permissions.can_write_in_conversation(user, answer):
            raise Http404
        if not can_write:
            messages.error(request, _("This conversation is closed."))
            return redirect("research_needs:conversation", conversation.pk)
    return _conversation_page(
        request,
        conversation,
        "research_needs/conversation.html",
        can_write=can_write,
        context={
            "answer": answer,
            "need": need,
            "is_owner": permissions.is_owner(user, need),
            "is_responder": permissions.is_responder(user, answer),
            "poster_revealed": need.poster_revealed,  # permissions.poster_shown
            "attachments": list(answer.attachments.all()),
            "contacts": (
                contacts(need, answer) if permissions.can_see_contacts(user, answer) else None
            ),
            "can_add_files": permissions.can_attach_to_answer(user, answer),
        },
    )


def _introduction_conversation(request, conversation):
    user = request.user
    if request.method == "POST" and not permissions.can_write_in_conversation_at(
        user, conversation
    ):
        raise Http404
    return _conversation_page(
        request,
        conversation,
        "research_needs/introduction_conversation.html",
        can_write=permissions.can_send_message_at(user, conversation),
        context={"introduction": conversation.introduction},
    )


def _conversation_page(request, conversation, template, *, can_write, context):
    """What both kinds of conversation share, once the view has checked that the person may
    write: sending a message (throttled, through the service), the messages with the unread
    ones marked, marking them read on a plain view, and the page."""
    user = request.user
    form = MessageForm(request.POST or None)
    limited = None
    if request.method == "POST" and form.is_valid():
        limited = throttle.consume(request, action="message_send", key=throttle.user_key(user))
        if limited is not None:
            form.add_error(None, limited.message)
        else:
            ok, _message = run_service(
                request,
                services.message_send,
                form=form,
                actor=user,
                conversation=conversation,
                body=form.cleaned_data["body"],
            )
            if ok:
                return redirect(
                    reverse("research_needs:conversation", args=[conversation.pk]) + "#latest"
                )
    message_list = list(selectors.conversation_messages(conversation))
    my_org = permissions.organisation_of(user)
    unread_ids = set()
    if my_org is not None:
        unread_ids = {
            m.pk
            for m in message_list
            if m.read_at is None and m.author_organisation_id != my_org.pk
        }
    if request.method != "POST":
        services.conversation_mark_read(actor=user, conversation=conversation)
        notification_mark_read_for(actor=user, obj=conversation)
    response = render_page(
        request,
        template,
        {
            "conversation": conversation,
            "chat_messages": message_list,
            "unread_ids": unread_ids,
            "form": form if can_write else None,
            "my_org": my_org,
            **context,
        },
    )
    if limited is not None:
        return throttle.with_retry_after(response, limited)
    return response
