"""How a user comes to an organisation: onboarding, founding one, asking to join one,
accepting an invitation."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum.shortcuts import render_page, run_service

from .. import permissions, selectors, services
from ..forms import OrganisationCreateForm
from ..models import Invitation, Organisation


@login_required
@require_http_methods(["GET", "HEAD"])
def onboarding(request):
    if permissions.membership_of(request.user) is not None:
        return redirect("members:home")
    return render(
        request,
        "members/onboarding.html",
        {
            "invitations": selectors.open_invitations_for_user(request.user),
            "join_requests": selectors.open_join_requests_for_user(request.user),
        },
    )


def _founded(organisation: Organisation):
    """Where the founder goes next; the same for the form sent twice."""
    if organisation.kind == Organisation.Kind.RESEARCH:
        # Next step for a research institution: its competence profile, so needs can be
        # recommended to it (issue 13); the page lets it skip.
        return redirect(reverse("members:competence_edit", args=[organisation.slug]) + "?welcome=1")
    return redirect(organisation)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_create(request):
    membership = permissions.membership_of(request.user)
    if membership is not None:
        if (
            request.method == "POST"
            and membership.role == membership.Role.ADMIN
            and membership.organisation.name == request.POST.get("name", "").strip()
        ):
            # The same form sent again after the first one created it (a double click
            # whose second request started late): where the first one went.
            return _founded(membership.organisation)
        messages.info(request, _("You already belong to an organisation."))
        return redirect("members:home")
    form = OrganisationCreateForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        logo = form.logo_value()
        data.pop("logo", None)
        data.pop("confirm_distinct", None)
        ok, organisation = run_service(
            request,
            services.organisation_create,
            form=form,
            success=lambda organisation: (
                _(
                    "%(organisation)s has been created. You are its admin. An organiser will "
                    "check it before it appears in the member directory."
                )
                % {"organisation": organisation.name}
            ),
            actor=request.user,
            logo=None if logo is ... else logo,
            **data,
        )
        if ok:
            return _founded(organisation)
    return render_page(
        request, "members/organisation_create.html", {"form": form, "similar": form.similar}
    )


@login_required
@require_POST
def join_request_create(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug, status=Organisation.Status.APPROVED)
    ok, _join_request = run_service(
        request,
        services.join_request_create,
        success=_("Your request to join %(organisation)s has been sent to its admins.")
        % {"organisation": organisation.name},
        actor=request.user,
        organisation=organisation,
    )
    if not ok and permissions.membership_of(request.user):
        return redirect("members:home")
    return redirect("members:onboarding")


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_detail(request, token):
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "invited_by"), token=token
    )
    if not invitation.is_open:
        return render(
            request, "members/invitation_unavailable.html", {"invitation": invitation}, status=410
        )
    user = request.user
    if not user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        # Opening the emailed link proves the address: signing up with it needs no
        # separate verification (allauth compares case-insensitively).
        get_adapter(request).stash_verified_email(request, invitation.email)
        signup_url = (
            reverse("account_signup")
            + "?"
            + urlencode({"next": request.path, "email": invitation.email})
        )
        login_url = reverse("account_login") + "?" + urlencode({"next": request.path})
        return render(
            request,
            "members/invitation_detail.html",
            {"invitation": invitation, "signup_url": signup_url, "login_url": login_url},
        )
    error = None
    if request.method == "POST":
        try:
            membership = services.invitation_accept(actor=user, invitation=invitation)
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        else:
            messages.success(
                request,
                _("Welcome to %(organisation)s!") % {"organisation": membership.organisation.name},
            )
            return redirect(membership.organisation)
    current = permissions.membership_of(user)
    return render(
        request,
        "members/invitation_detail.html",
        {
            "invitation": invitation,
            "error": error,
            "current_membership": current,
            "address_matches": permissions.has_verified_email(user, invitation.email),
        },
        status=400 if error else 200,
    )
