"""The personal agenda, "Mein Programm" (issue 16, item 4).

Members reach theirs at ``/events/<slug>/agenda/``; guests through their registration link,
``/events/registrations/<token>/agenda/``. Both pages list the starred items by day and time
with clashes marked, every other item of the programme with a star button, a one-page PDF,
and for sessions with their own capacity the sign-up (the registration's own service,
``registration_update``). Stars are set through POST forms that work without JavaScript."""

from __future__ import annotations

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum.shortcuts import render_page, run_service

from . import pdf, permissions, selectors, services
from . import selectors_meetings_outcomes as meeting_selectors
from .models import ProgrammeItem, Registration, SessionSignup
from .views import _event, _registration


class StarForm(forms.Form):
    """``starred`` says the state wanted (1 or 0), so the same form sent twice is harmless;
    ``token`` is a guest's registration link; ``next`` the page to return to."""

    starred = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    token = forms.CharField(required=False, max_length=64)
    next = forms.CharField(required=False, max_length=500)


class SignupForm(forms.Form):
    item = forms.IntegerField(min_value=1)


def _agenda_url(event, registration: Registration | None) -> str:
    """The guest's agenda when a registration link is in play, else the member's."""
    if registration is not None:
        return reverse("events:agenda_guest", kwargs={"token": registration.token})
    return reverse("events:agenda", kwargs={"slug": event.slug})


def _page(request, event, *, registration: Registration | None, guest: bool, status=200):
    user = None if guest else request.user
    starred = selectors.agenda(event, user=user, registration=registration if guest else None)
    starred_pks = {item.pk for item in starred}
    others = [item for item in selectors.programme(event) if item.pk not in starred_pks]
    signups = {}
    if registration is not None:
        signups = {
            signup.item_id: signup.status
            for signup in registration.session_signups.all()
            if signup.status != SessionSignup.Status.CANCELLED
        }
    for item in starred:
        item.signup_status = signups.get(item.pk, "")
    can_sign_up = registration is not None and permissions.can_change_registration(registration)
    # The member's B2B meetings (issue 14) between the starred items, by time.
    meetings = [] if guest else meeting_selectors.agenda_meetings(event, request.user)
    return render_page(
        request,
        "events/agenda.html",
        {
            "event": event,
            "days": meeting_selectors.merged_by_day(starred, meetings),
            "starred_count": len(starred),
            "meeting_count": len(meetings),
            "others": others,
            "registration": registration,
            "guest": guest,
            "token": registration.token if guest else "",
            "can_sign_up": can_sign_up,
            "here": request.path,
        },
        status=status,
    )


def _sign_up(request, event, registration: Registration | None) -> bool:
    """Adds one session to the registration's choices through ``registration_update``."""
    form = SignupForm(request.POST)
    if registration is None or not form.is_valid():
        return False
    item = event.items.filter(pk=form.cleaned_data["item"], capacity__isnull=False).first()
    if item is None:
        return False
    chosen = [
        signup.item
        for signup in registration.session_signups.all()
        if signup.status != SessionSignup.Status.CANCELLED
    ]
    ok, _result = run_service(
        request,
        services.registration_update,
        success=_("Your session choice is saved."),
        registration=registration,
        actor=request.user,
        days=registration.days,
        sessions=[*chosen, item],
        dietary_needs=registration.dietary_needs,
        accessibility_needs=registration.accessibility_needs,
        list_consent=registration.list_consent,
    )
    return ok


def _post(request, event, registration, *, guest: bool):
    if request.POST.get("action") != "signup":
        raise Http404
    if _sign_up(request, event, registration):
        return redirect(_agenda_url(event, registration if guest else None))
    return _page(request, event, registration=registration, guest=guest, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def agenda(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = _event(request, slug)
    registration = selectors.registration_of(request.user, event)
    if request.method == "POST":
        return _post(request, event, registration, guest=False)
    return _page(request, event, registration=registration, guest=False)


@require_http_methods(["GET", "HEAD", "POST"])
def agenda_guest(request, token):
    registration = _registration(token)
    event = registration.event
    if not permissions.can_see_event(None, event) or not registration.is_active:
        raise Http404
    if request.method == "POST":
        return _post(request, event, registration, guest=True)
    return _page(request, event, registration=registration, guest=True)


@require_POST
def star(request, slug, pk):
    """Stars or un-stars one item; back to ``next`` (a page of this site) or the agenda."""
    form = StarForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("This form is incomplete."), status=400)
    token = form.cleaned_data["token"]
    registration = _registration(token) if token else None
    if registration is None and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = registration.event if registration is not None else _event(request, slug)
    if event.slug != slug:
        raise Http404
    try:
        item = ProgrammeItem.objects.select_related("event").get(event=event, pk=pk)
    except ProgrammeItem.DoesNotExist as exc:
        raise Http404 from exc
    starred = form.cleaned_data["starred"]
    run_service(
        request,
        services.agenda_star_set,
        success=_("Added to your programme.") if starred else _("Removed from your programme."),
        item=item,
        actor=request.user,
        starred=starred,
        registration=registration,
    )
    target = form.cleaned_data["next"]
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = _agenda_url(event, registration)
    return HttpResponseRedirect(target)


def _pdf(event, items, name: str, meetings=()) -> HttpResponse:
    data = pdf.agenda_pdf_bytes(event, items, name, meetings=meetings)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-agenda.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD"])
def agenda_pdf(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = _event(request, slug)
    items = selectors.agenda(event, user=request.user)
    meetings = meeting_selectors.agenda_meetings(event, request.user)
    return _pdf(event, items, request.user.get_full_name() or request.user.email, meetings)


@require_http_methods(["GET", "HEAD"])
def agenda_guest_pdf(request, token):
    registration = _registration(token)
    event = registration.event
    if not permissions.can_see_event(None, event) or not registration.is_active:
        raise Http404
    return _pdf(event, selectors.agenda(event, registration=registration), registration.name)
