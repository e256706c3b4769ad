"""Settings for the gunicorn the HTTP benchmarks start: the site as ``DEBUG=0`` configures it
for production, on the bench database, with ``bench.web_urls`` as URLConf (the site's URLs
plus ``/bench/trivial/``, the yardstick every page is compared with).

What differs from production, and why:
- plain HTTP on loopback: no redirect to HTTPS (the cookies still carry ``Secure``; the
  load generators send them anyway);
- static files: plain ``StaticFilesStorage``, so no ``collectstatic`` is needed before a
  run (pages only build ``/static/`` URLs; whitenoise is not measured);
- cache and task queue in the benchmark's own Redis database (bench/server.py), or in
  process memory without REDIS_URL; tasks are queued, never run inside the request, as
  with the production worker;
- with ``FORUM_BENCH_TIMING=1`` every answer carries a ``Server-Timing`` header with the
  time spent in SQL (bench/web_timing.py), for the search benchmark's breakdown.
Only the benchmarks use this module; the product's settings and URLs stay as they are.
"""

import os

from bench.db import BENCH_DB, BENCH_SECRET_KEY

# Production hardening as DEBUG=0 switches it on, with the benchmark's key (bench/db.py).
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
os.environ["SECURE_SSL_REDIRECT"] = "0"

from bench.server import bench_redis_url
from forum.settings import *  # noqa: F403
from forum.settings import CACHES, DATABASES, MIDDLEWARE

DATABASES["default"]["NAME"] = BENCH_DB
# Persistent connections, as a production deployment would use them.
DATABASES["default"]["CONN_MAX_AGE"] = 60
ROOT_URLCONF = "bench.web_urls"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
_redis = bench_redis_url()
if _redis:  # forum.settings' Redis cache, on the bench database
    CACHES["default"]["LOCATION"] = _redis
CELERY_BROKER_URL = _redis or "memory://"
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"  # nothing leaves the machine
if os.environ.get("FORUM_BENCH_TIMING") == "1":
    MIDDLEWARE = ["bench.web_timing.ServerTiming", *MIDDLEWARE]
