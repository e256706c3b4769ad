"""P4: programme PDF of a two-day forum (80 items, 40 stands, 60 speakers) < 3 s; badges for 500 attendees < 20 s.

The forum is built like the demo forum, scaled up: two days, four rooms, 80 programme items
(talks with abstracts and one to three speakers, keynotes, panels, workshop sessions,
breaks), 60 speakers, 40 confirmed stands with numbers and areas, 500 confirmed attendees.
Each figure is the best of three builds (WeasyPrint's first run also loads fonts), through
the same functions the Celery tasks call, storing the file as the task does.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

ITEMS = 80
STANDS = 40
SPEAKERS = 60
ATTENDEES = 500
PROGRAMME_TARGET = 3.0
BADGES_TARGET = 20.0

FIRST = ["Anna", "Jonas", "Lena", "Felix", "Marie", "Paul", "Sophie", "Lukas", "Hannah", "Tim"]
FIRST += ["Katrin", "Matthias", "Sabine", "Thomas", "Julia", "Andreas", "Claudia", "Stefan"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"]
LAST += ["Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann"]
ORGS = ["TU Clausthal", "Hochschule Harz", "Fraunhofer IWKS", "Harzer Metallrecycling GmbH"]
ORGS += ["Goslarer Schlackenaufbereitung", "Landkreis Goslar, Abfallwirtschaft", "REWIMET e. V."]
ORGS += ["Oberharzer Elektronikschrott AG", "Helmholtz-Institut Freiberg", "Stadtwerke Wernigerode"]
TOPICS = ["Indium aus Zinkrückständen", "Schwarzmasse aus Lithium-Ionen-Batterien"]
TOPICS += ["Sensorgestützte Sortierung von Elektronikschrott", "Gallium und Germanium im Harz"]
TOPICS += ["Hydrometallurgie im Mittelstand", "Haldenmaterial als Rohstoffquelle"]
TOPICS += ["Katalysatoren zurückgewinnen", "Fachkräfte für die Kreislaufwirtschaft"]
TOPICS += ["Digitale Stoffstromdaten", "Pyrometallurgie mit weniger CO₂"]
ABSTRACT = (
    "Kleine und mittlere Unternehmen der Region verarbeiten schwankende Stoffströme. Der "
    "Beitrag zeigt, wie sich Prozesse mit einfachen Messungen stabilisieren lassen, welche "
    "Anlagen an der TU Clausthal genutzt werden können und wie aus einem ersten Versuch ein "
    "gefördertes Kooperationsprojekt wird. Mit Beispielen aus Goslar und Clausthal."
)


def make_forum(
    *, items=ITEMS, stands=STANDS, speakers=SPEAKERS, attendees=0, seed=4, slug="", day1=None
):
    """A published two-day forum from 9:00 on ``day1`` (by default in 60 days) with the given
    numbers, saved to the database."""
    from django.utils import timezone

    from events.models import (
        BERLIN,
        Event,
        ProgrammeItem,
        Registration,
        Room,
        Speaker,
        Stand,
    )
    from members.models import Organisation

    rng = random.Random(seed)
    if day1 is None:
        day1 = (timezone.localtime(timezone.now(), BERLIN) + timedelta(days=60)).date()
    start = datetime.combine(day1, datetime.min.time(), tzinfo=BERLIN).replace(hour=9)
    event = Event.objects.create(
        kind="forum",
        title="Innovationsforum Recyclingregion Harz 2026",
        slug=slug or f"innovationsforum-{rng.randrange(10**8)}",
        summary="Zwei Tage Vorträge, Informationsstände und Gespräche: Unternehmen und "
        "Forschung der Recyclingregion Harz finden zusammen.",
        description="Das Innovationsforum bringt KMU, Hochschulen, Institute und Kommunen "
        "zusammen. Am ersten Tag stehen Vorträge und Podien im Mittelpunkt, am zweiten "
        "Workshops und Exkursionen.",
        venue_name="Kaiserpfalz Goslar, Tagungszentrum",
        venue_address="Kaiserbleek 6\n38640 Goslar",
        starts_at=start,
        ends_at=start + timedelta(days=1, hours=9),
        language="de",
        status="published",
        capacity=max(attendees, 300),
    )
    rooms = [
        Room.objects.create(event=event, name=name, capacity=cap)
        for name, cap in (
            ("Kaisersaal", 300),
            ("Raum Rammelsberg", 80),
            ("Raum Oker", 60),
            ("Foyer", 200),
        )
    ]
    organisations = [
        Organisation.objects.get_or_create(
            name=f"{ORGS[n % len(ORGS)]}{'' if n < len(ORGS) else f' {n}'}",
            defaults={
                "slug": f"bench-org-{event.pk}-{n}",
                "kind": "company",
                "city": "Goslar",
                "federal_state": "NI",
                "status": "approved",
            },
        )[0]
        for n in range(max(stands, 12))
    ]
    people = [
        Speaker.objects.create(
            event=event,
            name=f"{rng.choice(['Dr. ', 'Prof. Dr. ', ''])}{rng.choice(FIRST)} {rng.choice(LAST)}",
            organisation=organisations[n % len(organisations)] if n % 3 else None,
            organisation_name="" if n % 3 else ORGS[n % len(ORGS)],
            bio="Forscht und berät zur Rückgewinnung kritischer Rohstoffe im Harz.",
        )
        for n in range(speakers)
    ]
    kinds = ["talk"] * 6 + ["keynote", "panel", "workshop_session", "break"]
    per_day = (items + 1) // 2
    per_slot = len(rooms) - 1
    created = []
    for n in range(items):
        day, index = divmod(n, per_day)
        slot, room_index = divmod(index, per_slot)
        begins = start + timedelta(days=day, minutes=40 * slot)
        kind = kinds[n % len(kinds)]
        item = ProgrammeItem.objects.create(
            event=event,
            kind=kind,
            title=f"{TOPICS[n % len(TOPICS)]}{'' if n < len(TOPICS) else f' ({n // len(TOPICS) + 1})'}",
            abstract="" if kind == "break" else ABSTRACT,
            starts_at=begins,
            ends_at=begins + timedelta(minutes=30),
            room=rooms[room_index],
            track="Rohstoffe" if n % 2 else "Prozesse",
            capacity=20 if kind == "workshop_session" else None,
        )
        if kind != "break":
            item.speakers.set(people[(n * 3 + k) % len(people)] for k in range(1 + n % 3))
        created.append(item)
    for n in range(stands):
        Stand.objects.create(
            event=event,
            organisation=organisations[n],
            kind=["table", "booth", "poster"][n % 3],
            description="Wir zeigen Verfahren zur Aufbereitung von Sekundärrohstoffen.",
            status="confirmed",
            number=f"{chr(65 + n // 20)}{n % 20 + 1:02d}",
            area=["Foyer", "Kaisersaal, Galerie"][n // 20 % 2],
            decided_at=timezone.now(),
        )
    Registration.objects.bulk_create(
        Registration(
            event=event,
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            email=f"bench-attendee-{n}@example.org",
            organisation_name=ORGS[n % len(ORGS)],
            status="confirmed",
            confirmed_at=timezone.now(),
        )
        for n in range(attendees)
    )
    return event


def _best_of(runs: int, build) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        build()
        best = min(best, time.perf_counter() - started)
    return best


def run() -> None:
    from bench.db import setup_django

    setup_django()
    from bench.harness import below, figure, sized
    from events import pdf
    from events.models import Event

    attendees, runs = sized(ATTENDEES, quick=50), sized(3, quick=1)
    event = make_forum(attendees=attendees, slug="bench-forum")
    counts = (event.items.count(), event.stands.count(), event.speakers.count())
    print(f"   forum: {counts[0]} items, {counts[1]} stands, {counts[2]} speakers")
    programme = _best_of(runs, lambda: pdf.programme_pdf_build(Event.objects.get(pk=event.pk)))
    badges = _best_of(runs, lambda: pdf.badges_pdf_build(Event.objects.get(pk=event.pk)))
    event.refresh_from_db()
    print(
        f"   sizes: programme {event.programme_pdf.size // 1024} KiB, "
        f"badges {event.badges_pdf.size // 1024} KiB (best of {runs})"
    )
    figure("P4 programme PDF", programme, unit="s", target=below(PROGRAMME_TARGET))
    figure(f"P4 badges for {attendees} attendees", badges, unit="s", target=below(BADGES_TARGET))
