"""Django settings for 社区党建工作平台.

Everything that differs between a laptop demo and a district deployment comes from the
environment: ``DANGJIAN_DATABASE_URL`` (default: embedded SQLite under ``DANGJIAN_DATA_DIR``),
``DANGJIAN_SECRET_KEY`` and ``DANGJIAN_FIELD_KEY`` (default: generated once into the data dir),
``DANGJIAN_RULES_FILE`` (a JSON file of local rule overrides, see ``core/rules.py``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from xstatic.pkg import bootstrap as xs_bootstrap

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("DANGJIAN_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_from_file(name: str, env: str) -> str:
    """Read a secret from the environment, else from a file made once in the data dir."""
    if os.environ.get(env):
        return os.environ[env]
    path = DATA_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_from_file("secret_key", "DANGJIAN_SECRET_KEY")
# Key for encrypting citizen ID numbers at rest; separate from SECRET_KEY so rotating
# sessions does not make stored ID numbers unreadable.
FIELD_KEY = _secret_from_file("field_key", "DANGJIAN_FIELD_KEY")

DEBUG = os.environ.get("DANGJIAN_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("DANGJIAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "dangjian.core",
    "dangjian.accounts",
    "dangjian.orgs",
    "dangjian.members",
    "dangjian.staff",
    "dangjian.meetings",
    "dangjian.roster",
    "dangjian.checkin",
    "dangjian.mobility",
    "dangjian.development",
    "dangjian.dues",
    "dangjian.care",
    "dangjian.commitments",
    "dangjian.volunteering",
    "dangjian.cobuild",
    "dangjian.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangjian.accounts.middleware.IdleSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dangjian.accounts.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "dangjian.accounts.backends.ModelBackend",  # Django's, with the profile and scope joined
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

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
                "django.template.context_processors.i18n",
                "dangjian.core.context.navigation",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DANGJIAN_DATABASE_URL", f"sqlite:///{DATA_DIR / 'dangjian.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the demo server read while a command writes; a busy timeout avoids
    # "database is locked" under a few concurrent users.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle sessions expire: activity renews the session (at most once a minute, see
# accounts.middleware.IdleSessionMiddleware), so 30 idle minutes log the user out.
SESSION_COOKIE_AGE = int(os.environ.get("DANGJIAN_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Login throttling (django-axes): 5 failures lock the username+address pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "社区党建工作平台"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["dangjian.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xs_bootstrap.BASE_DIR),
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

DANGJIAN_RULES_FILE = os.environ.get("DANGJIAN_RULES_FILE", "")
DANGJIAN_PAGE_SIZE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"axes": {"handlers": ["console"], "level": "WARNING"}},
}
