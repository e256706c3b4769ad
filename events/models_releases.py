"""Schedule releases (issue 16, item 6), as pretalx has them: once an event's programme is
released, the public sees the latest release, not the organisers' working copy. Each release
keeps what the public saw (``snapshot``) and what changed against the release before
(``changes``), so the public pages, the changelog and the mails read the same record.

``snapshot``: ``{"<item pk>": {title, kind, track, abstract, starts_at, ends_at, room,
room_name, speakers, capacity}}`` with times as ISO strings, the room and speakers as ids
(their names and bios stay live, as pretalx keeps speakers' profiles live).

``changes``: a list of ``{"item": pk, "change": "new"|"moved"|"changed"|"removed", "title",
"fields": [the changed fields' names], "before": {starts_at, ends_at, room_name} | None,
"after": {…} | None}`` in programme order.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: The public fields of an item a release holds; a difference in any of them is a change.
PLACE_FIELDS = ("starts_at", "ends_at", "room")
OTHER_FIELDS = ("title", "kind", "track", "abstract", "speakers", "capacity")

CHANGE_LABELS = {
    "new": pgettext_lazy("schedule change", "New"),
    "moved": pgettext_lazy("schedule change", "Moved"),
    "changed": pgettext_lazy("schedule change", "Changed"),
    "removed": pgettext_lazy("schedule change", "Removed"),
}


class ScheduleRelease(models.Model):
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="schedule_releases",
    )
    version = models.PositiveIntegerField(_("version"))
    released_at = models.DateTimeField(_("released"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(
        _("comment"),
        max_length=2000,
        blank=True,
        help_text=_("Shown publicly with the changes, e.g. why a talk moved."),
    )
    snapshot = models.JSONField(_("published programme"), default=dict, editable=False)
    changes = models.JSONField(_("changes"), default=list, editable=False)

    class Meta:
        verbose_name = _("schedule release")
        verbose_name_plural = _("schedule releases")
        ordering = ["event", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "version"], name="events_release_unique_version"
            ),
        ]

    def __str__(self):
        return f"{self.event} · v{self.version}"

    def change_rows(self) -> list[dict]:
        """``changes`` with times as datetimes and a translated label, for templates."""
        return change_rows(self.changes)


# --- Snapshots and their differences (pure functions, no queries) -----------------------------


def item_snapshot(item) -> dict:
    """The public fields of a live item (its speakers prefetched)."""
    return {
        "title": item.title,
        "kind": item.kind,
        "track": item.track,
        "abstract": item.abstract,
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
        "room": item.room_id,
        "room_name": item.room.name if item.room_id else "",
        "speakers": sorted(speaker.pk for speaker in item.speakers.all()),
        "capacity": item.capacity,
    }


def _place(entry: dict | None) -> dict | None:
    if entry is None:
        return None
    return {key: entry[key] for key in ("starts_at", "ends_at", "room_name")}


def _changed_fields(before: dict, after: dict) -> list[str]:
    fields = [f for f in PLACE_FIELDS + OTHER_FIELDS if before.get(f) != after.get(f)]
    if "room" not in fields and before.get("room_name") != after.get("room_name"):
        fields.insert(0, "room")  # the same room, renamed: people look for the new name
    return fields


def _kind_of_change(fields: list[str]) -> str | None:
    if set(fields) & set(PLACE_FIELDS):
        return "moved"
    return "changed" if fields else None


def diff(before: dict | None, after: dict) -> list[dict]:
    """What changed from the snapshot ``before`` (None: nothing released yet, so nothing
    is a change) to ``after``, in the order of the programme (removed items last)."""
    if before is None:
        return []
    rows = []
    for pk, entry in after.items():
        old = before.get(pk)
        fields = [] if old is None else _changed_fields(old, entry)
        change = "new" if old is None else _kind_of_change(fields)
        if change:
            rows.append(
                {
                    "item": int(pk),
                    "change": change,
                    "title": entry["title"],
                    "fields": fields,
                    "before": _place(old),
                    "after": _place(entry),
                }
            )
    rows.sort(key=lambda row: (row["after"]["starts_at"], row["title"], row["item"]))
    removed = [
        {
            "item": int(pk),
            "change": "removed",
            "title": old["title"],
            "fields": [],
            "before": _place(old),
            "after": None,
        }
        for pk, old in before.items()
        if pk not in after
    ]
    removed.sort(key=lambda row: (row["before"]["starts_at"], row["title"], row["item"]))
    return rows + removed


def _times(place: dict | None) -> dict | None:
    if place is None:
        return None
    return {
        "starts_at": datetime.fromisoformat(place["starts_at"]),
        "ends_at": datetime.fromisoformat(place["ends_at"]),
        "room_name": place["room_name"],
    }


def _field_label(name: str) -> str:
    from .models import ProgrammeItem

    return str(ProgrammeItem._meta.get_field(name).verbose_name)


def change_rows(changes: list[dict]) -> list[dict]:
    return [
        {
            **row,
            "label": CHANGE_LABELS[row["change"]],
            "field_labels": [_field_label(name) for name in row.get("fields", [])],
            "before": _times(row["before"]),
            "after": _times(row["after"]),
            "time_changed": bool(
                row["before"]
                and row["after"]
                and (row["before"]["starts_at"], row["before"]["ends_at"])
                != (row["after"]["starts_at"], row["after"]["ends_at"])
            ),
            "room_changed": bool(
                row["before"]
                and row["after"]
                and row["before"]["room_name"] != row["after"]["room_name"]
            ),
        }
        for row in changes
    ]
