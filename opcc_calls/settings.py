"""Settings for OPCC Calls: one file, driven by environment variables.

Every variable is listed in `.env.example` and explained in README. Defaults are safe for
production (DEBUG off); `make run` sets local development values.
"""

import ipaddress
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import bootstrap_wrapper
import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# pytest (8.2+) sets PYTEST_VERSION for the whole run: tests get safe stand-ins for secrets.
TESTING = "PYTEST_VERSION" in os.environ


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
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if TESTING:
    SECRET_KEY = SECRET_KEY or "tests-only-secret-key-not-for-any-served-instance-0123456789"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["testserver", "localhost", "127.0.0.1"]
if not DEBUG and not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The office, as named in the header, emails and the admin.
OFFICE_NAME = os.environ.get("OFFICE_NAME", "Office of the Police and Crime Commissioner")

INSTALLED_APPS = [
    "opcc_calls.admin_site.OfficeAdminConfig",  # django.contrib.admin, hostile input refused
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram lookups for name search (no-ops on SQLite)
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "template_partials",
    "simple_history",
    # Sign-in: passwords, a second factor (TOTP, recovery codes, security keys and passkeys)
    # and single sign-on over OpenID Connect, from one library (README: Security).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "health_check",
    # Work that can wait (a rule change, emails, figures, exports) runs in a background worker:
    # django-tasks, the API Django 6 ships, with its database backend (README: Production).
    "django_tasks",
    "django_tasks_db",
    "callers",
    "dmts",
    # Last, so its post_migrate hook (which syncs the role groups) runs after every app's.
    "opcc_calls",
]

MIDDLEWARE = [
    # First: the client's address from the office's proxy, for everything after (README).
    "opcc_calls.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The interface in the language each member of staff chose (or the office's).
    "opcc_calls.middleware.StaffLanguageMiddleware",
    # Django's, but a script sending a form is told its session ended (401), not redirected.
    "opcc_calls.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "opcc_calls.middleware.PrivateResponseMiddleware",
    "opcc_calls.middleware.SavedFormMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "opcc_calls.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opcc_calls.urls"
WSGI_APPLICATION = "opcc_calls.wsgi.application"
ASGI_APPLICATION = "opcc_calls.asgi.application"

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
                "csp.context_processors.nonce",
                "opcc_calls.context_processors.office",
                "opcc_calls.context_processors.procedure",
            ],
        },
    },
]

# Database: SQLite by default (a first run needs nothing installed); DATABASE_URL selects
# PostgreSQL. Connections persist between requests (about 5x the throughput of reconnecting),
# or, with DATABASE_POOL=true, come from psycopg's pool.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
#: Whether the database was asked for by name (opcc_calls.checks refuses one that was not
#: when DEBUG is off: SQLite only by SQLITE_PATH).
DATABASE_NAMED = bool(DATABASE_URL or os.environ.get("SQLITE_PATH"))
if DATABASE_URL:
    DATABASE_POOL = env_bool("DATABASE_POOL", False)
    default_db = dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=0 if DATABASE_POOL else env_int("CONN_MAX_AGE", 600),
        conn_health_checks=not DATABASE_POOL,
    )
    # A query running longer than this is cancelled, so no request can hold a worker (the web
    # server sets 5 s in wsgi.py; commands such as migrate and apply_retention have no limit).
    statement_timeout_ms = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 0)
    if default_db["ENGINE"] == "django.db.backends.postgresql":
        # Name search (callers.selectors.calls): how alike a whole name, or a part of one,
        # must be to match; the GIN trigram indexes answer either at these thresholds.
        options = "-c pg_trgm.similarity_threshold=0.5 -c pg_trgm.word_similarity_threshold=0.6"
        if statement_timeout_ms:
            options += f" -c statement_timeout={statement_timeout_ms}"
        default_db.setdefault("OPTIONS", {})["options"] = options
    if DATABASE_POOL and default_db["ENGINE"] == "django.db.backends.postgresql":
        default_db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 2),
            "max_size": env_int("DATABASE_POOL_MAX", 10),
        }
