"""What every events admin shares: saves and deletes go through events.services, and the
event page's choices of rooms and speakers come from the event being edited."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import ngettext

from .. import services
from ..models import CalendarFeed, Event, ProgrammeItem, Registration, Room, Speaker, Stand

#: model -> (the services' keyword for the object, save service, delete service, the form's
#: many-to-many fields the save service takes). A model without a save service cannot be
#: changed in the admin.
SERVICES = {
    Event: ("event", "event_save", "event_delete", ()),
    ProgrammeItem: ("item", "programme_item_save", "programme_item_delete", ("speakers",)),
    Room: ("room", "room_save", "room_delete", ()),
    Speaker: ("speaker", "speaker_save", "speaker_delete", ()),
    Stand: ("stand", "stand_save", "stand_delete", ()),
    Registration: ("registration", "registration_save", "registration_delete", ("sessions",)),
    CalendarFeed: ("feed", None, "calendar_feed_delete", ()),
}


def save_through_service(obj, actor, form=None):
    """Saves ``obj`` (with the form's many-to-many choices) through its model's service."""
    keyword, save, _delete, many = SERVICES[type(obj)]
    data = getattr(form, "cleaned_data", None) or {}
    extra = {name: data[name] for name in many if name in data}
    return getattr(services, save)(**{keyword: obj}, actor=actor, **extra)


def delete_through_service(obj, actor) -> None:
    keyword, _save, delete, _many = SERVICES[type(obj)]
    getattr(services, delete)(**{keyword: obj}, actor=actor)


class ServiceAdmin(admin.ModelAdmin):
    """A ModelAdmin that writes only through events.services: the form, the change list,
    inline rows and the "delete" action alike, so the services' rules and emails hold in the
    admin too."""

    def save_model(self, request, obj, form, change):
        save_through_service(obj, request.user, form)

    def save_related(self, request, form, formsets, change):
        # The many-to-many fields were saved by the save service with the object.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)  # collects the rows to save and delete, writes nothing
        forms = {id(row.instance): row for row in formset.forms}
        for obj in formset.deleted_objects:
            delete_through_service(obj, request.user)
        for obj in [obj for obj, _changed in formset.changed_objects] + formset.new_objects:
            save_through_service(obj, request.user, forms.get(id(obj)))

    def delete_model(self, request, obj):
        delete_through_service(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_through_service(obj, request.user)


def event_id_from_request(request):
    match = getattr(request, "resolver_match", None)
    return match.kwargs.get("object_id") if match else None


class EventScopedMixin:
    """Room and speaker choices come from the event being edited, not from every event."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            kwargs["queryset"] = Room.objects.filter(event_id=event_id_from_request(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "speakers":
            kwargs["queryset"] = Speaker.objects.filter(
                event_id=event_id_from_request(request)
            ).select_related("organisation")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def moved_up(count: int) -> str:
    """The message after promotions from the waiting list."""
    return ngettext(
        "%(count)d person moved up from the waiting list.",
        "%(count)d people moved up from the waiting list.",
        count,
    ) % {"count": count}
