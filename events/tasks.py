"""Celery tasks of events (owned by the documents/emails helper). Stubs until filled in."""

from celery import shared_task


@shared_task(name="events.send_reminders")
def send_reminders():
    return 0


@shared_task(name="events.build_programme_pdf")
def build_programme_pdf(event_id):
    return None


@shared_task(name="events.build_badges")
def build_badges(event_id):
    return None
