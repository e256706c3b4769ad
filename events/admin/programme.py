"""Programme items, speakers and rooms in the admin, each also on the event's page. Saves
go through events.services; a programme item's form refuses clashes (a room or a speaker
in two places at once)."""

from __future__ import annotations

from django.contrib import admin

from ..models import ProgrammeItem, Room, Speaker
from .base import ServiceAdmin
from .forms import ProgrammeItemAdminForm


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(ServiceAdmin):
    form = ProgrammeItemAdminForm
    list_display = ["title", "event", "kind", "starts_at", "ends_at", "room", "capacity"]
    list_filter = ["kind", "event"]
    search_fields = ["title", "abstract", "speakers__name", "event__title"]
    list_select_related = ["event", "room"]
    autocomplete_fields = ["event", "speakers", "room"]


@admin.register(Speaker)
class SpeakerAdmin(ServiceAdmin):
    list_display = ["name", "affiliation", "event", "user"]
    list_filter = ["event"]
    search_fields = ["name", "organisation__name", "organisation_name", "event__title"]
    list_select_related = ["event", "organisation", "user"]
    autocomplete_fields = ["event", "organisation", "user"]


@admin.register(Room)
class RoomAdmin(ServiceAdmin):
    list_display = ["name", "event", "capacity"]
    list_filter = ["event"]
    search_fields = ["name", "event__title"]
    list_select_related = ["event"]
