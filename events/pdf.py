"""The programme and name-badge PDFs (PRODUCT.md 3.3), made with WeasyPrint.

- Tagged for accessibility: PDF/UA-1 (structure tree, document language and title).
- Fonts come from this machine only (Debian's fonts-dejavu-core, installed by the
  Dockerfile), declared with ``@font-face`` on local file URLs.
- ``LocalFetcher`` refuses every URL that is not a data URI or a file under the static
  directories, the media root or the font directory: a programme text that somehow carries
  ``<img src="https://...">`` never makes the server fetch it.
- Each build is stored under a new, server-generated name (old links to a stale file die
  with it), and the build's start time is kept so a rebuild queued while a build was
  running is not skipped (``tasks.build_programme_pdf``).
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from forum import locking

from . import qr, selectors
from .models import BERLIN, Event, ProgrammeItem, Registration

logger = logging.getLogger(__name__)
# WeasyPrint reports every step at INFO; the worker log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FONT_DIR = Path(getattr(settings, "EVENTS_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
#: PDF/UA-1: tagged PDF 1.7 with the language and title in the metadata.
PDF_VARIANT = "pdf/ua-1"
BADGES_PER_PAGE = 4


class RefusedURL(ValueError):
    pass


def _allowed_roots() -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), FONT_DIR]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        roots.append(Path(entry[1] if isinstance(entry, list | tuple) else entry))
    return [root.resolve() for root in roots]


class LocalFetcher(URLFetcher):
    """Fetches data URIs and local static, media and font files; refuses everything else
    (no request to another host, PRODUCT.md 3.5). Refused URLs are kept in ``refused``."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=["file", "data"], allow_redirects=False, **kwargs)
        self.roots = _allowed_roots()
        self.refused: list[str] = []

    def is_allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return True
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return path.is_file() and any(path.is_relative_to(root) for root in self.roots)

    def fetch(self, url, headers=None):
        if not self.is_allowed(url):
            self.refused.append(url)
            logger.warning("PDF: refused to fetch %s", url[:200])
            raise RefusedURL(f"Only local files may be used in PDFs: {url[:200]}")
        return super().fetch(url, headers)


def _static_url(path: str) -> str:
    """A file URL of a static file (for the logo on the cover), or "" if it is missing."""
    found = finders.find(path)
    return Path(found).resolve().as_uri() if found else ""


def _font_css() -> str:
    faces = [
        ("DejaVuSans.ttf", "normal", "normal"),
        ("DejaVuSans-Bold.ttf", "bold", "normal"),
        ("DejaVuSans-Oblique.ttf", "normal", "italic"),
        ("DejaVuSans-BoldOblique.ttf", "bold", "italic"),
    ]
    return "\n".join(
        f'@font-face {{ font-family: "Forum Sans"; src: url("{(FONT_DIR / name).as_uri()}");'
        f" font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in faces
        if (FONT_DIR / name).exists()
    )


_per_thread = threading.local()


def _fonts() -> tuple[FontConfiguration, CSS]:
    """This thread's WeasyPrint font configuration and the parsed font stylesheet, made on
    first use and then kept: a new ``FontConfiguration`` for each document loads fontconfig
    again and starts Pango's font and shaping caches cold, about a tenth of a one-page
    agenda's time. Per thread, as Pango's font map is not made to be shared between threads;
    a forked child inherits the forking thread's (warm) ones. The stylesheet is parsed
    without the font configuration, as each document's was before, so which fonts a PDF
    uses does not change (its ``@font-face`` rules are not loaded: the templates' second
    family, fontconfig's "DejaVu Sans", sets the text)."""
    fonts = getattr(_per_thread, "fonts", None)
    if fonts is None:
        fonts = _per_thread.fonts = (
            FontConfiguration(),
            CSS(string=_font_css(), url_fetcher=LocalFetcher()),
        )
    return fonts


def render_pdf(html: str, *, fetcher: LocalFetcher | None = None) -> bytes:
    """HTML (a whole document with ``lang`` and ``<title>``) as tagged PDF bytes."""
    fetcher = fetcher or LocalFetcher()
    document = HTML(
        string=html,
        base_url=Path(settings.MEDIA_ROOT).resolve().as_uri() + "/",
        url_fetcher=fetcher,
    )
    font_config, fonts = _fonts()
    return document.write_pdf(stylesheets=[fonts], pdf_variant=PDF_VARIANT, font_config=font_config)


# --- Programme ---------------------------------------------------------------------------


def programme_context(event: Event) -> dict:
    items = selectors.programme(event)
    days = selectors.programme_by_day(items)
    rooms = list(event.rooms.order_by("name"))
    return {
        "event": event,
        "days": days,
        "numbered_days": len(days) > 1,
        "abstracts": [item for item in items if item.abstract or item.speakers.all()],
        "exhibitors": list(selectors.exhibitors(event)),
        "rooms": rooms,
        "first_day": timezone.localtime(event.starts_at, BERLIN).date(),
        "last_day": timezone.localtime(event.ends_at, BERLIN).date(),
        "logo_url": _static_url("img/harz-cycle.svg"),
        "built_at": timezone.now(),
        "breaks": {ProgrammeItem.Kind.BREAK, ProgrammeItem.Kind.NETWORKING},
        "site_url": settings.SITE_URL,
    }


