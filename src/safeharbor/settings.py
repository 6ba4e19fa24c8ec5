"""SafeHarbor settings: one module, every knob from the environment, safe defaults.

`SAFEHARBOR_ENV=production` turns on the production guards: the process refuses to start with
DEBUG on, the development secret key, or an empty ALLOWED_HOSTS. See `.env.example`.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_str(name: str, default: str = "") -> str:
    """A string from the environment; `NAME_FILE` (a path) wins over `NAME`, for secrets."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-7c1e9b"  # noqa: S105

SAFEHARBOR_ENV = env_str("SAFEHARBOR_ENV", "development")
if SAFEHARBOR_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("SAFEHARBOR_ENV must be development, test or production")
PRODUCTION = SAFEHARBOR_ENV == "production"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("Refusing to start: DEBUG is on in production.")
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Refusing to start: set SECRET_KEY (50+ random characters).")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Refusing to start: ALLOWED_HOSTS is empty.")

DATA_DIR = Path(env_str("SAFEHARBOR_DATA_DIR", str(PROJECT_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "huey.contrib.djhuey",
    "safeharbor.core",
    "safeharbor.agency",
    "safeharbor.accounts",
    "safeharbor.audit",
    "safeharbor.youth",
    "safeharbor.screening",
    "safeharbor.missing",
    "safeharbor.mdt",
    "safeharbor.care",
    "safeharbor.webaccess",
    "safeharbor.guidance",
    "safeharbor.deadlines",
    "safeharbor.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safeharbor.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safeharbor.audit.middleware.AccessDenialAuditMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safeharbor.core.middleware.SessionPolicyMiddleware",
    "safeharbor.accounts.mfa.MfaRequiredMiddleware",
    "safeharbor.core.middleware.AgencyTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safeharbor.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeharbor.urls"
WSGI_APPLICATION = "safeharbor.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "safeharbor.core.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
# SQLite, however it is named: WAL, synchronous=FULL, IMMEDIATE transactions, a busy timeout.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
}
DATABASES: dict[str, dict[str, Any]]
if DATABASE_URL:
    DATABASES = {"default": dict(dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "safeharbor.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
            "TEST": {"NAME": env_str("SAFEHARBOR_TEST_SQLITE", "") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and sessions ------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 15}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if SAFEHARBOR_ENV == "test":
    # Tests only: a fast hasher (each persona's password would otherwise cost PBKDF2's full work factor).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
SESSION_ACTIVITY_RESOLUTION = timedelta(seconds=30)  # idle clock granularity (one session write per 30 s)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_NAME = "__Host-sh_session" if SESSION_COOKIE_SECURE else "sh_session"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "__Host-sh_csrf" if CSRF_COOKIE_SECURE else "sh_csrf"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Sign-in lockout (accounts/lockout.py, docs/security.md "Sign-in lockout"). django-axes: 5 consecutive
# failures for one username from one address lock that username at that address for 30 minutes (its
# defaults are 3 and forever), so nobody can lock someone else's account from elsewhere. Across every
# address, LOGIN_USERNAME_FAILURE_LIMIT failures within the same 30 minutes lock the username everywhere
# for 30 minutes (a guesser who moves between addresses); that lock is audited and the agency's admins are
# told. Admins see and lift their users' locks (page accounts:sign-in-locks).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "safeharbor.accounts.lockout.SafeHarborAxesHandler"
# The client address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost one saw
# (X-Forwarded-For counted from the right; entries a client adds on the left are never trusted).
AXES_CLIENT_IP_CALLABLE = "safeharbor.accounts.lockout.client_ip"
AXES_RESET_ON_SUCCESS = True
# The lock lasts 30 minutes from the fifth failure; tries during the lock do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "safeharbor.accounts.views.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "password"]
LOGIN_USERNAME_FAILURE_LIMIT = env_int("LOGIN_USERNAME_FAILURE_LIMIT", 20)
if AXES_FAILURE_LIMIT < 1 or LOGIN_USERNAME_FAILURE_LIMIT <= AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured("LOGIN_USERNAME_FAILURE_LIMIT must be greater than LOGIN_FAILURE_LIMIT (>= 1)")
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

# --- Second factor (django-otp TOTP + one-time recovery codes), accounts/mfa.py -------------------
# Every account must pass a second factor. Only the test suite turns this off (force_login sessions);
# the MFA tests turn it back on. Production refuses to start without it.
MFA_REQUIRED = env_bool("MFA_REQUIRED", SAFEHARBOR_ENV != "test")
if PRODUCTION and not MFA_REQUIRED:
    raise ImproperlyConfigured("Refusing to start: MFA_REQUIRED is off in production.")
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "SafeHarbor")
# Exponential back-off after a wrong code: 1, 2, 4, 8... seconds times the factor (django-otp).
OTP_TOTP_THROTTLE_FACTOR = env_int("OTP_THROTTLE_FACTOR", 1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
MFA_RECOVERY_CODE_COUNT = 10
# Enrolling an authenticator needs a one-time enrolment code from an IT admin (or a single sign-on
# session): the password alone never adds a second factor (accounts/enrolment.py).
MFA_ENROLMENT_CODE_HOURS = env_int("MFA_ENROLMENT_CODE_HOURS", 72)
MFA_ENROLMENT_CODE_MAX_TRIES = 5  # wrong codes that void the user's outstanding enrolment code
if MFA_ENROLMENT_CODE_HOURS < 1:
    raise ImproperlyConfigured("MFA_ENROLMENT_CODE_HOURS must be positive")

# --- API tokens (accounts/tokens.py) ------------------------------------------------------------
# A personal API token lives at most API_TOKEN_HOURS (default: the absolute session limit) and never
# longer than the signed-in session it was made in; sign-out, session expiry, a second-factor reset,
# a role change and disabling the user end it. Only a SHA-256 of the secret is stored.
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 12)
API_TOKEN_LIFETIME = timedelta(hours=API_TOKEN_HOURS)
API_TOKEN_MAX_LIVE = 5  # live tokens per user
if API_TOKEN_HOURS < 1:
    raise ImproperlyConfigured("API_TOKEN_HOURS must be positive")

# --- Single sign-on (OpenID Connect, mozilla-django-oidc), accounts/oidc.py ---------------------
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "") or None
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
OIDC_CALLBACK_CLASS = "safeharbor.accounts.oidc.OidcCallbackView"
OIDC_AUTHENTICATE_CLASS = "safeharbor.accounts.oidc.OidcStartView"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
# The agency whose users sign in through the IdP, the IdP claim holding group names, and the map
# from IdP group to SafeHarbor role (JSON object, e.g. {"csec-workers": "worker"}).
OIDC_AGENCY_SLUG = env_str("OIDC_AGENCY_SLUG", "")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
try:
    OIDC_GROUP_ROLE_MAP: dict[str, str] = json.loads(env_str("OIDC_GROUP_ROLE_MAP", "{}"))
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured("OIDC_GROUP_ROLE_MAP must be a JSON object") from exc
if not isinstance(OIDC_GROUP_ROLE_MAP, dict):
    raise ImproperlyConfigured("OIDC_GROUP_ROLE_MAP must be a JSON object")
# `amr` values that mean the IdP did a second factor; without one the user still passes local TOTP.
OIDC_MFA_AMR_VALUES = env_list("OIDC_MFA_AMR_VALUES", ["mfa", "otp"])
if OIDC_ENABLED:
    if not (OIDC_RP_CLIENT_ID and OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_AGENCY_SLUG):
        raise ImproperlyConfigured("OIDC_ENABLED needs the client id, the IdP endpoints and OIDC_AGENCY_SLUG.")
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "safeharbor.accounts.oidc.SafeHarborOidcBackend"]

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# Swagger UI (/api/docs/ only, see core/middleware.py): its bundle sets inline styles.
CONTENT_SECURITY_POLICY_API_DOCS = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AGENCY_TIME_ZONE = "America/Los_Angeles"

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # `Authorization: Token <secret>`: expiry, revocation, session and role checks on every call.
        "safeharbor.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies: UTF-8, at most 32 levels deep, no lone surrogates, else a 400 (core/api.py).
    "DEFAULT_PARSER_CLASSES": [
        "safeharbor.core.api.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "safeharbor.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"user": "600/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SafeHarbor API",
    "DESCRIPTION": "CSEC protocol records and rules. Every call is permission-checked and audited.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for a choice set used by several serializers (else drf_spectacular.W001, which fails
    # `check --deploy --fail-level WARNING`).
    "ENUM_NAME_OVERRIDES": {
        "LongTermServiceEnum": "safeharbor.care.api.LONG_TERM",
        "CsecStatusEnum": "safeharbor.youth.models.CsecStatus",
        "DutyStatusEnum": "safeharbor.deadlines.models.DutyStatus",
        "ServiceStatusEnum": "safeharbor.care.rules.STATUSES",
    },
}

# --- Background work (Huey) -------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
HUEY: dict[str, object]
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "safeharbor", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "safeharbor",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", SAFEHARBOR_ENV == "test"),
    }

