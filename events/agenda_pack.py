"""The agendas of all meeting participants at once (issue 14): one personal agenda PDF each
(the same page as the agenda PDF view's), built in parallel, and the organisers' ZIP of them.

WeasyPrint needs about 80 ms of CPU for each one-page agenda on a quiet core (layout and text
shaping about half of it, the cascade, painting and writing the tagged PDF the rest; measured
with cProfile in November 2026, WeasyPrint 70) and holds the GIL, so 300 of them take about
25 s in one process; reading the database and rendering the HTML adds about 20 ms per
agenda. ``agenda_pdfs`` therefore turns HTML into PDF bytes in a pool of forked processes,
one per core (at most ``MAX_WORKERS``), while the calling process reads the database and
renders the HTML of the next pages (children never touch the database).

- Fixed costs per PDF are kept out: every PDF of a thread shares one WeasyPrint font
  configuration and the parsed font stylesheet (``pdf._fonts``), and in a child the garbage
  collector neither walks the inherited objects (frozen before the fork) nor runs during a
  page (``_render_in_child``). Laying out many agendas as the pages of one document and
  writing each page on its own saved nothing measurable, so each agenda stays a document of
  its own, exactly the page of the agenda PDF view.
- Forking: the children inherit Django's settings (MEDIA_ROOT and the static directories the
  PDF fetcher allows) and WeasyPrint, already initialised by a tiny warm-up document in the
  parent. Database connections not inside a transaction are closed, then the pool's
  processes are all started before the parent reads anything; a child never uses an
  inherited connection and leaves with ``os._exit``, so such a socket is never written to
  by it.
- The pool is billiard's (Celery's fork of multiprocessing): a Celery prefork worker's
  processes are daemonic, and multiprocessing refuses a daemonic process children (billiard
  marks its processes daemonic for multiprocessing too); billiard does not.
- A process running other threads (a threaded web server such as ``runserver``, Celery's
  thread pool) is not forked: a lock another thread holds at that moment would stay locked
  in the child. There, where "fork" is not available, for one person or with ``workers=1``
  the PDFs are made one after another in the calling process.
"""

from __future__ import annotations

import gc
import io
import logging
import multiprocessing
import os
import secrets
import threading
import zipfile
from collections.abc import Hashable, Iterable, Iterator

import billiard
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from forum import locking

from . import pdf, selectors
from .models import BERLIN, Event, Registration
from .models_meetings import MeetingParticipant, MeetingSettings
from .selectors_meetings_outcomes import agenda_meetings

logger = logging.getLogger(__name__)

MAX_WORKERS = 8


# --- HTML → PDF, in parallel -----------------------------------------------------------------


def _render(html: str) -> bytes:
    """One agenda's PDF from its HTML, in this process (the fallback without a pool, and
    each pool child's work through ``_render_in_child``)."""
    return pdf.render_pdf(html)


def _render_in_child(html: str) -> bytes:
    """The children's work: WeasyPrint only (module level, so the pool can call it). The
    cyclic garbage collector waits until the page is done, then collects the youngest
    generation once: a one-page agenda leaves some 10 000 objects in reference cycles (boxes
    and their parents), which would otherwise start a dozen collections during each page,
    each walking the boxes still in use (about a tenth of the page's time, measured with
    ``gc.callbacks``). Only here, in a pool process doing nothing else."""
    gc.disable()
    try:
        return _render(html)
    finally:
        gc.enable()
        gc.collect(0)


