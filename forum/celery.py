"""Celery app. With no REDIS_URL, settings make tasks run eagerly (as pretalx and pretix do)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")

app = Celery("forum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
