"""Organiser screens for events: the event with its rooms, speakers, programme, stands and
registrations; actions that go through events.services (seats, waiting list, cancelling) and
the documents helper's tasks (programme and badge PDFs)."""

from __future__ import annotations

import csv
import io
import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from forum.notifications.admin import mass_mail_action
from forum.notifications.services import Recipient, can_send_mass_mail

from . import services, validation
from .models import (
    CalendarFeed,
    Event,
    ProgrammeItem,
    Registration,
    Room,
    SessionSignup,
    Speaker,
    Stand,
)

logger = logging.getLogger(__name__)

REGISTRATIONS_INLINE_LIMIT = 50


def _event_id_from_request(request):
    match = getattr(request, "resolver_match", None)
    return match.kwargs.get("object_id") if match else None


def _schedule(task_name: str, event_id: int) -> None:
    """Queues a build task of the documents helper once the transaction has committed."""
    from . import tasks

    task = getattr(tasks, task_name)

    def queue() -> None:
        try:
            task.delay(event_id)
        except Exception:  # broker down: the action must not answer 500 (issue 10)
            logger.warning("Could not queue %s for event %s.", task_name, event_id, exc_info=True)

    transaction.on_commit(queue)


# --- Programme validation ---------------------------------------------------------------------


class ProgrammeItemInlineFormSet(BaseInlineFormSet):
    """Sees every submitted row together with the event's other items in the database and
    refuses a room or a speaker in two places at once."""

    def clean(self):
        super().clean()
        rows, kept_pks = [], []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk:
                    kept_pks.append(form.instance.pk)  # deleted: it clashes with nothing
                continue
            if form.instance.pk:
                kept_pks.append(form.instance.pk)
            slot = validation.slot_from_form(form)
            if slot is not None:
                rows.append(slot)
        event = self.instance if self.instance.pk else None
        found = validation.clashes(rows + validation.slots_from_db(event, exclude_pks=kept_pks))
        for slot, field, message in found:
            slot.form.add_error(field if field in slot.form.fields else None, message)
        if found:
            raise ValidationError(
                _("Some programme items clash: a room or a speaker is in two places at once.")
            )


class ProgrammeItemAdminForm(forms.ModelForm):
    class Meta:
        model = ProgrammeItem
        fields = [
            "event",
            "kind",
            "title",
            "abstract",
            "starts_at",
            "ends_at",
            "room",
            "speakers",
            "track",
            "capacity",
        ]

    def clean(self):
        cleaned = super().clean()
        event = cleaned.get("event")
        slot = validation.slot_from_form(self)
        if event is not None and slot is not None:
            others = validation.slots_from_db(event, exclude_pks=[self.instance.pk])
            for _slot, field, message in validation.clashes([slot, *others]):
                self.add_error(field if field in self.fields else None, message)
        return cleaned


# --- Inlines of the event page --------------------------------------------------------------------


