"""Muang settings. Every deployment knob is an environment variable (see README "Configuration").

MUANG_ENV=production switches on the production security settings; anything else is a local install
(`make run` on a laptop or a municipality's own machine behind its own proxy).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
ROOT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("MUANG_DATA", ROOT_DIR / ".data"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(int(default))).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


MUANG_ENV = os.environ.get("MUANG_ENV", "local")
PRODUCTION = MUANG_ENV == "production"
TESTING = env_bool("MUANG_TESTING")
DEBUG = env_bool("MUANG_DEBUG") and not PRODUCTION


def _secret_key() -> str:
    if key := os.environ.get("MUANG_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    if PRODUCTION:
        raise RuntimeError("MUANG_SECRET_KEY must be set in production")
    # Only reached before setup has written .data/secret_key (e.g. a bare `manage.py check`).
    return "insecure-local-key-run-make-run-to-generate-one-" + "x" * 20


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("MUANG_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("MUANG_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",  # trigram indexes on expressions (the case queue's search)
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "muang.core",
    "muang.cases",
    "muang.property",
    "muang.billing",
    "muang.reports",
    "muang.selfservice",
    "muang.iot",
    "muang.lighting",
    "muang.environment",
    "muang.ngsi",
    "muang.care",
    "muang.ems",
    "muang.eservices",
    "muang.waste",
    "muang.kpi",
    "muang.opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "muang.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "muang.core.middleware.RequestIdMiddleware",
    "muang.core.input_guard.RefuseHostileInputMiddleware",  # before the session reads its cookie
    "django.contrib.sessions.middleware.SessionMiddleware",
    "muang.core.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "muang.core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "muang.core.middleware.ProblemJsonMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "muang.urls"
WSGI_APPLICATION = "muang.wsgi.application"

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
                "muang.core.context_processors.workspace",
            ],
        },
    },
]

# --- Database: PostgreSQL + PostGIS only --------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
else:
    # The private cluster that scripts/pg.sh runs under .data/ (socket only, no TCP).
    DATABASES = {
        "default": {
            "ENGINE": "django.contrib.gis.db.backends.postgis",
            "NAME": "muang",
            "USER": "muang",
            "HOST": os.environ.get("MUANG_PG_SOCKET_DIR", str(DATA_DIR / "run")),
            "PORT": os.environ.get("MUANG_PG_PORT", "54329"),
            "CONN_MAX_AGE": 60,
        }
    }
if os.environ.get("MUANG_DB_NAME"):  # e.g. a worker started by a test against the test database
    DATABASES["default"]["NAME"] = os.environ["MUANG_DB_NAME"]
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("MUANG_TEST_DB", "test_muang")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ----------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the signed-in user read from a per-process cache kept right by a stamp (issue 11).
    "muang.core.auth_backends.StampedModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 failures per username + address, then a 15-minute cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("MUANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("MUANG_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "muang.core.views.auth.lockout"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("MUANG_PROXY_COUNT", "0"))
AXES_VERBOSE = False

# --- Internationalisation: Thai first, English on request; Asia/Bangkok -------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Bangkok"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "muang_language"

# --- Static and media ------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
NODE_MODULES = ROOT_DIR / "node_modules"
# Front-end libraries come from npm packages installed by the setup step, never copied into the repository:
# each app declares its own (`AppContract.vendor_static`), served from node_modules by this finder.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "muang.core.staticfiles.VendorFinder",
    "muang.core.staticfiles.PackageFileFinder",
]
# Single files of packages whose useful part does not sit in one small folder (muang.core.staticfiles).
MUANG_PACKAGE_STATIC_FILES = {
    "vendor/ol/ol.js": NODE_MODULES / "ol" / "dist" / "ol.js",  # OpenLayers for the admin's map widget
    # ol.js names its source map; the manifest storage refuses to publish a file whose reference is missing.
    "vendor/ol/ol.js.map": NODE_MODULES / "ol" / "dist" / "ol.js.map",
    "vendor/ol/ol.css": NODE_MODULES / "ol" / "ol.css",
}
STORAGES = {
    # Public media (MEDIA_ROOT at /media/): organisation logos only. Every other upload is private.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Private files (MUANG_PRIVATE_ROOT, never published): served by /files/ after an access check.
    "private": {"BACKEND": "muang.core.uploads.PrivateStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MUANG_MEDIA_ROOT", DATA_DIR / "media"))
MUANG_PRIVATE_ROOT = Path(os.environ.get("MUANG_PRIVATE_ROOT", DATA_DIR / "private"))
# Every uploaded image (muang.core.images): refused above these before any pixel is decoded.
MUANG_IMAGE_MAX_BYTES = int(os.environ.get("MUANG_IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
MUANG_IMAGE_MAX_PIXELS = int(os.environ.get("MUANG_IMAGE_MAX_PIXELS", "32000000"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Background jobs: django-tasks with the database backend --------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING and not env_bool("MUANG_TEST_REAL_QUEUE")
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
MUANG_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("MUANG_WORKER_HEARTBEAT_SECONDS", "15"))
MUANG_WORKER_STALE_SECONDS = 90
# Each app's periodic tasks, demo loaders and settings are declared in its AppConfig (muang.core.contract).

# --- Security -------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_ENGINE = "muang.core.sessions"  # Django's database sessions, read with one precompiled statement
# Sessions stay in the database (one primary-key read per request), on purpose (issue 11). `cached_db` with the
# local-memory cache is per gunicorn worker: a session changed in one worker (a sign-out, a citizen's report
# token, the chosen organisation) stays stale in the others' caches until it expires, and a signed-out cookie
# would still work there. Signed cookies cannot be revoked at sign-out and would not hold a citizen's report
# tokens (MAX_TOKENS_IN_SESSION) within a cookie's 4 KB. A shared cache would need a new server.
# A citizen's web filing writes its session in the filing's own transaction: one commit (docs/adr/0020).
# What is cached per process instead: the signed-in user (muang.core.auth_backends) and the actor's memberships
# (muang.core.access), both kept right across workers by stamps that triggers bump (muang.core.stamps).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Base map tiles for Leaflet and the admin's map (any XYZ tile server, e.g. a municipality's own or OSM's).
MUANG_MAP_TILES = os.environ.get("MUANG_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
_tiles = urlsplit(MUANG_MAP_TILES)
# A relative URL (tiles served by this site) needs nothing more; `{s}.tile…` subdomains become a wildcard.
MUANG_MAP_TILES_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc}".replace("{s}", "*") if _tiles.netloc else SELF
# Content-Security-Policy (django-csp): scripts and styles only from this site (every front-end library is
# served from an installed package, never a CDN), inline scripts only with the request's nonce, style
# attributes never; images also from the tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:", MUANG_MAP_TILES_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy: only what pages use. Geolocation for the report form, the field survey and the maps; no
# camera or microphone (photos come through a file input, which needs neither), no payment, USB, sensors, ...
MUANG_PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "midi": [],
    "display-capture": [],
    "accelerometer": [],
    "gyroscope": [],
    "magnetometer": [],
    "fullscreen": ["self"],
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("MUANG_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("MUANG_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging: one JSON object per line on stderr, with the request id -----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "muang.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MUANG_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Debian 12 ships GDAL 3.6, which cannot block file/network access from spatial reference definitions.
# Muang passes GDAL only EPSG codes it chooses itself, never a user-supplied SRS string. Revisit with GDAL >= 3.9.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Muang ----------------------------------------------------------------------------------------------------
MUANG_SITE_NAME = os.environ.get("MUANG_SITE_NAME", "Muang")
# The site's public address, for links in messages sent outside a request (SMS and e-mail updates to reporters).
MUANG_PUBLIC_URL = os.environ.get("MUANG_PUBLIC_URL", "http://localhost:8000")
MUANG_DEMO_PASSWORD = os.environ.get("MUANG_DEMO_PASSWORD", "muang-demo-2569")
# LINE Messaging API endpoint (tests point it at a local recording server).
MUANG_LINE_API_BASE = os.environ.get("MUANG_LINE_API_BASE", "https://api.line.me")
# SMS gateway (ThaiBulkSMS API v2, muang.core.sms). Without a key and secret, DEBUG installs print sign-in codes
# to the console instead (muang.selfservice), and production cannot send codes.
# Without an SMS gateway outside production (`make run`), sign-in codes go to the log instead of a phone.
MUANG_SMS_CONSOLE = env_bool("MUANG_SMS_CONSOLE") and not PRODUCTION
MUANG_SMS_API_BASE = os.environ.get("MUANG_SMS_API_BASE", "https://api-v2.thaibulksms.com")
MUANG_SMS_API_KEY = os.environ.get("MUANG_SMS_API_KEY", "")
MUANG_SMS_API_SECRET = os.environ.get("MUANG_SMS_API_SECRET", "")
MUANG_SMS_SENDER = os.environ.get("MUANG_SMS_SENDER", "")
MUANG_SMS_CREDIT_TYPE = os.environ.get("MUANG_SMS_CREDIT_TYPE", "standard")
# E-mail to reporters who left an address (muang.core.mail, through Django's SMTP backend). Without an SMTP
# host outside production (`make run`), messages are written to the worker's log instead.
EMAIL_HOST = os.environ.get("MUANG_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("MUANG_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("MUANG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MUANG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MUANG_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("MUANG_EMAIL_FROM", "muang@localhost")
if not EMAIL_HOST:
    EMAIL_HOST = "localhost"
    if not PRODUCTION:
        EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
