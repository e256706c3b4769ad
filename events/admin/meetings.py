"""B2B meetings in the admin (issue 14): organisers switch meetings on per event, generate
slots from a window of a day, name the places, and see the requests. Every write goes
through events.services.meetings."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models_meetings import (
    MeetingParticipant,
    MeetingPlace,
    MeetingRequest,
    MeetingSettings,
    MeetingSlot,
)
from ..services import meetings as services


class MeetingSettingsForm(forms.ModelForm):
    """The settings, and optionally a window of one day to fill with slots on saving."""

    window_day = forms.DateField(
        label=_("generate slots on day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    window_start = forms.TimeField(
        label=_("from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    window_end = forms.TimeField(
        label=_("until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )

    class Meta:
        model = MeetingSettings
        fields = [
            "event",
            "enabled",
            "slot_minutes",
            "expiry_hours",
            "mode",
            "requests_deadline",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].required = False  # left out: as it is (immediate when new)

    def clean_mode(self):
        return self.cleaned_data.get("mode") or self.instance.mode or MeetingSettings.Mode.IMMEDIATE

    def clean(self):
        data = super().clean()
        window = [data.get("window_day"), data.get("window_start"), data.get("window_end")]
        if any(window) and not all(window):
            raise forms.ValidationError(_("Give the day, the start and the end of the window."))
        if all(window) and window[2] <= window[1]:
            raise forms.ValidationError(_("The window must end after it starts."))
        return data


@admin.register(MeetingSettings)
class MeetingSettingsAdmin(admin.ModelAdmin):
    form = MeetingSettingsForm
    list_display = ["event", "enabled", "mode", "requests_deadline", "schedule_link"]
    autocomplete_fields = ["event"]
    readonly_fields = ["schedule_link"]
    list_select_related = ["event"]

    @admin.display(description=_("schedule"))
    def schedule_link(self, obj):
        """The organisers' pages of the event's meetings: the schedule, the figures, and the
        sign and meeting list per place to print for the venue."""
        if obj is None or obj.pk is None:
            return "—"
        slug = obj.event.slug
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:events_event_meetings_schedule", args=[obj.event_id]),
            gettext("Open the meeting schedule"),
            reverse("events:meeting_figures", args=[slug]),
            gettext("Meeting figures"),
            reverse("events:meeting_signs_pdf", args=[slug]),
            gettext("Signs for the meeting places (PDF)"),
            reverse("events:meeting_lists_pdf", args=[slug]),
            gettext("Meeting list per place (PDF)"),
        )

    def save_model(self, request, obj, form, change):
        services.meeting_settings_save(settings=obj, actor=request.user)
        data = form.cleaned_data
        if data.get("window_day"):
            services.meeting_slots_generate(
                event=obj.event,
                day=data["window_day"],
                start=data["window_start"],
                end=data["window_end"],
                actor=request.user,
            )

    def has_delete_permission(self, request, obj=None):
        return False  # meetings are switched off, not deleted


class _ServiceAdmin(admin.ModelAdmin):
    save_service = delete_service = keyword = ""

    def save_model(self, request, obj, form, change):
        getattr(services, self.save_service)(**{self.keyword: obj}, actor=request.user)

    def delete_model(self, request, obj):
        getattr(services, self.delete_service)(**{self.keyword: obj}, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class _BookedAdmin(_ServiceAdmin):
    """A slot or place with meetings cannot be deleted (the service refuses it too): the
    admin offers no delete for it, instead of an error page."""

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.meetings.exists():
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.filter(meetings__isnull=True).distinct():
            self.delete_model(request, obj)


@admin.register(MeetingSlot)
class MeetingSlotAdmin(_BookedAdmin):
    keyword, save_service, delete_service = "slot", "meeting_slot_save", "meeting_slot_delete"
    list_display = ["__str__", "event", "starts_at", "ends_at"]
    list_filter = ["event"]
    autocomplete_fields = ["event"]


@admin.register(MeetingPlace)
class MeetingPlaceAdmin(_BookedAdmin):
    keyword, save_service, delete_service = "place", "meeting_place_save", "meeting_place_delete"
    list_display = ["name", "event"]
    list_filter = ["event"]
    search_fields = ["name"]
    autocomplete_fields = ["event"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Changed by the participants only (through the services), seen by organisers."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MeetingParticipant)
class MeetingParticipantAdmin(_ReadOnlyAdmin):
    list_display = ["registration", "event", "created_at"]
    list_filter = ["event"]
    search_fields = ["registration__name", "offer", "looking_for"]


@admin.register(MeetingRequest)
class MeetingRequestAdmin(_ReadOnlyAdmin):
    list_display = ["requester", "recipient", "event", "status", "slot", "place"]
    list_filter = ["status", "event"]
    list_select_related = [
        "requester__registration",
        "recipient__registration",
        "event",
        "slot",
        "place",
    ]