def pool_size(count: int, workers: int | None = None) -> int:
    """How many processes render ``count`` PDFs: ``workers`` or one per core, at most
    ``MAX_WORKERS`` and ``count``; 1 (no pool) where forking is unsafe or unavailable: in a
    process running other threads (a threaded web server, Celery's thread pool), where a
    lock another thread holds at the fork would stay locked in the child."""
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
    workers = max(1, min(workers, MAX_WORKERS, count))
    if workers > 1 and (
        threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return 1
    return workers


def _close_idle_connections() -> None:
    """Closes every database connection that is not inside a transaction (it is reopened
    on next use), so the children start without a live one."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


#: Rendered in the parent before the fork, so the children inherit an initialised Pango
#: and fontconfig, and the parent thread's font configuration (``pdf._fonts``) with both
#: faces of the agenda already loaded, instead of each setting them up.
_WARM_UP = (
    '<!doctype html><html lang="en"><title>-</title><style>html { font-family: "Forum Sans",'
    ' "DejaVu Sans", sans-serif }</style><p>- <strong>-</strong></p></html>'
)


def render_pdfs(pages: Iterable[tuple[Hashable, str]], count: int, *, workers=None) -> dict:
    """The PDFs of ``pages`` ((key, HTML) pairs, ``count`` of them) by key. ``pages`` is
    consumed lazily: with a pool, the parent reads and renders the next page while the
    children turn the earlier ones into PDFs."""
    size = pool_size(count, workers)
    if size == 1:
        return {key: _render(html) for key, html in pages}
    _render(_WARM_UP)
    _close_idle_connections()
    # billiard's pool (Celery's multiprocessing), as its processes may have children even
    # when daemonic, as a Celery prefork worker's are; it forks them all here, before the
    # parent reads anything. What the children inherit is frozen for their garbage
    # collector (see the module's docstring); the parent's objects are unfrozen at once.
    gc.freeze()
    try:
        pool = billiard.get_context("fork").Pool(processes=size)
    finally:
        gc.unfreeze()
    try:
        results = {key: pool.apply_async(_render_in_child, (html,)) for key, html in pages}
        pdfs = {key: result.get() for key, result in results.items()}
    finally:
        pool.terminate()
        pool.join()
    return pdfs


def render_all(htmls: list[str], *, workers: int | None = None) -> list[bytes]:
    """The PDFs of ``htmls``, in their order."""
    pdfs = render_pdfs(enumerate(htmls), len(htmls), workers=workers)
    return [pdfs[index] for index in range(len(htmls))]


# --- Reading and rendering the HTML ----------------------------------------------------------


def _registrations(event: Event, people: list) -> dict[int, Registration]:
    return {
        registration.user_id: registration
        for registration in Registration.objects.filter(
            event=event, user__in=[person.pk for person in people]
        ).order_by("created_at", "pk")
    }


def _agenda_pages(event: Event, people: list) -> Iterator[tuple[int, str]]:
    registrations = _registrations(event, people)
    for person in people:
        registration = registrations.get(person.pk)
        language = registration.language if registration else event.language
        items = selectors.agenda(event, user=person)
        meetings = agenda_meetings(event, person)
        name = person.get_full_name() or person.email
        with translation.override(language):
            yield person.pk, pdf.agenda_html(event, items, name, meetings)


def agenda_htmls(event: Event, people: Iterable) -> dict[int, str]:
    """Each user's agenda page as HTML, by user pk, in the language of their registration at
    ``event`` (the event's without one). The same selectors as the agenda PDF view."""
    return dict(_agenda_pages(event, list(people)))


def agenda_pdfs(event: Event, people: Iterable, *, workers: int | None = None) -> dict[int, bytes]:
    """Each user's one-page agenda PDF, by user pk (see the module's docstring)."""
    people = list(people)
    return render_pdfs(_agenda_pages(event, people), len(people), workers=workers)


# --- The organisers' ZIP -----------------------------------------------------------------------


def pack_people(event: Event) -> list:
    """The opted-in meeting participants with an account, by name."""
    participants = (
        MeetingParticipant.objects.filter(event=event, registration__user__isnull=False)
        .select_related("registration__user")
        .order_by("registration__name", "pk")
    )
    return [participant.registration.user for participant in participants]


def file_name(person) -> str:
    """A safe file name in the ZIP: the name as a slug and the user's pk (names repeat)."""
    stem = slugify(person.get_full_name() or person.email.split("@")[0])[:60] or "agenda"
    return f"{stem}-{person.pk}.pdf"


def pack_bytes(event: Event, *, workers: int | None = None) -> bytes:
    people = pack_people(event)
    pdfs = agenda_pdfs(event, people, workers=workers)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for person in people:
            archive.writestr(file_name(person), pdfs[person.pk])
    return buffer.getvalue()


def _new_name(event: Event) -> str:
    stamp = timezone.localtime(timezone.now(), BERLIN).strftime("%Y%m%d-%H%M%S")
    return f"{event.slug}-agendas-{stamp}-{secrets.token_hex(4)}.zip"


def pack_build(event: Event, *, workers: int | None = None) -> MeetingSettings | None:
    """Builds the ZIP and stores it on the event's meeting settings, unless a build that
    started later was stored meanwhile; the replaced file is deleted after commit."""
    started_at = timezone.now()
    data = pack_bytes(event, workers=workers)
    with transaction.atomic():
        settings = MeetingSettings.objects.filter(event=event).first()
        if settings is None:
            return None
        settings = locking.lock_one(MeetingSettings, settings.pk)
        built = settings.agendas_zip_built_at
        if built and built > started_at:
            return settings
        old_name = settings.agendas_zip.name
        settings.agendas_zip.save(_new_name(event), ContentFile(data), save=False)
        settings.agendas_zip_built_at = started_at
        MeetingSettings.objects.filter(pk=settings.pk).update(
            agendas_zip=settings.agendas_zip.name,
            agendas_zip_built_at=started_at,
            agendas_zip_queued_at=None,
        )
        if old_name:
            storage = settings.agendas_zip.storage
            transaction.on_commit(lambda: storage.delete(old_name), robust=True)
    return settings
