"""schema.org ``Event`` descriptions of an event and of a programme item (issue 16), for a
``<script type="application/ld+json">`` on their pages. Such a block is data, not script: the
browser does not run it, so the CSP (``script-src 'self'``) neither blocks nor reports it."""

from __future__ import annotations

import json

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .models import BERLIN, Event, ProgrammeItem

_STATUS = {
    Event.Status.PUBLISHED: "https://schema.org/EventScheduled",
    Event.Status.CANCELLED: "https://schema.org/EventCancelled",
    Event.Status.DRAFT: "https://schema.org/EventScheduled",
}


def _iso(moment) -> str:
    return timezone.localtime(moment, BERLIN).isoformat()


def _place(event: Event) -> dict:
    place = {"@type": "Place", "name": event.venue_name}
    if event.venue_address:
        place["address"] = " ".join(event.venue_address.split())
    return place


def _person(speaker) -> dict:
    person = {"@type": "Person", "name": speaker.name}
    if speaker.affiliation:
        person["affiliation"] = {"@type": "Organization", "name": speaker.affiliation}
    return person


def event_data(event: Event) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": _iso(event.starts_at),
        "endDate": _iso(event.ends_at),
        "eventStatus": _STATUS[event.status],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": event.language,
        "location": _place(event),
        "url": settings.SITE_URL + event.get_absolute_url(),
    }
    if event.host_id:
        data["organizer"] = {"@type": "Organization", "name": event.host.name}
    return data


def item_data(event: Event, item: ProgrammeItem) -> dict:
    location = _place(event)
    if item.room_id:
        location["name"] = f"{item.room.name}, {event.venue_name}"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": item.title,
        "startDate": _iso(item.starts_at),
        "endDate": _iso(item.ends_at),
        "eventStatus": _STATUS[event.status],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": event.language,
        "location": location,
        "url": settings.SITE_URL
        + reverse("events:item", kwargs={"slug": event.slug, "pk": item.pk}),
        "superEvent": {
            "@type": "Event",
            "name": event.title,
            "url": settings.SITE_URL + event.get_absolute_url(),
        },
    }
    if item.abstract:
        data["description"] = item.abstract
    speakers = [_person(speaker) for speaker in item.speakers.all()]
    if speakers:
        data["performer"] = speakers
    return data


_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script(data: dict) -> SafeString:
    """The block for a page; ``<``, ``>`` and ``&`` escaped, so no text closes the tag."""
    payload = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(payload))
