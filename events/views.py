"""Thin views of events: parse, check permission (404 for what a user may not see), call a
selector, or a service through ``forum.shortcuts.run_service``, render. Invalid forms answer
400 with the user's input kept."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forum import generations, throttle
from forum.notifications.services import notification_mark_read_for
from forum.shortcuts import confirmed, render_page, run_service
from members.permissions import membership_of

from . import cache as event_cache
from . import jsonld, permissions, selectors, services
from .forms import GuestRegistrationForm, RegistrationChoicesForm, StandForm
from .models import CalendarFeed, Event, ProgrammeItem, Registration, SessionSignup


def _event(request, slug) -> Event:
    try:
        return selectors.event_for_page(slug, request.user)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


def _registration(token) -> Registration:
    try:
        return selectors.registration_by_token(token)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc


def _staff_only(request):
    """Anonymous people log in first; accounts without check-in rights see nothing."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_check_in(request.user):
        raise Http404
    return None


# --- Public pages ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def event_list(request):
    upcoming, past = selectors.event_list(request.user)
    return render_page(request, "events/event_list.html", {"upcoming": upcoming, "past": past})


@require_http_methods(["GET", "HEAD"])
def event_detail(request, slug):
    """Visitors without pending messages get the page from the cache; members get it
    rendered for them around the kept parts that are the same for everyone
    (``_event_page_data``, events/cache.py, issue 17)."""
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return _event_detail(request, slug)
    key = generations.fragment_key("event-page", get_language(), request.path, query=request.GET)
    html, stamp = generations.lookup(key, event_cache.PAGE_GENERATIONS) if key else (None, None)
    if html is not None:
        return HttpResponse(html)
    response = _event_detail(request, slug)
    if key:
        response.add_post_render_callback(partial(_store_page, request, key, stamp))
    return response


def _store_page(request, key, stamp, response) -> None:
    # Nothing personal may go into the shared page: no CSRF token, no cookie it set.
    content = response.content
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or b"csrfmiddlewaretoken" in content:
        return
    timeout = event_cache.page_timeout(response.context_data["event"])
    generations.store(key, stamp, content.decode(response.charset), timeout)


def _event_page_data(
    request, slug, *, programme: bool = True, count_seats: bool = True
) -> tuple[Event, dict | None, Registration | None]:
    """(the event as ``selectors.event_for_page`` reads it, the parts of its page that are
    the same for everyone, the viewer's registration or None), from the cache in one round
    trip and without a query while nothing they show has changed (events/cache.py), else
    read, rendered and kept. The parts (``head``: the JSON-LD; ``top``: breadcrumb, header
    and notices; ``main``: description and programme; ``has_programme``) depend on the
    viewer only by whether they may see drafts (part of the keys); the seats taken are kept
    beside them, renewed by every registration; the viewer's registration per account and
    address. Without ``programme`` the parts are neither read nor rendered (None). Without
    ``count_seats``, seats no longer in the cache are not counted: ``event.confirmed`` is
    None then, and ``selectors.seats_left`` counts them only if a page shows them."""
    user = request.user
    drafts = permissions.can_see_drafts(user)
    event_key = generations.fragment_key("event-page-event", slug, drafts)
    seats_key = generations.fragment_key("event-page-seats", slug)
    wanted = {
        event_key: event_cache.PROGRAMME_GENERATIONS,
        seats_key: event_cache.SEATS_GENERATIONS,
    }
    programme_key = mine = None
    if programme:
        programme_key = generations.fragment_key("event-page-parts", get_language(), slug, drafts)
        wanted[programme_key] = event_cache.PROGRAMME_GENERATIONS
    if user.is_authenticated:
        mine = generations.fragment_key("event-page-registration", slug, user.pk, user.email)
        wanted[mine] = event_cache.SEATS_GENERATIONS
    answers = generations.lookup_each(wanted)

    def keep(key, value):
        generations.store(key, answers[key][1], value, event_cache.page_timeout(event))

    event, seats = answers[event_key][0], answers[seats_key][0]
    if event is None:
        event = _event(request, slug)  # with its seats taken
        keep(event_key, event)
        keep(seats_key, event.confirmed)
    elif seats is None:
        # Every registration renews the seats, so during a rush nearly every POST finds
        # them gone; a registration counts them itself under the event's lock.
        event.confirmed = selectors.confirmed_count(event) if count_seats else None
        if count_seats:
            keep(seats_key, event.confirmed)
    else:
        event.confirmed = seats
    parts = None
    if programme:
        kept = answers[programme_key][0]
        if kept is None:
            days = selectors.programme_by_day(selectors.programme(event))
            context = {"event": event, "days": days}
            kept = (
                jsonld.script(jsonld.event_data(event)),
                render_to_string("events/_event_top.html", context),
                render_to_string("events/_event_main.html", context),
                bool(days),
            )
            keep(programme_key, kept)
        head, top, main, has_programme = kept
        # Our own templates' output, kept by us.
        parts = {"head": mark_safe(head), "top": mark_safe(top), "main": mark_safe(main)}  # noqa: S308
        parts["has_programme"] = has_programme
    registration = None
    if mine is not None:
        found = answers[mine][0]
        if found is None:
            found = (selectors.registration_of(user, event),)
            keep(mine, found)
        (registration,) = found
    return event, parts, registration


