"""Rate limits (Flask-Limiter): a second layer next to the database-backed login throttle.

The login throttle counts failures per username and address in the database, so it holds across
instances; these limits count every attempt, cheaply, per address (login) or per user (the API).
With the default memory:// storage each gunicorn worker counts for itself; point
WEBAPP_RATELIMIT_STORAGE_URI at Redis or memcached to share the counts.
"""
from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_login import current_user

from webapp.audit.services import client_address


def address_key() -> str:
    return f"ip:{client_address()}"


def user_or_address_key() -> str:
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return address_key()


limiter = Limiter(key_func=address_key)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


# Password, second factor and re-authentication share one count per address: every guess counts.
login_limit = limiter.shared_limit(_login_limit, scope="login", key_func=address_key, methods=["POST"])
# One budget for the whole API, not one per route.
api_limit = limiter.shared_limit(_api_limit, scope="api", key_func=user_or_address_key)
