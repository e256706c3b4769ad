"""iCalendar files of events (PRODUCT.md 3.3, "Calendars"), made with icalendar.

Every time carries TZID=Europe/Berlin with its VTIMEZONE, so a calendar shows the local time
of the venue whatever the reader's zone. UIDs are stable (``event-<pk>@<host>``,
``item-<pk>@<host>``): a client that imports a file twice or subscribes to the feed updates
its entries instead of doubling them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import BERLIN, Event, ProgrammeItem, Registration, SessionSignup

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Innovationsforum Recyclingregion Harz//Events//DE"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_uid(event: Event, day=None) -> str:
    suffix = f"-{day:%Y%m%d}" if day else ""
    return f"event-{event.pk}{suffix}@{_host()}"


def item_uid(item: ProgrammeItem) -> str:
    return f"item-{item.pk}@{_host()}"


def _berlin(value: datetime) -> datetime:
    return timezone.localtime(value, BERLIN)


def _one_line(text: str) -> str:
    return ", ".join(line.strip() for line in (text or "").splitlines() if line.strip())


def _venue(event: Event) -> str:
    return ", ".join(part for part in [event.venue_name, _one_line(event.venue_address)] if part)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _status(event: Event, tentative: bool = False) -> str:
    if event.status == Event.Status.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if tentative else "CONFIRMED"


def _calendar(name: str, *, method: str = "") -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Berlin")
    return calendar


def _finish(calendar: icalendar.Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event_component(
    event: Event, *, start=None, end=None, day=None, tentative=False
) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event_uid(event, day))
    component.add("dtstamp", event.updated_at or timezone.now())
    component.add("dtstart", _berlin(start or event.starts_at))
    component.add("dtend", _berlin(end or event.ends_at))
    component.add("summary", event.title)
    description = "\n\n".join(part for part in [event.summary, event.description] if part)
    if description:
        component.add("description", description)
    component.add("location", _venue(event))
    component.add("url", _absolute(event.get_absolute_url()))
    component.add("status", _status(event, tentative))
    return component


def _speaker_line(item: ProgrammeItem) -> str:
    names = [
        f"{speaker.name} ({speaker.affiliation})" if speaker.affiliation else speaker.name
        for speaker in item.speakers.all()
    ]
    return ", ".join(names)


def _item_component(item: ProgrammeItem, event: Event) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", item_uid(item))
    component.add("dtstamp", event.updated_at or timezone.now())
    component.add("dtstart", _berlin(item.starts_at))
    component.add("dtend", _berlin(item.ends_at))
    component.add("summary", f"{item.title} ({event.title})")
    parts = [item.abstract]
    speakers = _speaker_line(item)
    if speakers:
        parts.append(_("Speakers: %(names)s") % {"names": speakers})
    description = "\n\n".join(part for part in parts if part)
    if description:
        component.add("description", description)
    location = ", ".join(
        part for part in [item.room.name if item.room else "", _venue(event)] if part
    )
    component.add("location", location)
    # The event is given: item.get_absolute_url() would load it again for every item.
    component.add(
        "url", _absolute(reverse("events:item", kwargs={"slug": event.slug, "pk": item.pk}))
    )
    component.add("categories", [item.get_kind_display()])
    component.add("status", _status(event))
    return component


def _day_spans(event: Event, items: Iterable[ProgrammeItem] = ()):
    """(day, start, end) for each day of a multi-day event, so a calendar shows the forum as
    two entries of a working day each instead of one block through the night. A day runs
    from its first programme item to its last; without a programme, from the event's start
    time to its end time (the first day begins at the event's start, the last day ends at
    its end). A day whose end would not follow its start is left out."""
    start, end = _berlin(event.starts_at), _berlin(event.ends_at)
    by_day: dict = {}
    for item in items:
        item_start, item_end = _berlin(item.starts_at), _berlin(item.ends_at)
        first, last = by_day.get(item_start.date(), (item_start, item_end))
        by_day[item_start.date()] = (min(first, item_start), max(last, item_end))
    for day in event.days():
        if day in by_day:
            day_start, day_end = by_day[day]
        else:
            day_start = start if day == start.date() else _at(day, start)
            day_end = end if day == end.date() else _at(day, end)
        if day_end > day_start:
            yield day, day_start, day_end


def _at(day, moment: datetime) -> datetime:
    return datetime.combine(day, moment.time(), tzinfo=BERLIN)


def _whole_event_components(event: Event, items: Iterable[ProgrammeItem] = (), *, tentative=False):
    if not event.is_multi_day:
        yield _event_component(event, tentative=tentative)
        return
    for day, start, end in _day_spans(event, items):
        yield _event_component(event, start=start, end=end, day=day, tentative=tentative)


def event_calendar(event: Event, items: Iterable[ProgrammeItem]) -> bytes:
    """The event (one entry per day if it lasts several) and every programme item (items
    with ``room`` and ``speakers`` loaded)."""
    items = list(items)
    calendar = _calendar(event.title)
    for component in _whole_event_components(event, items):
        calendar.add_component(component)
    for item in items:
        calendar.add_component(_item_component(item, event))
    return _finish(calendar)


def item_calendar(item: ProgrammeItem) -> bytes:
    calendar = _calendar(item.title)
    calendar.add_component(_item_component(item, item.event))
    return _finish(calendar)


def _registration_components(registration: Registration, *, tentative=False):
    """The event as the person attends it: a one-day event, or one entry per day of a
    multi-day event, only the chosen days if the person chose (from the event's start to
    its end time on that day: the programme is not loaded here, one query per feed entry)."""
    event = registration.event
    chosen = set(registration.days or [])
    for component in _whole_event_components(event, tentative=tentative):
        if not chosen or not event.is_multi_day or component["DTSTART"].dt.date() in chosen:
            yield component


def _confirmed_sessions(registration: Registration) -> list[SessionSignup]:
    return [
        signup
        for signup in registration.session_signups.all()
        if signup.status == SessionSignup.Status.CONFIRMED
    ]


def registration_calendar(registration: Registration) -> bytes:
    """For the confirmation email: the event (or the chosen days) and the person's workshop
    sessions. METHOD:PUBLISH lets mail clients offer "add to calendar"."""
    event = registration.event
    calendar = _calendar(event.title, method="PUBLISH")
    for component in _registration_components(registration):
        calendar.add_component(component)
    for signup in _confirmed_sessions(registration):
        calendar.add_component(_item_component(signup.item, event))
    return _finish(calendar)


def meeting_uid(meeting) -> str:
    """The same as the .ics file of the meeting's mail, so a calendar keeps one entry."""
    return f"meeting-{meeting.pk}@{_host()}"


