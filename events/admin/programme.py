"""Programme items, speakers and rooms in the admin (issue 16). Programme items have their own
list (filters by event, day, room and kind; search by title and speaker) instead of rows on
the event's page; the schedule editor (schedule_editor.py) places them. Saves go through
events.services; a programme item's form refuses clashes (a room or a speaker in two places
at once) and speakers of another event."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from ..models import BERLIN, Event, ProgrammeItem, Room, Speaker
from .base import ServiceAdmin
from .forms import ProgrammeItemAdminForm


def _int(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and int(text) < 2**31 else None


class EventFromQueryMixin:
    """``?event=<pk>`` (from the item list, the editor or the event page) preselects the event
    of a new row; anything that is not an event's id is ignored instead of failing the form."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "event" in initial:
            pk = _int(initial["event"])
            if pk is None or not Event.objects.filter(pk=pk).exists():
                del initial["event"]
        return initial


class EventAddLink(RelatedFieldWidgetWrapper):
    """The "+" next to a related field opens the add form with the item's event chosen."""

    event_pk = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.event_pk:
            context["url_params"] += f"&event={self.event_pk}"
        return context


class DayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        event = _int(request.GET.get("event__id__exact"))
        if event is not None:
            found = Event.objects.filter(pk=event).first()
            days = found.days() if found else []
        else:
            moments = ProgrammeItem.objects.datetimes("starts_at", "day", tzinfo=BERLIN)
            days = sorted({moment.astimezone(BERLIN).date() for moment in moments})
        return [(day.isoformat(), formats.date_format(day, "SHORT_DATE_FORMAT")) for day in days]

    def queryset(self, request, queryset):
        try:
            day = date.fromisoformat(self.value() or "")
        except ValueError:
            return queryset if not self.value() else queryset.none()
        start = datetime.combine(day, time(0), tzinfo=BERLIN)
        return queryset.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))


class RoomFilter(admin.SimpleListFilter):
    """The rooms of the chosen event, or of every event with the event's title."""

    title = _("room")
    parameter_name = "room"

    def lookups(self, request, model_admin):
        event = _int(request.GET.get("event__id__exact"))
        rooms = Room.objects.select_related("event").order_by("event__starts_at", "name")
        if event is not None:
            return [(str(room.pk), room.name) for room in rooms.filter(event_id=event)]
        return [(str(room.pk), f"{room.name} ({room.event.title})") for room in rooms]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(room__isnull=True)
        pk = _int(self.value())
        if pk is not None:
            return queryset.filter(room_id=pk)
        return queryset.none() if self.value() else queryset

    def choices(self, changelist):
        yield from super().choices(changelist)
        yield {
            "selected": self.value() == "none",
            "query_string": changelist.get_query_string({self.parameter_name: "none"}),
            "display": _("without a room"),
        }


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(EventFromQueryMixin, ServiceAdmin):
    form = ProgrammeItemAdminForm
    list_display = ["title", "event", "day", "time", "room", "kind", "speaker_names"]
    list_filter = ["event", DayFilter, RoomFilter, "kind"]
    search_fields = ["title", "speakers__name"]
    list_select_related = ["event", "room"]
    autocomplete_fields = ["event", "speakers", "room"]
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("event", "kind", "title", "abstract")}),
        (_("Time and place"), {"fields": ("starts_at", "ends_at", "room")}),
        (_("Speakers and sign-up"), {"fields": ("speakers", "track", "capacity")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("speakers")

    @admin.display(description=_("day"), ordering="starts_at")
    def day(self, obj):
        return formats.date_format(obj.local_date, "SHORT_DATE_FORMAT")

    @admin.display(description=_("time"))
    def time(self, obj):
        start = formats.time_format(obj.starts_at.astimezone(BERLIN))
        return f"{start}\N{EN DASH}{formats.time_format(obj.ends_at.astimezone(BERLIN))}"

    @admin.display(description=_("speakers"))
    def speaker_names(self, obj):
        return ", ".join(speaker.name for speaker in obj.speakers.all())

    def _event_pk(self, request):
        """The event of the item being edited (or preselected for a new one), once a request."""
        if not hasattr(request, "_programme_event"):
            match = getattr(request, "resolver_match", None)
            pk = _int(match.kwargs.get("object_id")) if match else None
            if pk is not None:
                found = ProgrammeItem.objects.filter(pk=pk).values_list("event_id", flat=True)
                request._programme_event = found.first()
            else:
                request._programme_event = _int(request.GET.get("event"))
        return request._programme_event

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        if db_field.name in {"speakers", "room"} and type(widget) is RelatedFieldWidgetWrapper:
            widget.__class__ = EventAddLink  # same widget, its "+" link carries the event
            widget.event_pk = self._event_pk(request)
        if db_field.name in {"starts_at", "ends_at"}:
            # The admin writes "Date:" and "Time:" as plain text; screen readers get names.
            date_input, time_input = widget.widgets
            date_input.attrs["aria-label"] = _("%(field)s: date") % {"field": field.label}
            time_input.attrs["aria-label"] = _("%(field)s: time") % {"field": field.label}
        return field

    def get_changeform_initial_data(self, request):
        """A new item of a one-day event starts with that day filled in."""
        initial = super().get_changeform_initial_data(request)
        event = Event.objects.filter(pk=initial["event"]).first() if "event" in initial else None
        if event is not None and not event.is_multi_day:
            day = event.days()[0]
            initial.setdefault("starts_at", [day, None])
            initial.setdefault("ends_at", [day, None])
        return initial

    def changelist_view(self, request, extra_context=None):
        event = _int(request.GET.get("event__id__exact"))
        chosen = Event.objects.filter(pk=event).first() if event is not None else None
        return super().changelist_view(
            request, extra_context={**(extra_context or {}), "chosen_event": chosen}
        )


@admin.register(Speaker)
class SpeakerAdmin(EventFromQueryMixin, ServiceAdmin):
    list_display = ["name", "affiliation", "event", "user"]
    list_filter = ["event"]
    search_fields = ["name", "organisation__name", "organisation_name", "event__title"]
    list_select_related = ["event", "organisation", "user"]
    autocomplete_fields = ["event", "organisation", "user"]


@admin.register(Room)
class RoomAdmin(EventFromQueryMixin, ServiceAdmin):
    list_display = ["name", "event", "capacity"]
    list_filter = ["event"]
    search_fields = ["name", "event__title"]
    list_select_related = ["event"]
