"""The events' notification category and kinds (forum/notifications/registry.py).

Registered from ``EventsConfig.ready()`` through ``register_notifications()``. The services
call the functions below inside their transaction, so a rolled-back registration leaves no
email behind.

Registration mail is transactional (PRODUCT.md 3.4): it always arrives, at once, whatever
the person's preferences. Guests have no account: their mail goes to the registered address
in the language they registered in.

What a notification stores (its context) is only what its subject needs: the event's and
the session's titles and the page to link to. The secret links (manage/cancel, guest
confirmation) and the files (the .ics calendar, the check-in QR code) are made at delivery
from the registration as it is then, so neither a secret nor a stale file sits in the
outbox, the admin or a data export.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from forum.notifications import registry
from forum.notifications.registry import Attachment
from forum.notifications.services import notify
from members.models import Membership
from members.selectors import organisation_admins

from . import calendars, qr
from .models import BERLIN, Event, Registration, SessionSignup, Stand

CATEGORY = "events"


def _kind(name: str) -> str:
    return f"events.{name}"


# --- Delivery-time context ----------------------------------------------------------------


def _registration(notification):
    return (
        Registration.objects.select_related("event", "organisation", "user")
        .prefetch_related(
            Prefetch(
                "session_signups",
                queryset=SessionSignup.objects.select_related("item", "item__room")
                .prefetch_related("item__speakers__organisation")
                .order_by("item__starts_at", "pk"),
            )
        )
        .filter(pk=notification.context.get("registration_id"))
        .first()
    )


def _absolute(url_name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(url_name, kwargs=kwargs)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _files(registration, *, calendar=True, code=True) -> tuple[list[Attachment], dict]:
    """The .ics of the event and the person's sessions, and the check-in QR code shown in
    the HTML (cid:) and given as a link in the text part."""
    files, context = [], {}
    if calendar:
        files.append(
            Attachment(
                filename=f"{registration.event.slug}.ics",
                content=calendars.registration_calendar(registration),
                mimetype="text/calendar",
            )
        )
    if code:
        cid = f"checkin-{registration.pk}@{_host()}"
        files.append(
            Attachment(
                filename="check-in.png",
                content=qr.checkin_png(registration),
                mimetype="image/png",
                content_id=cid,
            )
        )
        context.update(qr_cid=cid, checkin_url=qr.checkin_url(registration))
    return files, context


def _sessions(registration, status) -> list:
    return [signup for signup in registration.session_signups.all() if signup.status == status]


def _registration_context(notification, *, statuses=None, calendar=False, code=False):
    """The registration as it is now; None (not sent) when it no longer is in one of
    ``statuses`` (e.g. a confirmation for a registration cancelled before the mail went)."""
    registration = _registration(notification)
    if registration is None:
        return None
    if statuses and registration.status not in statuses:
        return None
    language = notification.language
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "event_url": _absolute("events:detail", language, slug=event.slug),
        "manage_url": _absolute("events:registration", language, token=registration.token),
        "days": sorted(registration.days) if event.is_multi_day else [],
        "sessions": _sessions(registration, "confirmed"),
        "waitlisted_sessions": _sessions(registration, "waitlisted"),
    }
    attachments, extra = _files(registration, calendar=calendar, code=code)
    context.update(extra)
    context["attachments"] = attachments
    return context


def _guest_confirmation(notification):
    context = _registration_context(notification, statuses={"pending"})
    if context is not None:
        context["confirm_url"] = _absolute(
            "events:guest_confirm", notification.language, token=context["registration"].token
        )
    return context


def _already_registered(notification):
    return _registration_context(notification, statuses={"confirmed", "waitlisted"})


def _confirmed(notification):
    return _registration_context(notification, statuses={"confirmed"}, calendar=True, code=True)


def _waitlisted(notification):
    return _registration_context(notification, statuses={"waitlisted"})


def _cancelled(notification):
    return _registration_context(notification, statuses={"cancelled"})


def _event_cancelled(notification):
    return _registration_context(notification)


def _reminder(notification):
    context = _registration_context(notification, statuses={"confirmed"}, code=True)
    if context is None or context["event"].status != "published":
        return None
    context["day"] = date.fromisoformat(notification.context["day"])
    return context


def _session_signup(notification):
    signup = (
        SessionSignup.objects.select_related("item", "item__room", "item__event")
        .filter(pk=notification.context.get("signup_id"))
        .first()
    )
    if signup is None or signup.status != notification.context.get("status"):
        return None  # changed again since: the later notification tells the news
    context = _registration_context(notification, calendar=signup.status == "confirmed")
    if context is None:
        return None
    if signup.status == "confirmed":
        # The attachment holds the session alone, not the whole registration again.
        context["attachments"] = [
            Attachment(
                filename=f"{signup.item.event.slug}-{signup.item.pk}.ics",
                content=calendars.item_calendar(signup.item),
                mimetype="text/calendar",
            )
        ]
    context["signup"] = signup
    context["item"] = signup.item
    return context


def _stand_decided(notification):
    """The stand as it is now; None (not sent) when the decision changed again since."""
    stand = (
        Stand.objects.select_related("event", "organisation")
        .filter(pk=notification.context.get("stand_id"))
        .first()
    )
    if stand is None or stand.status != notification.context.get("status"):
        return None
    language = notification.language
    event = stand.event
    context = {
        "stand": stand,
        "event": event,
        "event_url": _absolute("events:detail", language, slug=event.slug),
    }
    if stand.status == Stand.Status.CONFIRMED:
        context["exhibitors_url"] = _absolute("events:exhibitors", language, slug=event.slug)
    return context


def register_notifications() -> None:
    registry.register_category(
        CATEGORY,
        label=_("Event registrations"),
        description=_(
            "Confirmations, waiting list, reminders and cancellations of your event registrations."
        ),
        transactional=True,
        order=30,
    )
    kinds = [
        # The link in it confirms the address: a secret, emptied once sent.
        ("guest_confirmation", _guest_confirmation, True),
        ("registration_confirmed", _confirmed, False),
        # Someone registered an address that already is: the truth goes to the address only.
        ("already_registered", _already_registered, False),
        ("registration_waitlisted", _waitlisted, False),
        ("registration_promoted", _confirmed, False),
        ("registration_cancelled", _cancelled, False),
        ("event_cancelled", _event_cancelled, False),
        ("reminder", _reminder, False),
        ("session_signup", _session_signup, False),
        ("stand_decided", _stand_decided, False),
    ]
    for name, prepare, sensitive in kinds:
        registry.register_kind(
            _kind(name),
            category=CATEGORY,
            template=f"mail/events/{name}",
            prepare=prepare,
            sensitive=sensitive,
        )


# --- Called by events/services.py inside their transactions -------------------------------


def _event_path(event) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return event.get_absolute_url()


def _notify(kind: str, registration, *, dedup_key: str = "", **context):
    return notify(
        kind=_kind(kind),
        recipient=registration.user if registration.user_id else None,
        email=registration.email,
        language=registration.language,
        dedup_key=dedup_key,
        context={
            "registration_id": registration.pk,
            "event_title": registration.event.title,
            "url": _event_path(registration.event),
            **context,
        },
    )


def guest_confirmation_requested(registration):
    """To a guest: the link that confirms the address (and with it the registration)."""
    return _notify("guest_confirmation", registration)


def already_registered(registration, *, language: str | None = None):
    """To the address of a confirmed or waiting registration that was entered in the guest
    form again: the page said only "check your inbox", this mail says the rest and links to
    the registration. Only to the address, in the language of the form just sent; never in
    the account's notification list, since someone else may have typed it."""
    return notify(
        kind=_kind("already_registered"),
        email=registration.email,
        language=language or registration.language,
        context={
            "registration_id": registration.pk,
            "event_title": registration.event.title,
            "url": _event_path(registration.event),
        },
    )