else:
    default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH") or str(BASE_DIR / "db.sqlite3"),
        "OPTIONS": {
            # WAL and a busy timeout let two people log calls at once without "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # Tests use a file rather than memory: the browser tests' live server answers requests
        # on several threads, which an in-memory database would make share one connection.
        "TEST": {"NAME": str(BASE_DIR / "test-db.sqlite3")},
    }
DATABASES = {"default": default_db}
# Past one machine (README: Scaling past one machine): a PostgreSQL streaming replica for the
# reads that may lag a second (opcc_calls.replica); every write and every other read stays on
# the primary. Tests and migrations use only the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL and DATABASE_URL:
    replica_db = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=default_db.get("CONN_MAX_AGE", 0)
    )
    replica_db["OPTIONS"] = {k: v for k, v in default_db.get("OPTIONS", {}).items() if k != "pool"}
    replica_db["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = replica_db
DATABASE_ROUTERS = ["opcc_calls.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches. What guards security (allauth's rate limits on sign-in, password changes and
# resets; a second-factor code once used; the sign-in policy) is in the database, which every
# process and server shares: in each process's memory, a code was accepted once per gunicorn
# worker and a three-an-hour limit let five through. `migrate` makes its table. What is only
# fast to keep near ("local": each person's permissions under a version the database moves
# on, the procedure's current version for a minute) stays in each process's memory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "opcc_calls_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

AUTH_USER_MODEL = "opcc_calls.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with each person's permissions cached until they change.
    "opcc_calls.permissions.CachedPermissionsBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-allauth. Accounts are made by administrators: nobody signs up, by password or by
# single sign-on. Staff sign in with their username; the session ends with the browser.
ACCOUNT_ADAPTER = "opcc_calls.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "opcc_calls.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "login"
ACCOUNT_FORMS = {"login": "opcc_calls.forms.SignInForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "OPCC Calls: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG or TESTING else "https"
# Password reset by email: a link that works once and expires after an hour, and no more than a
# few requests an hour from one address or for one account (ASVS 5.0 V6.4).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60) * 60
ACCOUNT_RATE_LIMITS = {
    "reset_password": "20/h/ip,3/h/key",
    "reset_password_from_key": "20/h/ip",
    "change_password": "5/m/user",
    # Repeated failures lock the account through django-axes (both steps): see AXES_*.
    "login_failed": False,
}
MFA_ADAPTER = "opcc_calls.adapters.MFAAdapter"
MFA_FORMS = {"authenticate": "opcc_calls.forms.SecondFactorForm"}
# Staff email addresses are set by administrators, not claimed by their owners.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "OPCC Calls"
MFA_TOTP_TOLERANCE = 1  # one 30-second step either side, for a slow phone or a slow network
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or TESTING  # http://localhost in development
MFA_RECOVERY_CODE_COUNT = 10
# Single sign-on over OpenID Connect (Microsoft Entra ID, Okta, Keycloak and the like), on when
# OIDC_ISSUER is set. A user is matched to an existing account by a verified email address;
# nobody is created, and roles are only ever given in the admin.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # matched in our adapter, which never wipes anything
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "office",
                "name": os.environ.get("OIDC_NAME", "your organisation's sign-in"),
                "client_id": os.environ.get("OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": OIDC_ISSUER},
            }
        ]
        if OIDC_ISSUER
        else [],
    }
}

# django-axes: lock an account (by username) after 5 failed sign-ins, counting wrong passwords
# and wrong second-factor codes alike (opcc_calls.forms.SecondFactorForm).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = ["username"]
# The account, however its username is typed (sign-in finds it whatever the case).
AXES_USERNAME_CALLABLE = "opcc_calls.forms.account_username"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 60))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Locking by username is the intent: a whole office shares one address, so locking by address
# would lock everyone out after one person's mistakes. axes warns about that choice; we made it.
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # A covering index (callers.Call) is for PostgreSQL; on SQLite it is a plain index.
    "models.W040",
]

# Sessions last a working day and end when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 9 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# HTTPS and headers: on by default when DEBUG is off; each can be turned off behind a proxy
# that does the job itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxy (or proxies: addresses or networks, comma-separated) in front of the app, the same
# variable gunicorn reads: only from these is X-Forwarded-For believed, for the client's
# address in lockouts, rate limits and logs (opcc_calls.middleware.TrustedProxyMiddleware).
try:
    TRUSTED_PROXIES = [
        ipaddress.ip_network(entry.strip(), strict=False)
        for entry in os.environ.get("FORWARDED_ALLOW_IPS", "").split(",")
        if entry.strip()
    ]
