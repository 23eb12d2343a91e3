"""Casework settings: one module, driven by the environment.

With no environment at all Casework runs embedded: SQLite, Celery eager, mail
and SMS to the console and to ``var/outbox``, DEBUG on, a generated secret.
``DJANGO_DEBUG=false`` selects production, configured only by environment
variables (see ``.env.example``).
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CASEWORK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def require_env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Production (DJANGO_DEBUG=false) requires it; see .env.example."
        )
    return value


def development_secret() -> str:
    """Return a secret generated once for this checkout and kept in var/."""
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", True)
# Production is decided once, here; code asks CASEWORK_PRODUCTION, never DEBUG
# (the test runner turns DEBUG off without making the process production).
CASEWORK_PRODUCTION = PRODUCTION = not DEBUG

if PRODUCTION:
    SECRET_KEY = require_env("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", require_env("DJANGO_ALLOWED_HOSTS"))
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or development_secret()
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "knox",
    "config.apps.AxesConfig",  # django-axes, named in Chinese (config.apps)
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "viewflow",
    "viewflow.workflow",
    "casework",
    "registry",
    "inspections",
    "penalties",
    "notifications",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "casework.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: it answers a locked-out sign-in (casework.logins.lockout_response).
    "axes.middleware.AxesMiddleware",
    # Viewflow's frontend: the staff site and its apps on each request, Turbo form posts.
    "casework.frontend.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
]
# The middleware is listed above (Casework's site middleware extends Viewflow's),
# so Viewflow must not append its own.
VIEWFLOW = {
    "AUTOREGISTER": False,
    # The free edition has no checkbox-list component (casework.renderers).
    "WIDGET_RENDERERS": {
        "django.forms.CheckboxSelectMultiple": "casework.renderers.CheckboxListRenderer"
    },
}

if PRODUCTION:
    # Serve collected static files (gunicorn serves none; runserver does in development).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

# Content-Security-Policy on every response (django-csp): scripts only from our
# own static files, no inline script, nothing framed, forms post only here.
# Inline styles stay allowed: Viewflow's Material components set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF, csp_constants.UNSAFE_INLINE],
        "img-src": [csp_constants.SELF, "data:", "blob:"],
        "font-src": [csp_constants.SELF, "data:"],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
            ],
        },
    },
]

# Database: SQLite by default; DATABASE_URL selects anything else.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
elif PRODUCTION:
    DATABASES = {"default": dj_database_url.parse(require_env("DATABASE_URL"))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "casework.sqlite3",
            # A file, not memory, so that a test can hand the database to a fresh
            # process (``tick --skip-checks``, a Celery task) and read its work.
            "TEST": {"NAME": VAR_DIR / "test_casework.sqlite3"},
            # Writers queue instead of failing, and take the write lock when the
            # transaction begins, so a read-then-write never deadlocks.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "casework.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Chinese by default, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
if PRODUCTION:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
MEDIA_ROOT = Path(os.environ.get("CASEWORK_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Evidence files: content-addressed under MEDIA_ROOT/evidence, never served from MEDIA_URL
# (only through the API, to those who may see the case).
CASEWORK_EVIDENCE_DIR = MEDIA_ROOT / "evidence"
CASEWORK_EVIDENCE_MAX_BYTES = int(os.environ.get("CASEWORK_EVIDENCE_MAX_BYTES", 50 * 1024 * 1024))

# Cache: Redis when configured (shared by every process), else local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker when configured; otherwise tasks run eagerly in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
if PRODUCTION and not CELERY_BROKER_URL:
    require_env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or (
    REDIS_URL or CELERY_BROKER_URL or None
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# The sweep runs every minute; CI's services lane shortens it to see beat at work.
CELERY_BEAT_SCHEDULE = {
    "tick": {
        "task": "casework.tasks.tick",
        "schedule": float(os.environ.get("CASEWORK_TICK_SECONDS", "60")),
    },
}
# A deadline or reminder whose handler fails this many times is no longer retried:
# it is marked failing for an administrator (admin filter, /api/v1/deadlines/?status=failing).
CASEWORK_SWEEP_MAX_ATTEMPTS = int(os.environ.get("CASEWORK_SWEEP_MAX_ATTEMPTS", "5"))
# A penalty case needs legal review before approval from these fines (yuan) on: a
# local rule; the defaults are the hearing thresholds until the province's are set.
CASEWORK_REVIEW_THRESHOLD_UNIT = os.environ.get("CASEWORK_REVIEW_THRESHOLD_UNIT", "30000")
CASEWORK_REVIEW_THRESHOLD_PERSON = os.environ.get("CASEWORK_REVIEW_THRESHOLD_PERSON", "10000")
# A party may ask for a hearing from these fines (yuan) on (Administrative Penalty Law
# art. 63: the province's figures; the defaults until they are set), and always
# against a suspension.
CASEWORK_HEARING_THRESHOLD_UNIT = os.environ.get("CASEWORK_HEARING_THRESHOLD_UNIT", "30000")
CASEWORK_HEARING_THRESHOLD_PERSON = os.environ.get("CASEWORK_HEARING_THRESHOLD_PERSON", "10000")

# Mail and SMS: console plus a local outbox folder unless configured.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "notifications.backends.ConsoleAndFolderEmail"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "casework@localhost")
CASEWORK_OUTBOX_DIR = Path(os.environ.get("CASEWORK_OUTBOX_DIR", VAR_DIR / "outbox"))
CASEWORK_SMS_BACKEND = os.environ.get(
    "CASEWORK_SMS_BACKEND", "notifications.backends.ConsoleAndFolderSMS"
)

# The simulated clock (`clock set`) exists only outside production.
CASEWORK_SIMULATED_CLOCK = not PRODUCTION

# --- Sign-ins and tokens (casework.logins) ----------------------------------------------
# Proxies in front of the server whose X-Forwarded-For entry is trusted (0: none).
CASEWORK_TRUSTED_PROXIES = int(os.environ.get("CASEWORK_TRUSTED_PROXIES", "0"))
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked after this many failures within the cool-off time for one username, or
# from one address (an office behind one address has many users: it gets more).
# casework.logins.LockoutHandler counts both and answers 1 (locked) or 0.
AXES_HANDLER = "casework.logins.LockoutHandler"
AXES_FAILURE_LIMIT = 1
CASEWORK_FAILURES_PER_ACCOUNT = int(os.environ.get("CASEWORK_FAILURES_PER_ACCOUNT", "5"))
CASEWORK_FAILURES_PER_ADDRESS = int(os.environ.get("CASEWORK_FAILURES_PER_ADDRESS", "30"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("CASEWORK_LOCKOUT_MINUTES", "15"))
)
# What a successful sign-in resets: that account's failures (not its address's:
# signing in to one's own account must not wipe the count of an address).
# The address is counted by the handler, which axes' check W006 cannot see.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "casework.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "casework.logins.client_address"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit trail
AXES_VERBOSE = False
# API tokens (django-rest-knox): one per sign-in, hashed, expiring, revocable.
CASEWORK_TOKEN_HOURS_STAFF = float(os.environ.get("CASEWORK_TOKEN_HOURS_STAFF", "8"))
CASEWORK_TOKEN_HOURS_ENTERPRISE = float(os.environ.get("CASEWORK_TOKEN_HOURS_ENTERPRISE", "8"))
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": datetime.timedelta(hours=CASEWORK_TOKEN_HOURS_STAFF),
    "AUTO_REFRESH": False,
}
# Requests per minute an API caller may send: anonymous (per address), signed in
# (per user), and token requests (per address). None: no limit.
CASEWORK_API_RATES = {
    "anon": os.environ.get("CASEWORK_RATE_ANONYMOUS", "60/min"),
    "user": os.environ.get("CASEWORK_RATE_USER", "600/min"),
    "sign_in": os.environ.get("CASEWORK_RATE_SIGN_IN", "20/min"),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous call is answered 401 with a challenge.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per caller and per address (casework.throttles; rates below).
    "DEFAULT_THROTTLE_CLASSES": [
        "casework.throttles.AnonymousRate",
        "casework.throttles.UserRate",
    ],
    "NUM_PROXIES": CASEWORK_TRUSTED_PROXIES,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "casework.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["casework.filters.ScopedFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "casework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "casework.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Casework API",
    "DESCRIPTION": "Case management for safety-law enforcement.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name for a choice set used by several serializers.
    "ENUM_NAME_OVERRIDES": {"SpecialOpsCategoryEnum": "registry.models.SpecialOpsCategory"},
    # Serve Swagger UI from our own static files: bureaus often run without Internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
    SILENCED_SYSTEM_CHECKS += [] if SECURE_HSTS_PRELOAD else ["security.W021"]
