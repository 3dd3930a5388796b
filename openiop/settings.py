"""OpenIOP settings: one module, read from the environment (``OPENIOP_*``).

Secure by default: ``DEBUG`` is off unless ``OPENIOP_DEBUG=1``; without DEBUG a secret key and
allowed hosts must be given, cookies are Secure and HTTPS is enforced. See docs/configuration.md.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OPENIOP_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("OPENIOP_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("OPENIOP_SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "OPENIOP_SECRET_KEY is required when OPENIOP_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    # Development only: a random key kept in var/ so that sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("OPENIOP_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "OPENIOP_ALLOWED_HOSTS is required when OPENIOP_DEBUG is off "
        "(the host names this server answers to, comma-separated, e.g. iop.example.org)"
    )
CSRF_TRUSTED_ORIGINS = env_list("OPENIOP_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "simple_history",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "openiop.core",
    "openiop.accounts",
    "openiop.audit",
    "openiop.programs",
    "openiop.participants",
    "openiop.assessments",
    "openiop.plans",
    "openiop.notes",
    "openiop.scheduling",
    "openiop.drugtests",
    "openiop.discharge",
    "openiop.recovery",
    "openiop.portal",
    "openiop.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "openiop.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "openiop.core.middleware.SessionTimeoutMiddleware",  # after messages: it leaves one
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "openiop.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openiop.urls"
WSGI_APPLICATION = "openiop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openiop.core.context_processors.openiop",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("OPENIOP_DATABASE_URL", f"sqlite:///{VAR_DIR / 'openiop.sqlite3'}"),
        conn_max_age=env_int("OPENIOP_DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spends 1-2 s compiling the reports' aggregate queries before
    # running them in a fraction of that, and their sorts spill to disk at the default 4 MB of
    # work memory (bench/reports, `make bench`): JIT off and 32 MB for our sessions.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c work_mem=32MB"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# AUTH-5: length >= 12, common passwords rejected, no composition or expiry rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# AUTH-4: lockout after repeated failures, lifted after a cool-off (django-axes).
AXES_FAILURE_LIMIT = env_int("OPENIOP_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("OPENIOP_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# django-axes would default to the user model's USERNAME_FIELD ("email"), but the login form and
# Django's authenticate() and user_login_failed use "username": without this no failure is counted.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "openiop.accounts.views.login_username"  # counts ignore letter case
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "openiop.accounts.views.lockout"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# SESS-1 / SESS-2: idle timeout and absolute session life, enforced on the server.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("OPENIOP_SESSION_IDLE_MINUTES", 15))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("OPENIOP_SESSION_MAX_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Production hardening (SESS-7, CFG-1): on unless DEBUG.
SECURE = not DEBUG
SESSION_COOKIE_SECURE = env_bool("OPENIOP_SECURE_COOKIES", SECURE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("OPENIOP_SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = env_int("OPENIOP_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("OPENIOP_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for the hosting organization, not a default.
    "security.W021",
    # Lockout is per account (AUTH-4). Adding the IP address would lock out a whole clinic
    # sharing one public address after a few typos; see docs/configuration.md.
    "axes.W006",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("OPENIOP_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries copied from npm by `make install` (git-ignored).
STATICFILES_DIRS = [BASE_DIR / "openiop" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Flash messages live in the server-side session, which sign-out destroys: a cookie would carry
# one user's pending message to the next person on a shared workstation.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Audit rows and logs hold identifiers, never clinical text (AUD-9).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPENIOP_LOG_LEVEL", "WARNING")},
}

SIMPLE_HISTORY_REVERT_DISABLED = True