def _meeting_component(meeting) -> icalendar.Event:
    """A B2B meeting (issue 14) from ``selectors_meetings_outcomes``: ``other`` is the other
    side, ``slot`` and ``place`` are loaded."""
    event = meeting.event
    other = meeting.other.registration
    component = icalendar.Event()
    component.add("uid", meeting_uid(meeting))
    component.add("dtstamp", meeting.answered_at or timezone.now())
    component.add("dtstart", _berlin(meeting.slot.starts_at))
    component.add("dtend", _berlin(meeting.slot.ends_at))
    component.add("summary", _("Meeting with %(name)s") % {"name": other.name})
    who = ", ".join(part for part in [other.name, other.display_organisation] if part)
    component.add(
        "description",
        _("B2B meeting at %(event)s with %(who)s") % {"event": event.title, "who": who},
    )
    component.add("location", ", ".join(p for p in [meeting.place.name, _venue(event)] if p))
    component.add("url", _absolute(reverse("events:agenda", kwargs={"slug": event.slug})))
    component.add("status", _status(event))
    return component


def personal_feed(
    registrations: Iterable[Registration], starred: Iterable[ProgrammeItem] = (), meetings=()
) -> bytes:
    """A user's subscribed calendar: confirmed registrations (waitlisted ones as tentative),
    confirmed workshop sessions, the items starred for the personal agenda (once each) and
    the B2B meetings. A cancelled event stays in it as STATUS:CANCELLED, so a
    subscribed calendar shows the cancellation instead of silently dropping the entry."""
    calendar = _calendar(_("My events at the Innovation Forum Harz"))
    # Subscribing clients look again every few hours (Outlook, Apple: X-PUBLISHED-TTL).
    calendar.add("x-published-ttl", "PT6H")
    added: set[int] = set()
    for registration in registrations:
        event = registration.event
        if event.status == Event.Status.DRAFT:
            continue
        if registration.status == Registration.Status.CONFIRMED:
            components = list(_registration_components(registration))
            sessions = _confirmed_sessions(registration)
        elif registration.status == Registration.Status.WAITLISTED:
            components = list(_registration_components(registration, tentative=True))
            sessions = []
        else:
            continue
        for component in components:
            calendar.add_component(component)
        for signup in sessions:
            if signup.item_id not in added:
                added.add(signup.item_id)
                calendar.add_component(_item_component(signup.item, event))
    for item in starred:
        if item.pk not in added:
            added.add(item.pk)
            calendar.add_component(_item_component(item, item.event))
    for meeting in meetings:
        calendar.add_component(_meeting_component(meeting))
    return _finish(calendar)
