"""Demo data of B2B meetings (issue 14, item 8): the forum with meetings switched on, two
afternoons of 20-minute slots at eight tables, 40 opted-in participants (the forum's ten
member registrations and 30 further demo accounts of demo organisations, registered and
confirmed) and requests in every state: pending, accepted and scheduled, accepted without a
slot, declined, expired and cancelled. The past hydrometallurgy workshop had meetings too:
one took place, both sides reported it useful.

Idempotent like events/demo.py: participants are keyed on their registration, requests on
(requester, recipient), bookings on (request, participant); a second run finds everything
and changes nothing. Rows are written directly, without notifications.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from forum.organisers import ORGANISERS_GROUP
from members.demo import DEMO_DOMAIN, DEMO_PASSWORD, PERSONAS, DemoUser, _seed_user
from members.models import Organisation, Topic, User

from .models import BERLIN, Event, Registration
from .models_meetings import (
    MeetingBooking,
    MeetingParticipant,
    MeetingPlace,
    MeetingRequest,
    MeetingSettings,
    MeetingSlot,
)
from .models_meetings_outcomes import MeetingOutcome

PARTICIPANTS = 40
EXTRA_PREFIX = "b2b."  # the further demo accounts: b2b.01@..., b2b.02@...
TABLES = [f"Tisch {n}" for n in range(1, 9)]
FIRST = ["Annika", "Bernd", "Carla", "Dirk", "Elke", "Florian", "Gisela", "Heiko", "Ines"]
FIRST += ["Jörg", "Karin", "Lars", "Monika", "Nils", "Olga", "Peter", "Renate", "Sven"]
LAST = ["Bode", "Harms", "Ilse", "Jordan", "Lüders", "Oker", "Rammel", "Stolberg", "Tanne"]
LAST += ["Ulrich", "Vogt", "Wendt", "Zorge", "Brocken", "Eckert", "Grube"]
OFFERS = [
    "Laugung und Fällung von Metallen aus Reststoffen im Technikumsmaßstab.",
    "Sensorgestützte Sortierung von Elektronikschrott, Versuchsanlage vorhanden.",
    "Analytik von Schlacken und Stäuben (RFA, ICP-OES) mit kurzer Bearbeitungszeit.",
    "Logistik und Sammlung von Altbatterien in der Region.",
    "Fördermittelberatung für Kooperationsprojekte mit Hochschulen.",
]
LOOKING_FOR = [
    "Partner für einen Pilotversuch mit Zinkrückständen.",
    "Abnehmer für aufbereitete Kupferfraktionen.",
    "Forschungspartner für ein ZIM-Projekt zur Schwarzmasse.",
    "Unternehmen mit Haldenmaterial zur Beprobung.",
]
# Pairs by index into the 40 participants: accepted meetings, then the other states.
MEETINGS: list[tuple[int, int]] = []
for _i in range(24):
    _pair = (_i, (_i * 7 + 3) % PARTICIPANTS)
    if not any({*_pair} == {*known} for known in MEETINGS):
        MEETINGS.append(_pair)
WAITING = [(36, 37)]  # accepted, every shared slot taken: no slot yet
PENDING = [(30, 1), (31, 2), (32, 4), (33, 6), (34, 8), (35, 10)]
DECLINED = [(1, 20), (3, 21), (5, 22), (7, 23), (9, 25)]
EXPIRED = [(11, 26), (13, 27), (15, 28), (17, 29)]
CANCELLED = [(19, 38), (21, 39), (23, 36), (25, 35)]


def _at(day, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def _slots(event: Event, windows) -> list[MeetingSlot]:
    slots = []
    for day, start, end in windows:
        current, stop = _at(day, start), _at(day, end)
        while current + timedelta(minutes=20) <= stop:
            slot, _new = MeetingSlot.objects.get_or_create(
                event=event,
                starts_at=current,
                defaults={"ends_at": current + timedelta(minutes=20)},
            )
            slots.append(slot)
            current += timedelta(minutes=20)
    return slots


def _extra_registrations(event: Event, count: int) -> list[Registration]:
    """``count`` demo accounts (members of demo organisations) confirmed for ``event``."""
    organisations = {org.slug: org for org in Organisation.objects.filter(status="approved")}
    slugs = sorted(organisations)
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    organisers, _ = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    password_hash = None
    registrations = []
    for index in range(count):
        email = f"{EXTRA_PREFIX}{index + 1:02d}@{DEMO_DOMAIN}"
        organisation = organisations[slugs[index % len(slugs)]]
        user = User.objects.filter(email=email).first()
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user, _new = _seed_user(
                DemoUser(
                    email=email,
                    first_name=FIRST[index % len(FIRST)],
                    last_name=LAST[(index * 5) % len(LAST)],
                    organisation=organisation.slug,
                    position="Vertrieb und Kooperationen",
                    topics=tuple(organisation.topics.values_list("slug", flat=True)),
                ),
                organisations=organisations,
                topics=topics,
                organisers=organisers,
                password_hash=password_hash,
            )
        registration, _new = Registration.objects.get_or_create(
            event=event,
            email=email,
            defaults={
                "user": user,
                "name": user.get_full_name(),
                "organisation": organisation,
                "status": Registration.Status.CONFIRMED,
                "confirmed_at": event.starts_at - timedelta(days=40, hours=index),
                "list_consent": index % 2 == 0,
                "list_consent_at": timezone.now() if index % 2 == 0 else None,
                "language": "en" if index % 6 == 5 else "de",
            },
        )
        registrations.append(registration)
    return registrations


def _participants(event: Event, registrations, slots) -> list[MeetingParticipant]:
    people = []
    for index, registration in enumerate(registrations):
        participant, new = MeetingParticipant.objects.get_or_create(
            event=event,
            registration=registration,
            defaults={
                "offer": OFFERS[index % len(OFFERS)],
                "looking_for": LOOKING_FOR[index % len(LOOKING_FOR)],
            },
        )
        if new:
            # Everyone is free in most slots; every fifth person only on the first afternoon.
            half = len(slots) // 2
            participant.available_slots.set(slots[:half] if index % 5 == 4 else slots)
        people.append(participant)
    return people


def _request(event, requester, recipient, status, *, created, **extra) -> tuple:
    request, new = MeetingRequest.objects.get_or_create(
        event=event,
        requester=requester,
        recipient=recipient,
        defaults={
            "status": status,
            "message": "Wir würden gern über eine Zusammenarbeit sprechen.",
            "expires_at": created + timedelta(hours=72),
            **extra,
        },
    )
    if new:
        MeetingRequest.objects.filter(pk=request.pk).update(created_at=created)
    return request, new


def _book(request, slots, places) -> None:
    """The earliest slot both sides are free and unbooked in, at the first free table."""
    sides = [request.requester_id, request.recipient_id]
    available = {
        side: set(
            MeetingParticipant.objects.get(pk=side).available_slots.values_list("pk", flat=True)
        )
        for side in sides
    }
    for slot in slots:
        if not all(slot.pk in available[side] for side in sides):
            continue
        if MeetingBooking.objects.filter(slot=slot, participant_id__in=sides).exists():
            continue
        taken = set(MeetingRequest.objects.filter(slot=slot).values_list("place_id", flat=True))
        place = next((p for p in places if p.pk not in taken), None)
        if place is None:
            continue
        MeetingRequest.objects.filter(pk=request.pk).update(slot=slot, place=place)
        MeetingBooking.objects.bulk_create(
            [MeetingBooking(request=request, slot=slot, participant_id=side) for side in sides]
        )
        return
    MeetingRequest.objects.filter(pk=request.pk).update(unscheduled_reason="no-free-slot")


def _forum_requests(event, people, slots, places) -> None:
    base = min(event.starts_at - timedelta(days=20), timezone.now()) - timedelta(days=5)
    for k, (a, b) in enumerate(MEETINGS):
        created = base + timedelta(hours=3 * k)
        request, new = _request(
            event,
            people[a],
            people[b],
            MeetingRequest.Status.ACCEPTED,
            created=created,
            answered_at=created + timedelta(hours=5),
        )
        if new:
            _book(request, slots, places)
    for a, b in WAITING:
        _request(
            event,
            people[a],
            people[b],
            MeetingRequest.Status.ACCEPTED,
            created=base,
            answered_at=base + timedelta(hours=2),
            unscheduled_reason="no-free-slot",
        )
    now = timezone.now()
    for a, b in PENDING:
        _request(event, people[a], people[b], MeetingRequest.Status.PENDING, created=now)
    for status, pairs in (
        (MeetingRequest.Status.DECLINED, DECLINED),
        (MeetingRequest.Status.EXPIRED, EXPIRED),
        (MeetingRequest.Status.CANCELLED, CANCELLED),
    ):
        for k, (a, b) in enumerate(pairs):
            created = base + timedelta(days=1, hours=k)
            extra = {} if status == MeetingRequest.Status.EXPIRED else {"answered_at": created}
            _request(event, people[a], people[b], status, created=created, **extra)


def _past_workshop() -> None:
    """The hydrometallurgy workshop (over): one meeting took place, both found it useful."""
    event = Event.objects.filter(slug="workshop-hydrometallurgie-2026").first()
    if event is None:
        return
    registrations = {
        r.email: r
        for r in event.registrations.filter(
            email__in=[PERSONAS["sme"], PERSONAS["researcher"]], status="confirmed"
        )
    }
    if len(registrations) < 2:
        return
    MeetingSettings.objects.update_or_create(event=event, defaults={"enabled": True})
    day = timezone.localtime(event.starts_at, BERLIN).date()
    slots = _slots(event, [(day, "16:00", "16:40")])
    place, _ = MeetingPlace.objects.get_or_create(event=event, name="Besprechungsraum 2")
    sme, researcher = _participants(
        event, [registrations[PERSONAS["sme"]], registrations[PERSONAS["researcher"]]], slots
    )
    request, new = _request(
        event,
        sme,
        researcher,
        MeetingRequest.Status.ACCEPTED,
        created=event.starts_at - timedelta(days=7),
        answered_at=event.starts_at - timedelta(days=6),
    )
    if new:
        _book(request, slots, [place])
    for participant, comment in (
        (sme, "Laborversuch mit unseren Rückständen vereinbart."),
        (researcher, "Gute Probe für die Masterarbeit, Folgetermin steht."),
    ):
        MeetingOutcome.objects.get_or_create(
            request=request,
            participant=participant,
            defaults={"outcome": "held", "useful": True, "comment": comment},
        )


def seed(forum: Event, *, stdout) -> None:
    """Meetings at the forum (see the module's docstring)."""
    MeetingSettings.objects.update_or_create(
        event=forum, defaults={"enabled": True, "slot_minutes": 20, "expiry_hours": 72}
    )
    days = forum.days()
    slots = _slots(forum, [(days[0], "13:30", "16:30"), (days[-1], "10:00", "12:00")])
    places = [MeetingPlace.objects.get_or_create(event=forum, name=name)[0] for name in TABLES]
    members = list(
        forum.registrations.filter(status="confirmed", user__isnull=False)
        .exclude(email__startswith=EXTRA_PREFIX)
        .order_by("email")
    )[:PARTICIPANTS]
    extra = _extra_registrations(forum, PARTICIPANTS - len(members))
    people = _participants(forum, [*members, *extra], slots)
    _forum_requests(forum, people, slots, places)
    _past_workshop()
    stdout.write(
        f"meetings: {MeetingParticipant.objects.filter(event=forum).count()} participants, "
        f"{MeetingRequest.objects.filter(event=forum).count()} requests at the forum"
    )
