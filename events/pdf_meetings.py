"""The venue's PDFs of B2B meetings (issue 14, item 5), made with WeasyPrint through
events/pdf.py: per place a sign (the place's name big, the event, a QR code of the meetings
page) and a list of its meetings (time, both parties), one A4 page each."""

from __future__ import annotations

import base64
import io

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import pdf
from .models import BERLIN, Event
from .selectors_meetings_outcomes import places_with_meetings


def _meetings_qr(event: Event) -> str:
    """The meetings page's address as an SVG data URI (made here: nothing is fetched)."""
    with translation.override(event.language):
        url = settings.SITE_URL + reverse("events:meetings", kwargs={"slug": event.slug})
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="svg", scale=1, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _places(event: Event) -> list:
    places = places_with_meetings(event)
    for place in places:
        for meeting in place.schedule:
            meeting.day = timezone.localtime(meeting.slot.starts_at, BERLIN).date()
    return places


def _html(event: Event, template: str, **extra) -> str:
    context = {
        "event": event,
        "places": _places(event),
        "language": event.language,
        "built_at": timezone.now(),
        **extra,
    }
    with translation.override(event.language), timezone.override(BERLIN):
        return render_to_string(template, context)


def signs_pdf_bytes(event: Event) -> bytes:
    html = _html(event, "events/pdf/meeting_signs.html", qr=_meetings_qr(event))
    with translation.override(event.language):
        return pdf.render_pdf(html)


def lists_pdf_bytes(event: Event) -> bytes:
    html = _html(event, "events/pdf/meeting_lists.html")
    with translation.override(event.language):
        return pdf.render_pdf(html)
