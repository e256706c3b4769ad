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
    form = MessageForm(request.POST or None)
    limited = None
    if request.method == "POST":
        if not permissions.can_write_in_conversation(user, answer):
            raise Http404
        if not can_write:
            messages.error(request, _("This conversation is closed."))
            return redirect("research_needs:conversation", conversation.pk)
        if form.is_valid():
            limited = throttle.consume(request, action="message_send", key=throttle.user_key(user))
            if limited is not None:
                form.add_error(None, limited.message)
        if form.is_valid():
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
        "research_needs/conversation.html",
        {
            "conversation": conversation,
            "answer": answer,
            "need": need,
            "chat_messages": message_list,
            "unread_ids": unread_ids,
            "form": form if can_write else None,
            "is_owner": permissions.is_owner(user, need),
            "is_responder": permissions.is_responder(user, answer),
            "poster_revealed": need.poster_revealed,  # permissions.poster_shown
            "my_org": my_org,
            "attachments": list(answer.attachments.all()),
            "contacts": (
                contacts(need, answer) if permissions.can_see_contacts(user, answer) else None
            ),
            "can_add_files": permissions.can_attach_to_answer(user, answer),
        },
    )
    if limited is not None:
        return throttle.with_retry_after(response, limited)
    return response


def _introduction_conversation(request, conversation):
    user = request.user
    introduction = conversation.introduction
    form = MessageForm(request.POST or None)
    limited = None
    if request.method == "POST":
        if not permissions.can_write_in_conversation_at(user, conversation):
            raise Http404
        if form.is_valid():
            limited = throttle.consume(request, action="message_send", key=throttle.user_key(user))
            if limited is not None:
                form.add_error(None, limited.message)
        if form.is_valid():
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
    can_write = permissions.can_send_message_at(user, conversation)
    response = render_page(
        request,
        "research_needs/introduction_conversation.html",
        {
            "conversation": conversation,
            "introduction": introduction,
            "chat_messages": message_list,
            "unread_ids": unread_ids,
            "form": form if can_write else None,
            "my_org": my_org,
        },
    )
    if limited is not None:
        return throttle.with_retry_after(response, limited)
    return response
