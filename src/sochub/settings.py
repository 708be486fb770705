"""Django settings, read from environment variables.

Two profiles: development (``SOCHUB_DEBUG=1``, plain HTTP on 127.0.0.1, what ``make run``
uses) and production (the default when ``SOCHUB_DEBUG`` is unset: Secure cookies, HSTS,
TLS expected; passes ``manage.py check --deploy``).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("SOCHUB_HOME", PACKAGE_DIR.parents[1]))
VAR_DIR = Path(os.environ.get("SOCHUB_VAR", BASE_DIR / "var"))
NODE_MODULES = Path(os.environ.get("SOCHUB_NODE_MODULES", BASE_DIR / "node_modules"))


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("SOCHUB_DEBUG")
TESTING = _flag("SOCHUB_TESTING")

_secret = os.environ.get("SOCHUB_SECRET_KEY", "")
if not _secret:
    if not (DEBUG or TESTING):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "SOCHUB_SECRET_KEY is not set. Production needs a long random secret key; "
            "for development set SOCHUB_DEBUG=1 (make run does)."
        )
    _secret = "development-only-key-not-for-production-use-" + "x" * 20
SECRET_KEY = _secret

ALLOWED_HOSTS = [h for h in os.environ.get("SOCHUB_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SOCHUB_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "sochub.partners",
    "sochub.audit",
    "sochub.intel",
    "sochub.jobs",
    "sochub.linkage",
    "sochub.risk",
    "sochub.profiles",
    "sochub.protect",
    "sochub.operations",
    "sochub.recovery",
    "sochub.exchange",
    "sochub.prevent",
    "sochub.prepare",
    "sochub.suspicious_activity",
    "sochub.bulletin",
    "sochub.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sochub.web.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "sochub.web.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sochub.urls"
WSGI_APPLICATION = "sochub.wsgi.application"
ASGI_APPLICATION = "sochub.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "sochub.web.jinja.environment", "autoescape": True},
    },
    {
        # The Django admin keeps its own templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'sochub.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE transactions take the write lock at
    # BEGIN, so concurrent audit appends queue rather than fork the hash chain.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(VAR_DIR / "test-sochub.sqlite3")
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES:
    # Search queries are short and frequent: JIT compiling them costs more than it saves
    # (benchmarks/search.py measured 247 of 659 ms spent compiling at 1M nominals).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "partners.User"
LOGIN_URL = "web:sign_in"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout after repeated failed sign-ins (django-axes), per user name.
AXES_FAILURE_LIMIT = int(os.environ.get("SOCHUB_LOCKOUT_AFTER", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sochub.web.views.auth.locked_out"
AXES_VERBOSE = False
# Lock by account, not by address: partner offices share one address behind their proxies.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Idle session timeout: every request renews the session, so it ends after this many idle seconds.
SESSION_COOKIE_AGE = int(os.environ.get("SOCHUB_IDLE_TIMEOUT", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("SOCHUB_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

# GOV.UK Frontend's stylesheet asks for /assets/fonts and /assets/images, so static files are
# served under /assets/ and its assets folder sits at the root of it.
STATIC_URL = "/assets/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS: list[tuple[str, Path] | Path] = [PACKAGE_DIR / "static"]
for _prefix, _path in [
    ("", NODE_MODULES / "govuk-frontend/dist/govuk/assets"),
    ("", NODE_MODULES / "@ministryofjustice/frontend/moj/assets"),
    ("govuk", NODE_MODULES / "govuk-frontend/dist/govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice/frontend/moj"),
    ("htmx", NODE_MODULES / "htmx.org/dist"),
    ("cytoscape", NODE_MODULES / "cytoscape/dist"),
    ("leaflet", NODE_MODULES / "leaflet/dist"),
]:
    if _path.exists():
        STATICFILES_DIRS.append((_prefix, _path) if _prefix else _path)  # type: ignore[arg-type]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if _flag("SOCHUB_TASKS_IMMEDIATE")
        else "django_tasks_db.DatabaseBackend",
    }
}

SOCHUB_REQUIRE_ADMIN_2FA = _flag("SOCHUB_REQUIRE_ADMIN_2FA", True)

# Vetting levels that may see OFFICIAL-SENSITIVE material.
SOCHUB_OFFICIAL_SENSITIVE_VETTING = ("NPPV2", "NPPV3", "SC", "DV")
# The shortest purpose accepted before personal data is opened.
SOCHUB_PURPOSE_MIN_LENGTH = 8

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("SOCHUB_LOG_LEVEL", "WARNING")},
}

# Imports and record linkage ------------------------------------------------------------------
SOCHUB_IMPORT_DIR = Path(os.environ.get("SOCHUB_IMPORT_DIR", VAR_DIR / "imports"))
# Local profiles: uploaded layers and each build's report, tables and maps.
SOCHUB_PROFILES_DIR = Path(os.environ.get("SOCHUB_PROFILES_DIR", VAR_DIR / "profiles"))
SOCHUB_PROFILE_MAX_BYTES = int(os.environ.get("SOCHUB_PROFILE_MAX_BYTES", 500 * 1024 * 1024))
# Background map tiles for the profile map (none by default: nothing leaves the network). An XYZ URL such as
# https://tiles.example.gov.uk/{z}/{x}/{y}.png; its origin is added to the map page's img-src.
SOCHUB_MAP_TILE_URL = os.environ.get("SOCHUB_MAP_TILE_URL", "")
SOCHUB_MAP_TILE_ATTRIBUTION = os.environ.get("SOCHUB_MAP_TILE_ATTRIBUTION", "")
SOCHUB_IMPORT_MAX_BYTES = int(os.environ.get("SOCHUB_IMPORT_MAX_BYTES", 200 * 1024 * 1024))
# Pairs at or above the link probability are linked; between review and link they wait for an analyst.
SOCHUB_LINK_THRESHOLD = float(os.environ.get("SOCHUB_LINK_THRESHOLD", "0.95"))
SOCHUB_REVIEW_THRESHOLD = float(os.environ.get("SOCHUB_REVIEW_THRESHOLD", "0.5"))

# Risk models. A folder holding an agency's own (or licensed MoRiLE) scales as theme.yaml, ocg.yaml,
# nominal.yaml, ocg-attributes.yaml and prioritisation.yaml; any file not there falls back to SOC Hub's
# open default. Read and validated on use, so a new model needs no code change or restart of the worker.
_RISK_MODELS = os.environ.get("SOCHUB_RISK_MODELS_DIR")
SOCHUB_RISK_MODELS_DIR = Path(_RISK_MODELS) if _RISK_MODELS else None

# Protect: the public self-assessment and local alerts ---------------------------------------------------
# Another questionnaire YAML (versioned reference data); None: SOC Hub's own.
SOCHUB_SELFASSESS_QUESTIONNAIRE = os.environ.get("SOCHUB_SELFASSESS_QUESTIONNAIRE") or None
# Requests a minute one address may make to the public pages (going back and forth never comes close).
# Counted in Django's cache: with several server processes, point CACHES at a shared cache.
SOCHUB_SELFASSESS_RATE_LIMIT = int(os.environ.get("SOCHUB_SELFASSESS_RATE_LIMIT", "120"))
# How long the answers carried from page to page stay valid, in seconds.
SOCHUB_SELFASSESS_STATE_MAX_AGE = int(os.environ.get("SOCHUB_SELFASSESS_STATE_MAX_AGE", str(2 * 60 * 60)))
# Where "Exit this page" goes (GOV.UK's advice: a neutral site that opens quickly).
SOCHUB_SELFASSESS_EXIT_URL = os.environ.get("SOCHUB_SELFASSESS_EXIT_URL", "https://www.bbc.co.uk/weather")
# Postcode district centres (CSV: district, latitude, longitude) for the staff segment map; none: no map.
SOCHUB_POSTCODE_DISTRICTS = os.environ.get("SOCHUB_POSTCODE_DISTRICTS") or None
# The public address links in alert e-mails start with (unsubscribe); empty: the address staff use.
SOCHUB_PUBLIC_URL = os.environ.get("SOCHUB_PUBLIC_URL", "").rstrip("/")

# E-mail (alerts). The console backend prints messages and needs no network; set SOCHUB_EMAIL_BACKEND to
# django.core.mail.backends.smtp.EmailBackend and the SOCHUB_EMAIL_* settings to send for real.
EMAIL_BACKEND = os.environ.get("SOCHUB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("SOCHUB_EMAIL_FROM", "SOC Hub alerts <alerts@sochub.invalid>")
EMAIL_HOST = os.environ.get("SOCHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SOCHUB_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SOCHUB_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SOCHUB_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("SOCHUB_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 30
