"""The audit trail in the admin: auditlog's own screen, with its English-only bits in German
too (auditlog 3.4.1 ships no German catalogue; ours holds its labels, see ``AUDITLOG_LABELS``)."""

from auditlog import admin as auditlog_admin
from auditlog.models import LogEntry
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext


class AuditLogEntryAdmin(auditlog_admin.LogEntryAdmin):
    # Who, what, when: the correlation id means nothing to organisers.
    list_display = ["created", "resource_url", "action", "msg_short", "user_url"]

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
