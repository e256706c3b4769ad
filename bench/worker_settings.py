"""Settings for the Celery worker (or the ``deliver_notifications`` command) that the
notification benchmark starts: the bench database, mail over SMTP to the benchmark's own
server, and the broker the benchmark names (``FORUM_BENCH_BROKER_URL``,
``FORUM_BENCH_SMTP_PORT``)."""

import os

os.environ.setdefault("DEBUG", "1")  # development defaults; bench.db sets the SECRET_KEY

from bench.db import BENCH_DB
from forum.settings import *  # noqa: F403
from forum.settings import DATABASES

# Measure without DEBUG's query log, as bench.db does for the benchmark process.
DEBUG = False
DATABASES["default"]["NAME"] = BENCH_DB

CELERY_BROKER_URL = os.environ.get("FORUM_BENCH_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = False

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["FORUM_BENCH_SMTP_PORT"])
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""
EMAIL_USE_TLS = False
EMAIL_USE_SSL = False
