"""The audit trail (issue 15): who moderated a need, decided an answer, approved an
organisation, changed a registration or checked someone in, and the values before and after.

django-auditlog writes one LogEntry per change through model signals, so every path (admin,
member pages, services called from tasks) is covered; the actor comes from auditlog's
middleware for web requests and is empty for tasks. Only the fields named here are logged:
names, email addresses, dietary and accessibility needs never reach the log. The models are
looked up by label, so forum/ imports no app above it.
"""

from auditlog.registry import auditlog
from django.apps import apps
from django.db.models.signals import pre_save

# label -> fields whose changes are logged
TRACKED = {
    "research_needs.Need": ["status", "close_reason"],
    "research_needs.Answer": ["status"],
    "members.Organisation": ["status", "review_reason"],
    "events.Registration": ["status", "days", "checked_in_at"],
}
# Their str() holds a person's name and address; the log names them by number instead.
NAMED_BY_NUMBER = {"events.Registration"}


def register():
    for label, fields in TRACKED.items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            auditlog.register(model, include_fields=fields)
    from auditlog.models import LogEntry

    pre_save.connect(_minimise, sender=LogEntry, dispatch_uid="cockpit_audit_minimise")


def _minimise(sender, instance, **kwargs):
    """Registrations by number, not by the person's name and address. (The actor's copy of
    their address is blanked when their account is erased: forum/cockpit/privacy.py.)"""
    model = instance.content_type.model_class() if instance.content_type_id else None
    if model is not None and model._meta.label in NAMED_BY_NUMBER:
        instance.object_repr = f"#{instance.object_pk}"