def programme_html(event: Event) -> str:
    with translation.override(event.language), timezone.override(BERLIN):
        return render_to_string("events/pdf/programme.html", programme_context(event))


def programme_pdf_bytes(event: Event, *, fetcher: LocalFetcher | None = None) -> bytes:
    html = programme_html(event)
    with translation.override(event.language):
        return render_pdf(html, fetcher=fetcher)


def _new_name(event: Event, what: str) -> str:
    stamp = timezone.localtime(timezone.now(), BERLIN).strftime("%Y%m%d-%H%M%S")
    return f"{event.slug}-{what}-{stamp}-{secrets.token_hex(4)}.pdf"


def _store(event_id: int, field: str, data: bytes, what: str, started_at: datetime) -> Event:
    """Stores ``data`` as the event's ``field`` under a new name, unless a build that started
    later has already been stored; the replaced file is deleted after commit."""
    with transaction.atomic():
        event = locking.lock_one(Event, event_id)
        built_at_field = f"{field}_built_at"
        current_built_at = getattr(event, built_at_field)
        if current_built_at and current_built_at > started_at:
            return event  # a newer build won the race; keep it
        file_field = getattr(event, field)
        old_name = file_field.name
        file_field.save(_new_name(event, what), ContentFile(data), save=False)
        setattr(event, built_at_field, started_at)
        # update() keeps updated_at (the event did not change) and other columns untouched.
        Event.objects.filter(pk=event.pk).update(
            **{field: file_field.name, built_at_field: started_at}
        )
        if old_name:
            storage = file_field.storage
            transaction.on_commit(lambda: storage.delete(old_name), robust=True)
    return event


def programme_pdf_build(event: Event) -> Event:
    """Builds the programme PDF from the database now and stores it as the latest build."""
    started_at = timezone.now()
    data = programme_pdf_bytes(event)
    return _store(event.pk, "programme_pdf", data, "programme", started_at)


# --- Badges ------------------------------------------------------------------------------


def badge_registrations(event: Event) -> list[Registration]:
    return list(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .select_related("organisation")
        .order_by("name", "pk")
    )


def badges_html(event: Event, registrations: list[Registration]) -> str:
    badges = [
        {"registration": registration, "qr": qr.checkin_svg_data_uri(registration)}
        for registration in registrations
    ]
    pages = [badges[i : i + BADGES_PER_PAGE] for i in range(0, len(badges), BADGES_PER_PAGE)]
    context = {
        "event": event,
        "pages": pages,
        "first_day": timezone.localtime(event.starts_at, BERLIN).date(),
        "last_day": timezone.localtime(event.ends_at, BERLIN).date(),
        "logo_url": _static_url("img/harz-cycle.svg"),
    }
    with translation.override(event.language), timezone.override(BERLIN):
        return render_to_string("events/pdf/badges.html", context)


def badges_pdf_bytes(event: Event, *, fetcher: LocalFetcher | None = None) -> bytes:
    html = badges_html(event, badge_registrations(event))
    with translation.override(event.language):
        return render_pdf(html, fetcher=fetcher)


def badges_pdf_build(event: Event) -> Event:
    """Name badges of every confirmed attendee, four A6 badges per A4 page."""
    started_at = timezone.now()
    data = badges_pdf_bytes(event)
    return _store(event.pk, "badges_pdf", data, "badges", started_at)


# --- The personal agenda (issue 16, item 4) --------------------------------------------------


def agenda_html(event: Event, items: list[ProgrammeItem], name: str, meetings=()) -> str:
    """One A4 page: the person's starred items and B2B meetings (issue 14) by day, clashes
    marked; the type gets smaller as the list grows, so even 40 entries stay on the one
    page."""
    from .selectors_meetings_outcomes import merged_by_day

    meetings = list(meetings)
    size = len(items) + len(meetings)
    with timezone.override(BERLIN):
        return render_to_string(
            "events/pdf/agenda.html",
            {
                "event": event,
                "name": name,
                "days": merged_by_day(items, meetings),
                "count": len(items),
                "meeting_count": len(meetings),
                "size": "small" if size > 24 else ("medium" if size > 14 else ""),
                "language": translation.get_language(),
                "built_at": timezone.now(),
            },
        )


def agenda_pdf_bytes(
    event: Event,
    items: list[ProgrammeItem],
    name: str,
    *,
    meetings=(),
    fetcher: LocalFetcher | None = None,
) -> bytes:
    return render_pdf(agenda_html(event, items, name, meetings), fetcher=fetcher)
