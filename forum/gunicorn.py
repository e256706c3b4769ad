"""gunicorn's settings in production (the Dockerfile's and docker-compose.yml's command:
``--config python:forum.gunicorn``).

Threaded workers, as the benchmarks measure the site (bench/): a worker answers other
requests while one waits for PostgreSQL, Redis or a slow client, and keeps connections
alive between requests, which sync workers do not. ``WEB_CONCURRENCY`` sets the processes
(gunicorn reads it itself), ``WEB_THREADS`` the threads in each (4 unless set); every thread
keeps its own database connection (``CONN_MAX_AGE``), so PostgreSQL sees at most
processes x threads of them from the web. ``GUNICORN_CMD_ARGS`` still overrides any of it.
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
