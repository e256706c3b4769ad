"""Places accepted meeting requests into slots and places all at once (issue 14, organiser
mode). Pure Python, no Django: events/services/meetings_batch.py feeds it from the database
and writes its answer back; the tests and bench/bench_meeting_scheduler.py call it directly.

The problem: each request joins two people; a slot holds as many meetings as it has free
places; a person is in at most one meeting per slot and only in slots they said they are
available in; meetings fixed by hand (already booked or moved by an organiser) stay where
they are. Goal: as many meetings as possible, then each person's meetings spread over the
day (few per day, not back to back).

The heuristic, deterministic for a given seed:

1. Greedy, least conflict first: repeatedly books the (request, slot) option that rules out
   the fewest others (the request's other slots, the two people's other requests in that
   slot, the slot's last place), spreading (meetings that day, one right before or after)
   as the tie-break.
2. Repair by ejection chains: an unplaced request tries each usable slot; whatever blocks it
   there (a meeting of either person, or a full slot) is moved to another slot where it fits,
   itself pushing one more meeting along when needed (``depth`` levels); and alternating
   paths inside one slot, as in matching. Every trial move is undone when it fails.
3. A few restarts with other tie-breaks; the run with most meetings (then the best spread)
   goes on to ruin and recreate: around an unplaced request, take out the meetings two
   steps away and place them again with 1 and 2; kept when no worse.
4. Spreading: placed meetings move to a free slot with a better spread, never losing one.

Exactness is measured, not claimed: bench/bench_meeting_scheduler.py compares with the
optimum an integer program finds on small instances and with the LP bound on a large one.
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

#: Why a request stays without a slot (the codes events.models_meetings.REASONS explains).
NO_COMMON_SLOT = "no-common-slot"
NO_ROOM_LEFT = "no-room-left"

# Weights of the greedy cost: pressure on the others first, spreading after.
W_PRESSURE = 1.0
W_DEMAND = 0.5
W_DAY = 0.6
W_ADJACENT = 0.8
W_LOAD = 0.1


@dataclass(frozen=True)
class Slot:
    id: int
    day: Hashable = 0  # slots of one day share it; ``slots`` is ordered in time


@dataclass(frozen=True)
class Request:
    id: int
    a: int  # the two people (any hashable ids)
    b: int


@dataclass(frozen=True)
class Fixed:
    """A meeting that stays where it is: it takes both people and the place in its slot."""

    id: int
    a: int
    b: int
    slot: int
    place: int


@dataclass
class Result:
    placed: dict[int, tuple[int, int]] = field(default_factory=dict)  # request -> (slot, place)
    unplaced: dict[int, str] = field(default_factory=dict)  # request -> reason code
    spread: float = 0.0  # the spreading cost of the answer (lower is better)


class _State:
    """One run's assignment, with an undo log for the repair's trial moves."""

    def __init__(self, problem: _Problem):
        self.p = problem
        self.at: dict[int, int] = {}  # request -> slot index
        self.busy: dict[Hashable, dict[int, int]] = defaultdict(dict)  # person -> slot -> req
        self.members: list[set[int]] = [set() for _ in problem.cap]
        self.per_day: dict[Hashable, dict[Hashable, int]] = defaultdict(lambda: defaultdict(int))
        self.log: list[tuple[str, int, int]] | None = None
        for fixed in problem.fixed:
            for person in (fixed.a, fixed.b):
                self.busy[person][fixed.slot] = -1
                self.per_day[person][problem.day[fixed.slot]] += 1

    # --- moves

    def free(self, r: int, s: int) -> bool:
        a, b = self.p.ends[r]
        return (
            s not in self.busy[a] and s not in self.busy[b] and len(self.members[s]) < self.p.cap[s]
        )

    def assign(self, r: int, s: int) -> None:
        a, b = self.p.ends[r]
        self.at[r] = s
        self.members[s].add(r)
        day = self.p.day[s]
        for person in (a, b):
            self.busy[person][s] = r
            self.per_day[person][day] += 1
        if self.log is not None:
            self.log.append(("a", r, s))

    def unassign(self, r: int) -> int:
        s = self.at.pop(r)
        a, b = self.p.ends[r]
        self.members[s].discard(r)
        day = self.p.day[s]
        for person in (a, b):
            del self.busy[person][s]
            self.per_day[person][day] -= 1
        if self.log is not None:
            self.log.append(("u", r, s))
        return s

    def undo(self, mark: int) -> None:
        log, self.log = self.log, None
        while len(log) > mark:
            op, r, s = log.pop()
            if op == "a":
                self.unassign(r)
            else:
                self.assign(r, s)
        self.log = log

    # --- costs

    def spread_cost(self, person, s: int) -> float:
        """What placing one more meeting of ``person`` in slot ``s`` costs the spreading."""
        day, busy, days = self.p.day, self.busy[person], self.p.day
        cost = W_DAY * self.per_day[person][day[s]]
        for near in (s - 1, s + 1):
            if 0 <= near < len(days) and days[near] == day[s] and near in busy:
                cost += W_ADJACENT
        return cost

    def total_spread(self) -> float:
        total = 0.0
        for r, s in self.at.items():
            for person in self.p.ends[r]:
                del self.busy[person][s]
                self.per_day[person][self.p.day[s]] -= 1
                total += self.spread_cost(person, s)
                self.busy[person][s] = r
                self.per_day[person][self.p.day[s]] += 1
        return total


class _Problem:
    def __init__(self, slots, places, available, requests, fixed):
        self.slot_ids = [slot.id for slot in slots]
        self.index = {sid: i for i, sid in enumerate(self.slot_ids)}
        self.day = [slot.day for slot in slots]
        self.places = [list(places.get(sid, ())) for sid in self.slot_ids]
        self.fixed = [
            Fixed(f.id, f.a, f.b, self.index[f.slot], f.place)
            for f in fixed
            if f.slot in self.index
        ]
        taken = defaultdict(set)
        fixed_busy = defaultdict(set)
        for f in self.fixed:
            taken[f.slot].add(f.place)
            fixed_busy[f.a].add(f.slot)
            fixed_busy[f.b].add(f.slot)
        self.free_places = [
            [place for place in self.places[s] if place not in taken[s]]
            for s in range(len(self.slot_ids))
        ]
        self.cap = [len(free) for free in self.free_places]
        avail = {
            person: {self.index[sid] for sid in ids if sid in self.index}
            for person, ids in available.items()
        }
        self.ends: dict[int, tuple] = {}
        self.cand: dict[int, list[int]] = {}
        self.reason: dict[int, str] = {}
        for request in requests:
            common = avail.get(request.a, set()) & avail.get(request.b, set())
            usable = sorted(
                s
                for s in common
                if self.cap[s] > 0
                and s not in fixed_busy[request.a]
                and s not in fixed_busy[request.b]
            )
            self.ends[request.id] = (request.a, request.b)
            if usable:
                self.cand[request.id] = usable
            else:
                self.reason[request.id] = NO_ROOM_LEFT if common else NO_COMMON_SLOT
        self.order = sorted(self.cand)
        self.cand_set = {r: set(slots) for r, slots in self.cand.items()}
        self.of_person: dict[Hashable, list[int]] = defaultdict(list)
        for r in self.order:
            for person in self.ends[r]:
                self.of_person[person].append(r)
        self.by_degree = sorted(self.of_person, key=lambda person: len(self.of_person[person]))


def _greedy(problem: _Problem, rng: random.Random, state=None, requests=None) -> _State:
    """Least-conflict first: repeatedly books the (request, slot) option that rules out the
    fewest other options (the request's other slots, the two people's other requests in
    that slot, the slot's last place), spreading as the tie-break. A heap with lazy
    re-scoring keeps it near O(options log options)."""
    state = state or _State(problem)
    requests = problem.order if requests is None else requests
    cand = problem.cand
    slots = range(len(problem.cap))
    # Live options: the unplaced requests' slots in which both people and a place are free.
    live: dict[int, set[int]] = {r: {s for s in cand[r] if state.free(r, s)} for r in requests}
    wanting: dict[Hashable, list[set[int]]] = defaultdict(lambda: [set() for _ in slots])
    at_slot: list[set[int]] = [set() for _ in slots]
    for r in requests:
        for s in live[r]:
            for person in problem.ends[r]:
                wanting[person][s].add(r)
            at_slot[s].add(r)
    ties = {r: rng.random() for r in requests}

    def score(r: int, s: int) -> float:
        a, b = problem.ends[r]
        left = problem.cap[s] - len(state.members[s])
        crowd = len(at_slot[s]) - 1
        conflicts = (
            len(live[r])
            - 1
            + len(wanting[a][s])
            + len(wanting[b][s])
            - 2
            + (crowd if left <= 1 else W_DEMAND * crowd / left)
        )
        spread = state.spread_cost(a, s) + state.spread_cost(b, s)
        return W_PRESSURE * conflicts + 0.25 * spread + W_LOAD * ties[r]

    heap = [(score(r, s), ties[r], r, s) for r in requests for s in live[r]]
    heapq.heapify(heap)

    def drop(r: int, s: int, touched: set) -> None:
        live[r].discard(s)
        at_slot[s].discard(r)
        for person in problem.ends[r]:
            wanting[person][s].discard(r)
            touched.update((other, s) for other in wanting[person][s])
        touched.update((r, other) for other in live[r])

    while heap:
        value, _tie, r, s = heapq.heappop(heap)
        if r in state.at or s not in live[r]:
            continue
        current = score(r, s)
        if current > value + 1e-9:
            heapq.heappush(heap, (current, ties[r], r, s))
            continue
        state.assign(r, s)
        touched: set = set()
        for other in list(live[r]):
            drop(r, other, touched)
        for person in problem.ends[r]:
            for other in list(wanting[person][s]):
                drop(other, s, touched)
        if len(state.members[s]) >= problem.cap[s]:
            for other in list(at_slot[s]):
                drop(other, s, touched)
        for other, slot in touched:
            if other not in state.at and slot in live[other]:
                heapq.heappush(heap, (score(other, slot), ties[other], other, slot))
    return state


def _relocate(state: _State, r: int, banned: frozenset, depth: int, budget: list[int]) -> bool:
    """Moves placed request ``r`` to another usable slot outside ``banned``, pushing the
    meetings in its way along (``depth`` more levels). False (with nothing changed by the
    caller's undo) when no chain is found."""
    budget[0] -= 1
    if budget[0] < 0:
        return False
    here = state.at[r]
    options = [s for s in state.p.cand[r] if s != here and s not in banned]
    for s in options:
        if state.free(r, s):
            state.unassign(r)
            state.assign(r, s)
            return True
    if depth <= 0:
        return False
    for s in options:
        mark = len(state.log)
        state.unassign(r)
        if _make_room(state, r, s, banned | {here}, depth - 1, budget):
            state.assign(r, s)
            return True
        state.undo(mark)
    return False


def _make_room(state: _State, r: int, s: int, banned: frozenset, depth: int, budget) -> bool:
    """Frees both people of unplaced ``r`` and one place in slot ``s`` by moving the
    meetings in the way elsewhere (never into ``s`` or ``banned``)."""
    banned = banned | {s}
    a, b = state.p.ends[r]
    for person in (a, b):
        other = state.busy[person].get(s)
        if other is None:
            continue
        if other < 0 or not _relocate(state, other, banned, depth, budget):
            return False  # a fixed meeting never moves
    if len(state.members[s]) >= state.p.cap[s]:
        for other in sorted(state.members[s]):
            mark = len(state.log)
            if _relocate(state, other, banned, depth, budget):
                return True
            state.undo(mark)
        return False
    return True


def _repair(state: _State, depth: int, budget_per_request: int) -> None:
    problem = state.p
    total_cap = sum(problem.cap)
    state.log = []
    for r in problem.order:
        if r in state.at:
            continue
        if len(state.at) >= total_cap:
            break
        for s in problem.cand[r]:
            mark = len(state.log)
            if _make_room(state, r, s, frozenset(), depth, [budget_per_request]):
                state.assign(r, s)
                break
            state.undo(mark)
    state.log = None


def _augment(state: _State) -> bool:
    """Alternating paths inside one slot, as in matching: an unplaced request between a
    person free in the slot and one busy there takes the busy one's meeting's place; that
    meeting's other person, now free, continues with one of their unplaced requests, until
    a request ends at a person who was free. Each path adds one meeting to the slot (the
    meetings taken out stay unplaced, later repairs may move them elsewhere). Odd cycles
    are not contracted (no blossoms): a heuristic, not a maximum matching. True when a
    path was found."""
    problem = state.p
    found = False
    for s in range(len(problem.cap)):
        while len(state.members[s]) < problem.cap[s]:
            dead: set = set()
            path = None
            for start in problem.by_degree:
                if start in dead or s in state.busy[start]:
                    continue
                path = _alternate(state, s, start, {start}, dead, 0)
                if path is not None:
                    break
                dead.add(start)
            if path is None:
                break
            for _in, step_out in path:
                if step_out is not None:
                    state.unassign(step_out)
            for step_in, _out in path:
                state.assign(step_in, s)
            found = True
    return found


def _alternate(state: _State, s: int, person, seen: set, dead: set, depth: int):
    """[(request placed, meeting taken out or None), ...] from ``person`` (free in slot
    ``s``) to a free person, or None."""
    if depth > 12:
        return None
    problem = state.p
    for r in problem.of_person.get(person, ()):
        if r in state.at or s not in problem.cand_set[r]:
            continue
        a, b = problem.ends[r]
        other = b if a == person else a
        if other in seen or other in dead:
            continue
        meeting = state.busy[other].get(s)
        if meeting is None:
            return [(r, None)]
        if meeting < 0:
            continue
        c, d = problem.ends[meeting]
        onward = d if c == other else c
        if onward in seen or onward in dead:
            continue
        seen |= {other, onward}
        rest = _alternate(state, s, onward, seen, dead, depth + 1)
        if rest is not None:
            return [(r, meeting), *rest]
        dead.add(onward)
    return None


def _improve(state: _State, rng: random.Random, iterations: int, bound: int) -> None:
    """Ruin and recreate: take an unplaced request, take out every meeting of its two
    people and of their partners (two steps around it), re-place those and every unplaced
    request of the people concerned (least-conflict first, alternating paths, repair).
    Kept when no worse (equal answers let the search move on), undone otherwise. Of the
    neighbourhoods tried (the request's slots only, two whole slots, two steps) the last
    came closest to the optimum on the benchmark's instances."""
    problem = state.p
    state.log = []
    for _step in range(iterations):
        if len(state.at) >= bound:
            break
        unplaced = [r for r in problem.order if r not in state.at]
        if not unplaced:
            break
        r = rng.choice(unplaced)
        a, b = problem.ends[r]
        before = len(state.at)
        mark = len(state.log)
        removed = set()
        for person in (a, b):
            for other in state.busy[person].values():
                if other >= 0:
                    removed.add(other)
                    for q in problem.ends[other]:
                        removed.update(m for m in state.busy[q].values() if m >= 0)
        people = {a, b}
        for other in removed:
            people.update(problem.ends[other])
            state.unassign(other)
        again = sorted(
            {
                q
                for q in problem.order
                if q not in state.at
                and (problem.ends[q][0] in people or problem.ends[q][1] in people)
            }
        )
        _greedy(problem, rng, state, again)
        _augment(state)
        for q in again:
            if q in state.at:
                continue
            for s in problem.cand[q]:
                inner = len(state.log)
                if _make_room(state, q, s, frozenset(), 1, [50]):
                    state.assign(q, s)
                    break
                state.undo(inner)
        if len(state.at) < before:
            state.undo(mark)
        del state.log[:]
    state.log = None


def _spread(state: _State, rounds: int = 2) -> None:
    """Moves placed meetings to free slots where they spread better; never unplaces one."""
    problem = state.p
    for _round in range(rounds):
        moved = False
        for r in sorted(state.at):
            a, b = problem.ends[r]
            here = state.unassign(r)
            best, best_cost = here, state.spread_cost(a, here) + state.spread_cost(b, here)
            for s in problem.cand[r]:
                if s != here and state.free(r, s):
                    cost = state.spread_cost(a, s) + state.spread_cost(b, s)
                    if cost < best_cost - 1e-9:
                        best, best_cost = s, cost
            state.assign(r, best)
            moved = moved or best != here
        if not moved:
            break


def _bound(problem: _Problem) -> int:
    """An upper bound on the meetings: the places, and each person's usable slots."""
    per_person: dict[Hashable, set[int]] = defaultdict(set)
    degree: dict[Hashable, int] = defaultdict(int)
    for r, slots in problem.cand.items():
        for person in problem.ends[r]:
            per_person[person].update(slots)
            degree[person] += 1
    people = sum(min(degree[p], len(per_person[p])) for p in degree) // 2
    return min(len(problem.cand), sum(problem.cap), people)


def schedule(
    *,
    slots: Sequence[Slot],
    places: Sequence[int] | Mapping[int, Sequence[int]],
    available: Mapping[Hashable, Iterable[int]],
    requests: Iterable[Request],
    fixed: Iterable[Fixed] = (),
    seed: int = 0,
    restarts: int = 3,
    depth: int = 2,
    budget: int = 400,
    iterations: int = 400,
) -> Result:
    """Places ``requests`` into ``slots`` (ordered in time) and ``places`` (the same for
    every slot, or per slot id), where both people are ``available`` (person -> slot ids)
    and free of the ``fixed`` meetings. Returns where each placed request goes and why the
    others stay unplaced."""
    if not isinstance(places, Mapping):
        places = {slot.id: list(places) for slot in slots}
    problem = _Problem(list(slots), places, available, list(requests), list(fixed))
    best = None
    for attempt in range(max(1, restarts)):
        state = _greedy(problem, random.Random(seed * 7919 + attempt))  # noqa: S311 (tie-breaks)
        for _round in range(5):
            _repair(state, depth, budget)
            if not _augment(state):
                break
        spread = state.total_spread()
        key = (len(state.at), -spread)
        if best is None or key > best[0]:
            best = (key, state)
    state = best[1]
    rng = random.Random(seed)  # noqa: S311 (tie-breaks, not secrets)
    _improve(state, rng, iterations, _bound(problem))
    _spread(state)
    result = Result(unplaced=dict(problem.reason), spread=state.total_spread())
    for r in problem.order:
        if r not in state.at:
            result.unplaced[r] = NO_ROOM_LEFT
    for s, members in enumerate(state.members):
        for r, place in zip(sorted(members), problem.free_places[s], strict=False):
            result.placed[r] = (problem.slot_ids[s], place)
    return result


def check(
    result: Result,
    *,
    slots: Sequence[Slot],
    places,
    available: Mapping[Hashable, Iterable[int]],
    requests: Iterable[Request],
    fixed: Iterable[Fixed] = (),
) -> list[str]:
    """What is wrong with ``result`` (empty when nothing): a person or place booked twice in
    a slot, a slot someone is not available in, a request both placed and unplaced or
    neither. The tests and the benchmark verify every answer with it."""
    if not isinstance(places, Mapping):
        places = {slot.id: list(places) for slot in slots}
    problems = []
    avail = {person: set(ids) for person, ids in available.items()}
    people, rooms = set(), set()
    for f in fixed:
        people |= {(f.a, f.slot), (f.b, f.slot)}
        rooms.add((f.place, f.slot))
    for request in requests:
        placed = result.placed.get(request.id)
        if (placed is None) == (request.id not in result.unplaced):
            problems.append(f"request {request.id} is placed and unplaced, or neither")
        if placed is None:
            continue
        slot, place = placed
        if place not in places.get(slot, ()):
            problems.append(f"request {request.id}: place {place} not in slot {slot}")
        if (place, slot) in rooms:
            problems.append(f"place {place} twice in slot {slot}")
        rooms.add((place, slot))
        for person in (request.a, request.b):
            if slot not in avail.get(person, ()):
                problems.append(f"person {person} not available in slot {slot}")
            if (person, slot) in people:
                problems.append(f"person {person} twice in slot {slot}")
            people.add((person, slot))
    return problems