def _event_detail(request, slug):
    event, kept, registration = _event_page_data(request, slug)
    notification_mark_read_for(actor=request.user, obj=registration)
    return render_page(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "kept": kept,
            "has_programme": kept["has_programme"],
            "registration": registration,
            "seats_left": selectors.seats_left(event, taken=event.confirmed),
            "registration_state": event.registration_state(),
            "can_see_attendees": permissions.can_see_attendee_list(
                request.user, event, registration
            ),
            "can_apply_for_stand": permissions.can_apply_for_stand(request.user, event),
            "can_check_in": permissions.can_check_in(request.user),
        },
    )


@require_http_methods(["GET", "HEAD"])
def item_detail(request, slug, pk):
    event = _event(request, slug)
    try:
        item = selectors.item_for_page(event, pk)
    except ProgrammeItem.DoesNotExist as exc:
        raise Http404 from exc
    return render_page(request, "events/item_detail.html", {"event": event, "item": item})


@require_http_methods(["GET", "HEAD"])
def exhibitors(request, slug):
    event = _event(request, slug)
    return render_page(
        request,
        "events/exhibitors.html",
        {"event": event, "stands": list(selectors.exhibitors(event))},
    )


@require_http_methods(["GET", "HEAD"])
def attendees(request, slug):
    """PRODUCT.md 4: confirmed attendees see those who consented; organisers see all."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = _event(request, slug)
    registration = selectors.registration_of(request.user, event)
    if not permissions.can_see_attendee_list(request.user, event, registration):
        raise Http404
    return render_page(
        request,
        "events/attendees.html",
        {"event": event, "attendees": list(selectors.attendees(event, request.user))},
    )


# --- Registration --------------------------------------------------------------------------------


GUEST_EMAIL_SESSION_KEY = "events_guest_email"


@require_http_methods(["GET", "HEAD", "POST"])
def register(request, slug):
    # The event, its seats and the member's registration from the cache (no programme);
    # a POST counts the seats only if the form comes back (``with_seats``).
    posted = request.method == "POST"
    event, _parts, existing = _event_page_data(
        request, slug, programme=False, count_seats=not posted
    )
    user = request.user
    is_member = user.is_authenticated
    if existing is not None and existing.is_active:
        messages.info(request, _("You are already registered for this event."))
        return redirect(existing.get_absolute_url())
    form_class = RegistrationChoicesForm if is_member else GuestRegistrationForm
    data = request.POST if posted else None
    # A POST that chose no session needs the event's sessions only if the form is shown
    # again: one query fewer for nearly every registration (issue 17, P5).
    chose_none = data is not None and not data.getlist("sessions")
    sessions = None if chose_none else list(selectors.signup_sessions(event))
    form = form_class(data, event=event, sessions=sessions)
    state = event.registration_state()
    context = {
        "event": event,
        "form": form,
        "registration_state": state,
        "is_member": is_member,
        "membership": getattr(user, "_membership_cache", None) if is_member else None,
    }

    def with_seats():  # counted now if the POST left them out
        context["seats_left"] = selectors.seats_left(event, taken=event.confirmed)
        return context

    if form.is_bound and form.is_valid():
        extra = {}
        if not is_member:
            email = form.cleaned_data["email"]
            limited = throttle.first_limited(
                request,
                [
                    ("guest_registration_client", throttle.client_key(request)),
                    ("guest_registration_address", f"email:{email}"),
                ],
            )
            if limited is not None:
                if chose_none:
                    form.offer_sessions(list(selectors.signup_sessions(event)))
                return throttle.form_refused(
                    request, "events/register.html", with_seats(), form, limited
                )
            extra = {
                "name": form.cleaned_data["name"],
                "email": email,
                "organisation_name": form.cleaned_data["organisation_name"],
            }
        ok, result = run_service(
            request,
            services.registration_create,
            form=form,
            success=(lambda result: _status_message(result[0])) if is_member else None,
            event=event,
            actor=user if is_member else None,
            language=get_language(),
            **extra,
            **form.choices(),
        )
        if ok:
            registration, _created = result
            if is_member:
                return redirect(registration.get_absolute_url())
            # The same page whatever the address: whether it was new, pending or already
            # registered only its owner learns, from the mail.
            request.session[GUEST_EMAIL_SESSION_KEY] = extra["email"]
            return redirect("events:register_sent", slug=event.slug)
    elif form.is_bound and state != "open":
        form.add_error(None, _("Registration is not open."))
    if chose_none:
        form.offer_sessions(list(selectors.signup_sessions(event)))
    return render_page(request, "events/register.html", with_seats())


@require_http_methods(["GET", "HEAD"])
def register_sent(request, slug):
    """Where a guest lands after the form: "please check your inbox", for every address."""
    event = _event(request, slug)
    return render_page(
        request,
        "events/register_check_mail.html",
        {"event": event, "email": request.session.get(GUEST_EMAIL_SESSION_KEY, "")},
    )


def _status_message(registration: Registration) -> str:
    if registration.status == Registration.Status.CONFIRMED:
        return _("You are registered. We have sent you a confirmation by email.")
    if registration.status == Registration.Status.WAITLISTED:
        return _(
            "The event is fully booked, so you are on the waiting list. We will tell you "
            "by email as soon as a place becomes free."
        )
    return _("Please confirm your email address with the link we have sent you.")


@require_http_methods(["GET", "HEAD", "POST"])
def guest_confirm(request, token):
    """The link in the guest's email opens a page with a button; only the button (a POST)
    confirms, so a mail scanner that opens links confirms nothing. Once confirmed, the link
    leads to the registration."""
    registration = _registration(token)
    if registration.status != Registration.Status.PENDING:
        return redirect(registration.get_absolute_url())
    if request.method != "POST":
        return render_page(
            request,
            "events/guest_confirm.html",
            {"registration": registration, "event": registration.event},
        )
    try:
        registration, changed = services.guest_confirm(registration=registration)
    except ValidationError as exc:
        return render_page(
            request,
            "events/registration_problem.html",
            {"registration": registration, "event": registration.event, "errors": exc.messages},
            status=409,
        )
    if changed:
        messages.success(request, _status_message(registration))
    return redirect(registration.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
def registration_cancel(request, token):
    """Cancelling asks first, on a page of its own that says what happens to the seat: a
    freed seat goes to the waiting list at once and cannot be taken back. GET shows the
    page, only its button's POST (with ``confirm``) cancels; anything else comes back here.
    ``?from=mine`` returns to the account's list of registrations."""
    registration = _registration(token)
    from_mine = request.GET.get("from") == "mine" and request.user.is_authenticated
    done_url = reverse("events:my_registrations") if from_mine else registration.get_absolute_url()
    if not permissions.can_change_registration(registration):
        return redirect(registration.get_absolute_url())
    if request.method == "POST":
        if not confirmed(request):
            return redirect(request.get_full_path())
        run_service(
            request,
            services.registration_cancel,
            success=_("Your registration is cancelled."),
            registration=registration,
            actor=request.user,
        )
        return redirect(done_url)
    event = registration.event
    return render_page(
        request,
        "events/registration_cancel.html",
        {
            "registration": registration,
            "event": event,
            "back_url": done_url,
            "sessions": [
                signup
                for signup in registration.session_signups.all()
                if signup.status == SessionSignup.Status.CONFIRMED
            ],
            "waiting": selectors.has_waiting_list(event),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def registration_manage(request, token):
    """The attendee's own page behind the unguessable token: details, changes, cancel."""
    registration = _registration(token)
    notification_mark_read_for(actor=request.user, obj=registration)
    event = registration.event
    sessions = list(selectors.signup_sessions(event))
    form = None
    if permissions.can_change_registration(registration):
        chosen = [
            signup.item_id
            for signup in registration.session_signups.all()
            if signup.status != "cancelled"
        ]
        initial = {
            "days": [day.isoformat() for day in (registration.days or event.days())],
            "sessions": chosen,
            "dietary_needs": registration.dietary_needs,
            "accessibility_needs": registration.accessibility_needs,
            "list_consent": registration.list_consent,
        }
        update = request.method == "POST" and request.POST.get("action") == "update"
        form = RegistrationChoicesForm(
            request.POST if update else None, event=event, sessions=sessions, initial=initial
        )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            # Cancelling asks first, on its own page: an old one-click form lands there.
            return redirect("events:registration_cancel", token=registration.token)
        if action == "update" and form is not None:
            if form.is_valid():
                ok, _updated = run_service(
                    request,
                    services.registration_update,
                    form=form,
                    success=_("Your changes are saved."),
                    registration=registration,
                    actor=request.user,
                    **form.choices(),
                )
                if ok:
                    return redirect(registration.get_absolute_url())
        elif action not in ("cancel", "update"):
            return render_page(
                request,
                "events/registration_problem.html",
                {
                    "registration": registration,
                    "event": event,
                    "errors": [_("This registration can no longer be changed.")],
                },
                status=400,
            )
    return render_page(
        request,
        "events/registration_manage.html",
        {
            "registration": registration,
            "event": event,
            "form": form,
            "signups": [
                signup
                for signup in registration.session_signups.all()
                if signup.status != "cancelled"
            ],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_registrations(request):
    if request.method == "POST" and request.POST.get("action") in ("feed", "renew"):
        if request.POST["action"] == "renew":
            run_service(
                request,
                services.calendar_feed_renew,
                success=_("Your calendar has a new address; the old one is void."),
                user=request.user,
            )
        else:
            run_service(request, services.calendar_feed_for, user=request.user)
        return redirect("events:my_registrations")
    if request.method == "POST":
        raise Http404
    registrations = list(selectors.my_registrations(request.user))
    feed = getattr(request.user, "calendar_feed", None) if _has_feed(request.user) else None
    return render_page(
        request,
        "events/my_registrations.html",
        {
            "registrations": registrations,
            "upcoming": [r for r in registrations if not r.event.is_past],
            "past": [r for r in registrations if r.event.is_past],
            "feed": feed,
            "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else "",
        },
    )


def _has_feed(user) -> bool:
    try:
        return user.calendar_feed is not None
    except CalendarFeed.DoesNotExist:
        return False


# --- Stands --------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def stand_apply(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = _event(request, slug)
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    existing = selectors.active_stand(event, membership.organisation)
    form = None
    if existing is None and permissions.can_apply_for_stand(request.user, event):
        form = StandForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            ok, _stand = run_service(
                request,
                services.stand_apply,
                form=form,
                success=_(
                    "Thank you. The organisers will tell you by email when they have decided."
                ),
                event=event,
                actor=request.user,
                **form.cleaned_data,
            )
            if ok:
                return redirect("events:stand_apply", slug=event.slug)
    elif request.method == "POST":
        return render_page(
            request,
            "events/stand_apply.html",
            {
                "event": event,
                "form": None,
                "stand": existing,
                "organisation": membership.organisation,
            },
            status=409,
        )
    return render_page(
        request,
        "events/stand_apply.html",
        {
            "event": event,
            "form": form,
            "stand": existing,
            "organisation": membership.organisation,
        },
    )


def _active_stand(request, slug):
    """The event and the user's organisation's stand application that is not declined;
    404 for anyone else."""
    event = _event(request, slug)
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    stand = selectors.active_stand(event, membership.organisation)
    if stand is None:
        raise Http404
    return event, stand


@require_http_methods(["GET", "HEAD", "POST"])
def stand_withdraw(request, slug):
    """Withdrawing asks first, on a page of its own; only its button's POST withdraws."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event, stand = _active_stand(request, slug)
    back = reverse("events:stand_apply", kwargs={"slug": event.slug})
    if not permissions.stand_can_be_withdrawn(stand):
        return redirect(back)
    if request.method == "POST":
        if not confirmed(request):
            return redirect(request.get_full_path())
        run_service(
            request,
            services.stand_withdraw,
            success=_("Your stand application has been withdrawn."),
            stand=stand,
            actor=request.user,
        )
        return redirect(back)
    return render_page(
        request,
        "events/stand_withdraw.html",
        {"event": event, "stand": stand, "back_url": back},
    )
