"""A throw-away database for benchmarks on the configured PostgreSQL server."""

import os
from pathlib import Path

import django

# ``FORUM_BENCH_DB`` names it when several checkouts run benchmarks on one server; the
# gunicorn and worker processes the benchmarks start inherit the variable.
BENCH_DB = os.environ.get("FORUM_BENCH_DB") or "forum_bench"
# One key for the benchmark and the servers it starts (unless SECRET_KEY is set): sessions
# written here carry a digest of it, which gunicorn checks for every logged-in request.
BENCH_SECRET_KEY = "bench-only-secret-key-for-loopback-servers-0123456789-abcdefghij"


def setup_django() -> None:
    """Configures Django against a freshly created bench database and migrates it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    from django.conf import settings

    if settings.configured and getattr(settings, "_bench_ready", False):
        return
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from bench.server import bench_redis_url

    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = BENCH_DB
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    # Measure without DEBUG's query log.
    settings.DEBUG = False
    # The cache invalidations the inserts send go to the bench Redis database, as the
    # server's cache does (bench/web_settings.py), never to development's.
    if bench_redis_url():
        settings.CACHES["default"]["LOCATION"] = bench_redis_url()
    Path(settings.STATIC_ROOT).mkdir(exist_ok=True)  # whitenoise warns when it is missing
    call_command("migrate", verbosity=0, interactive=False)
    settings._bench_ready = True
