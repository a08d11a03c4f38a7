"""Configuration, read from the environment with the ``WEBAPP_`` prefix.

``WEBAPP_DATABASE_URL`` and ``WEBAPP_ENV`` are named for people; every other
``WEBAPP_<KEY>`` sets the Flask config key ``<KEY>`` (values are parsed as JSON
where they can be, so ``WEBAPP_SESSION_IDLE_MINUTES=15`` is a number).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

DEV_DEMO_PASSWORD = "veldwijzer-demo"


class ConfigError(RuntimeError):
    pass


DEFAULTS = {
    "ENV": "development",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_MAX_HOURS": 12,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_MAX_FAILURES_PER_IP": 30,
    "LOGIN_THROTTLE_MINUTES": 15,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "WTF_CSRF_HEADERS": ["X-CSRFToken"],
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # How many proxies in front of the app set X-Forwarded-For / -Proto (the shipped nginx: 1).
    # 0 trusts none: a client could otherwise choose the address the audit log records.
    "PROXY_FIX_X_FOR": 0,
    "PROXY_FIX_X_PROTO": 0,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "DEMO_PASSWORD": None,
    "PHONE_LOCK_MINUTES": 30,  # the phone's data locks after this long without use
    # Offline unlocking (webapp/static/js/vault.js): allowed this long after the last unlock with a
    # connection, with at most this many wrong PINs before the phone wipes its caseload copy.
    "OFFLINE_UNLOCK_HOURS": 12,
    "OFFLINE_PIN_ATTEMPTS": 5,
    "JSON_SORT_KEYS": False,
    # Two-factor login (TOTP). None: required in production, optional elsewhere (see load_config).
    "REQUIRE_TWO_FACTOR": None,
    "TWO_FACTOR_PENDING_MINUTES": 5,  # time between the password and the code
    "TWO_FACTOR_ISSUER": "Veldwijzer",
    "REAUTH_MINUTES": 5,  # how long a password (+ code) counts as "just given" for exports and credentials
    # Rate limits (Flask-Limiter), on top of the database-backed login throttle above.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "LOGIN_RATE_LIMIT": "10 per minute;60 per hour",
    "API_RATE_LIMIT": "120 per minute",
    # Retention (flask retention apply): see README.md, "Retention".
    "RETENTION_AUDIT_DAYS": 5 * 365 + 2,
    "RETENTION_LOGIN_FAILURE_DAYS": 30,
    "RETENTION_SESSION_DAYS": 90,
}

# In production the session cookie may only be set by this host, over HTTPS, for the whole site.
PRODUCTION_SESSION_COOKIE = "__Host-veldwijzer"


def load_config(app, overrides: dict | None = None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("WEBAPP")
    if overrides:
        app.config.update(overrides)

    if "DATABASE_URL" in app.config and "SQLALCHEMY_DATABASE_URI" not in (overrides or {}):
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["DATABASE_URL"])
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "veldwijzer.sqlite")

    production = app.config["ENV"] == "production"
    app.config["PRODUCTION"] = production
    if production:
        if not app.config.get("SECRET_KEY"):
            raise ConfigError("WEBAPP_SECRET_KEY must be set in production mode")
        if app.config.get("PASSWORD_HASH_PROFILE"):
            raise ConfigError("PASSWORD_HASH_PROFILE is for the test suite only")
        if app.config["REQUIRE_TWO_FACTOR"] is False:
            raise ConfigError("two-factor login cannot be turned off in production mode")
        app.config["REQUIRE_TWO_FACTOR"] = True
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["SESSION_COOKIE_NAME"] = PRODUCTION_SESSION_COOKIE
        app.config["SESSION_COOKIE_DOMAIN"] = None  # a __Host- cookie has no Domain
        app.config["SESSION_COOKIE_PATH"] = "/"
        app.config.setdefault("PREFERRED_URL_SCHEME", "https")
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret(Path(app.instance_path))

    if app.config["REQUIRE_TWO_FACTOR"] is None:
        app.config["REQUIRE_TWO_FACTOR"] = False

    if not app.config.get("DEMO_PASSWORD") and not production:
        app.config["DEMO_PASSWORD"] = DEV_DEMO_PASSWORD


def normalise_database_url(url: str) -> str:
    # psycopg 3 is the driver we ship; plain postgres:// URLs are common in hosting.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret(instance: Path) -> str:
    """A random key kept in instance/, so development sessions survive a restart."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        os.chmod(path, 0o600)
    return path.read_text().strip()