# The deadline sweep runs under a lease that expires (deadlines/sweeper.py): a worker killed mid-sweep
# blocks the next sweep for at most SWEEP_LEASE_SECONDS. The watchdog alerts the agency admins when no
# sweep has completed for SWEEP_STALE_MINUTES (deadlines/health.py, `safeharbor sweep --status`).
SWEEP_LEASE_SECONDS = env_int("SWEEP_LEASE_SECONDS", 180)
SWEEP_STALE_MINUTES = env_int("SWEEP_STALE_MINUTES", 10)
if SWEEP_LEASE_SECONDS < 1 or SWEEP_STALE_MINUTES < 1:
    raise ImproperlyConfigured("SWEEP_LEASE_SECONDS and SWEEP_STALE_MINUTES must be positive")
if SWEEP_LEASE_SECONDS >= SWEEP_STALE_MINUTES * 60:
    raise ImproperlyConfigured("SWEEP_LEASE_SECONDS must be shorter than SWEEP_STALE_MINUTES")

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "safeharbor@localhost")
# The public address of this installation, for links in e-mails (blank: e-mails say "open SafeHarbor").
SAFEHARBOR_BASE_URL = env_str("SAFEHARBOR_BASE_URL", "").rstrip("/")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)

# --- Audit ------------------------------------------------------------------------------------
AUDIT_DB_APPEND_ONLY = env_bool("AUDIT_DB_APPEND_ONLY", SAFEHARBOR_ENV != "test")
AUDIT_ANCHOR_DIR = Path(env_str("AUDIT_ANCHOR_DIR", str(DATA_DIR / "audit-anchors")))

# --- Logging: identifiers only, never a child's name, date of birth or narrative --------------
# Access logs name the path, never the query string (core/logfilters.py): runserver's `django.server`
# here, gunicorn's in deploy/gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query_string": {"()": "safeharbor.core.logfilters.StripQueryString"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "django.server": {"level": "INFO", "class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["no_query_string"],
        },
        "django.request": {"level": "ERROR", "filters": ["no_query_string"]},
        "django.db.backends": {"level": "WARNING"},
    },
}
