"""Settings, read once from the environment (names as in SPEC), with safe development defaults."""
from __future__ import annotations

import os
import tempfile


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _database_url(value: str) -> str:
    """`postgres://` and `postgresql://` URLs (as hosting platforms hand them out) use psycopg 3,
    the driver we install; SQLAlchemy would otherwise look for psycopg2."""
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    return value


class Config:
    """Development and production settings. Production (not DEBUG, not TESTING) refuses to
    start without SECRET_KEY: see `app.create_app`."""

    ENV_NAME = "production"
    DEBUG = False
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # A relative SQLite path lands in the instance folder (Flask-SQLAlchemy 3).
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL", "sqlite:///liaison.sqlite"))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Liaison <liaison@localhost>")
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 30)  # seconds per SMTP connection/command
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 8)  # then status failed (`outbox status`)
    OUTBOX_BATCH = _int("OUTBOX_BATCH", 50)  # rows claimed per short transaction
    WORKER_INTERVAL = float(os.environ.get("WORKER_INTERVAL") or 5)  # seconds between passes
    # Test-only switch for the job-claim concurrency test's control run; never set it.
    JOB_CLAIM_LOCK_DISABLED = False
    # Webhooks (liaison/integration): private, loopback and link-local targets are refused
    # unless this is on (a receiver on your own network, development, tests).
    WEBHOOK_ALLOW_PRIVATE = _bool("WEBHOOK_ALLOW_PRIVATE")
    WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT") or 5)  # seconds per operation
    WEBHOOK_MAX_ATTEMPTS = _int("WEBHOOK_MAX_ATTEMPTS", 10)  # per delivery, then failed
    WEBHOOK_BACKOFF_SECONDS = _int("WEBHOOK_BACKOFF_SECONDS", 30)  # doubling after each failure
    WEBHOOK_BACKOFF_MAX_SECONDS = _int("WEBHOOK_BACKOFF_MAX_SECONDS", 2 * 3600)
    WEBHOOK_DISABLE_AFTER = _int("WEBHOOK_DISABLE_AFTER", 15)  # failed attempts in a row
    WEBHOOK_BATCH = _int("WEBHOOK_BATCH", 20)  # deliveries claimed per short transaction
    WEBHOOK_MAX_PER_OWNER = _int("WEBHOOK_MAX_PER_OWNER", 20)
    WEBHOOK_LOG_DAYS = _int("WEBHOOK_LOG_DAYS", 30)  # delivered entries kept in the log

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: count in each process's memory (N workers => N x the limit) until it is back,
    # rather than refusing every log-in with a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")  # per API token
    API_TOKEN_FAILURE_LIMIT = "30 per minute"  # failed bearer tokens, per address
    # Per client address: nobody is logged in yet when guessing passwords or signing up.
    # Log-in counts failed attempts only: per address and email, and per address.
    LOGIN_RATE_LIMIT = "10 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "100 per minute"
    # Per account, whatever the addresses, counted in the database (liaison/accounts/throttle):
    # LOGIN_ACCOUNT_LIMIT attempts per LOGIN_ACCOUNT_WINDOW seconds, then log-in pauses for
    # LOGIN_LOCKOUT seconds, doubled for each pause in a row up to LOGIN_LOCKOUT_MAX.
    LOGIN_ACCOUNT_LIMIT = _int("LOGIN_ACCOUNT_LIMIT", 10)
    LOGIN_ACCOUNT_WINDOW = _int("LOGIN_ACCOUNT_WINDOW", 15 * 60)
    LOGIN_LOCKOUT = _int("LOGIN_LOCKOUT", 5 * 60)
    LOGIN_LOCKOUT_MAX = _int("LOGIN_LOCKOUT_MAX", 60 * 60)
    SIGNUP_RATE_LIMIT = "5 per minute"
    # Forms that send account mail (password reset, confirmation again): per address, and
    # per email typed in, so nobody's mailbox can be flooded.
    PASSWORD_RESET_RATE_LIMIT = "5 per minute"
    PASSWORD_RESET_EMAIL_RATE_LIMIT = "5 per hour"
    # Unknown certificate codes looked up (verify page, PDF, API), per address.
    CERTIFICATE_GUESS_LIMIT = "30 per 10 minutes"
    # Forgot password, sign-up and "send the link again" answer a POST no sooner than this
    # (seconds), known address or not: their answer time tells nothing (blueprints/accounts).
    ACCOUNT_MAIL_MIN_SECONDS = float(os.environ.get("ACCOUNT_MAIL_MIN_SECONDS") or 0.25)
    FORCE_HTTPS = _bool("FORCE_HTTPS")
    # Number of reverse proxies in front that set X-Forwarded-For/-Proto/-Host (0 = none):
    # the client address for rate limits and the https scheme for HSTS come from them.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "zh")

    # Anonymous visitors' list, calendar and event pages, and everyone's event cards, rendered
    # once per content generation (blueprints/pagecache.py); per worker process. 0 turns it off.
    PAGE_CACHE_ENTRIES = _int("PAGE_CACHE_ENTRIES", 256)
    PAGE_CACHE_BYTES = _int("PAGE_CACHE_BYTES", 16 * 1024 * 1024)

    BOOTSTRAP_SERVE_LOCAL = True  # Bootstrap from the installed package, never a CDN
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch still submits

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    # "basic": a session seen from another address/browser is marked not fresh (re-enter the
    # password for sensitive actions). "strong" would log out people whose address changes.
    SESSION_PROTECTION = "basic"
    # Creating an API token asks for the password again when this session last gave it longer
    # ago than this (seconds), or never (restored from a remember-me cookie).
    REAUTH_AFTER_SECONDS = _int("REAUTH_AFTER_SECONDS", 300)

    # Request bodies: 1 MiB (a long event description in Chinese, form-encoded, is ~200 KB);
    # routes that take files raise it for themselves (security.allows_large_body).
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 1024 * 1024)

    PER_PAGE = 20
    # Check-in opens this many hours before an event starts (SPEC, "Attendance and records").
    CHECKIN_OPENS_HOURS = _int("CHECKIN_OPENS_HOURS", 2)
    FEED_CANCELLED_GRACE_DAYS = 30
    # Answers to registration questions marked "personal data" are deleted this many days
    # after the event ends (the worker's purge_personal_answers job).
    PERSONAL_DATA_RETENTION_DAYS = _int("PERSONAL_DATA_RETENTION_DAYS", 30)
    # SQLite: a writing request takes the write lock first (blueprints/core/sqlite_writes.py).
    SQLITE_WRITE_LOCK_FIRST = True
    # Test-only switch for the stress test's control run; never set it in production.
    SEAT_LOCK_DISABLED = False
    # bench/ only: registers the benchmarks' reference page (blueprints/benchref.py).
    BENCH_ROUTES = False
    # Where built calendar feeds are kept (liaison/feedcache.py); default instance/feed-cache.
    FEED_CACHE_DIR = os.environ.get("FEED_CACHE_DIR") or None
    # Meeting materials (liaison/meetings/materials.py): the largest file accepted, and where
    # the files are kept (default instance/materials; never under static/).
    MATERIAL_MAX_BYTES = _int("MATERIAL_MAX_BYTES", 25 * 1024 * 1024)
    MATERIALS_DIR = os.environ.get("MATERIALS_DIR") or None


