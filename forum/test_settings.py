"""Test overrides: fast hashing, mail kept in memory, eager tasks. allauth's rate limits stay
on as in production; tests/conftest.py empties the cache between tests."""

import os

os.environ.setdefault("DEBUG", "1")

from forum.settings import *  # noqa: F403
from forum.settings import REDIS_URL

# Tests compare links with the default address, whatever PORT the shell exports.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks in-process; the worker tests of the notifications issue start a real
# worker against REDIS_URL themselves.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

# Parallel test runs against one server (several checkouts, helpers) pick their own name.
if os.environ.get("FORUM_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["FORUM_TEST_DB"]}  # noqa: F405
