"""Settings, read from the environment (12-factor). Every variable is listed in .env.example."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
HTTPS = env_bool("HTTPS", not DEBUG)


def _secret_key():
    """SECRET_KEY from the environment; a local install keeps a generated one in var/."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "django.forms",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "treebeard",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "chuyende.core",
    "chuyende.accounts",
    "chuyende.org",
    "chuyende.plans",
    "chuyende.study",
    "chuyende.outreach",
    "chuyende.materials",
    "chuyende.reports",
    "chuyende.notifications",
    "chuyende.transfer",
    "chuyende.pledges",
    "chuyende.honors",
    "chuyende.inspections",
    "chuyende.contests",
    "chuyende.privacy",
    "chuyende.demo",
    "chuyende.api",
]

MIDDLEWARE = [
    "chuyende.core.faults.FaultMiddleware",  # database down, disk full: a page, never a trace
    "chuyende.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "chuyende.core.security.SecurityHeadersMiddleware",  # CSP, Permissions-Policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chuyende.core.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "chuyende.privacy.middleware.ConsentGateMiddleware",
    "chuyende.core.middleware.AuditContextMiddleware",
    "chuyende.core.ratelimit.RateLimitMiddleware",
    "chuyende.accounts.middleware.AccountSecurityMiddleware",
]

ROOT_URLCONF = "chuyende.urls"
WSGI_APPLICATION = "chuyende.wsgi.application"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chuyende.notifications.context.unread",
            ],
            # |unlocalize everywhere: ids and query strings must never read "1.573"
            "builtins": ["django.templatetags.l10n"],
        },
    },
]

# Database: SQLite (WAL) in var/ by default, DATABASE_URL for PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Health checks: a persistent connection that died (database restarted) is replaced on its
    # next use instead of failing one request per web worker thread.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "chuyende.sqlite3",
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=5000; PRAGMA cache_size=-20000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
# A PostgreSQL read replica (streaming replication) for the heavy reads: report figures,
# roll-ups and exports go there when DATABASE_REPLICA_URL is set (see chuyende.core.routers).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_URL and DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests never create a DB on a standby
    DATABASE_ROUTERS = ["chuyende.core.routers.ReplicaRouter"]
# How far behind (seconds) the replica may be before its reads go to the primary instead.
REPLICA_MAX_LAG = env_int("REPLICA_MAX_LAG", 30)


def _postgres_session(database: dict) -> None:
    """PostgreSQL sessions of the app run without JIT compilation, whatever the server's default
    (PostgreSQL 12+ turns it on): the planner compiles any query it estimates above
    jit_above_cost, and the pages' bounded queries over big tables are estimated far above it
    while running in milliseconds. Measured on the national data set: the province pledge
    figures' list of unions below the threshold ran in 60 ms and compiled for 270 ms. Options
    given in the URL (`?options=...`) are kept."""
    if database.get("ENGINE", "").endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options.setdefault("options", "-c jit=off")


for _database in DATABASES.values():
    _postgres_session(_database)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # A table of the database (created by migration core 0003): shared by every web worker and
    # the task worker, even on several machines (progress, rate limits, contest data).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "chuyende_cache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 200_000)},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Uploaded files: the largest accepted anywhere (a field may set a smaller limit of its own).
UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", 50)

# Spreadsheet imports: the largest file accepted, the most data rows, and what a zip may unpack to.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 20) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_MB", 400) * 1024 * 1024

# Personal data (chuyende.privacy, docs/privacy.md): members who left or transferred out more
# than this many days ago are anonymised nightly (default 5 years: one union congress term).
PRIVACY_RETENTION_DAYS = env_int("PRIVACY_RETENTION_DAYS", 1826)
# Working files of imports and exports (uploaded member sheets, the cells read from them, error
# lists, exported lists, paper-pledge import rows) are deleted this many days after the job.
PRIVACY_WORK_FILE_DAYS = env_int("PRIVACY_WORK_FILE_DAYS", 30)
# A member passes the privacy notice once per version before the other pages.
PRIVACY_CONSENT_GATE = env_bool("PRIVACY_CONSENT_GATE", True)

