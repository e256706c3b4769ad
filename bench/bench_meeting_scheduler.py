"""B2B meeting scheduler (issue 14, organiser mode): 1,000 accepted requests among 300 people,
12 slots, 40 places in under 10 s; at least 98 % of the exact optimum on small instances.

Instances are random and seeded: every person is available in each slot with their own
probability (between 35 % and 90 %), and requests go to people with skewed popularity (some
exhibitors are asked by many), no pair twice. The heuristic (events/meetings_scheduler.py)
is timed alone and, on the large instance, through the service on the benchmark database
(``meeting_schedule_run``: reading the event, scheduling, writing slots, places and
bookings); the organisers' schedule page of that event is rendered once, for reference. Every answer is checked (no person or place twice in a slot, availability).

The exact optimum comes from an integer program solved by HiGHS (scipy.optimize.milp):
x[r, s] = 1 when request r meets in slot s; each request at most once, each person at most
once per slot, each slot at most its places. Small instances (60 people) are solved to
optimality: two kinds, places scarce (8 places) and people scarce (20 places, sparse
availability). On the large instance the heuristic is compared with the LP relaxation's
bound, and the same MILP with a time limit is run to see whether a solver would earn its
place in production.
"""

from __future__ import annotations

import random
import time

SEEDS = 10


