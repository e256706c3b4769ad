"""Registering for an event and what follows: guest confirmation, changes, cancelling,
promotion from the waiting list, check-in, and the organisers' corrections in the admin.
Notifications are recorded inside the same transaction (the outbox of forum.notifications),
so a rolled-back change sends nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking
from forum.i18n import language_code
from members.permissions import membership_of

from .. import notifications, permissions, selectors
from ..models import CalendarFeed, Event, ProgrammeItem, Registration, SessionSignup
from . import seats

Status = Registration.Status


def _check_open(event: Event) -> None:
    state = event.registration_state()
    messages = {
        "draft": _("This event is not published."),
        "cancelled": _("This event has been cancelled."),
        "past": _("This event has already started."),
        "not_yet": _("Registration has not opened yet."),
        "closed": _("Registration is closed."),
    }
    if state != "open":
        raise ValidationError(messages[state], code=state)


def _clean_days(event: Event, days: Iterable[date] | None) -> list[date]:
    days = sorted(set(days or []))
    if not event.is_multi_day:
        return []
    valid = set(event.days())
    if any(day not in valid for day in days):
        raise ValidationError({"days": _("Choose days on which the event takes place.")})
    return [] if set(days) == valid else days


def _clean_sessions(event: Event, sessions: Iterable[ProgrammeItem] | None) -> list[int]:
    ids = sorted({item.pk for item in sessions or []})
    if not ids:
        return []
    valid = set(event.items.filter(pk__in=ids, capacity__isnull=False).values_list("pk", flat=True))
    if set(ids) - valid:
        raise ValidationError({"sessions": _("Choose sessions of this event.")})
    return ids


def _set_list_consent(registration: Registration, consent: bool, now) -> None:
    """A change of the consent to appear in the attendee list is dated (or the date
    cleared), so the record shows when it was given."""
    if bool(consent) != registration.list_consent:
        registration.list_consent = bool(consent)
        registration.list_consent_at = now if consent else None


def _announce(registration: Registration) -> None:
    if registration.status == Status.CONFIRMED:
        notifications.registration_confirmed(registration)
    elif registration.status == Status.WAITLISTED:
        notifications.registration_waitlisted(registration)
    elif registration.status == Status.PENDING:
        notifications.guest_confirmation_requested(registration)


# --- Registering -----------------------------------------------------------------------------


def _address_and_seats(event: Event, email: str) -> tuple[Registration | None, int]:
    """Under the event's lock: the address's registration for the event and the seats
    taken, asked in one query (the registration itself is read only when there is one):
    one round trip fewer under the lock for every new registration (issue 17, P5). Asked
    after the lock, so the count sees every seat taken by whoever held it before."""
    existing = Registration.objects.filter(event_id=OuterRef("pk"), email=email).values("pk")[:1]
    taken, pk = (
        selectors.with_seats_taken(Event.objects.filter(pk=event.pk))
        .annotate(existing=Subquery(existing))
        .values_list("confirmed", "existing")
        .get()
    )
    return (Registration.objects.get(pk=pk) if pk is not None else None), taken


def registration_create(
    *,
    event: Event,
    actor,
    name: str = "",
    email: str = "",
    organisation_name: str = "",
    days: Iterable[date] | None = None,
    sessions: Iterable[ProgrammeItem] | None = None,
    dietary_needs: str = "",
    accessibility_needs: str = "",
    list_consent: bool = False,
    language: str | None = None,
) -> tuple[Registration, bool]:
    """Registers a member at once (name, email and organisation from the account) or a guest
    as pending until they confirm their address. Returns ``(registration, created)``.

    The same address never gets a second registration: an active one is returned unchanged,
    a cancelled one is re-opened. A guest form never tells whether an address is registered
    (anyone could test who attends); the mail to the address tells its owner what is true:
    a pending registration gets its confirmation link again, a confirmed or waiting one the
    "you are already registered" mail with the link to it, in ``language``.
    """
    is_member = actor is not None and actor.is_authenticated
    if is_member:
        membership = membership_of(actor)
        email = actor.email
        name = actor.get_full_name() or actor.email
        organisation = membership.organisation if membership else None
        organisation_name = "" if organisation else organisation_name
    else:
        organisation = None
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter your email address.")})
    # The address's check constraint (lower case, as PostgreSQL lowers it) is asked of the
    # database here, before the lock, not by full_clean() under it: three round trips fewer
    # while 500 others wait for the event (issue 17, P5).
    # A lower-case ASCII address passes it whatever the database's collation (LOWER() only
    # changes letters that ASCII upper-cases), so only other addresses ask: a savepoint,
    # the query and its release fewer for almost everyone.
    if not (email.isascii() and email == email.lower()):
        Registration(email=email).validate_constraints(exclude={"event"})
    now = timezone.now()
    with transaction.atomic():
        event = seats.locked_event(event.pk)
        _check_open(event)
        days = _clean_days(event, days)
        item_ids = _clean_sessions(event, sessions)
        registration, taken = _address_and_seats(event, email)
        if registration is not None and registration.is_active:
            if is_member and registration.user_id is None:
                registration.user = actor
                registration.save(update_fields=["user"])
            if registration.status == Status.PENDING:
                if is_member:
                    seats.take_seat(event, registration, now, taken=taken)
                    registration.save()
                    seats.allocate_sessions(registration, now)
                    _announce(registration)
                else:
                    notifications.guest_confirmation_requested(registration)
            elif not is_member:
                notifications.already_registered(registration, language=language_code(language))
            return registration, False
        created = registration is None
        if created:
            registration = Registration(event=event, email=email)
        registration.user = actor if is_member else None
        registration.name = name.strip()
        registration.organisation = organisation
        registration.organisation_name = organisation_name.strip()
        registration.days = days
        registration.dietary_needs = dietary_needs.strip()
        registration.accessibility_needs = accessibility_needs.strip()
        registration.list_consent = bool(list_consent)
        registration.list_consent_at = now if list_consent else None
        registration.language = language_code(language)
        registration.cancelled_at = None
        registration.confirmed_at = None
        registration.waitlisted_at = None
        registration.checked_in_at = None
        if is_member:
            seats.take_seat(event, registration, now, taken=taken)
        else:
            registration.status = Status.PENDING
        registration.full_clean(
            exclude=["event", "user", "organisation"],
            validate_unique=False,
            validate_constraints=False,  # checked before the lock
        )
        if locking.ENABLED:
            # Every path that adds a registration holds this event's lock (here, the
            # organisers' and the door's), so nobody took the address since the query
            # above: no savepoint, two round trips fewer under the lock (issue 17, P5).
            registration.save()
        else:
            try:
                with transaction.atomic():
                    registration.save()
            except IntegrityError as exc:  # only without the lock: someone took the address
                raise ValidationError(
                    {"email": _("This address is already registered for this event.")}
                ) from exc
        # A new registration without sessions has no sign-ups to match or to allocate:
        # two queries fewer under the lock (issue 17, P5).
        if item_ids or not created:
            seats.set_sessions(registration, item_ids, now)
            if registration.status == Status.CONFIRMED:
                seats.allocate_sessions(registration, now)
        _announce(registration)
        return registration, True


def guest_confirm(*, registration: Registration) -> tuple[Registration, bool]:
    """The guest opened the emailed link: the address is theirs, so the registration now
    takes a seat or a place on the waiting list. Opening it again changes nothing.
    Returns ``(registration, changed)``."""
    now = timezone.now()
    with transaction.atomic():
        event = seats.locked_event(registration.event_id)
        registration = locking.lock_one(Registration, registration.pk)
        registration.event = event
        if registration.status != Status.PENDING:
            return registration, False
        if event.is_cancelled:
            raise ValidationError(_("This event has been cancelled."), code="cancelled")
        if event.starts_at <= now:
            raise ValidationError(_("This event has already started."), code="past")
        seats.take_seat(event, registration, now)
        registration.save(update_fields=["status", "confirmed_at", "waitlisted_at"])
        if registration.status == Status.CONFIRMED:
            seats.allocate_sessions(registration, now)
        _announce(registration)
        return registration, True


def registration_update(
    *,
    registration: Registration,
    actor,
    days: Iterable[date] | None = None,
    sessions: Iterable[ProgrammeItem] | None = None,
    dietary_needs: str = "",
    accessibility_needs: str = "",
    list_consent: bool = False,
) -> Registration:
    """Changes the attendee's choices; session seats given up go to the next person."""
    now = timezone.now()
    with transaction.atomic():
        event = seats.locked_event(registration.event_id)
        registration = locking.lock_one(Registration, registration.pk)
        if not registration.is_active:
            raise ValidationError(_("This registration has been cancelled."))
        if event.is_cancelled or event.starts_at <= now:
            raise ValidationError(_("This registration can no longer be changed."))
        registration.days = _clean_days(event, days)
        item_ids = _clean_sessions(event, sessions)
        registration.dietary_needs = dietary_needs.strip()
        registration.accessibility_needs = accessibility_needs.strip()
        _set_list_consent(registration, list_consent, now)
        registration.full_clean(
            exclude=["event", "user", "organisation"],
            validate_unique=False,
            validate_constraints=False,  # checked before the lock
        )
        registration.save()
        before = set(
            registration.session_signups.filter(status=SessionSignup.Status.CONFIRMED).values_list(
                "pk", flat=True
            )
        )
        seats.set_sessions(registration, item_ids, now)
        if registration.status == Status.CONFIRMED:
            for signup in seats.allocate_sessions(registration, now):
                if signup.pk not in before:
                    notifications.session_signup_changed(signup)
        return registration