# Online contests: attempts one address may start in 10 minutes (shared cache, all workers).
CONTESTS_STARTS_PER_ADDRESS = env_int("CONTESTS_STARTS_PER_ADDRESS", 30)

# Report figures: how old (seconds) the stored figures of a period may be before a page asks
# the task worker to compute them again (the page shows them with their time meanwhile).
FIGURES_MAX_AGE = env_int("FIGURES_MAX_AGE", 600)
# ... and for a period that has ended (late entries still change it, rarely).
FIGURES_MAX_AGE_PAST = env_int("FIGURES_MAX_AGE_PAST", 86400)
# Read figures from the stored table (False: compute every figure from the records on each request).
FIGURES_STORED = env_str("FIGURES_STORED", "1") not in ("0", "false", "no")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTHENTICATION_BACKENDS = [
    "chuyende.core.ratelimit.LoginRateLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Two-factor sign-in (chuyende.accounts): open to everyone; required for admins and managers at
# upper level and above (chuyende/accounts/selectors.py) when on: by default wherever HTTPS is
# on (production), off for the local http demo so its personas sign in with a password.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", HTTPS)
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "chuyende")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Rate limits (chuyende.core.ratelimit, counted in the cache): the public pages per address and
# per identity, and log-in failures (a username + address pair is locked after
# LOGIN_FAILURE_LIMIT failures for LOGIN_COOLOFF_MINUTES; a username or an address alone after
# more). BEHIND_PROXY: a reverse proxy of ours stands in front; PROXY_COUNT: how many, whose
# X-Forwarded-For hops are trusted (chuyende.core.audit.client_address decides the client's
# address for the audit log and the rate limits alike).
BEHIND_PROXY = env_bool("BEHIND_PROXY")
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Language and formats: Vietnamese by default, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["chuyende.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    # FileSystemStorage writing each file whole or not at all (a full disk leaves no fragment)
    "default": {"BACKEND": "chuyende.core.storage.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files in a private bucket of an S3-compatible object store instead of MEDIA_ROOT when
# S3_BUCKET is set (`pip install 'chuyende[s3]'`; chuyende.core.storage.PrivateS3Storage).
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    import importlib.util

    if importlib.util.find_spec("storages") is None:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("S3_BUCKET needs django-storages: pip install 'chuyende[s3]'")
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "location": env_str("S3_PREFIX").strip("/"),
        "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
        "region_name": env_str("S3_REGION") or None,
        # another endpoint than AWS's: bucket in the path (MinIO, Ceph and most others need it)
        "addressing_style": "path" if env_str("S3_ENDPOINT_URL") else None,
    }
    if env_str("S3_ACCESS_KEY_ID"):  # otherwise boto3's own chain (AWS_* variables, a role)
        _s3_options["access_key"] = env_str("S3_ACCESS_KEY_ID")
        _s3_options["secret_key"] = env_str("S3_SECRET_ACCESS_KEY")
    STORAGES["default"] = {
        "BACKEND": "chuyende.core.storage.PrivateS3Storage",
        "OPTIONS": _s3_options,
    }

# Security. HTTPS=false only for a local demo on http://127.0.0.1.
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy and Permissions-Policy: chuyende.core.security

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# HTTP API (chuyende.api, /api/v1/): personal access tokens, JSON errors in the caller's language,
# limits per token and per address (RATELIMITS "api.token" and "api.address").
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "chuyende.api.authentication.BearerTokenAuthentication",
        "chuyende.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["chuyende.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["chuyende.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "chuyende.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "chuyende.api.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
}
# The OpenAPI document's title, description and enum names (plain data).
from chuyende.api.openapi_settings import SPECTACULAR_SETTINGS  # noqa: E402, F401

# Paging
MEMBERS_PER_PAGE = 50

# Reports: the month-day the reporting year starts in the previous calendar year ("12-15" for
# 15/12 to 14/12, as many federations count); "01-01" for calendar periods.
REPORTING_CUTOFF = env_str("REPORTING_CUTOFF", "01-01")

# E-mail (reminder digests): the console in a demo, SMTP in production.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chuyende@localhost")
# Full links in e-mail digests, e.g. https://congdoan.daklak.vn
SITE_URL = env_str("SITE_URL")
