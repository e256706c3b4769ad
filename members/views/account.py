"""The user's own account: the dashboard, the profile and leaving the organisation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forum import sections
from forum.notifications import services as notification_services
from forum.notifications.forms import PreferencesForm
from forum.shortcuts import render_page, run_service

from .. import permissions, selectors, services
from ..forms import ProfileForm
from ..models import Consent, Membership


@login_required
@require_http_methods(["GET", "HEAD"])
def home(request):
    membership = permissions.membership_of(request.user)
    if membership is None and not permissions.is_organiser(request.user):
        return redirect("members:onboarding")
    profile, topics = selectors.profile_of(request.user)
    return render(
        request,
        "members/home.html",
        {
            "membership": membership,
            "profile": profile,
            "topics": topics,
            "can_review": permissions.can_review_organisations(request.user),
            # What the apps above members add, e.g. the needs that fit the organisation.
            "sections": sections.collect(
                sections.HOME, request, membership.organisation if membership else None
            ),
            "marketing_consent": services.consent_is_given(
                user=request.user, kind=Consent.Kind.MARKETING
            ),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request):
    profile, topics = selectors.profile_of(request.user)
    consent = services.consent_is_given(user=request.user, kind=Consent.Kind.MARKETING)
    form = ProfileForm(
        request.POST or None,
        initial=ProfileForm.initial_for(request.user, profile, topics, consent),
    )
    # Notification preferences belong to the profile (PRODUCT.md 3.1) and are saved with it.
    notification_form = PreferencesForm(
        request.POST or None,
        user=request.user,
        initial_preferences=notification_services.preferences_of(request.user),
    )
    if request.method == "POST" and form.is_valid() and notification_form.is_valid():

        def save():
            with transaction.atomic():
                services.profile_update(actor=request.user, user=request.user, **form.cleaned_data)
                notification_services.preferences_update(
                    actor=request.user,
                    user=request.user,
                    preferences=notification_form.cleaned_data,
                )

        ok, _saved = run_service(
            request, save, form=form, success=_("Your profile has been saved.")
        )
        if ok:
            return redirect("members:home")
    return render_page(
        request,
        "members/profile_edit.html",
        {"form": form, "notification_form": notification_form},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def leave(request):
    membership = permissions.membership_of(request.user)
    if membership is None:
        return redirect("members:onboarding")
    if request.method == "POST":
        ok, _left = run_service(
            request,
            services.membership_leave,
            success=_("You have left %(organisation)s.")
            % {"organisation": membership.organisation.name},
            actor=request.user,
        )
        if ok:
            return redirect("members:onboarding")
    return render(
        request,
        "members/leave.html",
        {
            "membership": membership,
            "is_last": not Membership.objects.filter(organisation=membership.organisation_id)
            .exclude(user=request.user)
            .exists(),
        },
        # The refusal (the last admin) is shown at the top of this page.
        status=400 if request.method == "POST" else 200,
    )
