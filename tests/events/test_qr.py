"""Check-in QR codes: the absolute check-in URL with its own secret, as PNG and SVG."""

from __future__ import annotations

import base64
import io

import pytest
import segno
from PIL import Image

from events import qr
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_checkin_url_is_absolute_and_uses_the_checkin_code_not_the_token():
    registration = RegistrationFactory()

    url = qr.checkin_url(registration)

    assert url == f"http://127.0.0.1:8000/events/check-in/{registration.checkin_code}/"
    assert registration.token not in url


def test_checkin_png_encodes_the_url():
    registration = RegistrationFactory()

    image = Image.open(io.BytesIO(qr.checkin_png(registration))).convert("L")

    matrix = segno.make_qr(qr.checkin_url(registration), error="m").matrix
    size = (len(matrix) + 8) * 6  # four modules of quiet zone on each side, six pixels each
    assert image.size == (size, size)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            assert (image.getpixel(((col + 4) * 6 + 3, (row + 4) * 6 + 3)) < 128) == bool(dark)


def test_checkin_codes_differ_per_registration():
    first, second = RegistrationFactory(), RegistrationFactory()

    assert qr.checkin_png(first) != qr.checkin_png(second)


def test_checkin_svg_data_uri_is_a_standalone_svg():
    registration = RegistrationFactory()

    uri = qr.checkin_svg_data_uri(registration)

    assert uri.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # no external refs
