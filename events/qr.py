"""Check-in QR codes (segno, made here: nothing is fetched from another host).

The code holds the absolute address of ``events:checkin_code`` for the registration's
``checkin_code``, a secret separate from the manage/cancel token: staff who scan it open
the check-in page; anyone else gets a 404 there (the view checks staff rights)."""

from __future__ import annotations

import base64
import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import translation


def checkin_url(registration) -> str:
    """The absolute check-in address of ``registration`` (language-neutral: staff pages)."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("events:checkin_code", kwargs={"code": registration.checkin_code})
    return settings.SITE_URL + path


def _qr(registration) -> segno.QRCode:
    # Level M survives a scuffed printout or a cracked phone screen.
    return segno.make_qr(checkin_url(registration), error="m")


def checkin_png(registration, *, scale: int = 6) -> bytes:
    """A PNG of the check-in code, for emails (black on white, with the quiet zone)."""
    buffer = io.BytesIO()
    _qr(registration).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def checkin_svg_data_uri(registration) -> str:
    """The check-in code as an SVG data URI, for the badges PDF (crisp at any size)."""
    buffer = io.BytesIO()
    _qr(registration).save(buffer, kind="svg", scale=1, border=2, xmldecl=False, svgns=True)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"