def registration_cancel(*, registration: Registration, actor=None) -> Registration:
    """Cancels the registration and its session seats; a freed seat goes to the first person
    on the waiting list at once. Cancelling twice is harmless."""
    now = timezone.now()
    with transaction.atomic():
        event = seats.locked_event(registration.event_id)
        registration = locking.lock_one(Registration, registration.pk)
        if registration.status == Status.CANCELLED:
            return registration
        held_seat = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        freed_items = list(
            registration.session_signups.filter(status=SessionSignup.Status.CONFIRMED).values_list(
                "item_id", flat=True
            )
        )
        registration.session_signups.exclude(status=SessionSignup.Status.CANCELLED).update(
            status=SessionSignup.Status.CANCELLED
        )
        notifications.registration_cancelled(registration)
        # B2B meetings (issue 14): open requests close, meetings are cancelled, both told.
        from .meetings_outcomes import meetings_close_for_registration

        meetings_close_for_registration(registration=registration)
        if held_seat and not event.is_cancelled:
            for item_id in freed_items:
                seats.promote_session(item_id)
            seats.promote(event, now)
        return registration


def registrations_promote(*, event: Event, actor, registrations=None) -> list[Registration]:
    """Fills free seats from the waiting list (e.g. after the capacity was raised).

    With ``registrations`` only those waiting people are promoted, in waiting-list order,
    and only as far as seats are free: the capacity is never exceeded."""
    if actor is not None and not permissions.can_manage_events(actor):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        event = seats.locked_event(event.pk)
        if event.is_cancelled:
            return []
        return seats.promote(event, now, only=registrations)


