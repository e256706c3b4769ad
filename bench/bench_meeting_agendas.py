"""Issue 14: the agenda PDFs of 300 meeting participants (starred items and B2B meetings,
one A4 page each) in under 15 s.

The forum is built like the demo forum, scaled up (bench/bench_event_documents.py): two
days, 80 programme items; 300 confirmed participants with accounts opted in to meetings;
24 slots at 40 tables; four meetings each (600 in all) and eight starred items each. The
figure is the wall time of ``events.agenda_pack.agenda_pdfs`` for all 300: it reads through
the same selectors as the agenda PDF view (``selectors.agenda``,
``selectors_meetings_outcomes.agenda_meetings``) and renders the HTML in this process, and
WeasyPrint makes the PDFs in one process per core. Every PDF is checked (a PDF, one page,
the person's name and a meeting table). The time per agenda made one after another in one
process, after a warm-up build (fonts), is shown beside it.
"""

from __future__ import annotations

import os
import resource
import time
from datetime import timedelta

PARTICIPANTS = 300
MEETINGS_EACH = 4
STARS_EACH = 8
SLOTS = 24
TABLES = 40
TARGET = 15.0


def _world(people: int):
    from django.utils import timezone

    from bench.bench_event_documents import FIRST, LAST, ORGS, make_forum
    from events.models import AgendaStar, Registration
    from events.models_meetings import (
        MeetingBooking,
        MeetingParticipant,
        MeetingPlace,
        MeetingRequest,
        MeetingSettings,
        MeetingSlot,
    )
    from members.models import User

    event = make_forum(attendees=0, slug="bench-meetings")
    MeetingSettings.objects.create(event=event, enabled=True)
    first = event.starts_at + timedelta(hours=4)
    slots = MeetingSlot.objects.bulk_create(
        MeetingSlot(
            event=event,
            starts_at=first + timedelta(days=n // 12, minutes=20 * (n % 12)),
            ends_at=first + timedelta(days=n // 12, minutes=20 * (n % 12 + 1)),
        )
        for n in range(SLOTS)
    )
    places = MeetingPlace.objects.bulk_create(
        MeetingPlace(event=event, name=f"Tisch {n + 1:02d}") for n in range(TABLES)
    )
    users = User.objects.bulk_create(
        User(
            email=f"bench-meeting-{n}@example.org",
            first_name=FIRST[n % len(FIRST)],
            last_name=LAST[(n * 7) % len(LAST)],
        )
        for n in range(people)
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            user=user,
            email=user.email,
            name=user.get_full_name(),
            organisation_name=ORGS[n % len(ORGS)],
            status="confirmed",
            confirmed_at=timezone.now(),
        )
        for n, user in enumerate(users)
    )
    participants = MeetingParticipant.objects.bulk_create(
        MeetingParticipant(event=event, registration=registration, offer="Laugung")
        for registration in registrations
    )
    # Ring pairs: person n meets n+1, n+2 (and so meets four people in all).
    busy: set[tuple[int, int]] = set()
    taken: set[tuple[int, int]] = set()
    rows = []
    for n in range(people):
        for step in range(1, MEETINGS_EACH // 2 + 1):
            m = (n + step) % people
            for slot_index in range(SLOTS):
                if (n, slot_index) in busy or (m, slot_index) in busy:
                    continue
                table = next((t for t in range(TABLES) if (slot_index, t) not in taken), None)
                if table is None:
                    continue
                busy.update({(n, slot_index), (m, slot_index)})
                taken.add((slot_index, table))
                rows.append((n, m, slot_index, table))
                break
    requests = MeetingRequest.objects.bulk_create(
        MeetingRequest(
            event=event,
            requester=participants[n],
            recipient=participants[m],
            status="accepted",
            expires_at=timezone.now() + timedelta(days=3),
            answered_at=timezone.now(),
            slot=slots[s],
            place=places[t],
        )
        for n, m, s, t in rows
    )
    MeetingBooking.objects.bulk_create(
        MeetingBooking(request=request, slot=request.slot, participant=side)
        for request in requests
        for side in (request.requester, request.recipient)
    )
    items = list(event.items.order_by("starts_at", "pk"))
    AgendaStar.objects.bulk_create(
        AgendaStar(item=items[(n * 3 + k * 5) % len(items)], user=user)
        for n, user in enumerate(users)
        for k in range(STARS_EACH)
    )
    return event, users, len(requests)


def _check(pdfs: dict[int, bytes], users) -> None:
    """Every PDF valid, one page, with its person's name: the figure cannot cheat."""
    import io

    from pypdf import PdfReader

    from bench.harness import Broken

    if set(pdfs) != {user.pk for user in users}:
        raise Broken("an agenda PDF is missing")
    for user in users:
        data = pdfs[user.pk]
        if not data.startswith(b"%PDF"):
            raise Broken(f"the agenda of {user.email} is not a PDF")
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) != 1:
            raise Broken(f"the agenda of {user.email} has {len(reader.pages)} pages")
        text = " ".join(reader.pages[0].extract_text().split())
        if user.get_full_name() not in text or "Tisch" not in text:
            raise Broken(f"the agenda of {user.email} lacks the name or the meetings")


def run() -> None:
    from bench.db import setup_django

    setup_django()
    from bench.harness import Broken, below, figure, sized
    from events import agenda_pack, pdf
    from events.selectors_meetings_outcomes import agenda_meetings

    people = sized(PARTICIPANTS, quick=30)
    event, users, meetings = _world(people)
    print(f"   forum: {event.items.count()} items, {people} participants, {meetings} meetings")
    for user in users:
        if not agenda_meetings(event, user):
            raise Broken(f"{user.email} has no meetings")
    # Sequential, one process (informational): read, render, WeasyPrint per agenda.
    sample = users[: min(20, people)]
    agenda_pack.agenda_pdfs(event, users[:1], workers=1)  # warm-up: fonts
    started, cpu_started = time.perf_counter(), time.process_time()
    htmls = agenda_pack.agenda_htmls(event, sample)
    read = time.perf_counter() - started
    for html in htmls.values():
        pdf.render_pdf(html)
    sequential = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(
        f"   sequential, one process: {1000 * sequential / len(sample):.0f} ms per agenda "
        f"(reading and HTML {1000 * read / len(sample):.0f} ms, "
        f"CPU {1000 * cpu / len(sample):.0f} ms; {len(sample)} agendas)"
    )
    workers = agenda_pack.pool_size(people)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, cpu_started = time.perf_counter(), time.process_time()
    pdfs = agenda_pack.agenda_pdfs(event, users)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_children = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    _check(pdfs, users)
    size = sum(len(data) for data in pdfs.values())
    print(
        f"   parallel: {people} PDFs, {size // 1024} KiB, {workers} processes, "
        f"{1000 * wall / people:.0f} ms per agenda; CPU {cpu:.1f} s here and "
        f"{cpu_children:.1f} s in the processes: {(cpu + cpu_children) / wall:.1f} cores "
        f"busy of {os.cpu_count()} (neighbours on a shared machine take the rest); "
        f"with {workers} idle cores about {max(cpu_children / workers, cpu):.1f} s"
    )
    figure(
        f"agenda PDFs for {people} participants (wall)",
        wall,
        unit="s",
        target=below(TARGET),
    )
    figure("agenda PDF, sequential, one process", 1000 * sequential / len(sample), unit="ms")