def registration_confirmed(registration):
    """The seat is taken: with the .ics calendar and the check-in QR code."""
    return _notify("registration_confirmed", registration)


def registration_waitlisted(registration):
    return _notify("registration_waitlisted", registration)


def registration_promoted(registration):
    """A seat freed up and went to this person: again with calendar and QR code."""
    return _notify("registration_promoted", registration)


def registration_cancelled(registration):
    return _notify("registration_cancelled", registration)


def session_signup_changed(signup):
    """A workshop session sign-up is confirmed, waitlisted, promoted or cancelled."""
    registration = signup.registration
    promoted = signup.status == "confirmed" and signup.waitlisted_at is not None
    return _notify(
        "session_signup",
        registration,
        signup_id=signup.pk,
        status=signup.status,
        promoted=promoted,
        item_title=signup.item.title,
    )


def _stand_recipients(stand) -> list:
    """Who applied, while still an active member of the organisation; otherwise (the account
    deleted, deactivated or gone to another organisation) the organisation's admins."""
    applicant = stand.applied_by
    if (
        applicant is not None
        and applicant.is_active
        and Membership.objects.filter(user=applicant, organisation=stand.organisation_id).exists()
    ):
        return [applicant]
    return list(organisation_admins(stand.organisation_id))


def stand_decided(stand):
    """An organiser confirmed (with stand number and area) or declined a stand application.

    In each recipient's own language. The dedup key holds the stand, the decision and when it
    was made: saving the same decision again sends nothing, a later change of mind does."""
    decided = stand.decided_at.isoformat() if stand.decided_at else ""
    return [
        notify(
            kind=_kind("stand_decided"),
            recipient=user,
            dedup_key=f"events.stand_decided:{stand.pk}:{stand.status}:{decided}:{user.pk}",
            context={
                "stand_id": stand.pk,
                "status": stand.status,
                "event_title": stand.event.title,
                "organisation_name": stand.organisation.name,
                "url": _event_path(stand.event),
            },
        )
        for user in _stand_recipients(stand)
    ]


