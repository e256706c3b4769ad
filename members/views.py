"""Thin views: parse, check permission (404 for what a user may not see), call a selector or
a service, render. Invalid forms answer 400 with the user's input kept."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum import sections, throttle
from forum.notifications import services as notification_services
from forum.notifications.forms import PreferencesForm
from forum.once import submit_once
from forum.shortcuts import render_page, run_service

from . import permissions, selectors, services
from .forms import (
    DirectoryFilterForm,
    InvitationForm,
    OrganisationCreateForm,
    OrganisationForm,
    ProfileForm,
    RejectOrganisationForm,
    RoleForm,
)
from .models import Consent, Invitation, JoinRequest, Membership, Organisation

DIRECTORY_PAGE_SIZE = 20


def _managed_organisation(request, slug) -> Organisation:
    """The organisation if the user may manage it; 404 otherwise, so nothing leaks."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise Http404
    return organisation


# --- Directory and organisation pages ---------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    organisations = selectors.organisation_directory(**filters)
    paginator = Paginator(organisations, DIRECTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "members/directory.html",
        {
            "filter_form": form,
            "page_obj": page,
            "organisations": page.object_list,
            "paginator": paginator,
            "query_string": query.urlencode(),
            "is_filtered": bool(filters),
        },
    )


@require_http_methods(["GET", "HEAD"])
def organisation_detail(request, slug):
    try:
        organisation = selectors.organisation_for_page(slug, request.user)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    can_see_people = permissions.can_see_people(request.user, organisation)
    can_request_to_join = permissions.can_request_to_join(request.user, organisation)
    return render(
        request,
        "members/organisation_detail.html",
        {
            "organisation": organisation,
            "can_see_people": can_see_people,
            "memberships": (
                selectors.organisation_memberships(organisation) if can_see_people else []
            ),
            "can_manage": permissions.can_manage_organisation(request.user, organisation),
            "is_member": permissions.is_member_of(request.user, organisation),
            "can_request_to_join": can_request_to_join,
            "join_requested": can_request_to_join
            and selectors.open_join_requests_for_user(request.user)
            .filter(organisation=organisation)
            .exists(),
            # Its needs, stands and talks, from the apps above members (forum/sections.py).
            "sections": sections.collect(sections.ORGANISATION, request, organisation),
        },
    )


@require_http_methods(["GET", "HEAD"])
def organisation_logo(request, name):
    """Logos are public like the organisation page. Only a file that is some organisation's
    current logo is served; its format was checked by content at upload."""
    stored = f"logos/{name}"
    if not Organisation.objects.filter(logo=stored).exists():
        raise Http404
    storage = Organisation._meta.get_field("logo").storage
    try:
        with storage.open(stored, "rb") as handle:
            content = handle.read()  # at most 2 MB, checked at upload
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    response = HttpResponse(content, content_type=content_type)
    # Every upload gets a new server-generated name, so a URL's content never changes.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_edit(request, slug):
    organisation = _managed_organisation(request, slug)
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        topics = data.pop("topics")
        data.pop("logo", None)
        ok, saved = run_service(
            request,
            services.organisation_update,
            form=form,
            success=_("The organisation has been saved."),
            actor=request.user,
            organisation=organisation,
            topics=topics,
            logo=form.logo_value(),
            **data,
        )
        if ok:
            return redirect(saved)
    return render_page(
        request,
        "members/organisation_edit.html",
        {
            # A bound ModelForm has written the typed values into the instance; the page
            # heading and breadcrumb show the saved organisation.
            "organisation": (
                Organisation.objects.get(pk=organisation.pk) if form.is_bound else organisation
            ),
            "form": form,
        },
    )


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


# --- The user's own account -------------------------------------------------------------


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


# --- Onboarding and invitations ---------------------------------------------------------


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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_create(request):
    if permissions.membership_of(request.user) is not None:
        messages.info(request, _("You already belong to an organisation."))
        return redirect("members:home")
    form = OrganisationCreateForm(request.POST or None, request.FILES or None)
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
            return redirect(organisation)
    return render_page(
        request, "members/organisation_create.html", {"form": form, "similar": form.similar}
    )


# --- Join requests ----------------------------------------------------------------------


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


# --- Review of new organisations (organisers) -------------------------------------------


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
