"""Settings for the processes tests/forum/test_redis_down.py starts (gunicorn, manage.py):
the production wiring of cache and broker on ``REDIS_URL`` (forum/settings.py), which the
test points at a private redis-server it has stopped, on pytest's test database
(``FORUM_WORKER_DB_NAME``)."""

import os

import forum.settings as production
from forum.test_settings import *  # noqa: F403
from forum.test_settings import ALLOWED_HOSTS, DATABASES

CACHES = production.CACHES
CELERY_BROKER_URL = production.CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = False
EVENTS_PDF_AUTOBUILD = True  # the programme PDF is queued after every programme change

DATABASES["default"]["NAME"] = os.environ["FORUM_WORKER_DB_NAME"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
ALLOWED_HOSTS = list(dict.fromkeys([*ALLOWED_HOSTS, "127.0.0.1", "localhost"]))
