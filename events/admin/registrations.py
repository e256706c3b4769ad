"""The registrations of the admin: the list with its actions (CSV export, promotion from
the waiting list, cancelling, check-in, writing to people) and the personal calendar
feeds. Seats, states and emails change only through events.services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from forum.notifications.admin import mass_mail_action
from forum.notifications.services import Recipient, can_send_mass_mail

from .. import exports, permissions, services
from ..models import CalendarFeed, Event, Registration, SessionSignup
from .base import ServiceAdmin, moved_up
from .forms import RegistrationAddForm, RegistrationChangeForm

ADD_FIELDS = [
    "event",
    "user",
    "name",
    "email",
    "organisation_name",
    "days",
    "sessions",
    "language",
    "notify",
]


class SessionSignupInline(admin.TabularInline):
    model = SessionSignup
    extra = 0
    fields = ["item", "status", "created_at", "waitlisted_at"]
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(Registration)
class RegistrationAdmin(ServiceAdmin):
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
        "sessions",
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
        # By hand, through services.registration_add: the seat rules hold here too.
        return permissions.can_manage_events(request.user)

    def get_fields(self, request, obj=None):
        return ADD_FIELDS if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = type(
                "RegistrationAddForm", (RegistrationAddForm,), {"actor": request.user}
            )
        else:
            kwargs["form"] = RegistrationChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        form = context["adminform"].form
        if form.is_bound and form.errors:
            response.status_code = 400  # bad input answers 4xx, as everywhere else
        return response

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # The add form registered through the service when it was validated.
        for field in Registration._meta.concrete_fields:
            setattr(obj, field.attname, getattr(form.registered, field.attname))
        obj._state.adding = False
        if obj.status == Registration.Status.WAITLISTED:
            self.message_user(
                request,
                gettext("The event is full: %(name)s is on the waiting list.") % {"name": obj.name},
                messages.WARNING,
            )

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
        return exports.attendees_csv(
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
            request, moved_up(promoted), messages.SUCCESS if promoted else messages.INFO
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
        for registration in queryset:
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


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ServiceAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # each person makes their own on their registrations page

    def has_change_permission(self, request, obj=None):
        return False  # nothing to change; an organiser can only switch a feed off
