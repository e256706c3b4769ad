"""Celery tasks of members: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from .services.competence import competence_reminders_send


@shared_task(name="members.remind_competence_profiles")
def remind_competence_profiles() -> int:
    """Monthly (forum/settings.py): reminds the admins of research institutions without a
    competence profile, each organisation at most once in 90 days."""
    return competence_reminders_send()