class DevelopmentConfig(Config):
    """`make run`: debug on, a fixed development key, mail printed to the console. Served on
    PORT (default 5000), and links in mail and feeds point there unless BASE_URL says else."""

    ENV_NAME = "development"
    DEBUG = True
    PORT = _int("PORT", 5000)
    BASE_URL = (os.environ.get("BASE_URL") or f"http://127.0.0.1:{PORT}").rstrip("/")
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class TestConfig(Config):
    """The test suite: TEST_DATABASE_URL picks PostgreSQL, otherwise a fresh SQLite database."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    BASE_URL = "http://liaison.test"
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "127.0.0.1"
    MAIL_DEFAULT_SENDER = "Liaison <liaison@liaison.test>"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PASSWORD_HASH_FAST = True  # argon2 at its minimum cost keeps the suite quick
    SQLITE_WRITE_LOCK_FIRST = False  # one session serves test code and requests alike
    # Never the instance folder's feed-cache: tests/conftest.py gives each test its own folder,
    # and processes the tests start (gunicorn, the worker) share this one.
    FEED_CACHE_DIR = os.environ.get("FEED_CACHE_DIR") or os.path.join(
        tempfile.gettempdir(), "liaison-test-feed-cache"
    )
    ACCOUNT_MAIL_MIN_SECONDS = 0.0  # tests/security/test_timing.py sets it to measure it


def config_from_env() -> type[Config]:
    """`LIAISON_ENV=development` (set by `make run`) picks DevelopmentConfig."""
    name = os.environ.get("LIAISON_ENV", "production")
    return {"development": DevelopmentConfig, "testing": TestConfig}.get(name, Config)
