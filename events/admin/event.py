"""The event page of the admin: the event with its rooms, speakers, stands and the newest
registrations, links to its programme (the item list and the schedule editor), and the actions on events (CSV export, waiting list, document
builds, cancelling)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import exports, selectors, services
from ..documents import badges_queue, programme_pdf_queue
from ..models import Event, Registration, Room, Speaker, Stand
from .base import ServiceAdmin, moved_up
from .forms import EventAdminForm, LimitedInlineFormSet
from .schedule_editor import ScheduleEditorMixin


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ["name", "capacity"]


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0
    fields = ["name", "organisation", "organisation_name", "user", "bio"]
    autocomplete_fields = ["organisation", "user"]
    classes = ["collapse"]
    formfield_overrides = {
        Speaker._meta.get_field("bio"): {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "user")


class StandInline(admin.TabularInline):
    model = Stand
    extra = 0
    fields = ["organisation", "kind", "status", "number", "area", "needs_power", "description"]
    autocomplete_fields = ["organisation"]
    classes = ["collapse"]
    formfield_overrides = {
        Stand._meta.get_field("description"): {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 40})
        }
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "event")


class RegistrationInline(admin.TabularInline):
    model = Registration
    formset = LimitedInlineFormSet
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ["name", "email", "display_organisation", "status", "created_at", "checked_in_at"]
    readonly_fields = fields
    verbose_name_plural = _("registrations (newest 50; all of them under “Registrations”)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation", "event")
            .order_by("-created_at")
        )

    @admin.display(description=_("organisation"))
    def display_organisation(self, obj):
        return obj.display_organisation


@admin.register(Event)
class EventAdmin(ScheduleEditorMixin, ServiceAdmin):
    form = EventAdminForm
    list_display = [
        "title",
        "kind",
        "starts_at",
        "status",
        "seats",
        "waiting",
        "checkin_link",
    ]
    list_filter = ["status", "kind", "language", "starts_at"]
    search_fields = ["title", "summary", "venue_name", "slug"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["host"]
    readonly_fields = [
        "programme",
        "registrations_summary",
        "documents",
        "created_at",
        "updated_at",
    ]
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "status", "language", "host")}),
        (_("Description"), {"fields": ("summary", "description")}),
        (_("Time and place"), {"fields": ("starts_at", "ends_at", "venue_name", "venue_address")}),
        (_("Programme"), {"fields": ("programme",)}),
        (
            _("Registration"),
            {
                "fields": (
                    "registration_opens_at",
                    "registration_closes_at",
                    "capacity",
                    "waiting_list",
                    "registrations_summary",
                )
            },
        ),
        (_("Documents"), {"fields": ("documents", "created_at", "updated_at")}),
    )
    inlines = [RoomInline, SpeakerInline, StandInline, RegistrationInline]
    actions = [
        "export_attendees",
        "fill_from_waiting_list",
        "build_programme_pdf",
        "build_badges",
        "cancel_events",
    ]

    def get_urls(self):
        from .meetings_schedule import schedule_urls  # issue 14: the meeting schedule
        from .releases import release_urls  # issue 16, item 6

        return schedule_urls(self) + release_urls(self) + super().get_urls()

    def get_queryset(self, request):
        return selectors.with_seats_taken(super().get_queryset(request)).annotate(
            waiting_count=Count("registrations", filter=Q(registrations__status="waitlisted"))
        )

    @admin.display(description=_("seats taken"), ordering="confirmed")
    def seats(self, obj):
        if obj.capacity is None:
            return obj.confirmed
        return f"{obj.confirmed} / {obj.capacity}"

    @admin.display(description=_("waiting list"), ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count

    @admin.display(description=_("check-in"))
    def checkin_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("events:checkin", args=[obj.slug]), gettext("Open")
        )

    @admin.display(description=_("programme"))
    def programme(self, obj):
        """The programme's size and where to edit it: the schedule editor and the list."""
        if obj.pk is None:
            return gettext("Save the event first; then add rooms and the programme.")
        count = obj.items.count()
        items = reverse("admin:events_programmeitem_changelist") + f"?event__id__exact={obj.pk}"
        return format_html(
            '{} · <a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            ngettext("%(count)d programme item", "%(count)d programme items", count)
            % {"count": count},
            reverse("admin:events_event_schedule_editor", args=[obj.pk]),
            gettext("Open the schedule editor"),
            items,
            gettext("List of the programme items"),
            reverse("admin:events_programmeitem_add") + f"?event={obj.pk}",
            gettext("Add a programme item"),
        )

    @admin.display(description=_("registrations"))
    def registrations_summary(self, obj):
        if obj.pk is None:
            return "—"
        counts = dict.fromkeys(Registration.Status.values, 0)
        for status in obj.registrations.values_list("status", flat=True):
            counts[status] += 1
        url = reverse("admin:events_registration_changelist") + f"?event__id__exact={obj.pk}"
        return format_html(
            '{}: {} · {}: {} · {}: {} · {}: {} · <a href="{}">{}</a>',
            Registration.Status.CONFIRMED.label,
            counts["confirmed"],
            Registration.Status.WAITLISTED.label,
            counts["waitlisted"],
            Registration.Status.PENDING.label,
            counts["pending"],
            Registration.Status.CANCELLED.label,
            counts["cancelled"],
            url,
            gettext("All registrations"),
        )

    @admin.display(description=_("documents"))
    def documents(self, obj):
        if obj.pk is None:
            return "—"

        def built(when):
            if when is None:
                return gettext("not built yet")
            return gettext("built %(date)s") % {
                "date": formats.date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT")
            }

        return format_html(
            '<a href="{}">{}</a> ({}) · <a href="{}">{}</a> ({}) · <a href="{}">{}</a>',
            reverse("events:programme_pdf", args=[obj.slug]),
            gettext("Programme PDF"),
            built(obj.programme_pdf_built_at),
            reverse("events:badges_pdf", args=[obj.slug]),
            gettext("Badges PDF"),
            built(obj.badges_pdf_built_at),
            reverse("events:checkin", args=[obj.slug]),
            gettext("Check-in"),
        )

    def save_model(self, request, obj, form, change):
        promoted = services.event_save(event=obj, actor=request.user)
        if promoted:
            self.message_user(request, moved_up(len(promoted)), messages.SUCCESS)

    # --- actions

    @admin.action(description=_("Export attendees as CSV (Excel)"))
    def export_attendees(self, request, queryset):
        registrations = Registration.objects.filter(event__in=queryset)
        return exports.attendees_csv(registrations, filename=exports.csv_filename(queryset))

    @admin.action(description=_("Fill free seats from the waiting list"))
    def fill_from_waiting_list(self, request, queryset):
        total = 0
        for event in queryset:
            total += len(services.registrations_promote(event=event, actor=request.user))
        self.message_user(request, moved_up(total), messages.SUCCESS if total else messages.INFO)

    @admin.action(description=_("Build the programme PDF"))
    def build_programme_pdf(self, request, queryset):
        for event in queryset:
            programme_pdf_queue(event.pk)
            self._announce_build(
                request,
                event,
                "events:programme_pdf",
                gettext("The programme PDF of “{}” is being built; the link is {}"),
            )

    @admin.action(description=_("Build the name badges"))
    def build_badges(self, request, queryset):
        for event in queryset:
            badges_queue(event.pk)
            self._announce_build(
                request,
                event,
                "events:badges_pdf",
                gettext("The badges of “{}” are being built; the link is {}"),
            )

    def _announce_build(self, request, event, url_name, text):
        url = request.build_absolute_uri(reverse(url_name, args=[event.slug]))
        self.message_user(
            request,
            format_html(text, event.title, format_html('<a href="{}">{}</a>', url, url)),
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel the selected events and tell everyone registered"))
    def cancel_events(self, request, queryset):
        count = 0
        for event in queryset.exclude(status=Event.Status.CANCELLED):
            services.event_cancel(event=event, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d event is cancelled; everyone registered gets an email.",
                "%(count)d events are cancelled; everyone registered gets an email.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )
