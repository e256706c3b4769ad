# Production image: gunicorn serves the site, the same image runs the Celery worker and beat
# (see docker-compose.yml). Everything the pages load is in the image: Bootstrap from the npm
# registry, our own CSS/JS, fonts for WeasyPrint. Nothing is fetched from another host at runtime.

# --- Front-end libraries from the npm registry, exactly as pinned in package-lock.json -------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
# axe-core is a devDependency for the browser tests only.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- Application --------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries and local fonts (PDFs never fetch fonts), gettext for
# compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system forum \
    && useradd --system --gid forum --home-dir /app --no-create-home --shell /usr/sbin/nologin forum

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. Hashes are checked.
COPY requirements/base.lock requirements/base.lock
RUN pip install --require-hashes -r requirements/base.lock

COPY . .
COPY --from=assets /build/node_modules/bootstrap node_modules/bootstrap

# Build-time values only: settings need a key and a database URL to import, but neither
# command connects to the database. The real values come from .env at runtime.
RUN export DEBUG=0 SECRET_KEY=build-only-not-a-secret DATABASE_URL=postgres://build@127.0.0.1/build \
    && python manage.py compilemessages --ignore=node_modules -v 0 \
    && python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var/media \
    && chown -R forum:forum /app/var

ENV DEBUG=0 \
    MEDIA_ROOT=/app/var/media

USER forum
EXPOSE 8000

# Workers: set WEB_CONCURRENCY (gunicorn reads it); more options via GUNICORN_CMD_ARGS.
CMD ["gunicorn", "forum.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
