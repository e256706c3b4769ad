"""Introductions (issue 13, item 5): proposing one from a need's partners that fit, the
organisations' list of their introductions, accepting and declining."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forum.once import submit_once
from forum.shortcuts import confirmed, render_page, run_service
from members.models import Organisation

from .. import permissions, selectors, services
from ..forms import IntroductionForm
from .common import GET, GET_POST, form_page


@login_required
@require_http_methods(GET_POST)
@submit_once
def introduction_propose(request, pk, organisation_pk):
    """The small form of the need page's "Propose an introduction", also a page of its own
    (bad input comes back here with a 400)."""
    need = selectors.need_for_viewer(request.user, pk)
    if not permissions.can_propose_introduction(request.user, need):
        raise Http404
    organisation = get_object_or_404(
        Organisation.objects.exclude(pk=need.organisation_id),
        pk=organisation_pk,
        status=Organisation.Status.APPROVED,
    )
    return form_page(
        request,
        IntroductionForm(request.POST or None),
        "research_needs/introduction_form.html",
        {"need": need, "organisation": organisation},
        service=services.introduction_propose,
        success=_("The introduction was proposed; both organisations have been told."),
        done="research_needs:introductions",
        fields=("reason",),
        actor=request.user,
        need=need,
        organisation=organisation,
    )


@login_required
@require_http_methods(GET)
def introductions(request):
    user = request.user
    rows = []
    for introduction in selectors.introductions_for_viewer(user):
        side = permissions.introduction_side(user, introduction)
        rows.append(
            {
                "introduction": introduction,
                "side": side,
                "other": introduction.other(side) if side else None,
                "mine_accepted": bool(side) and introduction.accepted_by(side),
                "show_need": introduction.need_id and introduction.need_poster_revealed,
                "who_declined": permissions.can_see_who_declined(user, introduction),
                "can_accept": permissions.can_answer_introduction(user, introduction),
                "can_decline": permissions.can_decline_introduction(user, introduction),
            }
        )
    return render_page(request, "research_needs/introductions.html", {"rows": rows})


def _answer(request, pk, *, may, service, template, success):
    """Accept or decline: GET asks on a page of its own; only its button's POST
    (forum.shortcuts.confirmed) acts."""
    introduction = selectors.introduction_for_viewer(request.user, pk)
    side = permissions.introduction_side(request.user, introduction)
    if not side:
        raise Http404
    if not may(request.user, introduction):
        return redirect("research_needs:introductions")
    if request.method == "POST":
        if not confirmed(request):
            return redirect(request.path)
        run_service(
            request, service, success=success, actor=request.user, introduction=introduction
        )
        return redirect("research_needs:introductions")
    return render_page(
        request,
        template,
        {"introduction": introduction, "other": introduction.other(side)},
    )


@login_required
@require_http_methods(GET_POST)
def introduction_accept(request, pk):
    return _answer(
        request,
        pk,
        may=permissions.can_answer_introduction,
        service=services.introduction_accept,
        template="research_needs/introduction_accept.html",
        success=_("You accepted the introduction."),
    )


@login_required
@require_http_methods(GET_POST)
def introduction_decline(request, pk):
    return _answer(
        request,
        pk,
        may=permissions.can_decline_introduction,
        service=services.introduction_decline,
        template="research_needs/introduction_decline.html",
        success=_("You declined the introduction. Nobody is told why."),
    )
