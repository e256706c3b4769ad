"""Reads of events, each carrying its joins so pages stay at a constant number of queries
(PRODUCT.md 6, P1)."""

from __future__ import annotations

from collections import OrderedDict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from . import permissions
from . import selectors_releases as released
from .models import (
    BERLIN,
    AgendaStar,
    Event,
    ProgrammeItem,
    Registration,
    SessionSignup,
    Speaker,
    Stand,
)


def events_visible_to(user) -> QuerySet[Event]:
    """``permissions.can_see_event`` as a filter, for lists and pages."""
    events = Event.objects.all()
    if not permissions.can_see_drafts(user):
        events = events.filter(status__in=permissions.PUBLIC_STATUSES)
    return events


# --- Seats -----------------------------------------------------------------------------------
# The one home of seat arithmetic: the registration services (under the event's or the
# session's row lock), the pages and the templates (the ``seats_left`` filter) all ask here.


def _free(capacity: int, taken: int) -> int:
    return max(capacity - taken, 0)


def confirmed_count(event: Event) -> int:
    """Seats taken: the confirmed registrations (pending and waiting ones hold none)."""
    return event.registrations.filter(status=Registration.Status.CONFIRMED).count()


def with_seats_taken(events: QuerySet[Event]) -> QuerySet[Event]:
    """The events annotated with ``confirmed``, their seats taken counted as
    ``confirmed_count`` does, for ``seats_left(event, taken=event.confirmed)``."""
    return events.annotate(
        confirmed=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
        )
    )


def seats_left(event: Event, *, taken: int | None = None) -> int | None:
    """Free seats, or None when the event has no limit. ``taken`` is the count of confirmed
    registrations when the caller has it already (the ``confirmed`` annotation of
    ``event_list`` and ``event_for_page``); otherwise it is counted now."""
    if event.capacity is None:
        return None
    return _free(event.capacity, confirmed_count(event) if taken is None else taken)


def _session_seat_taken(prefix: str = "") -> Q:
    """Which sign-ups hold a session seat: confirmed ones of confirmed registrations (a
    registration that is not confirmed holds no session seat)."""
    return Q(
        **{
            f"{prefix}status": SessionSignup.Status.CONFIRMED,
            f"{prefix}registration__status": Registration.Status.CONFIRMED,
        }
    )


def session_taken_count(item: ProgrammeItem) -> int:
    return item.signups.filter(_session_seat_taken()).count()


def session_seats_left(item: ProgrammeItem) -> int | None:
    """Free seats of a session with its own sign-up, None when it has no limit."""
    if item.capacity is None:
        return None
    return _free(item.capacity, session_taken_count(item))


def active_stand(event: Event, organisation) -> Stand | None:
    """The organisation's stand application at the event that is not declined (one at most)."""
    return (
        Stand.objects.filter(event=event, organisation=organisation)
        .exclude(status=Stand.Status.DECLINED)
        .select_related("event")
        .first()
    )


def event_list(user) -> tuple[list[Event], list[Event]]:
    """Upcoming (soonest first) and past (latest first) events, with seats taken."""
    now = timezone.now()
    events = list(
        with_seats_taken(events_visible_to(user).select_related("host")).order_by("starts_at", "pk")
    )
    upcoming = [event for event in events if event.ends_at > now]
    past = [event for event in events if event.ends_at <= now][::-1]
    return upcoming, past


def event_for_page(slug: str, user) -> Event:
    """Raises Event.DoesNotExist for drafts a user may not see."""
    return (
        with_seats_taken(events_visible_to(user).select_related("host"))
        # The page links the exhibitors only when there are some (issue 11).
        .annotate(
            has_exhibitors=Exists(Stand.objects.filter(event=OuterRef("pk"), status="confirmed"))
        )
        .get(slug=slug)
    )


def _items_queryset():
    """With ``schedule_release_id`` for ``selectors_releases.overlay`` (issue 16, item 6)."""
    return (
        released.with_release(ProgrammeItem.objects)
        .select_related("room")
        .prefetch_related(
            Prefetch(
                "speakers",
                queryset=Speaker.objects.select_related("organisation").order_by("name"),
            )
        )
    )