class EventScopedMixin:
    """Room and speaker choices come from the event being edited, not from every event."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            kwargs["queryset"] = Room.objects.filter(event_id=_event_id_from_request(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "speakers":
            kwargs["queryset"] = Speaker.objects.filter(
                event_id=_event_id_from_request(request)
            ).select_related("organisation")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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


class ProgrammeItemInline(EventScopedMixin, admin.StackedInline):
    model = ProgrammeItem
    formset = ProgrammeItemInlineFormSet
    extra = 0
    fields = [
        ("kind", "title"),
        ("starts_at", "ends_at"),
        ("room", "track", "capacity"),
        "speakers",
        "abstract",
    ]
    classes = ["collapse"]
    show_change_link = True
    formfield_overrides = {
        ProgrammeItem._meta.get_field("abstract"): {"widget": forms.Textarea(attrs={"rows": 3})}
    }

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("room", "event")
            .prefetch_related("speakers")
            .order_by("starts_at", "pk")
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name in ("room", "speakers"):
            field = formset.form.base_fields.get(name)
            if field is not None:
                field.choices = list(field.choices)  # read once, not once per row
        return formset


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


class LimitedInlineFormSet(BaseInlineFormSet):
    """The newest registrations only: a big event lists the rest in the registration list."""

    def get_queryset(self):
        if not hasattr(self, "_limited"):
            self._limited = list(super().get_queryset()[:REGISTRATIONS_INLINE_LIMIT])
        return self._limited


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


# --- Event ---------------------------------------------------------------------------------------


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "slug",
            "status",
            "language",
            "host",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
            "waiting_list",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in {"mine", "feeds", "registrations", "check-in"}:
            raise ValidationError(_("This address is reserved; choose another slug."))
        return slug


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
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
    readonly_fields = ["registrations_summary", "documents", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "status", "language", "host")}),
        (_("Description"), {"fields": ("summary", "description")}),
        (_("Time and place"), {"fields": ("starts_at", "ends_at", "venue_name", "venue_address")}),
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
    inlines = [RoomInline, SpeakerInline, ProgrammeItemInline, StandInline, RegistrationInline]
    actions = [
        "export_attendees",
        "fill_from_waiting_list",
        "build_programme_pdf",
        "build_badges",
        "cancel_events",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=Count("registrations", filter=Q(registrations__status="confirmed")),
                waiting_count=Count("registrations", filter=Q(registrations__status="waitlisted")),
            )
        )

    @admin.display(description=_("seats taken"), ordering="confirmed_count")
    def seats(self, obj):
        if obj.capacity is None:
            return obj.confirmed_count
        return f"{obj.confirmed_count} / {obj.capacity}"

    @admin.display(description=_("waiting list"), ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count

    @admin.display(description=_("check-in"))
    def checkin_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("events:checkin", args=[obj.slug]), gettext("Open")
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
        previous = Event.objects.filter(pk=obj.pk).values("status", "capacity").first()
        cancelling = (
            previous is not None
            and previous["status"] != Event.Status.CANCELLED
            and obj.status == Event.Status.CANCELLED
        )
        if cancelling:
            obj.status = previous["status"]  # the service cancels and tells everyone
        super().save_model(request, obj, form, change)
        if cancelling:
            services.event_cancel(event=obj, actor=request.user)
            obj.refresh_from_db()
        elif previous is not None and (
            "capacity" in form.changed_data or "waiting_list" in form.changed_data
        ):
            promoted = services.event_capacity_changed(event=obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d person moved up from the waiting list.",
                        "%(count)d people moved up from the waiting list.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )

    def save_formset(self, request, form, formset, change):
        decisions = []
        if formset.model is Stand:
            # The service records the decision and tells the applicant, so the row is saved
            # with its old status first.
            for stand_form in formset.forms:
                stand = stand_form.instance
                deleted = formset.can_delete and formset._should_delete_form(stand_form)
                new_status = getattr(stand_form, "cleaned_data", {}).get("status")
                if (
                    stand.pk
                    and not deleted
                    and "status" in stand_form.changed_data
                    and new_status != Stand.Status.APPLIED
                ):
                    decisions.append((stand, new_status))
                    stand.status = stand_form.initial["status"]
        super().save_formset(request, form, formset, change)
        for stand, status in decisions:
            services.stand_decide(stand=stand, actor=request.user, status=status)
        if formset.model is ProgrammeItem:
            for item, changed in formset.changed_objects:
                if "capacity" in changed:
                    services.item_capacity_changed(item=item)

    # --- actions

    @admin.action(description=_("Export attendees as CSV (Excel)"))
    def export_attendees(self, request, queryset):
        registrations = Registration.objects.filter(event__in=queryset)
        return attendees_csv(registrations, filename=_csv_name(queryset))

    @admin.action(description=_("Fill free seats from the waiting list"))
    def fill_from_waiting_list(self, request, queryset):
        total = 0
        for event in queryset:
            total += len(services.registrations_promote(event=event, actor=request.user))
        self.message_user(
            request,
            ngettext(
                "%(count)d person moved up from the waiting list.",
                "%(count)d people moved up from the waiting list.",
                total,
            )
            % {"count": total},
            messages.SUCCESS if total else messages.INFO,
        )

    @admin.action(description=_("Build the programme PDF"))
    def build_programme_pdf(self, request, queryset):
        for event in queryset:
            _schedule("build_programme_pdf", event.pk)
            url = request.build_absolute_uri(reverse("events:programme_pdf", args=[event.slug]))
            self.message_user(
                request,
                format_html(
                    gettext("The programme PDF of “{}” is being built; the link is {}"),
                    event.title,
                    format_html('<a href="{}">{}</a>', url, url),
                ),
                messages.SUCCESS,
            )

    @admin.action(description=_("Build the name badges"))
    def build_badges(self, request, queryset):
        for event in queryset:
            _schedule("build_badges", event.pk)
            url = request.build_absolute_uri(reverse("events:badges_pdf", args=[event.slug]))
            self.message_user(
                request,
                format_html(
                    gettext("The badges of “{}” are being built; the link is {}"),
                    event.title,
                    format_html('<a href="{}">{}</a>', url, url),
                ),
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


# --- CSV --------------------------------------------------------------------------------------------


def _csv_name(events) -> str:
    events = list(events[:2])
    stem = slugify(events[0].slug) if len(events) == 1 else "attendees"
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.csv"


def _cell(value) -> str:
    """No formula injection: a cell must never start a formula in Excel."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def _german_datetime(value) -> str:
    return "" if value is None else timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