def registration_check_in(*, registration: Registration, actor) -> tuple[Registration, bool]:
    """Records the arrival. Checking in twice is harmless: the first time stays.
    Returns ``(registration, checked_in_now)``."""
    if not permissions.can_check_in(actor):
        raise PermissionDenied
    with transaction.atomic():
        registration = locking.lock_one(Registration, registration.pk)
        if registration.checked_in_at is not None:
            return registration, False
        if not permissions.can_be_checked_in(registration):
            raise ValidationError(_("Only confirmed registrations can be checked in."))
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at"])
        return registration, True


def registration_add(
    *,
    event: Event,
    actor,
    user=None,
    name: str = "",
    email: str = "",
    organisation_name: str = "",
    days: Iterable[date] | None = None,
    sessions: Iterable[ProgrammeItem] | None = None,
    language: str | None = None,
    notify: bool = False,
) -> Registration:
    """An organiser registers someone by hand (a caller on the phone): a member (``user``)
    or a person without an account. No confirmation mail: the organiser vouches for the
    address. The seat rules are the site's: confirmed if a seat is free, else on the
    waiting list, refused when full without one. ``notify`` sends the person the usual
    confirmed / waiting-list mail. Registration periods do not bind organisers."""
    permissions.require_organiser(actor)
    organisation = None
    if user is not None:
        membership = membership_of(user)
        email = user.email
        name = user.get_full_name() or user.email
        organisation = membership.organisation if membership else None
        organisation_name = "" if organisation else organisation_name
        language = language or getattr(getattr(user, "profile", None), "preferred_language", None)
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter the email address.")})
    if not (name or "").strip():
        raise ValidationError({"name": _("Enter the name.")})
    now = timezone.now()
    with transaction.atomic():
        event = seats.locked_event(event.pk)
        if event.is_cancelled:
            raise ValidationError(_("This event has been cancelled."), code="cancelled")
        if event.ends_at <= now:
            raise ValidationError(_("This event is over."), code="past")
        days = _clean_days(event, days)
        item_ids = _clean_sessions(event, sessions)
        registration = Registration.objects.filter(event=event, email=email).first()
        if registration is not None and registration.is_active:
            raise ValidationError(
                {"email": _("This address is already registered for this event.")}
            )
        if registration is None:
            registration = Registration(event=event, email=email)
        registration.user = user
        registration.name = name.strip()
        registration.organisation = organisation
        registration.organisation_name = (organisation_name or "").strip()
        registration.days = days
        registration.language = language_code(language)
        registration.cancelled_at = None
        registration.confirmed_at = None
        registration.waitlisted_at = None
        registration.checked_in_at = None
        seats.take_seat(event, registration, now)
        registration.full_clean(
            exclude=["event", "user", "organisation"],
            validate_unique=False,
            validate_constraints=False,  # checked before the lock
        )
        registration.save()
        seats.set_sessions(registration, item_ids, now)
        if registration.status == Status.CONFIRMED:
            seats.allocate_sessions(registration, now)
        if notify:
            _announce(registration)
        return registration


