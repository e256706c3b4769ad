"""Thin views: parse, check permission (404 for what a user may not see), call a selector or
a service, render. Invalid forms answer 400 with the user's input kept (forum.middleware
turns a TemplateResponse with a bound invalid form into a 400)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Select
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum import throttle
from forum.notifications.services import notification_mark_read_for
from forum.once import submit_once
from forum.shortcuts import add_errors, render_page
from members.permissions import is_organiser, membership_of

from . import cache as list_cache
from . import permissions, selectors, services
from .forms import (
    AnswerForm,
    AttachmentForm,
    CloseForm,
    CommentForm,
    DeclineForm,
    ExtendForm,
    MessageForm,
    NeedForm,
    NeedSearchForm,
)
from .models import Answer, Attachment, Need

PAGE_SIZE = 20
GET = ["GET", "HEAD"]
GET_POST = ["GET", "HEAD", "POST"]


def _flash_errors(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


# --- List and detail ----------------------------------------------------------------------


@require_http_methods(GET)
def need_list(request):
    """The list and search. Visitors without pending messages get the page from the cache
    (research_needs/cache.py, P3); members always get it rendered for them."""
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return _need_list(request)[0]
    try:
        key = list_cache.page_key(request, get_language())
        html, generation = list_cache.get_page(key) if key else (None, None)
    except Exception:  # the cache is down: render as usual
        key = html = None
    if html is not None:
        return HttpResponse(html)
    response, cacheable = _need_list(request)
    if key and cacheable:
        response.add_post_render_callback(partial(_store_list, request, key, generation))
    return response


def _store_list(request, key, generation, response) -> None:
    content = response.content
    # Nothing personal may go into the shared page: no CSRF token, no cookie it set.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or b"csrfmiddlewaretoken" in content:
        return
    list_cache.store_page(key, generation, content.decode(response.charset))


def _style_search_form(form) -> None:
    """Bootstrap classes on the widgets, so the template renders the fields with plain
    markup (research_needs/_search_field.html) instead of crispy forms, which cost about half
    of the page's rendering. Django adds aria-invalid and aria-describedby itself."""
    for name, field in form.fields.items():
        base = "form-select" if isinstance(field.widget, Select) else "form-control"
        field.widget.attrs["class"] = f"{base} is-invalid" if name in form.errors else base


