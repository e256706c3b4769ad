"""Settings for the gunicorn the needs-list benchmark (P3) starts: the bench database, no
DEBUG, and ``bench.web_urls`` as URLConf, which adds a trivial view to the site's own URLs
for the comparison. Only the benchmark uses this module; the product's URLs stay as they are."""

import os

os.environ.setdefault("DEBUG", "1")  # the development SECRET_KEY, as bench.db keeps it

from bench.db import BENCH_DB
from forum.settings import *  # noqa: F403
from forum.settings import DATABASES

DEBUG = False
DATABASES["default"]["NAME"] = BENCH_DB
# Persistent connections, as a production deployment would use them.
DATABASES["default"]["CONN_MAX_AGE"] = 60
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.web_urls"
CELERY_BROKER_URL = "memory://"