# --- Organisers' corrections in the admin ----------------------------------------------------

#: What an organiser may correct; the state (status, its times, check-in) changes only
#: through the services above, so seats and emails stay right.
CORRECTABLE_FIELDS = [
    "name",
    "email",
    "organisation",
    "organisation_name",
    "days",
    "dietary_needs",
    "accessibility_needs",
    "list_consent",
    "list_consent_at",
    "language",
]


def registration_save(
    *, registration: Registration, actor, sessions: Iterable[ProgrammeItem] | None = None
) -> Registration:
    """Saves an organiser's correction of a registration's details (the admin form). Only
    ``CORRECTABLE_FIELDS`` are written; a changed attendee-list consent is dated as the
    attendee's own change is. With ``sessions`` the session sign-ups change too, by the
    session seat rules (a freed seat goes to the next person)."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        stored = locking.lock_one(Registration, registration.pk)
        registration.email = (registration.email or "").strip().lower()
        consent = registration.list_consent
        registration.list_consent = stored.list_consent
        _set_list_consent(registration, consent, timezone.now())
        registration.full_clean()
        registration.save(update_fields=CORRECTABLE_FIELDS)
        if sessions is not None:
            now = timezone.now()
            seats.set_sessions(registration, _clean_sessions(registration.event, sessions), now)
            if stored.status == Status.CONFIRMED:
                seats.allocate_sessions(registration, now)
        return registration


ERASED_NAME = "—"


def registrations_erase(*, user) -> None:
    """A person's account is deleted (forum.privacy): their future registrations are
    cancelled (the seats go to the waiting list); past ones stay for the organisers'
    attendance figures but lose everything personal; their calendar feed goes."""
    now = timezone.now()
    with transaction.atomic():
        for registration in selectors.registrations_of(user).filter(
            event__ends_at__gt=now, status__in=Registration.ACTIVE_STATUSES
        ):
            registration_cancel(registration=registration, actor=user)
        for registration in selectors.registrations_of(user):
            registration.user = None
            registration.name = ERASED_NAME
            registration.email = f"erased-{registration.pk}@invalid"
            registration.organisation = None
            registration.organisation_name = ""
            registration.dietary_needs = ""
            registration.accessibility_needs = ""
            registration.list_consent = False
            registration.list_consent_at = None
            registration.save()
        CalendarFeed.objects.filter(user=user).delete()


def registration_delete(*, registration: Registration, actor) -> None:
    """Deletes a registration for good (e.g. a test entry). A seat it held goes to the first
    person on the waiting list, as when it is cancelled; so do its session seats."""
    permissions.require_organiser(actor)
    now = timezone.now()
    with transaction.atomic():
        event = seats.locked_event(registration.event_id)
        registration = locking.lock_one_or_none(Registration, registration.pk)
        if registration is None:
            return
        held_seat = registration.status == Status.CONFIRMED
        freed_items = list(
            registration.session_signups.filter(status=SessionSignup.Status.CONFIRMED).values_list(
                "item_id", flat=True
            )
        )
        registration.delete()
        if held_seat and not event.is_cancelled:
            for item_id in freed_items:
                seats.promote_session(item_id)
            seats.promote(event, now)
