"""Django settings for 社区党建工作平台.

Everything that differs between a laptop demo and a district deployment comes from the
environment: ``DANGJIAN_DATABASE_URL`` (default: embedded SQLite under ``DANGJIAN_DATA_DIR``),
``DANGJIAN_SECRET_KEY`` and ``DANGJIAN_FIELD_KEY`` (default: generated once into the data dir),
``DANGJIAN_RULES_FILE`` (a JSON file of local rule overrides, see ``core/rules.py``).

``DANGJIAN_PRODUCTION=1`` switches on the settings of a real deployment behind HTTPS (HSTS, SSL
redirect, secure cookies; see "Production settings" in the README) and makes
``DANGJIAN_SECRET_KEY`` and ``DANGJIAN_ALLOWED_HOSTS`` mandatory, so that
``dangjian check --deploy`` is clean. Without it the demo and the tests run over plain HTTP.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
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


def _flag(env: str) -> bool:
    return os.environ.get(env, "").strip().lower() in {"1", "true", "yes", "on"}


def _list(env: str) -> list[str]:
    return [item.strip() for item in os.environ.get(env, "").split(",") if item.strip()]


PRODUCTION = _flag("DANGJIAN_PRODUCTION")

if PRODUCTION:
    # A deployment must not fall back to a key file made on first start: a key that is not
    # managed (backed up, the same on every server, rotated on purpose) is a key nobody controls.
    if not os.environ.get("DANGJIAN_SECRET_KEY"):
        raise ImproperlyConfigured(
            "生产模式（DANGJIAN_PRODUCTION=1）必须设置环境变量 DANGJIAN_SECRET_KEY："
            "至少 50 个字符的随机字符串，例如 python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))' 的输出。"
        )
    if len(os.environ["DANGJIAN_SECRET_KEY"].strip()) < 50:
        raise ImproperlyConfigured(
            "生产模式下 DANGJIAN_SECRET_KEY 太短：至少需要 50 个字符的随机字符串。"
        )
    if not _list("DANGJIAN_ALLOWED_HOSTS"):
        raise ImproperlyConfigured(
            "生产模式（DANGJIAN_PRODUCTION=1）必须设置环境变量 DANGJIAN_ALLOWED_HOSTS："
            "本系统对外的域名，多个用英文逗号分隔，例如 dangjian.example.gov.cn。"
        )

SECRET_KEY = _secret_from_file("secret_key", "DANGJIAN_SECRET_KEY")
# Key for encrypting citizen ID numbers at rest; separate from SECRET_KEY so rotating
# sessions does not make stored ID numbers unreadable.
FIELD_KEY = _secret_from_file("field_key", "DANGJIAN_FIELD_KEY")
# Older field keys still readable while `dangjian rotate-field-key` runs (also the file
# DATA_DIR/field_keys_old), and the pinned blind-index key (or DATA_DIR/index_key): docs/keys.md.
FIELD_KEYS_OLD = _list("DANGJIAN_FIELD_KEYS_OLD")
INDEX_KEY = os.environ.get("DANGJIAN_INDEX_KEY", "").strip()

# Production never shows Django's debug pages, whatever DANGJIAN_DEBUG says.
DEBUG = _flag("DANGJIAN_DEBUG") and not PRODUCTION
ALLOWED_HOSTS = _list("DANGJIAN_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "ninja",  # serves the API docs' Swagger UI from our static files instead of a CDN (CSP)
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
    "dangjian.deeds",
    "dangjian.servicedesk",
    "dangjian.households",
    "dangjian.charity",
    "dangjian.jobs",
    "dangjian.training",
    "dangjian.grid",
    "dangjian.mediation",
    "dangjian.rentals",
    "dangjian.funds",
    "dangjian.admission",
    "dangjian.venues",
    "dangjian.assessment",
    "dangjian.awards",
    "dangjian.targets",
    "dangjian.inspections",
    "dangjian.notices",
    "dangjian.openness",
    "dangjian.memberapp",
    "dangjian.dashboards",
    "dangjian.partystats",
    "dangjian.reports",
    "dangjian.demo",
    "django_tasks",
    "django_tasks_db",
    "dangjian.background",
]

# Long work (big exports) runs in a worker process started by ``dangjian worker``: tasks are
# queued in the database (django-tasks' database backend), so no broker is needed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: Work bigger than this goes to the background worker, with a progress page: a members export
#: or a roster import of more rows, the party statistics workbook or an annual report of a scope
#: with more members.
DANGJIAN_BACKGROUND_ROWS = int(os.environ.get("DANGJIAN_BACKGROUND_ROWS", 3000))
#: A running export whose worker has said nothing for this long is shown as interrupted.
DANGJIAN_BACKGROUND_STALE_MINUTES = int(os.environ.get("DANGJIAN_BACKGROUND_STALE_MINUTES", 5))
#: Finished export files are deleted by ``dangjian sweep-exports`` after this many days.
DANGJIAN_BACKGROUND_KEEP_DAYS = int(os.environ.get("DANGJIAN_BACKGROUND_KEEP_DAYS", 7))

MIDDLEWARE = [
    "dangjian.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, which answers static files itself: they get the headers too.
    "csp.middleware.CSPMiddleware",
    "dangjian.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dangjian.core.dbrouter.ReplicaStickyMiddleware",  # read-your-own-writes with replicas
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
                "dangjian.core.crumbs.breadcrumbs",
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

# Read replicas (docs/replicas.md): PostgreSQL streaming replicas, comma-separated URLs, become
# the aliases replica1, replica2, … Only pages marked @replica_ok read from them (core.dbrouter).
DANGJIAN_REPLICAS: list[str] = []
for _n, _url in enumerate(_list("DANGJIAN_REPLICA_URLS"), start=1):
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            "只读副本（DANGJIAN_REPLICA_URLS）只能配合 PostgreSQL 主库使用："
            "请先把 DANGJIAN_DATABASE_URL 设为 PostgreSQL 数据库。"
        )
    _replica = dj_database_url.parse(_url, conn_max_age=60)
    # A replica that does not answer in 3 s is skipped, not waited for.
    _replica.setdefault("OPTIONS", {})["connect_timeout"] = 3
    _replica["TEST"] = {"MIRROR": "default"}  # tests create no database of their own for it
    DATABASES[f"replica{_n}"] = _replica
    DANGJIAN_REPLICAS.append(f"replica{_n}")
DATABASE_ROUTERS = ["dangjian.core.dbrouter.ReplicaRouter"]
#: After a write, the writer's reads stay on the primary this long (read-your-own-writes).
DANGJIAN_REPLICA_STICKY_SECONDS = int(os.environ.get("DANGJIAN_REPLICA_STICKY_SECONDS", 5))
#: A replica further behind than this (seconds) is skipped until it catches up.
DANGJIAN_REPLICA_MAX_LAG = float(os.environ.get("DANGJIAN_REPLICA_MAX_LAG", 30))
#: Each process checks a replica's health at most this often (seconds).
DANGJIAN_REPLICA_CHECK_SECONDS = float(os.environ.get("DANGJIAN_REPLICA_CHECK_SECONDS", 5))

# Connection pooling (PostgreSQL, DANGJIAN_DB_POOL=1): each process keeps a psycopg pool per
# database instead of one long-lived connection per thread. Django requires CONN_MAX_AGE=0 then.
DANGJIAN_DB_POOL = _flag("DANGJIAN_DB_POOL")
if DANGJIAN_DB_POOL:
    for _alias, _db in DATABASES.items():
        if _db["ENGINE"].endswith("postgresql"):
            _db.setdefault("OPTIONS", {})["pool"] = {
                "min_size": 1,
                "max_size": int(os.environ.get("DANGJIAN_DB_POOL_SIZE", 4)),
                # A replica that cannot give a connection soon is skipped (falls back to the
                # primary); the primary is waited for longer.
                "timeout": 10 if _alias == "default" else 3,
            }
            _db["CONN_MAX_AGE"] = 0

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
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 等保 2.0 level 3: three of capitals, small letters, digits and symbols
    {"NAME": "dangjian.accounts.validators.CharacterKindsValidator"},
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

# Headers on every response (all modes). Django's defaults, spelled out because an audit asks.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Pages load only their own scripts, styles and images: no inline script or style="" (site.js
# handles data-confirm / data-autosubmit instead of onclick=…), no eval, no plugins, no framing.
# Permissions-Policy and friends: dangjian.core.middleware.SecurityHeadersMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its small icons as data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Production: HTTPS only (see "Production settings" in the README).
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    # The load balancer's or monitor's local probe asks over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # "preload" asks browsers to hard-code HTTPS for the whole domain, for months, even after the
    # header is gone: the domain's owner opts in, not the application.
    SECURE_HSTS_PRELOAD = _flag("DANGJIAN_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "not in the preload list": a choice, above
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True
    CSRF_TRUSTED_ORIGINS = _list("DANGJIAN_CSRF_TRUSTED_ORIGINS")

# Behind a reverse proxy that terminates TLS: believe its X-Forwarded-Proto and X-Forwarded-For
# (the client's address, see core.middleware.TrustedProxyMiddleware). Never without a proxy that
# overwrites those headers, or any client could claim HTTPS or another address.
DANGJIAN_TRUSTED_PROXY = _flag("DANGJIAN_TRUSTED_PROXY")
if DANGJIAN_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False

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
