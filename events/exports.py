"""Attendee lists as CSV files for the organisers (the admin's export actions).

UTF-8 with a byte-order mark, semicolons and CRLF, so German Excel opens them with the
umlauts intact and every column in its own cell; no cell can start a formula."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from .models import SessionSignup


def csv_filename(events) -> str:
    """``<slug>-<date>.csv`` for one event, ``attendees-<date>.csv`` for several."""
    events = list(events[:2])
    stem = slugify(events[0].slug) if len(events) == 1 else "attendees"
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.csv"


def _cell(value) -> str:
    """No formula injection: a cell must never start a formula in Excel."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def _german_datetime(value) -> str:
    return "" if value is None else timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


def attendees_csv(registrations, *, filename: str) -> HttpResponse:
    """UTF-8 with a byte-order mark, semicolons and CRLF: German Excel opens it with the
    umlauts intact and every column in its own cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(
        [
            gettext("Event"),
            gettext("Name"),
            gettext("Email"),
            gettext("Organisation"),
            gettext("Status"),
            gettext("Days"),
            gettext("Workshop sessions"),
            gettext("Dietary needs"),
            gettext("Accessibility needs"),
            gettext("Attendee list"),
            gettext("Language"),
            gettext("Registered"),
            gettext("Confirmed"),
            gettext("Checked in"),
        ]
    )
    rows = (
        registrations.select_related("event", "organisation")
        .prefetch_related("session_signups__item")
        .order_by("event__starts_at", "name", "pk")
    )
    for registration in rows:
        sessions = ", ".join(
            f"{signup.item.title} ({signup.get_status_display()})"
            for signup in registration.session_signups.all()
            if signup.status != SessionSignup.Status.CANCELLED
        )
        writer.writerow(
            [
                _cell(value)
                for value in (
                    registration.event.title,
                    registration.name,
                    registration.email,
                    registration.display_organisation,
                    registration.get_status_display(),
                    ", ".join(day.strftime("%d.%m.%Y") for day in sorted(registration.days))
                    or gettext("all"),
                    sessions,
                    registration.dietary_needs,
                    registration.accessibility_needs,
                    gettext("yes") if registration.list_consent else gettext("no"),
                    registration.language,
                    _german_datetime(registration.created_at),
                    _german_datetime(registration.confirmed_at),
                    _german_datetime(registration.checked_in_at),
                )
            ]
        )
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
