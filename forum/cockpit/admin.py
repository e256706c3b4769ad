"""The audit trail in the admin: auditlog's own screen, with its English-only bits in German
too (auditlog 3.4.1 ships no German catalogue; ours holds its labels, see ``AUDITLOG_LABELS``)."""

import re
from datetime import date

from auditlog import admin as auditlog_admin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext


class RecordTypeFilter(admin.SimpleListFilter):
    """auditlog's type filter, with the models' names instead of their technical ones."""

    title = _("Resource Type")
    parameter_name = "resource_type"

    def lookups(self, request, model_admin):
        ids = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list("content_type_id", flat=True)
            .distinct()
        )
        choices = []
        for pk in ids:
            content_type = ContentType.objects.get_for_id(pk)
            model = content_type.model_class()
            label = capfirst(model._meta.verbose_name) if model else content_type.model
            choices.append((str(pk), label))
        return sorted(choices, key=lambda choice: str(choice[1]))

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(content_type_id=self.value())


def _field(model, name):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


_DATE_REPR = re.compile(r"datetime\.date\((\d+), (\d+), (\d+)\)")


def readable(field, value):
    """auditlog stores values as text ("None", "published", an ISO time): shown as the
    admin shows them elsewhere (choice labels, local times, a dash for nothing)."""
    if value in (None, "None", "", "[]"):
        return "\u2013"  # en dash
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    days = _DATE_REPR.findall(value) if isinstance(value, str) else []
    if days:  # a list of dates (a registration's days), stored as Python's repr
        return ", ".join(date_format(date(*map(int, day)), "SHORT_DATE_FORMAT") for day in days)
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is not None:
        return date_format(localtime(moment), "SHORT_DATETIME_FORMAT")
    return value


class AuditLogEntryAdmin(auditlog_admin.LogEntryAdmin):
    # Who, what, when: the correlation id means nothing to organisers.
    list_display = ["created", "resource_url", "action", "msg_short", "user_url"]
    list_filter = ["action", RecordTypeFilter]

    @admin.display(description=_("Changes"))
    def msg(self, obj):
        model = obj.content_type.model_class()
        rows = []
        for name, change in obj.changes_dict.items():
            if not isinstance(change, list | tuple) or len(change) != 2:
                continue
            field = _field(model, name)
            label = capfirst(field.verbose_name) if field is not None else name
            rows.append((label, readable(field, change[0]), readable(field, change[1])))
        if not rows:
            return _("No field changes")
        return format_html(
            '<table class="cockpit-changes"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            _("Field"),
            _("From"),
            _("To"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("Changes"))
    def msg_short(self, obj):
        if obj.action in [LogEntry.Action.DELETE, LogEntry.Action.ACCESS]:
            return ""
        changes = obj.changes_display_dict
        return ngettext(
            "%(count)d change: %(fields)s", "%(count)d changes: %(fields)s", len(changes)
        ) % {"count": len(changes), "fields": ", ".join(str(name) for name in changes)}

    @admin.display(description=_("User"))
    def user_url(self, obj):
        if obj.actor_id:
            return super().user_url(obj)
        return _("system (no person)")


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, AuditLogEntryAdmin)

# auditlog's own strings, listed so `make messages` keeps their German in our catalogue.
AUDITLOG_LABELS = [
    gettext_noop("Audit log"),
    gettext_noop("log entry"),
    gettext_noop("log entries"),
    gettext_noop("Changes"),
    gettext_noop("Created"),
    gettext_noop("Created {repr:s}"),
    gettext_noop("Updated {repr:s}"),
    gettext_noop("Deleted {repr:s}"),
    gettext_noop("Logged {repr:s}"),
    gettext_noop("User"),
    gettext_noop("Resource"),
    gettext_noop("Resource Type"),
    gettext_noop("Correlation ID"),
    gettext_noop("create"),
    gettext_noop("update"),
    gettext_noop("delete"),
    gettext_noop("access"),
    gettext_noop("action"),
    gettext_noop("actor"),
    gettext_noop("timestamp"),
    gettext_noop("content type"),
    gettext_noop("object pk"),
    gettext_noop("object id"),
    gettext_noop("object representation"),
    gettext_noop("change message"),
    gettext_noop("additional data"),
    gettext_noop("Field"),
    gettext_noop("From"),
    gettext_noop("To"),
    gettext_noop("No field changes"),
    gettext_noop("system"),
]
