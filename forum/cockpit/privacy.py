"""The audit trail's personal data (forum/privacy): the entries name the person who acted.
The export lists what a person did; on erasure the entries stay (what happened to a need or a
registration remains on record) but no longer name the person: auditlog keeps a copy of the
actor's address besides the link, which the account's deletion alone would leave behind."""

from auditlog.models import LogEntry
from django.utils.translation import gettext_lazy as _

from forum.privacy import registry


def export_audit(user) -> list[dict]:
    return [
        {
            "at": entry.timestamp,
            "action": entry.get_action_display(),
            "record": f"{entry.content_type.app_label}.{entry.content_type.model} #{entry.object_pk}",
            "changes": entry.changes_dict,
        }
        for entry in LogEntry.objects.filter(actor=user)
        .select_related("content_type")
        .order_by("timestamp", "pk")
    ]


def erase_audit(user) -> None:
    LogEntry.objects.filter(actor=user).update(actor=None, actor_email=None)


def register_privacy() -> None:
    registry.register(
        "audit",
        export=export_audit,
        erase=erase_audit,
        label=_("Audit trail"),
        description=_("Changes you made to needs, answers, organisations and registrations."),
    )