def instance(
    *,
    people: int,
    slots: int,
    places: int,
    requests: int,
    seed: int,
    availability=(0.35, 0.9),
    days: int = 1,
):
    """The keyword arguments of ``meetings_scheduler.schedule`` for a random instance."""
    from events.meetings_scheduler import Request, Slot

    rng = random.Random(seed)
    per_day = -(-slots // days)
    slot_list = [Slot(id=100 + i, day=i // per_day) for i in range(slots)]
    available = {}
    for person in range(people):
        chance = rng.uniform(*availability)
        chosen = [slot.id for slot in slot_list if rng.random() < chance]
        available[person] = chosen or [rng.choice(slot_list).id]
    popularity = [1 + rng.paretovariate(2.0) for _ in range(people)]
    pairs = set()
    limit = people * (people - 1) // 2
    while len(pairs) < min(requests, limit):
        a = rng.randrange(people)
        b = rng.choices(range(people), weights=popularity)[0]
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    request_list = [Request(id=i, a=a, b=b) for i, (a, b) in enumerate(sorted(pairs))]
    return {
        "slots": slot_list,
        "places": list(range(1, places + 1)),
        "available": available,
        "requests": request_list,
    }


def milp(problem, *, relax: bool = False, time_limit: float | None = None):
    """(value, upper bound, seconds) of the integer program (or its LP relaxation)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    slot_ids = [slot.id for slot in problem["slots"]]
    available = {p: set(ids) for p, ids in problem["available"].items()}
    places = len(problem["places"])
    columns = []  # (request index, slot index)
    for r, request in enumerate(problem["requests"]):
        common = available.get(request.a, set()) & available.get(request.b, set())
        columns += [(r, s) for s, sid in enumerate(slot_ids) if sid in common]
    if not columns:
        return 0, 0, 0.0
    rows, cols = [], []
    person_rows: dict[tuple, int] = {}
    n_requests = len(problem["requests"])
    base = n_requests + len(slot_ids)
    for j, (r, s) in enumerate(columns):
        request = problem["requests"][r]
        rows += [r, n_requests + s]
        cols += [j, j]
        for person in (request.a, request.b):
            row = person_rows.setdefault((person, s), base + len(person_rows))
            rows.append(row)
            cols.append(j)
    shape = (base + len(person_rows), len(columns))
    matrix = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=shape).tocsr()
    upper = np.ones(shape[0])
    upper[n_requests : n_requests + len(slot_ids)] = places
    started = time.perf_counter()
    options = {"disp": False}
    if time_limit:
        options["time_limit"] = time_limit
    answer = milp(
        c=-np.ones(len(columns)),
        constraints=LinearConstraint(matrix, -np.inf, upper),
        integrality=np.zeros(len(columns)) if relax else np.ones(len(columns)),
        bounds=Bounds(0, 1),
        options=options,
    )
    seconds = time.perf_counter() - started
    if answer.x is None:
        return 0, float("inf"), seconds
    value = -answer.fun
    bound = value if relax else -getattr(answer, "mip_dual_bound", answer.fun)
    return value, bound, seconds


def simple_bound(problem) -> int:
    """An upper bound without a solver: the places, and each person's usable slots."""
    available = {p: set(ids) for p, ids in problem["available"].items()}
    usable = [
        r for r in problem["requests"] if available.get(r.a, set()) & available.get(r.b, set())
    ]
    degree: dict = {}
    for r in usable:
        degree[r.a] = degree.get(r.a, 0) + 1
        degree[r.b] = degree.get(r.b, 0) + 1
    per_person = sum(min(d, len(available[p])) for p, d in degree.items()) // 2
    return min(len(usable), len(problem["places"]) * len(problem["slots"]), per_person)


def _heuristic(problem):
    from bench.harness import Broken
    from events.meetings_scheduler import check, schedule

    started = time.perf_counter()
    result = schedule(**problem, seed=1)
    seconds = time.perf_counter() - started
    errors = check(result, **problem)
    if errors:
        raise Broken(f"scheduler answer invalid: {errors[:3]}")
    return result, seconds


def _small() -> None:
    from bench.harness import at_least, figure, sized

    worst = 1.0
    for kind, places, availability in (
        ("places scarce", 8, (0.35, 0.9)),
        ("people scarce", 20, (0.2, 0.5)),
    ):
        ratios = []
        for seed in range(sized(SEEDS, quick=2)):
            problem = instance(
                people=60,
                slots=12,
                places=places,
                requests=200,
                seed=seed,
                availability=availability,
            )
            result, _seconds = _heuristic(problem)
            optimum, bound, seconds = milp(problem, time_limit=120)
            ratios.append(len(result.placed) / max(bound, 1))
            print(
                f"   60 people, {kind}, seed {seed}: heuristic {len(result.placed)}, "
                f"optimum {optimum:.0f} (bound {bound:.0f}, MILP {seconds:.2f} s)",
                flush=True,
            )
        worst = min(worst, *ratios)
    figure("small instances: heuristic / optimum (worst)", worst, target=at_least(0.98))


def _large():
    from bench.harness import below, figure, sized

    people, requests = sized(300, quick=100), sized(1_000, quick=300)
    problem = instance(people=people, slots=12, places=40, requests=requests, seed=42)
    result, seconds = _heuristic(problem)
    figure(f"{requests:,} requests: heuristic", seconds, unit="s", target=below(10))
    lp_value, _b, lp_seconds = milp(problem, relax=True)
    bound = min(lp_value, simple_bound(problem))
    print(
        f"   placed {len(result.placed)}, LP bound {lp_value:.1f} ({lp_seconds:.2f} s), "
        f"simple bound {simple_bound(problem)}",
        flush=True,
    )
    figure("large instance: heuristic / upper bound", len(result.placed) / max(bound, 1))
    value, mip_bound, mip_seconds = milp(problem, time_limit=10)
    print(
        f"   MILP (HiGHS, 10 s limit) for comparison: {value:.0f} meetings, bound "
        f"{mip_bound:.0f}, {mip_seconds:.1f} s",
        flush=True,
    )
    # People scarce: places are plenty, so the people's availability decides.
    tight = instance(
        people=people, slots=12, places=120, requests=requests, seed=43, availability=(0.2, 0.5)
    )
    tight_result, tight_seconds = _heuristic(tight)
    tight_lp, _b, _s = milp(tight, relax=True)
    print(
        f"   people scarce (120 places, availability 20-50 %): placed "
        f"{len(tight_result.placed)} in {tight_seconds:.2f} s, LP bound {tight_lp:.1f}",
        flush=True,
    )
    figure("people scarce: heuristic / LP bound", len(tight_result.placed) / max(tight_lp, 1))
    return problem


def schedule_on_db(problem) -> tuple[float, int]:
    """The same instance as an event on the benchmark database (people as confirmed
    registrations opted in to meetings, accepted requests without a slot), scheduled
    through ``meeting_schedule_run``; returns its seconds and the meetings placed."""
    from datetime import timedelta

    from django.utils import timezone

    from bench.bench_event_documents import make_forum
    from bench.harness import Broken
    from bench.sessions import organiser
    from events.models import BERLIN, Registration
    from events.models_meetings import (
        MeetingBooking,
        MeetingParticipant,
        MeetingPlace,
        MeetingRequest,
        MeetingSettings,
        MeetingSlot,
    )
    from events.services.meetings_batch import meeting_schedule_run

    people = len(problem["available"])
    event = make_forum(attendees=people, stands=0, items=0, speakers=0, seed=5)
    MeetingSettings.objects.create(
        event=event,
        enabled=True,
        mode=MeetingSettings.Mode.ORGANISER,
        requests_deadline=timezone.now(),
    )
    start = timezone.localtime(event.starts_at, BERLIN).replace(hour=10, minute=0)
    slot_rows = {
        slot.id: MeetingSlot.objects.create(
            event=event,
            starts_at=start + timedelta(minutes=20 * i),
            ends_at=start + timedelta(minutes=20 * (i + 1)),
        )
        for i, slot in enumerate(problem["slots"])
    }
    MeetingPlace.objects.bulk_create(
        MeetingPlace(event=event, name=f"Tisch {n:02d}") for n in problem["places"]
    )
    registrations = list(Registration.objects.filter(event=event).order_by("pk"))
    participants = MeetingParticipant.objects.bulk_create(
        MeetingParticipant(event=event, registration=registration) for registration in registrations
    )
    through = MeetingParticipant.available_slots.through
    through.objects.bulk_create(
        through(meetingparticipant_id=participants[p].pk, meetingslot_id=slot_rows[s].pk)
        for p, slots in problem["available"].items()
        for s in slots
    )
    now = timezone.now()
    MeetingRequest.objects.bulk_create(
        MeetingRequest(
            event=event,
            requester=participants[r.a],
            recipient=participants[r.b],
            status=MeetingRequest.Status.ACCEPTED,
            expires_at=now,
            answered_at=now,
            unscheduled_reason="awaiting-schedule",
        )
        for r in problem["requests"]
    )
    boss = organiser("bench-organiser-meetings@example.org")
    started = time.perf_counter()
    run = meeting_schedule_run(event=event, actor=boss)
    seconds = time.perf_counter() - started
    if MeetingBooking.objects.filter(request__event=event).count() != 2 * run.placed:
        raise Broken("bookings and placed meetings disagree")
    return seconds, run.placed, _page_seconds(event, boss)


def _page_seconds(event, boss) -> float:
    """One render of the organisers' schedule page of the event (in process, warm)."""
    from django.test import Client
    from django.urls import reverse

    from bench.harness import Broken

    client = Client()
    client.force_login(boss)
    path = reverse("admin:events_event_meetings_schedule", args=[event.pk])
    client.get(path)
    started = time.perf_counter()
    response = client.get(path)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise Broken(f"schedule page answered {response.status_code}")
    return seconds


def _service(problem) -> None:
    from bench.db import setup_django
    from bench.harness import below, figure

    setup_django()
    seconds, placed, page = schedule_on_db(problem)
    figure(
        f"service on the DB ({len(problem['requests']):,} requests, {placed} placed)",
        seconds,
        unit="s",
        target=below(10),
    )
    figure("admin schedule page of that event", page * 1000, unit="ms")


def run() -> None:
    from bench.harness import Broken

    try:
        import scipy
    except ImportError:
        scipy = None
    if scipy is None:
        problem = instance(people=300, slots=12, places=40, requests=1_000, seed=42)
        _heuristic(problem)
        _service(problem)
        raise Broken("scipy is missing (requirements/test.lock): no optimum to compare with")
    _small()
    problem = _large()
    _service(problem)