def attendees_csv(registrations, *, filename: str) -> HttpResponse:
    """UTF-8 with a byte-order mark, semicolons and CRLF: German Excel opens it with the
    umlauts intact and every column in its own cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(
        [
            gettext("Event"),
            gettext("Name"),
            gettext("Email"),
            gettext("Organisation"),
            gettext("Status"),
            gettext("Days"),
            gettext("Workshop sessions"),
            gettext("Dietary needs"),
            gettext("Accessibility needs"),
            gettext("Attendee list"),
            gettext("Language"),
            gettext("Registered"),
            gettext("Confirmed"),
            gettext("Checked in"),
        ]
    )
    rows = (
        registrations.select_related("event", "organisation")
        .prefetch_related("session_signups__item")
        .order_by("event__starts_at", "name", "pk")
    )
    for registration in rows:
        sessions = ", ".join(
            f"{signup.item.title} ({signup.get_status_display()})"
            for signup in registration.session_signups.all()
            if signup.status != SessionSignup.Status.CANCELLED
        )
        writer.writerow(
            [
                _cell(value)
                for value in (
                    registration.event.title,
                    registration.name,
                    registration.email,
                    registration.display_organisation,
                    registration.get_status_display(),
                    ", ".join(day.strftime("%d.%m.%Y") for day in sorted(registration.days))
                    or gettext("all"),
                    sessions,
                    registration.dietary_needs,
                    registration.accessibility_needs,
                    gettext("yes") if registration.list_consent else gettext("no"),
                    registration.language,
                    _german_datetime(registration.created_at),
                    _german_datetime(registration.confirmed_at),
                    _german_datetime(registration.checked_in_at),
                )
            ]
        )
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Registrations --------------------------------------------------------------------------------


class SessionSignupInline(admin.TabularInline):
    model = SessionSignup
    extra = 0
    fields = ["item", "status", "created_at", "waitlisted_at"]
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "display_organisation",
        "event",
        "status",
        "created_at",
        "waitlisted_at",
        "checked_in_at",
    ]
    list_filter = ["status", "event", "list_consent", "language", "checked_in_at"]
    search_fields = ["name", "email", "organisation_name", "organisation__name", "event__title"]
    list_select_related = ["event", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "event",
        "user",
        "status",
        "created_at",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
        "checked_in_at",
        "list_consent_at",
        "checkin_link",
    ]
    fields = [
        "event",
        "user",
        "name",
        "email",
        "organisation",
        "organisation_name",
        "status",
        "days",
        "dietary_needs",
        "accessibility_needs",
        "list_consent",
        "list_consent_at",
        "language",
        "created_at",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
        "checked_in_at",
        "checkin_link",
    ]
    inlines = [SessionSignupInline]
    actions = [
        "export_csv",
        "promote_selected",
        "cancel_selected",
        "check_in_selected",
        "write_email",
    ]

    def has_add_permission(self, request):
        return False  # people register through the site, so seats and emails stay right

    @admin.display(description=_("organisation"), ordering="organisation_name")
    def display_organisation(self, obj):
        return obj.display_organisation

    @admin.display(description=_("check-in page"))
    def checkin_link(self, obj):
        url = reverse("events:checkin_code", args=[obj.checkin_code])
        return format_html('<a href="{}">{}</a>', url, gettext("Open"))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can_send_mass_mail(request.user):
            actions.pop("write_email", None)
        return actions

    @admin.action(description=_("Export as CSV (Excel)"))
    def export_csv(self, request, queryset):
        return attendees_csv(
            queryset, filename=f"registrations-{timezone.localdate():%Y-%m-%d}.csv"
        )

    @admin.action(description=_("Promote from the waiting list (as far as seats are free)"))
    def promote_selected(self, request, queryset):
        promoted, asked = 0, 0
        for event in Event.objects.filter(registrations__in=queryset).distinct():
            selected = list(queryset.filter(event=event, status=Registration.Status.WAITLISTED))
            asked += len(selected)
            promoted += len(
                services.registrations_promote(
                    event=event, actor=request.user, registrations=selected
                )
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d person moved up from the waiting list.",
                "%(count)d people moved up from the waiting list.",
                promoted,
            )
            % {"count": promoted},
            messages.SUCCESS if promoted else messages.INFO,
        )
        if promoted < asked:
            self.message_user(
                request,
                gettext(
                    "The others stay on the waiting list: the event is full. Raise its "
                    "capacity first."
                ),
                messages.WARNING,
            )

    @admin.action(description=_("Cancel the selected registrations"))
    def cancel_selected(self, request, queryset):
        count = 0
        for registration in queryset.exclude(status=Registration.Status.CANCELLED):
            services.registration_cancel(registration=registration, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d registration is cancelled.",
                "%(count)d registrations are cancelled.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )

    @admin.action(description=_("Check in the selected people"))
    def check_in_selected(self, request, queryset):
        count = 0
        for registration in queryset.filter(status=Registration.Status.CONFIRMED):
            try:
                _registration, now = services.registration_check_in(
                    registration=registration, actor=request.user
                )
            except (ValidationError, PermissionDenied):
                continue
            count += int(now)
        self.message_user(
            request,
            ngettext("%(count)d person checked in.", "%(count)d people checked in.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )

    @admin.action(description=_("Write an email to the selected people"))
    def write_email(self, request, queryset):
        def recipients(selected):
            for registration in selected.exclude(
                status=Registration.Status.CANCELLED
            ).select_related("user", "user__profile"):
                if registration.user is not None and registration.user.is_active:
                    yield registration.user
                else:
                    yield Recipient(email=registration.email, language=registration.language)

        return mass_mail_action(
            self,
            request,
            queryset,
            recipients=recipients,
            audience=str(_("Selected event registrations")),
        )


# --- Programme, speakers, stands, rooms ---------------------------------------------------------------


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(admin.ModelAdmin):
    form = ProgrammeItemAdminForm
    list_display = ["title", "event", "kind", "starts_at", "ends_at", "room", "capacity"]
    list_filter = ["kind", "event"]
    search_fields = ["title", "abstract", "speakers__name", "event__title"]
    list_select_related = ["event", "room"]
    autocomplete_fields = ["event", "speakers", "room"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            services.item_capacity_changed(item=obj)


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "affiliation", "event", "user"]
    list_filter = ["event"]
    search_fields = ["name", "organisation__name", "organisation_name", "event__title"]
    list_select_related = ["event", "organisation", "user"]
    autocomplete_fields = ["event", "organisation", "user"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "capacity"]
    list_filter = ["event"]
    search_fields = ["name", "event__title"]
    list_select_related = ["event"]


@admin.register(Stand)
class StandAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "event",
        "kind",
        "status",
        "number",
        "area",
        "needs_power",
        "created_at",
    ]
    list_editable = ["number", "area"]
    list_filter = ["status", "kind", "needs_power", "event"]
    search_fields = ["organisation__name", "description", "number", "area", "event__title"]
    list_select_related = ["organisation", "event"]
    autocomplete_fields = ["event", "organisation", "applied_by"]
    readonly_fields = ["decided_at", "created_at"]
    actions = ["confirm", "decline"]

    def save_model(self, request, obj, form, change):
        new_status = obj.status
        if change and "status" in form.changed_data and new_status != Stand.Status.APPLIED:
            obj.status = Stand.objects.get(pk=obj.pk).status
            super().save_model(request, obj, form, change)
            services.stand_decide(stand=obj, actor=request.user, status=new_status)
            obj.refresh_from_db()
        else:
            super().save_model(request, obj, form, change)

    def _decide(self, request, queryset, status):
        count = 0
        for stand in queryset.exclude(status=status):
            try:
                services.stand_decide(stand=stand, actor=request.user, status=status)
            except ValidationError as exc:
                self.message_user(
                    request, f"{stand.organisation}: {' '.join(exc.messages)}", messages.ERROR
                )
                continue
            count += 1
        return count

    @admin.action(description=_("Confirm the selected stands"))
    def confirm(self, request, queryset):
        count = self._decide(request, queryset, Stand.Status.CONFIRMED)
        self.message_user(
            request,
            ngettext("%(count)d stand confirmed.", "%(count)d stands confirmed.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )

    @admin.action(description=_("Decline the selected stands"))
    def decline(self, request, queryset):
        count = self._decide(request, queryset, Stand.Status.DECLINED)
        self.message_user(
            request,
            ngettext("%(count)d stand declined.", "%(count)d stands declined.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False
