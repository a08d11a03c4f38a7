"""Logging in and out, server-side sessions and throttling of failed logins."""
from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app, request
from sqlalchemy import delete, func, select

from webapp.audit.models import AuditAction, AuditOutcome
from webapp.audit.services import client_address, record
from webapp.auth.models import LoginFailure, Role, User, UserSession, hash_token
from webapp.auth.passwords import hash_password, needs_rehash, verify_password
from webapp.db import db, utcnow
from webapp.organisations.models import Organisation

# The last-seen time is written at most this often, not on every request.
LAST_SEEN_RESOLUTION = dt.timedelta(seconds=60)


class LoginThrottled(Exception):
    pass


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def authenticate(username: str, password: str) -> User | None:
    """Check a username and password; record the outcome; raise LoginThrottled when blocked.

    The answer for a blocked, unknown or wrong login is the same to the caller's user,
    so it gives no hint whether the username exists.
    """
    username = normalise_username(username)
    user_key, ip_key = f"user:{username}"[:120], f"ip:{client_address()}"[:120]
    if _is_throttled(user_key, ip_key):
        record(AuditAction.LOGIN_FAILED, object_type="users", outcome=AuditOutcome.DENIED,
               reason="throttled", details={"username": username[:80]})
        raise LoginThrottled()

    user = db.session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or not user.active:
        db.session.add_all([LoginFailure(key=user_key), LoginFailure(key=ip_key)])
        record(AuditAction.LOGIN_FAILED, object_type="users", object_id=user.id if user else None,
               outcome=AuditOutcome.FAILURE,
               reason="inactive" if ok else "bad credentials",
               details={"username": username[:80]})
        return None

    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == user_key))
    return user


def _is_throttled(user_key: str, ip_key: str) -> bool:
    cfg = current_app.config
    since = utcnow() - dt.timedelta(minutes=cfg["LOGIN_THROTTLE_MINUTES"])
    counts = dict(db.session.execute(
        select(LoginFailure.key, func.count()).where(LoginFailure.key.in_([user_key, ip_key]),
                                                     LoginFailure.at >= since).group_by(LoginFailure.key)
    ).all())
    return counts.get(user_key, 0) >= cfg["LOGIN_MAX_FAILURES"] or counts.get(ip_key, 0) >= cfg["LOGIN_MAX_FAILURES_PER_IP"]


def start_session(user: User) -> UserSession:
    token = secrets.token_urlsafe(32)
    session = UserSession(token_hash=hash_token(token), user=user, ip=client_address(),
                          user_agent=(request.user_agent.string or "")[:255] or None)
    session.token = token
    db.session.add(session)
    user.last_login_at = utcnow()
    user.current_session = session
    db.session.flush()
    record(AuditAction.LOGIN, obj=user, user=user)
    return session


def end_session(session: UserSession, reason: str) -> None:
    if session.ended_at is None:
        session.ended_at = utcnow()
        session.end_reason = reason


def load_session(token: str) -> User | None:
    """The user of a live session, or None when it ended, idled out or outlived its maximum."""
    session = db.session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(token)))
    if session is None or session.ended_at is not None or not session.user.active:
        return None
    now = utcnow()
    cfg = current_app.config
    if now - session.last_seen_at > dt.timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]):
        end_session(session, "idle")
        return None
    if now - session.created_at > dt.timedelta(hours=cfg["SESSION_MAX_HOURS"]):
        end_session(session, "expired")
        return None
    if now - session.last_seen_at > LAST_SEEN_RESOLUTION:
        session.last_seen_at = now
    session.token = token
    user = session.user
    user.current_session = session
    return user


def end_all_sessions(user: User, reason: str) -> int:
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                            UserSession.ended_at.is_(None))).all()
    for s in sessions:
        end_session(s, reason)
    return len(sessions)


def create_user(*, username: str, display_name: str, role: Role, organisation: Organisation,
                password: str, email: str | None = None) -> User:
    user = User(username=normalise_username(username), display_name=display_name, role=role,
                organisation=organisation, password_hash=hash_password(password), email=email)
    db.session.add(user)
    db.session.flush()
    return user