def programme(event: Event, *, starred_by=None) -> list[ProgrammeItem]:
    """Items with rooms, speakers and, for sessions with sign-up, seats taken; with a
    member as ``starred_by``, ``item.is_starred`` for their personal agenda (no extra query).
    Once the event has a schedule release, as released (``selectors_releases``)."""
    items = (
        _items_queryset()
        .filter(event=event)
        .annotate(taken=Count("signups", filter=_session_seat_taken("signups__")))
        .order_by("starts_at", "room__name", "title", "pk")
    )
    if starred_by is not None and starred_by.is_authenticated:
        items = items.annotate(
            is_starred=Exists(AgendaStar.objects.filter(item=OuterRef("pk"), user=starred_by))
        )
    return released.overlay(list(items), event=event)


def programme_by_day(items: list[ProgrammeItem]) -> list[tuple]:
    """[(date, [items])] in Europe/Berlin days."""
    days: OrderedDict = OrderedDict()
    for item in items:
        day = timezone.localtime(item.starts_at, BERLIN).date()
        days.setdefault(day, []).append(item)
    return list(days.items())


def item_for_page(event: Event, pk: int) -> ProgrammeItem:
    """As released (raises ProgrammeItem.DoesNotExist for an item not released yet)."""
    shown = released.overlay([_items_queryset().get(event=event, pk=pk)])
    if not shown:
        raise ProgrammeItem.DoesNotExist
    return shown[0]


def exhibitors(event: Event) -> QuerySet[Stand]:
    return (
        Stand.objects.filter(event=event, status=Stand.Status.CONFIRMED)
        .select_related("organisation")
        .order_by("number", "organisation__name", "pk")
    )


def signup_sessions(event: Event) -> QuerySet[ProgrammeItem]:
    """Sessions of the event with their own sign-up."""
    return event.items.filter(capacity__isnull=False).order_by("starts_at", "title", "pk")


def registrations_of(user) -> QuerySet[Registration]:
    """A person's registrations: those of their account and those made with their address
    (as a guest, before they had an account)."""
    return Registration.objects.filter(Q(user=user) | Q(email=user.email.lower()))


def registration_of(user, event: Event) -> Registration | None:
    if user is None or not user.is_authenticated:
        return None
    return registrations_of(user).filter(event=event).order_by("-created_at").first()


def attendees(event: Event, user) -> QuerySet[Registration]:
    """Confirmed attendees; only those who consented unless the user is an organiser."""
    registrations = Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED
    ).select_related("organisation")
    if not permissions.can_see_every_attendee(user):
        registrations = registrations.filter(list_consent=True)
    return registrations.order_by("name", "pk")


def my_registrations(user) -> QuerySet[Registration]:
    return (
        registrations_of(user)
        .select_related("event", "organisation")
        .prefetch_related(
            Prefetch(
                "session_signups",
                queryset=SessionSignup.objects.exclude(
                    status=SessionSignup.Status.CANCELLED
                ).select_related("item"),
            )
        )
        .order_by("-event__starts_at", "pk")
    )


def feed_registrations(user) -> QuerySet[Registration]:
    """The person's registrations for their calendar feed, with confirmed sessions, rooms
    and speakers."""
    sessions = SessionSignup.objects.filter(status=SessionSignup.Status.CONFIRMED).select_related(
        "item", "item__room"
    )
    speakers = Speaker.objects.select_related("organisation").order_by("name")
    return (
        registrations_of(user)
        .select_related("event")
        .prefetch_related(
            Prefetch("session_signups", queryset=sessions),
            Prefetch("session_signups__item__speakers", queryset=speakers),
        )
        .order_by("event__starts_at", "pk")
    )