except ValueError as error:
    raise ImproperlyConfigured(
        f"FORWARDED_ALLOW_IPS: {error}; name the proxy's addresses or networks ('*' is not "
        "accepted: it would believe any client's X-Forwarded-For)."
    ) from None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content Security Policy: scripts and styles only from our own static files or
# carrying the per-request nonce; Bootstrap's CSS needs data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Signing in through the office's identity provider posts a form that redirects there.
        "form-action": [SELF, *([OIDC_ISSUER] if OIDC_ISSUER else [])],
        "frame-ancestors": [NONE],
    },
}

#: The interface's languages. Each member of staff chooses theirs (remembered on their account);
#: OFFICE_LANGUAGE is the office's choice for whoever has not (new staff, the sign-in page).
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LANGUAGE_CODE = os.environ.get("OFFICE_LANGUAGE", "en-gb").strip().lower() or "en-gb"
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"OFFICE_LANGUAGE is {LANGUAGE_CODE!r}: set en-gb (English) or cy (Welsh)."
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap 5 from a pinned wheel, served as our own files: offices sit on closed networks.
    ("bootstrap", bootstrap_wrapper.get_bootstrap_dir()),
]
# Call-log exports wait here to be downloaded (written by the worker, served only to the person
# who asked): a private folder, never under STATIC_ROOT. With several machines, a folder they
# all share (or any Django storage backend, such as django-storages' S3).
EXPORTS_ROOT = Path(
    os.environ.get(
        "EXPORTS_ROOT",
        # Tests: a folder of this run's own, removed at its end (tests/conftest.py).
        Path(tempfile.gettempdir()) / f"opcc-calls-test-exports-{os.getpid()}"
        if TESTING
        else BASE_DIR / "var/exports",
    )
)
EXPORT_KEEP_HOURS = env_int("EXPORT_KEEP_HOURS", 24)
# Where `manage.py backup` writes its dumps and `manage.py restore_drill` finds the latest
# (README: Backups): a folder the backup system copies off the machine.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "var/backups"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": EXPORTS_ROOT,
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "opcc_calls.static.StaticFilesStorage"
        ),
    },
}
# In development and tests WhiteNoise serves straight from the finders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "tbz",
    "xz",
    "br",
    "swf",
    "flv",
    "woff",
    "woff2",
    "map",
]

# The background worker (manage.py db_worker) takes tasks from the database: a task is queued
# in the same transaction as the record it is for, so it is never lost.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Reasons for changes (corrections, renewals) are sentences, not 100-character labels.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

PHONENUMBER_DEFAULT_REGION = "GB"
PHONENUMBER_DB_FORMAT = "E164"

# Email: the console for development; SMTP (or any Django backend) by environment.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "opcc-calls@localhost")
# Complaints logged as calls are handed to the complaints process by email to this address
# (5.8c); without one, the entry says the complaint has not been sent.
COMPLAINTS_EMAIL = os.environ.get(
    "COMPLAINTS_EMAIL", "complaints@opcc.example" if DEBUG else ""
).strip()
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Screen pop: the phone system signs its events with this (opcc_calls.telephony). make run
# (DEBUG) uses the demo secret when none is set; served without DEBUG, events are refused
# unless it is at least 32 characters.
TELEPHONY_WEBHOOK_SECRET = os.environ.get(
    "TELEPHONY_WEBHOOK_SECRET", "opcc-demo-telephony" if DEBUG else ""
)
# Links in emails point here (no request is at hand when a command sends mail).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Logs never carry names or phone numbers: requests are logged by path only, and our URLs
# hold ids, never personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_personal_data": {"()": "opcc_calls.logging.WithholdExceptionMessages"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Subsetting a letter's font logs the glyphs used: the letters of a caller's name.
        "fontTools": {"level": "WARNING"},
        # WeasyPrint logs each step of a letter's PDF, and text it cannot lay out.
        "weasyprint": {"level": "WARNING"},
    },
}
