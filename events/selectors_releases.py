"""What the public sees of a programme once it is released (issue 16, item 6).

An event without a release shows its live programme. Once it has one, every public reader
(``selectors.programme``, ``item_for_page``, the speaker pages, the agenda, the feeds, and
through them the grid, the event page, the exports, calendars and PDFs) shows the latest
release: the live items are read as always and the release's snapshot is laid over them;
items not in it are hidden. Rooms and speakers come from one query each, so a page stays at
a constant number of queries (P1). Each shown item gets ``change``: "new", "moved",
"changed" or None against the release before.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from .models import ProgrammeItem, Room, Speaker
from .models_releases import ScheduleRelease


def latest_release(event) -> ScheduleRelease | None:
    return ScheduleRelease.objects.filter(event=event).order_by("-version").first()


def with_release(items: QuerySet) -> QuerySet:
    """Items annotated with ``schedule_release_id``, their event's latest release (None
    while it has none), so ``overlay`` needs no query for an event without releases."""
    latest = ScheduleRelease.objects.filter(event=OuterRef("event_id")).order_by("-version")
    return items.annotate(schedule_release_id=Subquery(latest.values("pk")[:1]))


def releases_of(event) -> list[ScheduleRelease]:
    """Every release of the event, newest first, without the snapshots. One query."""
    return list(
        ScheduleRelease.objects.filter(event=event)
        .defer("snapshot")
        .select_related("released_by")
        .order_by("-version")
    )


def _cached(model, objects: list):
    """A queryset that answers from ``objects`` without a query, for a prefetch cache."""
    queryset = model.objects.all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    return queryset


def _order(item) -> tuple:
    room = item.room.name if item.room is not None else None
    return (item.starts_at, room is None, room or "", item.title, item.pk)


#: Where ``overlay`` leaves the release it found on the event it was given, so the page's
#: template (``release_tags.schedule_release``) needs no query of its own.
MEMO = "latest_schedule_release"


def overlay(items: list, *, event=None) -> list:
    """``items`` (live, read through ``with_release``) as the public sees them: for events
    with a release, the released fields laid over each item and the unreleased ones left
    out, in programme order; ``item.change`` set on every item. No query for events without
    releases; three (the releases, rooms, speakers) otherwise."""
    release_ids = {getattr(item, "schedule_release_id", None) for item in items} - {None}
    releases = {}
    if release_ids:
        releases = {r.event_id: r for r in ScheduleRelease.objects.filter(pk__in=release_ids)}
    if event is not None and items:
        event.__dict__[MEMO] = releases.get(event.pk)
    if not releases:
        for item in items:
            item.change = None
        return items
    rooms = {room.pk: room for room in Room.objects.filter(event_id__in=releases)}
    speakers = {
        speaker.pk: speaker
        for speaker in Speaker.objects.filter(event_id__in=releases)
        .select_related("organisation")
        .order_by("name", "pk")
    }
    marks = {
        release.event_id: {row["item"]: row["change"] for row in release.changes}
        for release in releases.values()
    }
    shown = []
    for item in items:
        release = releases.get(item.event_id)
        if release is None:
            item.change = None
            shown.append(item)
            continue
        entry = release.snapshot.get(str(item.pk))
        if entry is None:
            continue  # added since the release
        _apply(item, entry, rooms, speakers)
        item.change = marks[item.event_id].get(item.pk)
        shown.append(item)
    shown.sort(key=_order)
    return shown


def _apply(item, entry: dict, rooms: dict, speakers: dict) -> None:
    for field in ("title", "kind", "track", "abstract", "capacity"):
        setattr(item, field, entry[field])
    item.starts_at = datetime.fromisoformat(entry["starts_at"])
    item.ends_at = datetime.fromisoformat(entry["ends_at"])
    item.room = rooms.get(entry["room"])
    chosen = [speakers[pk] for pk in entry["speakers"] if pk in speakers]
    chosen.sort(key=lambda speaker: (speaker.name, speaker.pk))
    if not hasattr(item, "_prefetched_objects_cache"):
        item._prefetched_objects_cache = {}
    item._prefetched_objects_cache["speakers"] = _cached(Speaker, chosen)


def speakers_items(speakers: list, items: list) -> list:
    """Gives each speaker the released ``items`` they speak in (as their prefetched
    ``items``), for the speaker pages of an event with a release."""
    by_speaker: dict[int, list] = {}
    for item in sorted(items, key=lambda item: (item.starts_at, item.pk)):
        for speaker in item.speakers.all():
            by_speaker.setdefault(speaker.pk, []).append(item)
    for speaker in speakers:
        if not hasattr(speaker, "_prefetched_objects_cache"):
            speaker._prefetched_objects_cache = {}
        speaker._prefetched_objects_cache["items"] = _cached(
            ProgrammeItem, by_speaker.get(speaker.pk, [])
        )
    return speakers


def public_only(items: QuerySet) -> list:
    """The items of ``items`` the public sees (for the sitemap): all of an event without a
    release, only the released ones of an event with one. Two queries."""
    items = list(with_release(items))
    release_ids = {item.schedule_release_id for item in items} - {None}
    released = {
        release.pk: release.snapshot.keys()
        for release in ScheduleRelease.objects.filter(pk__in=release_ids).only("snapshot")
    }
    return [
        item
        for item in items
        if item.schedule_release_id is None or str(item.pk) in released[item.schedule_release_id]
    ]
