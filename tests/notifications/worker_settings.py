"""Settings for the real processes the worker tests start (Celery worker and beat, gunicorn).

The test process passes where everything is through the environment: the broker
(``FORUM_TEST_BROKER_URL``), pytest's test database (``FORUM_WORKER_DB_NAME``) and the port
of the SMTP sink it listens on (``FORUM_TEST_SMTP_PORT``). Retry and re-dispatch delays are
shrunk to seconds so a retry or a lost task shows within a test.
"""

import os

from forum.test_settings import *  # noqa: F403
from forum.test_settings import ALLOWED_HOSTS, CELERY_BEAT_SCHEDULE, DATABASES

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["FORUM_TEST_BROKER_URL"]

DATABASES["default"]["NAME"] = os.environ["FORUM_WORKER_DB_NAME"]
# A killed worker must not leave a connection holding row locks for a minute.
DATABASES["default"]["CONN_MAX_AGE"] = 0

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["FORUM_TEST_SMTP_PORT"])
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""
EMAIL_USE_TLS = False
EMAIL_USE_SSL = False
EMAIL_TIMEOUT = 20

# A test that kills a worker shortens how long Redis keeps the killed worker's unacknowledged
# task before a worker takes it again (an hour by default), and has the worker look for such
# tasks every second (by default every 100 s).
if os.environ.get("FORUM_TEST_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["FORUM_TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

NOTIFICATIONS_RETRY_BACKOFF = 1  # 1 s, then 2 s, 4 s…
NOTIFICATIONS_STALE_AFTER = 2
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("FORUM_TEST_MAX_ATTEMPTS", "3"))

CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "notifications-dispatch-due": {
        **CELERY_BEAT_SCHEDULE["notifications-dispatch-due"],
        "schedule": 1.0,
    },
}

ALLOWED_HOSTS = list(dict.fromkeys([*ALLOWED_HOSTS, "127.0.0.1", "localhost"]))
