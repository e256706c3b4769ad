"""Every state change of events/: registrations, seats, waiting lists, session sign-ups,
stands, check-in, cancelling an event.

Seats are counted and taken in one transaction that holds a row lock on the event
(``SELECT ... FOR UPDATE``), as pretix does for quotas: two simultaneous registrations for
the last seat queue up on the lock, and the second one sees the first one's seat. Session
seats lock the programme item the same way. Notifications are recorded inside the same
transaction (the outbox of forum.notifications), so a rolled-back change sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking
from forum.i18n import language_code
from members.permissions import is_member_of, is_organiser, membership_of, organisation_can_act

from . import notifications, permissions
from .models import (
    CalendarFeed,
    Event,
    ProgrammeItem,
    Registration,
    SessionSignup,
    Stand,
)

Status = Registration.Status


def _locked_event(event_id: int) -> Event:
    """The event, re-read under a row lock held until the transaction ends."""
    return locking.lock_one(Event, event_id)


def _locked_item(item_id: int) -> ProgrammeItem:
    return locking.lock_one(ProgrammeItem, item_id)


def confirmed_count(event: Event) -> int:
    return event.registrations.filter(status=Status.CONFIRMED).count()


def seats_left(event: Event) -> int | None:
    """Free seats, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - confirmed_count(event), 0)


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


# --- Seats ---------------------------------------------------------------------------------


def _take_seat(event: Event, registration: Registration, now) -> None:
    """Confirms the registration if a seat is free, or puts it on the waiting list. The
    caller holds the event lock."""
    if event.capacity is None or confirmed_count(event) < event.capacity:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        registration.waitlisted_at = None
    elif event.waiting_list:
        registration.status = Status.WAITLISTED
        registration.waitlisted_at = now
    else:
        raise ValidationError(_("This event is fully booked."), code="full")


def _allocate_sessions(registration: Registration, now) -> list[SessionSignup]:
    """Gives a just-confirmed registration's waiting sign-ups a session seat where one is
    free; the others stay on the session's waiting list in their original order."""
    changed = []
    signups = registration.session_signups.filter(status=SessionSignup.Status.WAITLISTED)
    for signup in signups.order_by("item_id"):
        item = _locked_item(signup.item_id)
        taken = item.signups.filter(
            status=SessionSignup.Status.CONFIRMED, registration__status=Status.CONFIRMED
        ).count()
        if taken < item.capacity:
            signup.status = SessionSignup.Status.CONFIRMED
            signup.save(update_fields=["status"])
            changed.append(signup)
    return changed


def _set_sessions(registration: Registration, item_ids: list[int], now) -> None:
    """Makes the registration's sign-ups match ``item_ids``: new ones wait until
    ``_allocate_sessions`` (a registration that is not confirmed holds no session seat),
    dropped ones are cancelled and their seat goes to the next person."""
    existing = {signup.item_id: signup for signup in registration.session_signups.all()}
    freed = []
    for item_id, signup in existing.items():
        if item_id not in item_ids and signup.status != SessionSignup.Status.CANCELLED:
            was_confirmed = signup.status == SessionSignup.Status.CONFIRMED
            signup.status = SessionSignup.Status.CANCELLED
            signup.save(update_fields=["status"])
            if was_confirmed:
                freed.append(item_id)
    for item_id in item_ids:
        signup = existing.get(item_id)
        if signup is None:
            SessionSignup.objects.create(
                registration=registration,
                item_id=item_id,
                status=SessionSignup.Status.WAITLISTED,
                waitlisted_at=now,
            )
        elif signup.status == SessionSignup.Status.CANCELLED:
            signup.status = SessionSignup.Status.WAITLISTED
            signup.waitlisted_at = now
            signup.save(update_fields=["status", "waitlisted_at"])
    for item_id in freed:
        _promote_session(item_id)


def _promote_session(item_id: int) -> list[SessionSignup]:
    """Fills free session seats from its waiting list, first come first served; only
    confirmed registrations hold session seats."""
    item = _locked_item(item_id)
    promoted = []
    signups = item.signups.filter(registration__status=Status.CONFIRMED)
    free = item.capacity - signups.filter(status=SessionSignup.Status.CONFIRMED).count()
    if free <= 0:
        return promoted
    waiting = signups.filter(status=SessionSignup.Status.WAITLISTED).order_by(
        "waitlisted_at", "id"
    )[:free]
    for signup in waiting.select_related("registration", "item"):
        signup.status = SessionSignup.Status.CONFIRMED
        signup.save(update_fields=["status"])
        notifications.session_signup_changed(signup)
        promoted.append(signup)
    return promoted


