"""Answers: sending one, the need's organisation deciding on it (shortlist, accept,
decline), the responder withdrawing it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum import throttle
from forum.shortcuts import confirmed, render_page, run_service

from .. import permissions, selectors, services
from ..forms import AnswerForm, DeclineForm
from ..models import Need
from .common import FILES, GET_POST, form_page


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
        ok, answer = run_service(
            request,
            services.answer_create,
            form=form,
            aliases=FILES,
            success=_("Your answer has been sent. You can talk with the organisation here."),
            actor=request.user,
            need=need,
            files=form.cleaned_data["files"],
            **form.answer_fields(),
        )
        if ok:
            return redirect("research_needs:conversation", answer.conversation.pk)
    return render_page(request, "research_needs/answer_form.html", {"form": form, "need": need})


def _decide(request, answer, service, success):
    """Calls ``service`` on the answer and goes back where the button was: the conversation
    (``next=conversation``) or the need."""
    run_service(request, service, success=success, actor=request.user, answer=answer)
    if request.POST.get("next") == "conversation":
        return redirect(answer.conversation)
    return redirect(answer.need)


@login_required
@require_POST
def answer_shortlist(request, pk):
    answer = selectors.answer_for_viewer(request.user, pk)
    return _decide(
        request, answer, services.answer_shortlist, _("The answer is on your shortlist.")
    )


@login_required
@require_POST
def answer_accept(request, pk):
    answer = selectors.answer_for_viewer(request.user, pk)
    return _decide(
        request,
        answer,
        services.answer_accept,
        _("You accepted the answer. You now see each other's contact details."),
    )


@login_required
@require_http_methods(GET_POST)
def answer_decline(request, pk):
    answer = selectors.answer_for_viewer(request.user, pk)
    if not permissions.can_decide_answers(request.user, answer.need):
        raise Http404
    return form_page(
        request,
        DeclineForm(request.POST or None),
        "research_needs/answer_decline.html",
        {"answer": answer},
        service=services.answer_decline,
        fields=["feedback"],
        success=_("The answer has been declined; the responder is told."),
        done=answer.need,
        actor=request.user,
        answer=answer,
    )


@login_required
@require_http_methods(GET_POST)
def answer_withdraw(request, pk):
    """Withdrawing asks first, on a page of its own (it closes the conversation and cannot
    be undone). GET shows the page; only its button's POST (forum.shortcuts.confirmed)
    withdraws, an old one-click form comes back here. ``next=conversation`` returns to the
    conversation."""
    answer = selectors.answer_for_viewer(request.user, pk)
    if not permissions.is_responder(request.user, answer):
        raise Http404
    from_conversation = request.GET.get("next") == "conversation"
    back = answer.conversation if from_conversation else answer.need
    if not permissions.can_withdraw_answer(request.user, answer):
        messages.info(request, _("Only answers not yet decided can be withdrawn."))
        return redirect(back)
    if request.method == "POST":
        if not confirmed(request):
            return redirect(request.get_full_path())
        return _decide(
            request, answer, services.answer_withdraw, _("Your answer has been withdrawn.")
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
