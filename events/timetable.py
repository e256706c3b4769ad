"""The public programme as a timetable grid (issue 16): one grid per day, rooms as columns,
5-minute rows, each item spanning its duration.

The layout is computed here, on the server, and expressed only through classes that
``static/css/programme.css`` defines for a fixed set of positions (the CSP forbids inline
styles): ``pg-r<n>`` is the grid row an item starts on, ``pg-s<n>`` how many rows it spans,
``pg-c<n>`` its column and ``pg-cols<n>`` how many room columns a day has. The grid covers
06:00 to 24:00 in Europe/Berlin; what lies outside is clipped to it. Without CSS grid (or on
a phone) the same markup reads as a list by time, since items come in order of their start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .models import BERLIN, ProgrammeItem, Room

SLOT_MINUTES = 5
FIRST_HOUR = 6
LAST_HOUR = 24
#: Rows of a full day; the CSS defines ``pg-r2`` … ``pg-r<ROWS + 1>`` and spans up to ROWS.
ROWS = (LAST_HOUR - FIRST_HOUR) * 60 // SLOT_MINUTES
#: Room columns the CSS knows; further rooms share the last column.
MAX_ROOMS = 12


@dataclass
class Cell:
    item: ProgrammeItem
    row: int
    span: int
    column: str  # "2" … or "all"
    state: str = ""  # "now", "next" or ""

    @property
    def classes(self) -> str:
        state = f" is-{self.state}" if self.state else ""
        return f"pg-r{self.row} pg-s{self.span} pg-c{self.column}{state}"


@dataclass
class Hour:
    label: str
    row: int


@dataclass
class Day:
    date: date
    index: int
    rooms: list[str]
    cells: list[Cell] = field(default_factory=list)
    hours: list[Hour] = field(default_factory=list)

    @property
    def columns(self) -> int:
        return max(len(self.rooms), 1)


def _minutes(moment: datetime, day: date) -> int:
    """Minutes from the day's 00:00 in Berlin, clipped to the grid's hours."""
    local = timezone.localtime(moment, BERLIN)
    midnight = datetime.combine(day, time(0), tzinfo=BERLIN)
    minutes = int((local - midnight).total_seconds() // 60)
    return min(max(minutes, FIRST_HOUR * 60), LAST_HOUR * 60)


def states(items: list[ProgrammeItem], now: datetime) -> dict[int, str]:
    """Which items run now and which come next (those starting soonest after now)."""
    result = {item.pk: "now" for item in items if item.starts_at <= now < item.ends_at}
    upcoming = [item.starts_at for item in items if item.starts_at > now]
    if upcoming:
        soonest = min(upcoming)
        result.update({item.pk: "next" for item in items if item.starts_at == soonest})
    return result


def _overlaps(item: ProgrammeItem, others: list[ProgrammeItem]) -> bool:
    return any(
        other.pk != item.pk and other.starts_at < item.ends_at and item.starts_at < other.ends_at
        for other in others
    )


def build(
    items: list[ProgrammeItem], rooms: list[Room], *, now: datetime | None = None, live=False
) -> list[Day]:
    """The days of ``items`` (already ordered by start) as grids. ``rooms`` are the event's
    rooms in column order; a day shows only the rooms it uses. An item without a room spans
    every column unless something else runs at the same time, then it goes to a column of
    its own ("other places"). ``live``: the event is on, so current and next items are
    marked (against ``now``)."""
    marks = states(items, now or timezone.now()) if live else {}
    by_day: dict[date, list[ProgrammeItem]] = {}
    for item in items:
        by_day.setdefault(timezone.localtime(item.starts_at, BERLIN).date(), []).append(item)
    days = []
    for index, (day, day_items) in enumerate(by_day.items(), start=1):
        used = {item.room_id for item in day_items if item.room_id}
        day_rooms = [room for room in rooms if room.pk in used][:MAX_ROOMS]
        columns = {room.pk: position for position, room in enumerate(day_rooms, start=2)}
        names = [room.name for room in day_rooms]
        loose = [item for item in day_items if not item.room_id]
        crowded = [item for item in loose if _overlaps(item, day_items)]
        needs_other = bool(crowded) or not day_rooms
        if needs_other:
            names.append("")  # the column of items without a room; named in the template
        other_column = str(len(names) + 1)
        first = min(_minutes(item.starts_at, day) for item in day_items) // 60 * 60
        last = max(_minutes(item.ends_at, day) for item in day_items)
        result = Day(date=day, index=index, rooms=names)
        for hour in range(first // 60, -(-last // 60)):
            result.hours.append(Hour(f"{hour:02d}:00", 2 + (hour * 60 - first) // SLOT_MINUTES))
        for item in day_items:
            start = _minutes(item.starts_at, day)
            end = max(_minutes(item.ends_at, day), start + SLOT_MINUTES)
            row = 2 + (start - first) // SLOT_MINUTES
            span = max(-(-(end - start) // SLOT_MINUTES), 1)
            if item.room_id:
                column = str(columns.get(item.room_id, MAX_ROOMS + 1))
            elif needs_other and (item in crowded or not day_rooms):
                column = other_column
            else:
                column = "all"
            result.cells.append(Cell(item, row, span, column, marks.get(item.pk, "")))
        days.append(result)
    return days


def is_live(event, now: datetime | None = None) -> bool:
    """The event is on: from an hour before it starts until it ends."""
    now = now or timezone.now()
    return event.starts_at - timedelta(hours=1) <= now < event.ends_at
