"""The schedule in the frab format (issue 16): the XML that frab, pretalx and c3voc's tools
write and conference apps (Giggity, ConfClerk, the c3voc recording tools) read, and the JSON
that mirrors pretalx's ``schedule.json``.

:func:`schedule` gathers one neutral structure; :func:`to_xml` and :func:`to_json` write it.
The XML follows what c3voc's schema (``validator/xsd/schedule.xml.xsd`` in voc/schedule)
requires: ``version``, ``conference`` with ``title`` and ``acronym`` (and only the children
the schema knows, so the conference's address goes in ``base_url``), days with ``index``,
``date``, ``start`` and ``end`` holding rooms with events, and per event the ``id`` and
``guid`` (a UUID) attributes and ``room``, ``title``, ``subtitle``, ``type``, ``date`` (with
its offset), ``start`` (HH:MM), ``duration`` (HH:MM), ``abstract``, ``slug`` and ``track``.
Links point to ``SITE_URL``, as in mails and calendars."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .models import BERLIN, Event, ProgrammeItem
from .timetable import SLOT_MINUTES

#: Until organisers release schedule versions (issue 16, item 6) there is one version.
VERSION = "1.0"


def _url(path: str) -> str:
    return settings.SITE_URL + path


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, BERLIN).replace(microsecond=0)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _item_url(event: Event, item: ProgrammeItem) -> str:
    return _url(reverse("events:item", kwargs={"slug": event.slug, "pk": item.pk}))


def item_guid(event: Event, item: ProgrammeItem) -> str:
    """Stable across exports: derived from the item's address, not stored."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, _item_url(event, item)))


def item_slug(event: Event, item: ProgrammeItem) -> str:
    return f"{event.slug}-{item.pk}-{slugify(item.title)}"[:100].rstrip("-")


def _event_entry(event: Event, item: ProgrammeItem) -> dict:
    start = _local(item.starts_at)
    minutes = int((item.ends_at - item.starts_at).total_seconds() // 60)
    return {
        "guid": item_guid(event, item),
        "id": item.pk,
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "duration": _hhmm(min(minutes, 99 * 60 + 59)),
        "room": item.room.name if item.room_id else event.venue_name,
        "slug": item_slug(event, item),
        "url": _item_url(event, item),
        "title": item.title,
        "subtitle": "",
        "track": item.track,
        "type": item.kind,
        "language": event.language,
        "abstract": item.abstract,
        "description": "",
        "logo": "",
        "persons": [
            {"id": speaker.pk, "name": speaker.name, "biography": speaker.bio}
            for speaker in item.speakers.all()
        ],
        "links": [],
        "attachments": [],
        # Nothing is recorded at the forum.
        "recording_license": "",
        "do_not_record": True,
    }


def _day_bounds(event: Event, day: date, items: list[ProgrammeItem]) -> tuple[datetime, datetime]:
    if items:
        return min(i.starts_at for i in items), max(i.ends_at for i in items)
    midnight = datetime.combine(day, time(0), tzinfo=BERLIN)
    return max(event.starts_at, midnight), min(event.ends_at, midnight + timedelta(days=1))


def schedule(event: Event, items: list[ProgrammeItem], request=None) -> dict:
    """The event's schedule: every day of the event (empty ones too), its rooms in the
    order of the grid, items by start. ``items`` come from ``selectors.programme``."""
    by_day: dict[date, list[ProgrammeItem]] = {day: [] for day in event.days()}
    for item in items:
        by_day.setdefault(timezone.localtime(item.starts_at, BERLIN).date(), []).append(item)
    days = []
    for index, (day, day_items) in enumerate(sorted(by_day.items()), start=1):
        start, end = _day_bounds(event, day, day_items)
        rooms: dict[str, list[dict]] = {}
        ordered = sorted(
            day_items, key=lambda i: (i.room is None, i.room.name if i.room else "", i.starts_at)
        )
        for item in ordered:
            entry = _event_entry(event, item)
            rooms.setdefault(entry["room"], []).append(entry)
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": _local(start).isoformat(),
                "day_end": _local(end).isoformat(),
                "rooms": rooms,
            }
        )
    return {
        "version": VERSION,
        "base_url": _url("/"),
        "conference": {
            "acronym": event.slug,
            "title": event.title,
            "start": _local(event.starts_at).date().isoformat(),
            "end": _local(event.ends_at).date().isoformat(),
            "days": len(days),
            "timeslot_duration": _hhmm(SLOT_MINUTES),
            "time_zone_name": "Europe/Berlin",
            "url": _url(event.get_absolute_url()),
        },
        "days": days,
    }


def _text(parent, tag: str, value) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    element.text = "" if value is None else str(value)
    return element


def to_xml(data: dict) -> bytes:
    root = ElementTree.Element("schedule")
    ElementTree.SubElement(root, "generator", name="innovationsforum-harz", version="1")
    _text(root, "version", data["version"])
    conference = ElementTree.SubElement(root, "conference")
    info = data["conference"]
    for key in ("acronym", "title", "start", "end", "days", "timeslot_duration"):
        _text(conference, key, info[key])
    _text(conference, "time_zone_name", info["time_zone_name"])
    _text(conference, "base_url", data["base_url"])
    for day in data["days"]:
        day_element = ElementTree.SubElement(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room_name, entries in day["rooms"].items():
            room = ElementTree.SubElement(day_element, "room", name=room_name)
            for entry in entries:
                element = ElementTree.SubElement(
                    room, "event", guid=entry["guid"], id=str(entry["id"])
                )
                for key in ("date", "start", "duration", "room", "slug", "url", "title"):
                    _text(element, key, entry[key])
                for key in ("subtitle", "track", "type", "language", "abstract"):
                    _text(element, key, entry[key])
                _text(element, "description", entry["description"])
                _text(element, "logo", entry["logo"])
                persons = ElementTree.SubElement(element, "persons")
                for person in entry["persons"]:
                    _text(persons, "person", person["name"]).set("id", str(person["id"]))
                ElementTree.SubElement(element, "links")
                ElementTree.SubElement(element, "attachments")
                recording = ElementTree.SubElement(element, "recording")
                _text(recording, "license", entry["recording_license"])
                _text(recording, "optout", "true" if entry["do_not_record"] else "false")
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def to_json(data: dict) -> dict:
    """pretalx's layout: ``{"schedule": {"version", "base_url", "conference": {…, "days":
    [{"index", "date", "day_start", "day_end", "rooms": {"Room": [events]}}]}}}``."""
    conference = dict(data["conference"], daysCount=data["conference"]["days"])
    conference["days"] = data["days"]
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "innovationsforum-harz", "version": "1"},
        "schedule": {
            "version": data["version"],
            "base_url": data["base_url"],
            "conference": conference,
        },
    }
