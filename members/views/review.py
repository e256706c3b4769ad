"""The organisers' review of new organisations (issue 11)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum.shortcuts import render_page, run_service

from .. import permissions, selectors, services
from ..forms import RejectOrganisationForm
from ..models import Organisation


def _organiser_only(request) -> None:
    if not permissions.can_review_organisations(request.user):
        raise Http404


def _review_page(request, reject_forms=None, status=None):
    pending = list(selectors.organisations_pending_review())
    reject_forms = reject_forms or {}
    candidates = selectors.alike_candidates() if pending else []
    for organisation in pending:
        organisation.reject_form = reject_forms.get(
            organisation.pk, RejectOrganisationForm(organisation=organisation)
        )
        organisation.alike = selectors.organisations_alike(
            organisation.name, exclude_pk=organisation.pk, candidates=candidates
        )
    return render_page(request, "members/review.html", {"organisations": pending}, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def review(request):
    _organiser_only(request)
    return _review_page(request)


@login_required
@require_POST
def review_approve(request, pk):
    _organiser_only(request)
    organisation = get_object_or_404(Organisation, pk=pk)
    run_service(
        request,
        services.organisation_approve,
        success=_("%(organisation)s has been approved.") % {"organisation": organisation.name},
        actor=request.user,
        organisation=organisation,
    )
    return redirect("members:review")


@login_required
@require_POST
def review_reject(request, pk):
    _organiser_only(request)
    organisation = get_object_or_404(Organisation, pk=pk)
    form = RejectOrganisationForm(request.POST, organisation=organisation)
    if form.is_valid():
        # The form checks the reason as the service does; what the service still refuses
        # (decided meanwhile) is told at the top of the review page.
        run_service(
            request,
            services.organisation_reject,
            success=_("%(organisation)s has been rejected.") % {"organisation": organisation.name},
            actor=request.user,
            organisation=organisation,
            reason=form.cleaned_data["reason"],
        )
        return redirect("members:review")
    return _review_page(request, reject_forms={organisation.pk: form}, status=400)
