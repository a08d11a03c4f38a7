"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106's recommendation)."""
from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

_DEFAULT = PasswordHasher()
# Only for the test suite (PASSWORD_HASH_PROFILE=cheapest); refused in production by the config.
_CHEAPEST = PasswordHasher.from_parameters(profiles.CHEAPEST)
# Verified against when the username does not exist, so that a wrong username costs
# the same time as a wrong password and does not reveal which usernames exist.
_DUMMY_HASH = _DEFAULT.hash("no such user")


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("PASSWORD_HASH_PROFILE") == "cheapest":
        return _CHEAPEST
    return _DEFAULT


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher().verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
