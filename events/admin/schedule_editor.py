"""The schedule editor (issue 16): one grid per day of an event, rooms as columns, 5-minute
rows; items are moved by drag and drop, by the keyboard (static/js/schedule-editor.js) or,
without JavaScript, by a "Move…" form per item. Every move goes through
``services.programme_item_move``, which refuses clashes with the admin form's rules.

The grid's positions are classes (``se-r<row>``, ``se-s<span>``, ``se-c<column>``) that
static/css/schedule-editor.css defines, as the CSP forbids inline styles. Items without a
room sit in a side list; dropping an item there takes its room away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions, services
from ..models import BERLIN, Event, ProgrammeItem

SLOT_MINUTES = 5
ROW_HEIGHT_PX = 10  # schedule-editor.css: grid-auto-rows
FIRST_HOUR, LAST_HOUR = 0, 24
#: Room columns the CSS knows (columns 2 … MAX_ROOMS + 1).
MAX_ROOMS = 20


# --- the grid ------------------------------------------------------------------------------


@dataclass
class Placed:
    item: ProgrammeItem
    day: date
    start: str  # "HH:MM"
    end: str
    row: int = 0
    span: int = 1
    column: int = 0

    @property
    def classes(self) -> str:
        return f"se-r{self.row} se-s{self.span} se-c{self.column}"

    @property
    def speakers(self) -> str:
        return ", ".join(speaker.name for speaker in self.item.speakers.all())


@dataclass
class Day:
    date: date
    first: int  # minutes after midnight of the grid's first row
    last: int
    items: list[Placed] = field(default_factory=list)
    hours: list[tuple[str, int]] = field(default_factory=list)  # (label, row)

    @property
    def rows(self) -> int:
        return (self.last - self.first) // SLOT_MINUTES

    @property
    def iso(self) -> str:
        return self.date.isoformat()


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, BERLIN)


def _minutes(moment: datetime, day: date) -> int:
    midnight = datetime.combine(day, time(0), tzinfo=BERLIN)
    return int((_local(moment) - midnight).total_seconds() // 60)


def _placed(item: ProgrammeItem) -> Placed:
    start, end = _local(item.starts_at), _local(item.ends_at)
    end_label = "24:00" if end.date() > start.date() and end.time() == time(0) else f"{end:%H:%M}"
    return Placed(item, start.date(), f"{start:%H:%M}", end_label)


def build(event: Event, items: list[ProgrammeItem], rooms: list) -> tuple[list[Day], list[Placed]]:
    """The event's days as grids (the hours the event covers each day, widened to what its
    items need), and the items without a room for the side list."""
    columns = {room.pk: index for index, room in enumerate(rooms[:MAX_ROOMS], start=2)}
    start, end = _local(event.starts_at), _local(event.ends_at)
    usual_first, usual_last = start.hour * 60, -(-(end.hour * 60 + end.minute) // 60) * 60
    if usual_last <= usual_first:
        usual_first, usual_last = 8 * 60, 20 * 60
    days = {day: Day(day, usual_first, usual_last) for day in event.days()}
    loose = []
    for item in items:
        placed = _placed(item)
        if item.room_id not in columns:
            loose.append(placed)
            continue
        day = days.setdefault(placed.day, Day(placed.day, usual_first, usual_last))
        day.items.append(placed)
        begin = _minutes(item.starts_at, placed.day)
        finish = min(_minutes(item.ends_at, placed.day), LAST_HOUR * 60)
        day.first = min(day.first, begin // 60 * 60)
        day.last = max(day.last, -(-finish // 60) * 60)
        placed.column = columns[item.room_id]
    for day in days.values():
        day.first, day.last = max(day.first, FIRST_HOUR * 60), min(day.last, LAST_HOUR * 60)
        for hour in range(day.first // 60, day.last // 60):
            day.hours.append((f"{hour:02d}:00", 2 + (hour * 60 - day.first) // SLOT_MINUTES))
        for placed in day.items:
            begin = _minutes(placed.item.starts_at, placed.day)
            finish = min(_minutes(placed.item.ends_at, placed.day), day.last)
            placed.row = 2 + (begin - day.first) // SLOT_MINUTES
            placed.span = max(-(-(finish - begin) // SLOT_MINUTES), 1)
    return [days[day] for day in sorted(days)], loose


# --- the move form -------------------------------------------------------------------------


class MoveForm(forms.Form):
    """A move as the editor's script or the "Move…" form sends it: the item, its day, start
    and end on the 5-minute grid, and a room of the same event (empty: without a room)."""

    item = forms.IntegerField(label=gettext_lazy("programme item"))
    day = forms.ChoiceField(label=gettext_lazy("Day"))
    start = forms.TimeField(label=gettext_lazy("Start"))
    end = forms.TimeField(label=gettext_lazy("End"))
    room = forms.ModelChoiceField(
        label=gettext_lazy("room"), queryset=None, required=False, to_field_name="pk"
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["day"].choices = [(day.isoformat(), day) for day in event.days()]
        self.fields["room"].queryset = event.rooms.all()
        self.item = None

    def clean_item(self):
        pk = self.cleaned_data["item"]
        self.item = self.event.items.filter(pk=pk).first() if 0 < pk < 2**31 else None
        if self.item is None:
            raise ValidationError(_("This programme item does not belong to this event."))
        return pk

    def _on_grid(self, name):
        value = self.cleaned_data[name]
        if value.second or value.microsecond or value.minute % SLOT_MINUTES:
            raise ValidationError(_("Times go in steps of 5 minutes, such as 09:05 or 09:10."))
        return value

    def clean_start(self):
        return self._on_grid("start")

    def clean_end(self):
        return self._on_grid("end")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start and end != time(0):
            self.add_error("end", _("The item must end after it starts."))
        return cleaned

    def moment(self, name) -> datetime:
        day = date.fromisoformat(self.cleaned_data["day"])
        value = self.cleaned_data[name]
        if name == "end" and value == time(0):
            day += timedelta(days=1)  # 00:00 as an end: midnight after the day
        return datetime.combine(day, value, tzinfo=BERLIN)


# --- the views -----------------------------------------------------------------------------


def _describe(item: ProgrammeItem) -> str:
    placed = _placed(item)
    where = item.room.name if item.room_id else _("without a room")
    return _("“%(title)s”: %(day)s, %(start)s to %(end)s, %(room)s.") % {
        "title": item.title,
        "day": formats.date_format(placed.day, "SHORT_DATE_FORMAT"),
        "start": placed.start,
        "end": placed.end,
        "room": where,
    }


def _reason(form) -> str:
    """The form's errors in one line, each with its field's name."""
    return " ".join(
        f"{form.fields[name].label}: {message}" if name in form.fields else message
        for name, errors in form.errors.items()
        for message in errors
    )


class ScheduleEditorMixin:
    """Adds the editor and its move endpoint to the event admin's URLs."""

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/schedule/",
                self.admin_site.admin_view(self.schedule_editor_view),
                name=f"{info}_schedule_editor",
            ),
            path(
                "<path:object_id>/schedule/move/",
                self.admin_site.admin_view(self.schedule_move_view),
                name=f"{info}_schedule_move",
            ),
            *super().get_urls(),
        ]

    def _editable_event(self, request, object_id) -> Event:
        """The event, for organisers who may change it; 404 for an id that is none."""
        if not str(object_id).isdigit() or int(object_id) >= 2**31:
            raise Http404
        event = Event.objects.filter(pk=int(object_id)).first()
        if event is None:
            raise Http404
        if not (
            permissions.can_manage_events(request.user)
            and self.has_change_permission(request, event)
        ):
            raise PermissionDenied
        return event

    def schedule_editor_view(self, request, object_id):
        event = self._editable_event(request, object_id)
        return self._render_editor(request, event)

    def _render_editor(self, request, event, *, form=None, refusal="", status=None):
        rooms = list(event.rooms.all())
        items = list(
            event.items.select_related("room")
            .prefetch_related("speakers")
            .order_by("starts_at", "room__name", "title", "pk")
        )
        days, loose = build(event, items, rooms)
        failed = form.item.pk if form is not None and form.item is not None else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Schedule editor: %(event)s") % {"event": event.title},
            "event": event,
            "days": days,
            "loose": loose,
            "rooms": rooms,
            "grid_rooms": rooms[:MAX_ROOMS],
            "columns": max(min(len(rooms), MAX_ROOMS), 1),
            "all_items": sorted(
                [placed for day in days for placed in day.items] + loose,
                key=lambda placed: (placed.item.starts_at, placed.item.pk),
            ),
            "day_choices": [(day.isoformat(), day) for day in event.days()],
            "form": form,
            "failed": failed,
            "refusal": refusal,
            "move_url": reverse("admin:events_event_schedule_move", args=[event.pk]),
            "items_url": reverse("admin:events_programmeitem_changelist")
            + f"?event__id__exact={event.pk}",
            "add_url": reverse("admin:events_programmeitem_add") + f"?event={event.pk}",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/events/event/schedule_editor.html", context, status=status
        )

    def schedule_move_view(self, request, object_id):
        event = self._editable_event(request, object_id)
        if request.method != "POST":
            return redirect("admin:events_event_schedule_editor", event.pk)
        wants_json = "application/json" in request.headers.get("Accept", "")
        form = MoveForm(request.POST, event=event)
        if form.is_valid():
            try:
                item = services.programme_item_move(
                    item=form.item,
                    actor=request.user,
                    starts_at=form.moment("start"),
                    ends_at=form.moment("end"),
                    room=form.cleaned_data["room"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                text = _("Saved: %(item)s") % {"item": _describe(item)}
                if wants_json:
                    placed = _placed(item)
                    return JsonResponse(
                        {
                            "ok": True,
                            "message": text,
                            "item": {
                                "id": item.pk,
                                "day": placed.day.isoformat(),
                                "start": placed.start,
                                "end": placed.end,
                                "room": item.room_id,
                            },
                        }
                    )
                messages.success(request, text)
                url = reverse("admin:events_event_schedule_editor", args=[event.pk])
                return redirect(f"{url}#se-item-{item.pk}")
        refusal = _("Not moved. %(reason)s") % {"reason": _reason(form)}
        if wants_json:
            return JsonResponse({"ok": False, "error": refusal}, status=400)
        return self._render_editor(request, event, form=form, refusal=refusal, status=400)
