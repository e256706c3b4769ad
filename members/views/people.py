"""An organisation's people page for its admins: invitations, roles, removals, requests to
join."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum import throttle
from forum.once import submit_once
from forum.shortcuts import render_page, run_service

from .. import permissions, selectors, services
from ..forms import InvitationForm, RoleForm
from ..models import Invitation, JoinRequest, Membership
from .organisations import _managed_organisation


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@submit_once  # a second invitation to one address is refused: a double click is not one
def organisation_members(request, slug):
    """The people page of an organisation for its admins: invite, roles, removals."""
    organisation = _managed_organisation(request, slug)
    form = InvitationForm(request.POST or None, organisation=organisation)
    limited = None
    if request.method == "POST" and form.is_valid():
        limited = throttle.consume(
            request, action="invitation_create", key=throttle.user_key(request.user)
        )
        if limited is not None:
            form.add_error(None, limited.message)
    if request.method == "POST" and form.is_valid():
        ok, _invitation = run_service(
            request,
            services.invitation_create,
            form=form,
            success=lambda invitation: (
                _("An invitation has been sent to %(email)s.") % {"email": invitation.email}
            ),
            actor=request.user,
            organisation=organisation,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            language=get_language(),
        )
        if ok:
            return redirect("members:organisation_members", slug=organisation.slug)
    memberships = list(selectors.organisation_memberships(organisation))
    response = render_page(
        request,
        "members/organisation_members.html",
        {
            "organisation": organisation,
            "form": form,
            "memberships": memberships,
            "admin_count": sum(1 for m in memberships if m.is_admin),
            "invitations": selectors.open_invitations_for_organisation(organisation),
            "join_requests": selectors.open_join_requests_for_organisation(organisation),
            "roles": Membership.Role,
        },
    )
    return response if limited is None else throttle.with_retry_after(response, limited)


def _membership_action(request, slug, pk, service, success, **arguments):
    """Runs a people-page service on one membership; ``success`` names the person."""
    organisation = _managed_organisation(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organisation=organisation
    )
    run_service(
        request,
        service,
        success=success % {"name": membership.user},
        actor=request.user,
        membership=membership,
        **arguments,
    )
    if membership.user_id == request.user.pk and not permissions.can_manage_organisation(
        request.user, organisation
    ):
        # The user gave up their own admin rights or removed themselves.
        return redirect("members:home")
    return redirect("members:organisation_members", slug=organisation.slug)


@login_required
@require_POST
def membership_remove(request, slug, pk):
    return _membership_action(
        request,
        slug,
        pk,
        services.membership_remove,
        _("%(name)s has been removed from the organisation."),
    )


@login_required
@require_POST
def membership_set_role(request, slug, pk):
    form = RoleForm(request.POST)
    if not form.is_valid():
        _managed_organisation(request, slug)
        messages.error(request, _("Choose admin or member."))
        return redirect("members:organisation_members", slug=slug)
    role = form.cleaned_data["role"]
    if role == Membership.Role.ADMIN:
        success = _("%(name)s is now an admin.")
    else:
        success = _("%(name)s is now a member.")
    return _membership_action(request, slug, pk, services.membership_set_role, success, role=role)


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    organisation = _managed_organisation(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation)
    run_service(
        request,
        services.invitation_revoke,
        success=_("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email},
        actor=request.user,
        invitation=invitation,
    )
    return redirect("members:organisation_members", slug=organisation.slug)


def _join_request_action(request, slug, pk, service, success):
    organisation = _managed_organisation(request, slug)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=pk, organisation=organisation
    )
    run_service(
        request,
        service,
        success=success % {"name": join_request.user},
        actor=request.user,
        join_request=join_request,
    )
    return redirect("members:organisation_members", slug=organisation.slug)


@login_required
@require_POST
def join_request_accept(request, slug, pk):
    return _join_request_action(
        request, slug, pk, services.join_request_accept, _("%(name)s is now a member.")
    )


@login_required
@require_POST
def join_request_decline(request, slug, pk):
    return _join_request_action(
        request,
        slug,
        pk,
        services.join_request_decline,
        _("The request of %(name)s has been declined."),
    )
