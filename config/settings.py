"""Settings for the whole project, read from the environment (django-environ).

With nothing set, the product runs on its embedded defaults: SQLite under
``var/``, a local-memory cache, Celery on a filesystem broker and the voice
simulator. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
Every variable is listed, with its default, in README.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core and production safety -------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
# Hosts the product may send requests to although they are not public https addresses (a local provider
# stand-in in tests and benchmarks; never the metadata service): core.outbound, docs/operations.md#outbound-requests.
OUTBOUND_ALLOWED_HOSTS = env.list("OUTBOUND_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Production (DEBUG off) is served behind TLS: secure cookies and HSTS are on unless switched off (a local
# plain-HTTP test). The HTTPS redirect needs USE_X_FORWARDED_PROTO behind a proxy, so it stays a switch.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^readyz/workers$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# The content security policy of every answer (core.csp). The admin's Alpine.js evaluates its attributes,
# hence 'unsafe-eval'; nothing is loaded from another origin, and no page may be framed.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; media-src 'self' https:; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
)

# --- Applications ----------------------------------------------------------

INSTALLED_APPS = [
    "unfold.apps.BasicAppConfig",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "config.apps.CrmAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # runserver leaves /static/ to WhiteNoise, as production does
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # full-text and trigram search lookups (used only on PostgreSQL)
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "corsheaders",
    "core",
    "tenants",
    "leads",
    "voice",
    "calls",
    "campaigns",
    "appointments",
    "knowledge",
    "analytics",
    "demo",  # the demo data and seed_demo: may import every app above, none of them imports it
]

MIDDLEWARE = [
    # Outermost: whatever answers under /api/ (Django included) answers in the API's JSON error shape.
    "tenants.api.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.csp.ContentSecurityPolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "tenants.api.middleware.ApiGzipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.middleware.TenantScopeMiddleware",
    "axes.middleware.AxesMiddleware",
    # A staff form sent twice does what it asks once (core.once).
    "core.once.SentOnceMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "tenants.User"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before anything checks them.
    "axes.backends.AxesStandaloneBackend",
    # Permissions come from the user's role in the tenant in scope.
    "tenants.backends.TenantRoleBackend",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------

# An empty DATABASE_URL means "not set": the embedded SQLite default.
_database_url = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": environ.Env.db_url_config(_database_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, IMMEDIATE transactions and a busy timeout let web, worker and beat
    # share one file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
USES_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and env.str("PYTEST_XDIST_WORKER", default=""):
    # Parallel test workers each get their own Redis database: clearing the cache flushes a whole database.
    _worker = int(env.str("PYTEST_XDIST_WORKER").removeprefix("gw") or 0)
    REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + f"/{1 + _worker}" if REDIS_URL.count("/") > 2 else REDIS_URL
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="crm"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "crm",
        }
    }

# --- Celery ----------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: messages are files under var/, shared by every
    # process of `make run`; nothing to install or start.
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "control_folder": str(_broker_dir / "control"),  # the queues' bindings (else ./control, in the checkout)
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
else:
    # A Redis that hangs must not hang whoever talks to it (a web process sending a wake-up, /readyz, a
    # worker): short socket timeouts, keepalive to notice a dead peer.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_timeout": 5,
        "socket_connect_timeout": 2,
        "socket_keepalive": True,
    }
# Sending a message tries three times within about two seconds, then gives up: the work is in a row, and
# beat's sweepers send for it again (core.wakeup).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {}  # filled by config/celery.py from each app's schedule

# --- Auth, lockout, passwords ------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# How many proxies in front of the web processes append to X-Forwarded-For. 0: the header is ignored
# (a client could write anything in it); behind one load balancer, 1. Rate limits, lockouts and the
# audit log all read the client's address this way.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXIES
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "tenants.api.auth.lockout_response"
LOGIN_URL = reverse_lazy("admin:login")
LOGIN_REDIRECT_URL = reverse_lazy("admin:index")

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
}
# Rotation renews a refresh token until this long after the sign-in, then the user signs in again.
JWT_SESSION_MAX_DAYS = env.int("JWT_SESSION_MAX_DAYS", default=30)

# --- API ---------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.authentication.CachedJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.api.permissions.TenantModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "tenants.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "tenants.api.filtering.FilterBackend",
        "tenants.api.filtering.StrictSearchFilter",
        "tenants.api.filtering.StrictOrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "tenants.api.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
        "login": env.str("API_THROTTLE_LOGIN", default="20/minute"),
        "login_name": env.str("API_THROTTLE_LOGIN_NAME", default="10/minute"),
    },
    "EXCEPTION_HANDLER": "tenants.api.errors.exception_handler",
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# Request bodies: JSON up to this size (a 413 past it); forms and uploads follow Django's own limits.
API_MAX_JSON_BYTES = env.int("API_MAX_JSON_BYTES", default=2_621_440)

# Browsers may call the API from these origins (the mobile app's web build, integrations' pages).
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-tenant",
)
CORS_EXPOSE_HEADERS = ["Retry-After", "Idempotent-Replayed"]
CORS_PREFLIGHT_MAX_AGE = 86400

SPECTACULAR_SETTINGS = {
    "TITLE": "Voice CRM API",
    "DESCRIPTION": (
        "REST API for the gym and dealership voice CRM. Authenticate with "
        "`POST /api/v1/auth/login`, send `Authorization: Bearer <access>`, and "
        "pick a tenant with the `X-Tenant` header when you belong to several."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tenants.api.schema.document_errors",
        "tenants.api.schema.example_ids",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "LeadSourceEnum": "leads.models.Source",
        "PurposeEnum": "leads.purposes.Purpose",
        "ConsentSourceEnum": "leads.models.ConsentSource",
        "DncSourceEnum": "leads.models.DncSource",
        "CallStatusEnum": "calls.models.CallStatus",
        "ImportStatusEnum": "leads.models.ImportStatus",
        "AppointmentKindEnum": "appointments.models.Kind",
        "AppointmentStatusEnum": "appointments.models.Status",
        "AppointmentSourceEnum": "appointments.models.Source",
        "KnowledgeCategoryEnum": "knowledge.models.Category",
        "DocumentStatusEnum": "knowledge.models.DocumentStatus",
    },
}

# --- Internationalisation, static, media ---------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# STATIC_HASHED: files collected (collectstatic) under names of their content, cached by browsers for a year
# (core.static_files). `make run` and production set it; without it files are served as they are on disk.
STATIC_HASHED = env.bool("STATIC_HASHED", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            ("core.static_files.HashedStaticFiles" if DEBUG else "core.static_files.CompressedHashedStaticFiles")
            if STATIC_HASHED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
# WhiteNoise serves static files in every mode (runserver too: whitenoise.runserver_nostatic); hashed files
# come from STATIC_ROOT, read once at start, otherwise from the apps' folders as they change.
WHITENOISE_USE_FINDERS = DEBUG and not STATIC_HASHED
WHITENOISE_AUTOREFRESH = DEBUG and not STATIC_HASHED
WHITENOISE_MIMETYPES = {".wav": "audio/wav"}  # the simulator's recording (WhiteNoise sends it as a download)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# --- Email ------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Voice CRM <noreply@localhost>")

# --- SMS (appointment reminders; see appointments.notify) ----------------------------

SMS_BACKEND = env.str("SMS_BACKEND", default="console")  # console | twilio | locmem
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")  # else each business's callback number
TWILIO_API_BASE = env.str("TWILIO_API_BASE", default="https://api.twilio.com")

# --- Logging ------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Admin theme ----------------------------------------------------------------------

from django.templatetags.static import static  # noqa: E402  (the favicon's URL, hashed when STATIC_HASHED)

UNFOLD = {
    "SITE_TITLE": "Voice CRM",
    "SITE_HEADER": "Voice CRM",
    "SITE_SYMBOL": "support_agent",
    "STYLES": [lambda request: static("voice/css/phone.css")],  # the phone layout
    "SCRIPTS": [lambda request: static("voice/js/once.js")],  # every form sent once, its buttons busy meanwhile
    "SITE_FAVICONS": [
        {"rel": "icon", "type": "image/svg+xml", "href": lambda request: static("voice/favicon.svg")},
    ],
    "SITE_SUBHEADER": "tenants.admin_site.site_subheader",
    "SITE_DROPDOWN": "tenants.admin_site.tenant_dropdown",
    "ENVIRONMENT": "tenants.admin_site.environment_badge",
    "DASHBOARD_CALLBACK": "analytics.dashboard.dashboard_callback",
    "SHOW_VIEW_ON_SITE": False,
    # No explicit navigation: the sidebar lists each app's models the user may see.
    "SIDEBAR": {"show_search": True, "show_all_applications": False},
}

# --- Product settings -------------------------------------------------------------------

# Secrets at rest (provider API keys, webhook secrets) are encrypted with the
# first key; older keys still decrypt, so keys rotate by prepending a new one.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# The key of the hashes that are all an erased person leaves (leads.models.suppression_hash). Kept apart
# from the data (an environment variable, not a row) and never rotated: a new key would forget who was erased.
SUPPRESSION_KEY = env.str("SUPPRESSION_KEY", default="")
if not DEBUG and not (FIELD_ENCRYPTION_KEYS and SUPPRESSION_KEY):
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and SUPPRESSION_KEY must be set when DEBUG is off.")
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default=f"http://localhost:{env.int('PORT', default=8000)}")
# The simulator's calls take their time (1: answered after 2 s, ended a few seconds later); 0 plays them at once.
VOICE_SIMULATOR_PACE = env.float("VOICE_SIMULATOR_PACE", default=1.0)
# The currency of every amount (providers' call costs, recorded expenses), ISO 4217.
CURRENCY = env.str("CURRENCY", default="USD")

# Dashboard and analytics API: how long a report stays cached (it is also dropped when a call ends or
# an appointment changes), and the tenant-local hour after which the daily summary email goes out.
ANALYTICS_CACHE_SECONDS = env.int("ANALYTICS_CACHE_SECONDS", default=120)
DAILY_SUMMARY_HOUR = env.int("DAILY_SUMMARY_HOUR", default=7)