def registration_by_token(token: str) -> Registration:
    """Raises Registration.DoesNotExist."""
    return (
        Registration.objects.select_related("event", "organisation")
        .prefetch_related(
            Prefetch(
                "session_signups",
                queryset=SessionSignup.objects.select_related("item").order_by("item__starts_at"),
            )
        )
        .get(token=token)
    )


def checkin_counts(event: Event) -> dict:
    """``{"confirmed": …, "arrived": …}`` for the check-in page. One query."""
    return event.registrations.filter(status=Registration.Status.CONFIRMED).aggregate(
        confirmed=Count("pk"), arrived=Count("pk", filter=Q(checked_in_at__isnull=False))
    )


def has_waiting_list(event: Event) -> bool:
    """Someone is waiting for a seat (a cancelled seat goes to them at once)."""
    return event.registrations.filter(status=Registration.Status.WAITLISTED).exists()


def checkin_expected(event: Event, *, q: str = "", letter: str = "") -> QuerySet[Registration]:
    """The people expected at the door (confirmed registrations), by name; ``letter`` keeps
    the names starting with it, ``q`` those whose name, email or organisation contains it."""
    registrations = Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED
    ).select_related("organisation")
    if letter:
        registrations = registrations.filter(name__istartswith=letter)
    q = q.strip()
    if q:
        registrations = registrations.filter(
            Q(name__icontains=q)
            | Q(email__icontains=q)
            | Q(organisation_name__icontains=q)
            | Q(organisation__name__icontains=q)
        )
    return registrations.order_by(Lower("name"), "pk")


def checkin_arrivals(event: Event) -> dict[int, str]:
    """``{registration id: check-in time (ISO)}`` of everyone who arrived, for the devices
    at the door to stay in step with each other."""
    return {
        pk: at.isoformat()
        for pk, at in Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED, checked_in_at__isnull=False
        ).values_list("pk", "checked_in_at")
    }


def landing_forum_and_events(user, *, limit: int = 3) -> tuple[Event | None, list[Event]]:
    """The next forum (Event.Kind.FORUM) the landing page features, and the next other
    published events after it (PRODUCT.md 5, issue 16). One query: the next ``limit + 1``
    events and the next forum, whichever they are."""
    upcoming = Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__gt=timezone.now())
    ordered = ("starts_at", "pk")
    soonest = upcoming.order_by(*ordered).values("pk")[: limit + 1]
    forum = upcoming.filter(kind=Event.Kind.FORUM).order_by(*ordered).values("pk")[:1]
    events = list(
        upcoming.filter(Q(pk__in=Subquery(soonest)) | Q(pk__in=Subquery(forum)))
        .select_related("host")
        .order_by(*ordered)
    )
    featured = next((event for event in events if event.kind == Event.Kind.FORUM), None)
    return featured, [event for event in events if event != featured][:limit]


def landing_events(user, *, limit: int = 3) -> list[Event]:
    """The next published events for the landing page (PRODUCT.md 5). One query."""
    return list(
        Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__gt=timezone.now()).order_by(
            "starts_at", "pk"
        )[:limit]
    )


def organisation_page_presence(organisation, user) -> dict:
    """The organisation's confirmed stands and talks at published events. Two queries."""
    published = Event.Status.PUBLISHED
    stands = list(
        Stand.objects.filter(
            organisation=organisation, status=Stand.Status.CONFIRMED, event__status=published
        )
        .select_related("event")
        .order_by("-event__starts_at", "pk")
    )
    # One row per talk and speaker of the organisation; each talk keeps its speakers from
    # here as ``organisation_speakers`` (their pages are linked from the organisation's).
    links = ProgrammeItem.speakers.through.objects.filter(
        programmeitem__event__status=published, speaker__organisation=organisation
    ).select_related("programmeitem__event", "speaker")
    talks: dict[int, ProgrammeItem] = {}
    for link in links.order_by("-programmeitem__starts_at", "programmeitem_id", "speaker__name"):
        item = talks.setdefault(link.programmeitem_id, link.programmeitem)
        item.__dict__.setdefault("organisation_speakers", []).append(link.speaker)
    return {"stands": stands, "talks": list(talks.values())}


