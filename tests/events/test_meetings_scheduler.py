"""The organiser-mode meeting scheduler (events/meetings_scheduler.py, issue 14) as a pure
function: random instances never book a person or a place twice and respect availability
and fixed meetings; tiny instances reach the brute-force optimum; the same seed gives the
same answer; meetings spread over the day."""

import itertools
import random

import pytest

from events.meetings_scheduler import (
    NO_COMMON_SLOT,
    NO_ROOM_LEFT,
    Fixed,
    Request,
    Slot,
    check,
    schedule,
)


def random_instance(seed, *, people=20, slots=6, places=3, requests=40, days=1):
    rng = random.Random(seed)
    per_day = -(-slots // days)
    slot_list = [Slot(id=10 + i, day=i // per_day) for i in range(slots)]
    available = {
        p: [s.id for s in slot_list if rng.random() < rng.uniform(0.2, 0.9)] for p in range(people)
    }
    pairs = set()
    while len(pairs) < requests:
        a, b = rng.sample(range(people), 2)
        pairs.add((min(a, b), max(a, b)))
    return {
        "slots": slot_list,
        "places": [100 + i for i in range(places)],
        "available": available,
        "requests": [Request(i, a, b) for i, (a, b) in enumerate(sorted(pairs))],
    }


def brute_force(problem) -> int:
    """The most meetings any assignment reaches (each request: no slot or one slot)."""
    slots = [s.id for s in problem["slots"]]
    places = len(problem["places"])
    options = []
    for r in problem["requests"]:
        common = set(problem["available"][r.a]) & set(problem["available"][r.b])
        options.append([None, *[s for s in slots if s in common]])
    best = 0
    for choice in itertools.product(*options):
        count = sum(1 for c in choice if c is not None)
        if count <= best:
            continue
        used, per_slot = set(), {}
        ok = True
        for r, s in zip(problem["requests"], choice, strict=True):
            if s is None:
                continue
            per_slot[s] = per_slot.get(s, 0) + 1
            if (r.a, s) in used or (r.b, s) in used or per_slot[s] > places:
                ok = False
                break
            used |= {(r.a, s), (r.b, s)}
        if ok:
            best = count
    return best


@pytest.mark.parametrize("seed", range(25))
def test_random_instances_never_double_book_and_respect_availability(seed):
    problem = random_instance(seed, days=1 + seed % 2)
    result = schedule(**problem, seed=seed)
    assert check(result, **problem) == []
    assert len(result.placed) + len(result.unplaced) == len(problem["requests"])


@pytest.mark.parametrize("seed", range(12))
def test_tiny_instances_reach_the_brute_force_optimum(seed):
    problem = random_instance(seed, people=6, slots=3, places=2, requests=8)
    result = schedule(**problem, seed=seed)
    assert check(result, **problem) == []
    assert len(result.placed) == brute_force(problem)


def test_the_same_seed_gives_the_same_answer():
    problem = random_instance(7, people=60, slots=12, places=8, requests=200)
    first = schedule(**problem, seed=3)
    again = schedule(**problem, seed=3)
    assert first.placed == again.placed and first.unplaced == again.unplaced


def test_fixed_meetings_stay_and_block_their_people_and_place():
    slots = [Slot(1), Slot(2)]
    available = {"a": [1, 2], "b": [1, 2], "c": [1, 2]}
    fixed = [Fixed(id=99, a="a", b="b", slot=1, place=7)]
    requests = [Request(1, "a", "c"), Request(2, "b", "c")]
    result = schedule(
        slots=slots, places=[7, 8], available=available, requests=requests, fixed=fixed
    )
    assert (
        check(
            result, slots=slots, places=[7, 8], available=available, requests=requests, fixed=fixed
        )
        == []
    )
    # a and b are taken in slot 1: only one of their meetings with c fits, in slot 2.
    assert len(result.placed) == 1
    assert next(iter(result.placed.values()))[0] == 2
    assert list(result.unplaced.values()) == [NO_ROOM_LEFT]


def test_reasons_tell_no_common_slot_from_no_room():
    slots = [Slot(1), Slot(2)]
    available = {"a": [1], "b": [2], "c": [1], "d": [1]}
    requests = [Request(1, "a", "b"), Request(2, "a", "c"), Request(3, "c", "d")]
    result = schedule(slots=slots, places=[5], available=available, requests=requests)
    assert result.unplaced[1] == NO_COMMON_SLOT
    assert len(result.placed) == 1 and list(result.unplaced.values()).count(NO_ROOM_LEFT) == 1


def test_places_per_slot():
    slots = [Slot(1), Slot(2)]
    available = {p: [1, 2] for p in "abcd"}
    requests = [Request(1, "a", "b"), Request(2, "c", "d")]
    places = {1: [5], 2: []}  # slot 2 has no place
    result = schedule(slots=slots, places=places, available=available, requests=requests)
    assert check(result, slots=slots, places=places, available=available, requests=requests) == []
    assert len(result.placed) == 1 and next(iter(result.placed.values())) == (1, 5)


def test_meetings_spread_over_the_day():
    """One person with three meetings and six free slots: never back to back."""
    slots = [Slot(i) for i in range(6)]
    available = {p: list(range(6)) for p in "abcd"}
    requests = [Request(1, "a", "b"), Request(2, "a", "c"), Request(3, "a", "d")]
    result = schedule(slots=slots, places=[1], available=available, requests=requests)
    times = sorted(slot for slot, _place in result.placed.values())
    assert len(times) == 3
    assert all(later - earlier >= 2 for earlier, later in itertools.pairwise(times))


def test_meetings_spread_over_days():
    """Two days of two slots: two meetings of one person go to different days."""
    slots = [Slot(1, day=1), Slot(2, day=1), Slot(3, day=2), Slot(4, day=2)]
    available = {p: [1, 2, 3, 4] for p in "abc"}
    requests = [Request(1, "a", "b"), Request(2, "a", "c")]
    result = schedule(slots=slots, places=[1], available=available, requests=requests)
    days = {slots[[s.id for s in slots].index(slot)].day for slot, _ in result.placed.values()}
    assert days == {1, 2}


def test_the_checker_finds_double_bookings():
    from events.meetings_scheduler import Result

    slots = [Slot(1)]
    available = {p: [1] for p in "abc"}
    requests = [Request(1, "a", "b"), Request(2, "a", "c")]
    wrong = Result(placed={1: (1, 5), 2: (1, 5)})
    problems = check(wrong, slots=slots, places=[5], available=available, requests=requests)
    assert "person a twice in slot 1" in problems and "place 5 twice in slot 1" in problems
