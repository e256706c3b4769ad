"""The organisers' ZIP of every meeting participant's agenda (issue 14; the build is in
events/agenda_pack.py, the task in events/tasks.py)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forum import locking

from .. import documents, permissions
from ..models_meetings import MeetingSettings

#: A build queued longer ago than this counts as lost (broker down, worker killed): a new
#: request queues another.
QUEUED_FOR_AT_MOST = timedelta(minutes=15)


def agenda_pack_request(*, event, actor) -> bool:
    """Queues the build of the agendas ZIP, unless one is queued and not yet done (a double
    click queues one build). True if a build was queued."""
    permissions.require_organiser(actor)
    now = timezone.now()
    with transaction.atomic():
        settings = locking.lock_one(MeetingSettings, MeetingSettings.objects.get(event=event).pk)
        queued = settings.agendas_zip_queued_at
        if queued is not None and queued > now - QUEUED_FOR_AT_MOST:
            return False
        MeetingSettings.objects.filter(pk=settings.pk).update(agendas_zip_queued_at=now)
        documents.agenda_pack_queue(event.pk)
    return True