def _promote(event: Event, now) -> list[Registration]:
    """Fills free seats from the waiting list in the order people joined it. The caller
    holds the event lock."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - confirmed_count(event)
        if free <= 0:
            return []
    waiting = event.registrations.filter(status=Status.WAITLISTED).order_by("waitlisted_at", "id")
    if free is not None:
        waiting = waiting[:free]
    promoted = []
    for registration in list(waiting):
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        _allocate_sessions(registration, now)
        notifications.registration_promoted(registration)
        promoted.append(registration)
    return promoted


def _announce(registration: Registration) -> None:
    if registration.status == Status.CONFIRMED:
        notifications.registration_confirmed(registration)
    elif registration.status == Status.WAITLISTED:
        notifications.registration_waitlisted(registration)
    elif registration.status == Status.PENDING:
        notifications.guest_confirmation_requested(registration)


# --- Registering -----------------------------------------------------------------------------


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
    now = timezone.now()
    with transaction.atomic():
        event = _locked_event(event.pk)
        _check_open(event)
        days = _clean_days(event, days)
        item_ids = _clean_sessions(event, sessions)
        registration = Registration.objects.filter(event=event, email=email).first()
        if registration is not None and registration.is_active:
            if is_member and registration.user_id is None:
                registration.user = actor
                registration.save(update_fields=["user"])
            if registration.status == Status.PENDING:
                if is_member:
                    _take_seat(event, registration, now)
                    registration.save()
                    _allocate_sessions(registration, now)
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
            _take_seat(event, registration, now)
        else:
            registration.status = Status.PENDING
        registration.full_clean(exclude=["event", "user", "organisation"], validate_unique=False)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as exc:  # only without the lock: someone took the address
            raise ValidationError(
                {"email": _("This address is already registered for this event.")}
            ) from exc
        _set_sessions(registration, item_ids, now)
        if registration.status == Status.CONFIRMED:
            _allocate_sessions(registration, now)
        _announce(registration)
        return registration, True


def guest_confirm(*, registration: Registration) -> tuple[Registration, bool]:
    """The guest opened the emailed link: the address is theirs, so the registration now
    takes a seat or a place on the waiting list. Opening it again changes nothing.
    Returns ``(registration, changed)``."""
    now = timezone.now()
    with transaction.atomic():
        event = _locked_event(registration.event_id)
        registration = locking.lock_one(Registration, registration.pk)
        registration.event = event
        if registration.status != Status.PENDING:
            return registration, False
        if event.is_cancelled:
            raise ValidationError(_("This event has been cancelled."), code="cancelled")
        if event.starts_at <= now:
            raise ValidationError(_("This event has already started."), code="past")
        _take_seat(event, registration, now)
        registration.save(update_fields=["status", "confirmed_at", "waitlisted_at"])
        if registration.status == Status.CONFIRMED:
            _allocate_sessions(registration, now)
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
        event = _locked_event(registration.event_id)
        registration = locking.lock_one(Registration, registration.pk)
        if not registration.is_active:
            raise ValidationError(_("This registration has been cancelled."))
        if event.is_cancelled or event.starts_at <= now:
            raise ValidationError(_("This registration can no longer be changed."))
        registration.days = _clean_days(event, days)
        item_ids = _clean_sessions(event, sessions)
        registration.dietary_needs = dietary_needs.strip()
        registration.accessibility_needs = accessibility_needs.strip()
        if bool(list_consent) != registration.list_consent:
            registration.list_consent = bool(list_consent)
            registration.list_consent_at = now if list_consent else None
        registration.full_clean(exclude=["event", "user", "organisation"], validate_unique=False)
        registration.save()
        before = set(
            registration.session_signups.filter(status=SessionSignup.Status.CONFIRMED).values_list(
                "pk", flat=True
            )
        )
        _set_sessions(registration, item_ids, now)
        if registration.status == Status.CONFIRMED:
            for signup in _allocate_sessions(registration, now):
                if signup.pk not in before:
                    notifications.session_signup_changed(signup)
        return registration


def registration_cancel(*, registration: Registration, actor=None) -> Registration:
    """Cancels the registration and its session seats; a freed seat goes to the first person
    on the waiting list at once. Cancelling twice is harmless."""
    now = timezone.now()
    with transaction.atomic():
        event = _locked_event(registration.event_id)
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
        if held_seat and not event.is_cancelled:
            for item_id in freed_items:
                _promote_session(item_id)
            _promote(event, now)
        return registration


def registrations_promote(*, event: Event, actor, registrations=None) -> list[Registration]:
    """Fills free seats from the waiting list (e.g. after the capacity was raised).

    With ``registrations`` only those waiting people are promoted, in waiting-list order,
    and only as far as seats are free: the capacity is never exceeded."""
    if actor is not None and not is_organiser(actor):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        event = _locked_event(event.pk)
        if event.is_cancelled:
            return []
        if registrations is None:
            return _promote(event, now)
        wanted = list(
            event.registrations.filter(
                pk__in=[r.pk for r in registrations], status=Status.WAITLISTED
            ).order_by("waitlisted_at", "id")
        )
        free = None if event.capacity is None else event.capacity - confirmed_count(event)
        promoted = []
        for registration in wanted:
            if free is not None and free <= 0:
                break
            registration.status = Status.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at"])
            _allocate_sessions(registration, now)
            notifications.registration_promoted(registration)
            promoted.append(registration)
            if free is not None:
                free -= 1
        return promoted


def event_capacity_changed(*, event: Event) -> list[Registration]:
    """After an organiser raised the capacity or switched on the waiting list: promote."""
    now = timezone.now()
    with transaction.atomic():
        event = _locked_event(event.pk)
        if not event.is_published:
            return []
        return _promote(event, now)


def item_capacity_changed(*, item: ProgrammeItem) -> list[SessionSignup]:
    if item.capacity is None:
        return []
    with transaction.atomic():
        return _promote_session(item.pk)


def event_cancel(*, event: Event, actor) -> Event:
    """Cancels the event and tells everybody still registered. Their registrations keep
    their state, so the record shows who had a seat."""
    if not is_organiser(actor):
        raise PermissionDenied
    with transaction.atomic():
        event = _locked_event(event.pk)
        if event.is_cancelled:
            return event
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        active = list(
            event.registrations.filter(status__in=Registration.ACTIVE_STATUSES).exclude(
                status=Status.PENDING
            )
        )
        notifications.event_cancelled(event, active)
        return event


def registration_check_in(*, registration: Registration, actor) -> tuple[Registration, bool]:
    """Records the arrival. Checking in twice is harmless: the first time stays.
    Returns ``(registration, checked_in_now)``."""
    if not permissions.can_check_in(actor):
        raise PermissionDenied
    with transaction.atomic():
        registration = locking.lock_one(Registration, registration.pk)
        if registration.checked_in_at is not None:
            return registration, False
        if registration.status != Status.CONFIRMED:
            raise ValidationError(_("Only confirmed registrations can be checked in."))
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at"])
        return registration, True


def can_check_in(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and (user.is_staff or is_organiser(user))
    )


# --- Stands ------------------------------------------------------------------------------------


def stand_apply(
    *, event: Event, actor, kind: str, description: str, needs_power: bool = False
) -> Stand:
    """A member applies for a stand for their organisation; one active application per
    organisation and event (the event's row lock orders parallel requests). The same
    application sent twice returns the first."""
    membership = membership_of(actor)
    if membership is None:
        raise PermissionDenied
    if not organisation_can_act(membership.organisation):
        raise PermissionDenied(
            _("Your organisation can apply for stands once an organiser has approved it.")
        )
    if not event.is_published or event.is_past:
        raise ValidationError(_("This event takes no stand applications."))
    with transaction.atomic():
        locking.lock_one(Event, event.pk)
        active = (
            Stand.objects.filter(event=event, organisation=membership.organisation)
            .exclude(status=Stand.Status.DECLINED)
            .first()
        )
        if active is not None and (
            active.applied_by_id,
            active.kind,
            active.description,
            active.needs_power,
        ) == (actor.pk, kind, description.strip(), bool(needs_power)):
            return active  # the same form sent twice: one application
        if active is not None:
            raise ValidationError(
                _("Your organisation has already applied for a stand at this event.")
            )
        stand = Stand(
            event=event,
            organisation=membership.organisation,
            applied_by=actor,
            kind=kind,
            description=description.strip(),
            needs_power=bool(needs_power),
        )
        stand.full_clean()
        stand.save()
        return stand


def stand_decide(
    *, stand: Stand, actor, status: str, number: str | None = None, area: str | None = None
) -> Stand:
    """An organiser confirms or declines; the applicant is told."""
    if not is_organiser(actor):
        raise PermissionDenied
    if status not in (Stand.Status.CONFIRMED, Stand.Status.DECLINED):
        raise ValidationError(_("Choose confirm or decline."))
    with transaction.atomic():
        stand = locking.lock_one(Stand, stand.pk)
        changed = stand.status != status
        stand.status = status
        if number is not None:
            stand.number = number.strip()
        if area is not None:
            stand.area = area.strip()
        if changed:
            stand.decided_at = timezone.now()
        stand.full_clean()
        stand.save()
        if changed:
            _stand_decided(stand)
        return stand


def stand_withdraw(*, actor, stand: Stand) -> Stand | None:
    """Takes back a stand application (applied or confirmed) before the event: a member of
    its organisation on the confirmation page, or members/ when the organisation is
    deactivated. Stands have no state of their own for this: the application ends declined,
    which frees a confirmed stand's number and the one-per-event rule (the organisation may
    apply anew) and keeps the record for the organisers. None if it is already gone."""
    if not (is_organiser(actor) or is_member_of(actor, stand.organisation)):
        raise PermissionDenied
    with transaction.atomic():
        stand = locking.lock_one_or_none(Stand.objects.select_related("event"), stand.pk)
        if stand is None:
            return None
        if stand.status == Stand.Status.DECLINED or stand.event.is_past:
            raise ValidationError(_("This stand application can no longer be withdrawn."))
        stand.status = Stand.Status.DECLINED
        stand.decided_at = timezone.now()
        stand.full_clean()
        stand.save(update_fields=["status", "decided_at"])
        return stand


def _stand_decided(stand: Stand) -> None:
    notifications.stand_decided(stand)


# --- Calendar feed -------------------------------------------------------------------------------


def calendar_feed_for(*, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working (e.g. after sharing it by mistake)."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        return CalendarFeed.objects.create(user=user)