def event_cancelled(event, registrations):
    """To every active registration of a cancelled event."""
    for registration in registrations:
        registration.event = event
        _notify(
            "event_cancelled", registration, dedup_key=f"events.event_cancelled:{registration.pk}"
        )


def reminder(registration, day: date):
    """The day before ``day`` the person attends; once per registration and day."""
    return _notify(
        "reminder",
        registration,
        dedup_key=f"events.reminder:{registration.pk}:{day.isoformat()}",
        day=day.isoformat(),
    )


def _attended_days(registration) -> set[date]:
    event_days = registration.event.days()
    chosen = set(registration.days) & set(event_days) if registration.days else set()
    return chosen or set(event_days)


def reminders_send(*, today: date | None = None) -> int:
    """Reminds confirmed attendees the day before they come (beat, 09:00).

    For a multi-day event, the reminder goes before each run of consecutive days a person
    attends: before the first day for the whole forum, before the second day for someone
    who only comes on the second. The dedup key (registration and day) makes a repeated
    run, or a retried task, send nothing twice. Returns how many were recorded.
    """
    today = today or timezone.localtime(timezone.now(), BERLIN).date()
    tomorrow = today + timedelta(days=1)
    starts = datetime.combine(tomorrow, time.min, tzinfo=BERLIN)
    ends = starts + timedelta(days=1)
    registrations = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            event__status=Event.Status.PUBLISHED,
            event__starts_at__lt=ends,
            event__ends_at__gt=starts,
        )
        .select_related("event", "user")
        .order_by("pk")
    )
    count = 0
    for registration in registrations.iterator(chunk_size=500):
        days = _attended_days(registration)
        if tomorrow not in days or today in days:
            continue
        with transaction.atomic():
            reminder(registration, tomorrow)
        count += 1
    return count
