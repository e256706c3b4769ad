"""An organisation's pages: the member directory, its public page and logo, its edit form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forum import generations, sections
from forum.shortcuts import render_page, run_service

from .. import cache, permissions, selectors, services
from ..forms import CompetenceProfileForm, DirectoryFilterForm, OrganisationForm
from ..models import Organisation

DIRECTORY_PAGE_SIZE = 20


def _managed_organisation(request, slug) -> Organisation:
    """The organisation if the user may manage it; 404 otherwise, so nothing leaks."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise Http404
    return organisation


@require_http_methods(["GET", "HEAD"])
def directory(request):
    """Everyone sees the same directory: its content comes from the cache while nothing it
    shows has changed (members/cache.py); the page around it is rendered per request."""
    key = generations.fragment_key("directory", get_language(), query=request.GET)
    html, stamp = generations.lookup(key, [cache.GENERATION]) if key else (None, None)
    if html is not None:
        return render_page(request, "members/directory.html", {"body": mark_safe(html)})  # noqa: S308
    form = DirectoryFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    organisations = selectors.organisation_directory(**filters)
    paginator = Paginator(organisations, DIRECTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter_form": form,
        "page_obj": page,
        "organisations": page.object_list,
        "paginator": paginator,
        "query_string": query.urlencode(),
        "is_filtered": bool(filters),
    }
    body = render_to_string("members/_directory_body.html", context)
    if key and not form.errors:
        generations.store(key, stamp, body, cache.TIMEOUT)
    context["body"] = mark_safe(body)  # noqa: S308 (our own template's output)
    return render_page(request, "members/directory.html", context)


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
            "competence": selectors.competence_profile_of(organisation),
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
def competence_edit(request, slug):
    """The competence profile (issue 13), for the organisation's admins and organisers.
    ``?welcome=1`` after founding a research institution: the same form as a skippable
    next step of the onboarding."""
    organisation = _managed_organisation(request, slug)
    profile = selectors.competence_profile_of(organisation)
    welcome = request.GET.get("welcome") == "1" and profile is None
    form = CompetenceProfileForm(
        request.POST or None, initial=CompetenceProfileForm.initial_for(profile)
    )
    if request.method == "POST" and form.is_valid():
        ok, _saved = run_service(
            request,
            services.competence_profile_update,
            form=form,
            success=_("The competence profile has been saved."),
            actor=request.user,
            organisation=organisation,
            **form.cleaned_data,
        )
        if ok:
            return redirect(organisation)
    return render_page(
        request,
        "members/competence_edit.html",
        {"organisation": organisation, "form": form, "welcome": welcome, "profile": profile},
    )
