"""Programme clashes: a room or a speaker in two places at once (PRODUCT.md 3.3).

The programme item's admin form asks ``clashes`` for overlapping pairs between the row it is
about to save and the event's other items in the database; the schedule editor's move
(``services.programme_item_move``) asks the same through ``item_clashes``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _


@dataclass
class Slot:
    title: str
    starts_at: object
    ends_at: object
    room_id: int | None = None
    room_name: str = ""
    speakers: dict[int, str] = field(default_factory=dict)  # pk -> name
    form: object = None  # the admin form the row comes from, if any


def _overlap(a: Slot, b: Slot) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _when(slot: Slot) -> str:
    start = timezone.localtime(slot.starts_at)
    end = timezone.localtime(slot.ends_at)
    return f"{formats.date_format(start, 'SHORT_DATETIME_FORMAT')}-{formats.time_format(end)}"


def clashes(slots: list[Slot]) -> list[tuple[Slot, str, str]]:
    """``(slot, field, message)`` for every slot that overlaps another in the same room or
    with a shared speaker; only slots coming from a form are reported."""
    found = []
    ordered = sorted(slots, key=lambda s: s.starts_at)
    for index, a in enumerate(ordered):
        for b in ordered[index + 1 :]:
            if b.starts_at >= a.ends_at:
                break
            if not _overlap(a, b):
                continue
            if a.room_id and a.room_id == b.room_id:
                for this, other in ((a, b), (b, a)):
                    found.append(
                        (
                            this,
                            "room",
                            _("%(room)s is already used at this time by “%(other)s” (%(when)s).")
                            % {"room": this.room_name, "other": other.title, "when": _when(other)},
                        )
                    )
            shared = set(a.speakers) & set(b.speakers)
            for pk in sorted(shared):
                for this, other in ((a, b), (b, a)):
                    found.append(
                        (
                            this,
                            "speakers",
                            _("%(speaker)s speaks at the same time in “%(other)s” (%(when)s).")
                            % {
                                "speaker": a.speakers[pk],
                                "other": other.title,
                                "when": _when(other),
                            },
                        )
                    )
    return [entry for entry in found if entry[0].form is not None]


def slots_from_db(event, *, exclude_pks) -> list[Slot]:
    if event is None or event.pk is None:
        return []
    items = (
        event.items.exclude(pk__in=[pk for pk in exclude_pks if pk])
        .select_related("room")
        .prefetch_related("speakers")
    )
    return [
        Slot(
            title=item.title,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            room_id=item.room_id,
            room_name=item.room.name if item.room else "",
            speakers={speaker.pk: speaker.name for speaker in item.speakers.all()},
        )
        for item in items
    ]


def slot_from_form(form) -> Slot | None:
    data = getattr(form, "cleaned_data", None) or {}
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if not starts_at or not ends_at or ends_at <= starts_at:
        return None
    room = data.get("room")
    speakers = data.get("speakers") or []
    return Slot(
        title=data.get("title") or "?",
        starts_at=starts_at,
        ends_at=ends_at,
        room_id=room.pk if room else None,
        room_name=room.name if room else "",
        speakers={speaker.pk: speaker.name for speaker in speakers},
        form=form,
    )


def item_clashes(item) -> list[tuple[str, str]]:
    """``(field, message)`` for each clash of ``item`` (as it would be saved, its speakers
    as stored) with the other items of its event: the schedule editor's check."""
    slot = Slot(
        title=item.title,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        room_id=item.room_id,
        room_name=item.room.name if item.room_id else "",
        speakers={speaker.pk: speaker.name for speaker in item.speakers.all()},
        form=item,
    )
    others = slots_from_db(item.event, exclude_pks=[item.pk])
    return [(field, message) for _slot, field, message in clashes([slot, *others])]