def _need_list(request):
    """The rendered list and whether it may be shared (no field error, answered with 200)."""
    form = NeedSearchForm(request.GET or None)
    filters = {}
    if form.is_bound:
        # A filter that cannot be understood (a stale topic link, a made-up value) shows its
        # error at the field and answers 400 (house rule); the understood ones still apply.
        form.is_valid()
        filters = {
            key: value
            for key, value in form.cleaned_data.items()
            if key not in form.errors and value not in (None, "")
        }
    _style_search_form(form)
    sort = filters.pop("sort", "relevance")
    needs = selectors.search_needs(request.user, sort=sort, **filters)
    paginator = selectors.CappedPaginator(needs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    response = TemplateResponse(
        request,
        "research_needs/need_list.html",
        {
            "search_form": form,
            "page_obj": page,
            "needs": page.object_list,
            "paginator": paginator,
            "query_string": query.urlencode(),
            "is_filtered": bool(filters),
            # Open the filter panel when a filter (not just the search box) is in use, or
            # when one of them has an error to show.
            "has_filters": bool(set(filters) - {"q"}) or bool(set(form.errors) - {"q"}),
            "searched": bool(filters.get("q")),
            "search_query": filters.get("q", ""),
            "can_create": permissions.can_create_need(request.user),
        },
    )
    return response, not form.errors


def _contacts(need: Need, answer: Answer) -> dict:
    """Both sides' contact people once an answer is accepted."""
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


@require_http_methods(GET)
def need_detail(request, pk):
    need = selectors.need_for_viewer(request.user, pk)
    user = request.user
    full = permissions.can_see_full_need(user, need)
    is_owner = permissions.is_owner(user, need)
    organiser = is_organiser(user)
    answers = list(selectors.answers_for_need(need, user)) if user.is_authenticated else []
    my_org = membership_of(user).organisation if membership_of(user) else None
    my_answer = next(
        (a for a in answers if my_org and a.organisation_id == my_org.pk and a.is_active), None
    )
    my_past_answers = [
        a for a in answers if my_org and a.organisation_id == my_org.pk and not a.is_active
    ]
    accepted_contacts = [
        (answer, _contacts(need, answer))
        for answer in answers
        if permissions.can_see_contacts(user, answer)
    ]
    can_manage = permissions.can_manage_need(user, need)
    notification_mark_read_for(actor=user, obj=need)
    return TemplateResponse(
        request,
        "research_needs/need_detail.html",
        {
            "need": need,
            "full": full,
            "poster_revealed": need.poster_revealed,  # permissions.poster_shown
            "attachments": list(need.attachments.all()) if full else [],
            "is_owner": is_owner,
            "is_organiser": organiser,
            "can_edit": permissions.can_edit_need(user, need),
            "can_manage": can_manage,
            "can_answer": permissions.can_answer(user, need) and my_answer is None,
            "answers": answers if permissions.can_see_all_answers(user, need) else [],
            "my_answer": my_answer,
            "my_past_answers": my_past_answers,
            "accepted_contacts": accepted_contacts,
            "attachment_form": (
                AttachmentForm() if permissions.can_attach_to_need(user, need) else None
            ),
            "decline_form": DeclineForm(),
        },
    )


# --- Create and edit ----------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
@submit_once
def need_create(request):
    user = request.user
    membership = membership_of(user)
    if not permissions.can_create_need(user):
        if membership is None:
            messages.info(
                request, _("To post a research need, create or join an organisation first.")
            )
        else:  # issue 11: an organisation waiting for approval
            messages.info(request, _(services.NOT_APPROVED))
        return redirect("members:onboarding")
    choose = membership is None  # an organiser without an organisation of their own
    organisation = membership.organisation if membership else None
    form = NeedForm(
        request.POST or None,
        request.FILES or None,
        organisation=organisation,
        choose_organisation=choose,
        initial={"contact_person": user.pk if membership else None},
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            need = services.need_create(
                actor=user,
                organisation=form.cleaned_data.get("organisation") if choose else None,
                topics=form.cleaned_data["topics"],
                contact_person=form.cleaned_data["contact_person"],
                files=form.cleaned_data["files"],
                submit=submit,
                **form.need_fields(),
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc, aliases={"file": "files"})
        else:
            if submit:
                messages.success(
                    request,
                    _("Your research need has been submitted. An organiser will review it soon."),
                )
            else:
                messages.success(request, _("Your draft has been saved."))
            return redirect(need)
    return render_page(request, "research_needs/need_form.html", {"form": form, "need": None})


def _owned_need(request, pk) -> Need:
    need = selectors.need_for_viewer(request.user, pk)
    if not permissions.can_manage_need(request.user, need):
        raise Http404
    return need


@login_required
@require_http_methods(GET_POST)
def need_edit(request, pk):
    need = _owned_need(request, pk)
    if not permissions.can_edit_need(request.user, need):
        messages.info(request, _("Only needs not yet published can be changed."))
        return redirect(need)
    form = NeedForm(
        request.POST or None,
        request.FILES or None,
        organisation=need.organisation,
        need=need,
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            need = services.need_update(
                actor=request.user,
                need=need,
                topics=form.cleaned_data["topics"],
                contact_person=form.cleaned_data["contact_person"],
                files=form.cleaned_data["files"],
                submit=submit,
                **form.need_fields(),
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc, aliases={"file": "files"})
        else:
            messages.success(
                request,
                _("Your research need has been submitted. An organiser will review it soon.")
                if submit
                else _("Your draft has been saved.")
                if need.status == Need.Status.DRAFT
                else _("Your changes are saved. The need stays submitted for review."),
            )
            return redirect(need)
    return render_page(
        request,
        "research_needs/need_form.html",
        {"form": form, "need": need, "attachments": list(need.attachments.all())},
    )


@login_required
@require_POST
def need_submit(request, pk):
    need = _owned_need(request, pk)
    try:
        services.need_submit(actor=request.user, need=need)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(
            request, _("Your research need has been submitted. An organiser will review it soon.")
        )
    return redirect(need)


@login_required
@require_http_methods(GET_POST)
def need_close(request, pk):
    need = _owned_need(request, pk)
    if need.status == Need.Status.CLOSED:
        return redirect(need)
    form = CloseForm(request.POST or None, need=need)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_close(actor=request.user, need=need, reason=form.cleaned_data["reason"])
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The research need has been closed."))
            return redirect(need)
    return render_page(request, "research_needs/need_close.html", {"form": form, "need": need})


@login_required
@require_http_methods(GET_POST)
def need_extend(request, pk):
    need = _owned_need(request, pk)
    if not need.can_be_extended:
        messages.info(request, _("This research need cannot be extended."))
        return redirect(need)
    form = ExtendForm(request.POST or None, need=need)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_extend(
                actor=request.user, need=need, deadline=form.cleaned_data["deadline"]
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The answer deadline has been extended."))
            return redirect(need)
    return render_page(request, "research_needs/need_extend.html", {"form": form, "need": need})


# --- Attachments --------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def attachment_add(request, pk):
    """Files for a need (its owners) from the detail page; a page of its own on errors."""
    need = _owned_need(request, pk)
    form = AttachmentForm(
        request.POST or None, request.FILES or None, existing=need.attachments.count()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attachments_add(
                actor=request.user, uploads=form.cleaned_data["files"], need=need
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc, aliases={"file": "files"})
        else:
            messages.success(request, _("The files have been attached."))
            return redirect(need)
    return render_page(
        request,
        "research_needs/attachment_form.html",
        {"form": form, "need": need, "answer": None, "back_url": need.get_absolute_url()},
    )


@login_required
@require_http_methods(GET_POST)
def answer_attachment_add(request, pk):
    answer = selectors.answer_for_viewer(request.user, pk)
    if not permissions.is_responder(request.user, answer):
        raise Http404
    form = AttachmentForm(
        request.POST or None, request.FILES or None, existing=answer.attachments.count()
    )
    back_url = reverse("research_needs:conversation", args=[answer.conversation.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.attachments_add(
                actor=request.user, uploads=form.cleaned_data["files"], answer=answer
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc, aliases={"file": "files"})
        else:
            messages.success(request, _("The files have been attached."))
            return redirect(back_url)
    return render_page(
        request,
        "research_needs/attachment_form.html",
        {"form": form, "need": answer.need, "answer": answer, "back_url": back_url},
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
    try:
        services.attachment_remove(actor=request.user, attachment=attachment)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("The file has been removed."))
    if attachment.answer_id:
        return redirect("research_needs:conversation", attachment.answer.conversation.pk)
    need = attachment.need
    if need.status == Need.Status.DRAFT:
        return redirect("research_needs:edit", need.pk)
    return redirect(need)


# --- Answers ------------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def answer_create(request, pk):
    need = selectors.need_for_viewer(request.user, pk)
    if not permissions.can_answer(request.user, need):
        if need.status != Need.Status.PUBLISHED:
            messages.info(request, _("This research need is not open for answers."))
            return redirect(need)
        raise Http404
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        limited = throttle.consume(
            request, action="answer_create", key=throttle.user_key(request.user)
        )
        if limited is not None:
            context = {"form": form, "need": need}
            return throttle.form_refused(
                request, "research_needs/answer_form.html", context, form, limited
            )
        try:
            answer = services.answer_create(
                actor=request.user,
                need=need,
                files=form.cleaned_data["files"],
                **form.answer_fields(),
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc, aliases={"file": "files"})
        else:
            messages.success(
                request,
                _("Your answer has been sent. You can talk with the organisation here."),
            )
            return redirect("research_needs:conversation", answer.conversation.pk)
    return render_page(request, "research_needs/answer_form.html", {"form": form, "need": need})


def _answer_action(request, pk, service, success):
    answer = selectors.answer_for_viewer(request.user, pk)
    try:
        service(actor=request.user, answer=answer)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, success)
    if request.POST.get("next") == "conversation":
        return redirect(answer.conversation)
    return redirect(answer.need)


@login_required
@require_POST
def answer_shortlist(request, pk):
    return _answer_action(
        request, pk, services.answer_shortlist, _("The answer is on your shortlist.")
    )


@login_required
@require_POST
def answer_accept(request, pk):
    return _answer_action(
        request,
        pk,
        services.answer_accept,
        _("You accepted the answer. You now see each other's contact details."),
    )


@login_required
@require_http_methods(GET_POST)
def answer_withdraw(request, pk):
    """Withdrawing asks first, on a page of its own (it closes the conversation and cannot
    be undone). GET shows the page; only its button's POST (with ``confirm``) withdraws, an
    old one-click form comes back here. ``next=conversation`` returns to the conversation."""
    answer = selectors.answer_for_viewer(request.user, pk)
    if not permissions.is_responder(request.user, answer):
        raise Http404
    from_conversation = request.GET.get("next") == "conversation"
    back = answer.conversation if from_conversation else answer.need
    if not permissions.can_withdraw_answer(request.user, answer):
        messages.info(request, _("Only answers not yet decided can be withdrawn."))
        return redirect(back)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return redirect(request.get_full_path())
        return _answer_action(
            request, pk, services.answer_withdraw, _("Your answer has been withdrawn.")
        )
    return render_page(
        request,
        "research_needs/answer_withdraw.html",
        {
            "answer": answer,
            "need": answer.need,
            "back_url": back.get_absolute_url(),
            "next": "conversation" if from_conversation else "",
        },
    )


@login_required
@require_http_methods(GET_POST)
def answer_decline(request, pk):
    answer = selectors.answer_for_viewer(request.user, pk)
    if not permissions.can_decide_answers(request.user, answer.need):
        raise Http404
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_decline(
                actor=request.user, answer=answer, feedback=form.cleaned_data["feedback"]
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The answer has been declined; the responder is told."))
            return redirect(answer.need)
    return render_page(
        request, "research_needs/answer_decline.html", {"form": form, "answer": answer}
    )


# --- Conversations ------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
@submit_once
def conversation(request, pk):
    conversation = selectors.conversation_for_viewer(request.user, pk)
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
            try:
                services.message_send(
                    actor=user, conversation=conversation, body=form.cleaned_data["body"]
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect(
                    reverse("research_needs:conversation", args=[conversation.pk]) + "#latest"
                )
    is_owner = permissions.is_owner(user, need)
    message_list = list(selectors.conversation_messages(conversation))
    unread_ids = set()
    my_org = membership_of(user).organisation if membership_of(user) else None
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
            "is_owner": is_owner,
            "is_responder": permissions.is_responder(user, answer),
            "poster_revealed": need.poster_revealed,  # permissions.poster_shown
            "my_org": my_org,
            "attachments": list(answer.attachments.all()),
            "contacts": (
                _contacts(need, answer) if permissions.can_see_contacts(user, answer) else None
            ),
            "can_add_files": permissions.can_attach_to_answer(user, answer),
        },
    )
    if limited is not None:
        return throttle.with_retry_after(response, limited)
    return response


# --- Moderation ---------------------------------------------------------------------------


def _moderator(request):
    if not permissions.can_moderate(request.user):
        raise Http404


@login_required
@require_http_methods(GET)
def moderation(request):
    _moderator(request)
    return TemplateResponse(
        request,
        "research_needs/moderation.html",
        {"needs": selectors.moderation_queue(), "comment_form": CommentForm()},
    )


def _submitted_need(pk) -> Need:
    need = Need.objects.select_related("organisation").filter(pk=pk).first()
    if need is None:
        raise Http404
    return need


@login_required
@require_POST
def moderation_publish(request, pk):
    _moderator(request)
    need = _submitted_need(pk)
    try:
        services.need_publish(actor=request.user, need=need)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("“%(title)s” has been published.") % {"title": need.title})
    return redirect("research_needs:moderation")


def _moderation_comment(request, pk, service, template_action, success):
    _moderator(request)
    need = _submitted_need(pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, need=need, comment=form.cleaned_data["comment"])
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, success % {"title": need.title})
            return redirect("research_needs:moderation")
    return render_page(
        request,
        "research_needs/moderation_comment.html",
        {"form": form, "need": need, "action": template_action},
    )


@login_required
@require_http_methods(GET_POST)
def moderation_request_changes(request, pk):
    return _moderation_comment(
        request,
        pk,
        services.need_request_changes,
        "changes",
        _("“%(title)s” has been sent back for changes."),
    )


@login_required
@require_http_methods(GET_POST)
def moderation_reject(request, pk):
    return _moderation_comment(
        request, pk, services.need_reject, "reject", _("“%(title)s” has been rejected.")
    )


# --- Mine ---------------------------------------------------------------------------------


@login_required
@require_http_methods(GET)
def mine(request):
    membership = membership_of(request.user)
    if membership is None:
        messages.info(
            request, _("To post or answer research needs, create or join an organisation first.")
        )
        return redirect("members:onboarding")
    organisation = membership.organisation
    return TemplateResponse(
        request,
        "research_needs/mine.html",
        {
            "organisation": organisation,
            "needs": selectors.organisation_needs(organisation),
            "answers": selectors.organisation_answers(organisation),
        },
    )
