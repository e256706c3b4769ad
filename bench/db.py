"""A throw-away database for benchmarks on the configured PostgreSQL server."""

import os
from pathlib import Path

import django

BENCH_DB = "forum_bench"


def setup_django() -> None:
    """Configures Django against a freshly created ``forum_bench`` database and migrates it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    os.environ.setdefault("DEBUG", "1")
    from django.conf import settings

    if settings.configured and getattr(settings, "_bench_ready", False):
        return
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = BENCH_DB
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    # Measure without DEBUG's query log; the dev SECRET_KEY stays (DEBUG=0 would demand one).
    settings.DEBUG = False
    Path(settings.STATIC_ROOT).mkdir(exist_ok=True)  # whitenoise warns when it is missing
    call_command("migrate", verbosity=0, interactive=False)
    settings._bench_ready = True
