"""The door: the check-in list for phones and tablets, the QR code's page, walk-ins and the
small status answer the devices poll to stay in step.

Every page works without JavaScript (GET filters, POST forms, redirects); with
``static/js/checkin.js`` the same forms are sent by fetch and answered in JSON
(``Accept: application/json``), so the list updates in place and taps made offline can be
sent later. Only staff with check-in rights see any of it (``permissions.can_check_in``)."""

from __future__ import annotations

import string

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from forum.shortcuts import render_page, run_service

from . import permissions, selectors, services
from .forms import CheckinFilterForm, WalkInForm
from .models import Event, Registration

LETTERS = list(string.ascii_uppercase)


def _staff_only(request):
    """Anonymous people log in first; accounts without check-in rights see nothing."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_check_in(request.user):
        raise Http404
    return None


def _event(request, slug) -> Event:
    try:
        return selectors.event_for_page(slug, request.user)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _local_time(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _clock(value) -> str:
    return formats.time_format(timezone.localtime(value), "H:i") if value else ""


def _counts(event: Event) -> dict:
    counts = selectors.checkin_counts(event)
    return {"expected": counts["confirmed"], "arrived": counts["arrived"]}


def _json(request, event, registration, message, *, ok=True, status=200):
    # The messages run_service recorded are answered here, not on the next page.
    list(messages.get_messages(request))
    data = {"ok": ok, "message": message, **_counts(event)}
    if registration is not None:
        data.update(
            id=registration.pk,
            name=registration.name,
            checked_in=registration.checked_in_at is not None,
            time=_clock(registration.checked_in_at),
        )
    return JsonResponse(data, status=status)


def _back(request, event):
    url = reverse("events:checkin", kwargs={"slug": event.slug})
    keep = {key: request.POST.get(key, "") for key in ("q", "letter")}
    keep = {key: value for key, value in keep.items() if value}
    return redirect(f"{url}?{urlencode(keep)}" if keep else url)


def _check_in(request, registration: Registration, *, undo: bool = False):
    """Checks in (or undoes) through the service; returns ``(ok, message)``."""
    service = services.registration_check_in_undo if undo else services.registration_check_in
    ok, result = run_service(request, service, registration=registration, actor=request.user)
    if not ok:
        storage = messages.get_messages(request)
        stored = [str(message) for message in storage]
        storage.used = False  # still shown on the next page without JavaScript
        return False, " ".join(stored)
    registration, now = result
    name = registration.name
    if undo:
        text = (
            _("The check-in of %(name)s is undone.") if now else _("%(name)s is not checked in.")
        ) % {"name": name}
    elif now:
        text = _("%(name)s is checked in.") % {"name": name}
    else:
        text = _("%(name)s was already checked in at %(time)s.") % {
            "name": name,
            "time": _local_time(registration.checked_in_at),
        }
    if now or undo:
        messages.success(request, text)
    else:
        messages.info(request, text)
    return True, text


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def checkin(request, slug):
    denied = _staff_only(request)
    if denied:
        return denied
    event = _event(request, slug)
    if request.method == "POST":
        lookup = {"event": event}
        if request.POST.get("code"):
            lookup["checkin_code"] = request.POST["code"][:64]
        else:
            pk = request.POST.get("registration", "")
            lookup["pk"] = int(pk) if pk.isdigit() and len(pk) < 12 else 0
        registration = Registration.objects.filter(**lookup).first()
        if registration is None:
            if _wants_json(request):
                message = _("No registration for this event matches.")
                return _json(request, event, None, message, ok=False, status=404)
            raise Http404
        ok, text = _check_in(request, registration, undo=request.POST.get("action") == "undo")
        if _wants_json(request):
            registration.refresh_from_db(fields=["checked_in_at"])
            return _json(request, event, registration, text, ok=ok, status=200 if ok else 400)
        return _back(request, event)
    form = CheckinFilterForm(request.GET or None)
    q, letter = "", ""
    if form.is_bound and form.is_valid():
        q, letter = form.cleaned_data["q"], form.cleaned_data["letter"].upper()
    expected = list(selectors.checkin_expected(event, q=q, letter=letter))
    return render_page(
        request,
        "events/checkin.html",
        {
            "event": event,
            "form": form,
            "walk_in": WalkInForm(prefix="walkin"),
            "q": q,
            "letter": letter,
            "letters": LETTERS,
            "results": expected,
            "counts": _counts(event),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def checkin_status(request, slug):
    """The counts and who arrived, polled by every device at the door every few seconds."""
    denied = _staff_only(request)
    if denied:
        raise Http404  # a JSON answer, not a login page
    event = _event(request, slug)
    return JsonResponse({**_counts(event), "arrived_ids": selectors.checkin_arrivals(event)})


@require_POST
def checkin_walk_in(request, slug):
    denied = _staff_only(request)
    if denied:
        return denied
    event = _event(request, slug)
    form = WalkInForm(request.POST, prefix="walkin")
    if form.is_valid():
        ok, _registration = run_service(
            request,
            services.registration_walk_in,
            form=form,
            success=lambda r: _("%(name)s is registered and checked in.") % {"name": r.name},
            event=event,
            actor=request.user,
            **form.cleaned_data,
        )
        if ok:
            return redirect("events:checkin", slug=event.slug)
    expected = list(selectors.checkin_expected(event))
    return render_page(
        request,
        "events/checkin.html",
        {
            "event": event,
            "form": CheckinFilterForm(),
            "walk_in": form,
            "walk_in_open": True,
            "q": "",
            "letter": "",
            "letters": LETTERS,
            "results": expected,
            "counts": _counts(event),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def checkin_code(request, code):
    """Opened from the QR code on the attendee's email or badge."""
    denied = _staff_only(request)
    if denied:
        return denied
    registration = get_object_or_404(
        Registration.objects.select_related("event", "organisation"), checkin_code=code
    )
    if request.method == "POST":
        _check_in(request, registration, undo=request.POST.get("action") == "undo")
        return redirect("events:checkin_code", code=code)
    return render_page(
        request,
        "events/checkin_code.html",
        {"registration": registration, "event": registration.event},
    )
