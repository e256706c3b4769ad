"""Celery tasks of events: thin wrappers, integer ids in, the work in pdf.py and
notifications.py. An event deleted meanwhile ends the task quietly."""

from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from . import notifications, pdf
from .models import Event


@shared_task(name="events.send_reminders")
def send_reminders() -> int:
    return notifications.reminders_send()


@shared_task(name="events.build_programme_pdf")
def build_programme_pdf(event_id: int, requested_at: str | None = None) -> str | None:
    """Builds and stores the programme PDF. ``requested_at`` (set by the automatic rebuild
    after programme changes, signals.py) skips the build when one that started after the
    request has already been stored, and skips drafts; the admin action passes none and
    always builds."""
    event = Event.objects.filter(pk=int(event_id)).first()
    if event is None:
        return None
    if requested_at:
        requested = parse_datetime(requested_at)
        if event.status == Event.Status.DRAFT:
            return None
        built = event.programme_pdf_built_at
        if built is not None and requested is not None and built >= requested:
            return event.programme_pdf.name
    return pdf.programme_pdf_build(event).programme_pdf.name


@shared_task(name="events.build_badges")
def build_badges(event_id: int) -> str | None:
    event = Event.objects.filter(pk=int(event_id)).first()
    if event is None:
        return None
    return pdf.badges_pdf_build(event).badges_pdf.name


@shared_task(name="events.meeting_requests_expire")
def meeting_requests_expire() -> list[int]:
    """Reminds and expires unanswered meeting requests (issue 14; beat, hourly)."""
    from .services.meetings import meeting_requests_expire as expire

    return list(expire())


@shared_task(name="events.meeting_day_reminders")
def meeting_day_reminders() -> int:
    """The morning mail of a meeting day (issue 14; beat, 07:00 Europe/Berlin)."""
    from .services.meetings_outcomes import meeting_day_reminders_send

    return meeting_day_reminders_send()


@shared_task(bind=True, name="events.build_agenda_pack")
def build_agenda_pack(self, event_id: int) -> str | None:
    """The agendas of all meeting participants as one ZIP (issue 14; agenda_pack.py).

    In parallel only in a real worker: run eagerly (no Redis) or called directly, the task is
    inside a web request's (or a test's) process, which must never fork (its server may run threads holding locks; a
    forked child could wait on one for ever), so the PDFs are made one after another."""
    from . import agenda_pack
    from .models_meetings import MeetingSettings

    event = Event.objects.filter(pk=int(event_id)).first()
    if event is None:
        return None
    try:
        in_worker = not (self.request.called_directly or self.request.is_eager)
        settings = agenda_pack.pack_build(event, workers=None if in_worker else 1)
    except Exception:
        # A failed build must not block the organisers' next request for a quarter hour.
        MeetingSettings.objects.filter(event=event).update(agendas_zip_queued_at=None)
        raise
    return settings.agendas_zip.name if settings else None