# --- Programme, speakers, exports (issue 16) ---------------------------------------------------


def rooms(event: Event) -> list:
    """The event's rooms in the order of the grid's columns."""
    return list(event.rooms.order_by("name", "pk"))


def speakers_for_page(event: Event) -> list[Speaker]:
    """The event's speakers with their organisation and their items (rooms joined; once
    the programme is released, the released items)."""
    return _released_items(
        event,
        list(
            Speaker.objects.filter(event=event)
            .select_related("organisation")
            .prefetch_related(
                Prefetch(
                    "items",
                    queryset=released.with_release(ProgrammeItem.objects)
                    .select_related("room")
                    .order_by("starts_at", "pk"),
                )
            )
            .order_by("name", "pk")
        ),
    )


def _released_items(event: Event, speakers: list[Speaker]) -> list[Speaker]:
    """The speakers' released items once the event has a release (their live items tell,
    through ``schedule_release_id``; asked separately only when they have none)."""
    live = [item for speaker in speakers for item in speaker.items.all()]
    if live:
        has_release = any(item.schedule_release_id for item in live)
    else:
        has_release = released.latest_release(event) is not None
    if not has_release:
        return speakers
    return released.speakers_items(speakers, programme(event))


def speaker_for_page(event: Event, pk: int) -> Speaker:
    """Raises Speaker.DoesNotExist."""
    speaker = (
        Speaker.objects.filter(event=event)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=released.with_release(ProgrammeItem.objects)
                .select_related("room")
                .order_by("starts_at", "pk"),
            )
        )
        .get(pk=pk)
    )
    return _released_items(event, [speaker])[0]


def published_events() -> QuerySet[Event]:
    """What feeds and the sitemap list: published events, latest first."""
    return Event.objects.filter(status=Event.Status.PUBLISHED).order_by("-starts_at", "pk")


# --- The personal agenda (issue 16, item 4) ----------------------------------------------------


def _stars(*, user=None, registration=None) -> QuerySet:
    if registration is not None:
        return AgendaStar.objects.filter(registration=registration)
    if user is not None and user.is_authenticated:
        return AgendaStar.objects.filter(user=user)
    return AgendaStar.objects.none()


def starred_ids(event: Event, *, user=None, registration=None) -> set[int]:
    """The pks of the event's items the member (or the guest's registration) starred."""
    if registration is None and (user is None or not user.is_authenticated):
        return set()
    return set(
        _stars(user=user, registration=registration)
        .filter(item__event=event)
        .values_list("item_id", flat=True)
    )


def mark_conflicts(items: list[ProgrammeItem]) -> list[ProgrammeItem]:
    """Sets ``item.conflicts`` to the other items (of the list) whose time overlaps."""
    for item in items:
        item.conflicts = [
            other
            for other in items
            if other.pk != item.pk
            and other.starts_at < item.ends_at
            and item.starts_at < other.ends_at
        ]
    return items


def agenda(event: Event, *, user=None, registration=None) -> list[ProgrammeItem]:
    """The starred items of the event by time, with rooms, speakers, seats taken and the
    clashes among them (``item.conflicts``)."""
    stars = _stars(user=user, registration=registration).filter(item__event=event)
    items = list(
        _items_queryset()
        .filter(event=event, pk__in=stars.values("item_id"))
        .annotate(taken=Count("signups", filter=_session_seat_taken("signups__")))
        .order_by("starts_at", "room__name", "title", "pk")
    )
    return mark_conflicts(released.overlay(items))


def starred_for_feed(user) -> list[ProgrammeItem]:
    """A member's starred items of events that are not drafts, for the calendar feed (as
    released, for events with a release)."""
    items = list(
        _items_queryset()
        .select_related("event")
        .filter(stars__user=user)
        .exclude(event__status=Event.Status.DRAFT)
        .order_by("starts_at", "pk")
    )
    shown = released.overlay(items)
    return sorted(shown, key=lambda item: (item.starts_at, item.pk))
