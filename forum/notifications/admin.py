"""Organiser screens: the outbox with its delivery state, mass mails, and the reusable
"write to the selected people" action that other admins (users, event registrations) offer."""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import registry, services
from .forms import MassMailForm
from .models import EmailState, MassMail, Notification


class CategoryFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(category.key, category.label) for category in registry.categories()]

    def queryset(self, request, queryset):
        return queryset.filter(category=self.value()) if self.value() else queryset


class RecordAdmin(admin.ModelAdmin):
    """Delivery records are written by the services only: organisers view them (and resend
    failed ones); nobody adds or edits them by hand. Only a superuser may delete, since a
    mass mail takes the delivery records of everyone it went to with it. Mass mails are
    written from a list of people ("Write an email" on users or event registrations)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Notification)
class NotificationAdmin(RecordAdmin):
    list_display = [
        "created_at",
        "kind",
        "category_label",
        "to",
        "language",
        "email_state",
        "email_attempts",
        "email_sent_at",
        "read_at",
    ]
    list_filter = ["email_state", CategoryFilter, "kind", "language", "created_at"]
    search_fields = [
        "email",
        "recipient__email",
        "recipient__first_name",
        "recipient__last_name",
        "subject",
        "kind",
        "dedup_key",
        "email_last_error",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    actions = ["resend_failed"]
    readonly_fields = [
        "recipient",
        "email",
        "category",
        "kind",
        "context_display",
        "language",
        "dedup_key",
        "mass_mail",
        "created_at",
        "email_state",
        "email_attempts",
        "email_next_attempt_at",
        "email_last_error",
        "email_sent_at",
        "subject",
        "in_app",
        "read_at",
    ]
    fieldsets = (
        (None, {"fields": ("recipient", "email", "kind", "category", "language", "subject")}),
        (
            _("Email delivery"),
            {
                "fields": (
                    "email_state",
                    "email_attempts",
                    "email_next_attempt_at",
                    "email_sent_at",
                    "email_last_error",
                )
            },
        ),
        (_("In the notification list"), {"fields": ("in_app", "read_at")}),
        (
            _("Details"),
            {"fields": ("context_display", "dedup_key", "mass_mail", "created_at")},
        ),
    )

    @admin.display(description=_("to"), ordering="email")
    def to(self, obj):
        return obj.address

    @admin.display(description=_("context"))
    def context_display(self, obj):
        if registry.is_sensitive(obj.kind):
            return _("Hidden: this email contains a personal secret link.")
        return format_html("<pre>{}</pre>", json.dumps(obj.context, indent=2, ensure_ascii=False))

    @admin.display(description=_("category"), ordering="category")
    def category_label(self, obj):
        return registry.category_label(obj.category)

    def has_resend_permission(self, request):
        return request.user.has_perm("notifications.change_notification")

    @admin.action(
        description=_("Send the selected failed notifications again"),
        permissions=["resend"],
    )
    def resend_failed(self, request, queryset):
        count = services.notification_resend(
            actor=request.user, notifications=queryset.filter(email_state=EmailState.FAILED)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d notification is queued again.",
                "%(count)d notifications are queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


class NotificationInline(admin.TabularInline):
    model = Notification
    fields = ["recipient", "email", "language", "email_state", "email_attempts", "email_sent_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    max_num = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recipient")


@admin.register(MassMail)
class MassMailAdmin(RecordAdmin):
    list_display = ["subject_de", "audience", "recipient_count", "sender", "created_at"]
    search_fields = ["subject_de", "subject_en", "body_de", "audience"]
    list_filter = ["created_at"]
    readonly_fields = [
        "subject_de",
        "body_de",
        "subject_en",
        "body_en",
        "sender",
        "audience",
        "recipient_count",
        "created_at",
        "delivery",
    ]
    fields = readonly_fields
    inlines = [NotificationInline]

    @admin.display(description=_("delivery"))
    def delivery(self, obj):
        counts = dict.fromkeys((EmailState.SENT, EmailState.PENDING, EmailState.FAILED), 0)
        for state in obj.notifications.values_list("email_state", flat=True):
            counts[state] = counts.get(state, 0) + 1
        return format_html(
            "{}: {} · {}: {} · {}: {}",
            EmailState.SENT.label,
            counts[EmailState.SENT],
            EmailState.PENDING.label,
            counts[EmailState.PENDING],
            EmailState.FAILED.label,
            counts[EmailState.FAILED],
        )


def mass_mail_action(modeladmin, request, queryset, *, recipients, audience: str):
    """The intermediate page of a "write to the selected" admin action.

    ``recipients`` turns the selected queryset into users or ``services.Recipient``s. The
    first call shows the form; submitting it (``apply``) sends and returns to the list.
    """
    if not services.can_send_mass_mail(request.user):
        raise PermissionDenied
    people = list(recipients(queryset))
    form = MassMailForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            mass_mail = services.mass_mail_send(
                actor=request.user, recipients=people, audience=audience, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            modeladmin.message_user(
                request,
                ngettext(
                    "The message is on its way to %(count)d person.",
                    "The message is on its way to %(count)d people.",
                    mass_mail.recipient_count,
                )
                % {"count": mass_mail.recipient_count},
                messages.SUCCESS,
            )
            return None
    addresses = sorted(
        {
            (p if isinstance(p, services.Recipient) else services.Recipient(user=p)).address
            for p in people
        }
        - {""}
    )
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Write an email"),
        "opts": modeladmin.model._meta,
        "form": form,
        "queryset": queryset,
        "addresses": addresses,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/notifications/mass_mail_compose.html", context)
