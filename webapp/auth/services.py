"""Logging in and out, server-side sessions and throttling of failed logins."""
from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app, request
from sqlalchemy import delete, func, select

from webapp.audit.models import AuditAction, AuditOutcome
from webapp.audit.services import client_address, record
from webapp.auth.models import LoginFailure, RecoveryCode, Role, User, UserSession, hash_token
from webapp.auth.passwords import hash_password, needs_rehash, verify_password
from webapp.auth.twofactor import CodeCheck, check_second_factor, recovery_codes_left
from webapp.db import db, utcnow
from webapp.devices.services import attach_device
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
    user_key, ip_key = _user_key(username), _ip_key()
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
    if not two_factor_needed(user):
        _clear_failures(user)
    # Otherwise the failures stay until the code is right too: someone who has only the
    # password must not reset the count of wrong codes by logging in again.
    return user


def _clear_failures(user: User) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == _user_key(user.username)))


def _is_throttled(user_key: str, ip_key: str) -> bool:
    cfg = current_app.config
    since = utcnow() - dt.timedelta(minutes=cfg["LOGIN_THROTTLE_MINUTES"])
    counts = dict(db.session.execute(
        select(LoginFailure.key, func.count()).where(LoginFailure.key.in_([user_key, ip_key]),
                                                     LoginFailure.at >= since).group_by(LoginFailure.key)
    ).all())
    return counts.get(user_key, 0) >= cfg["LOGIN_MAX_FAILURES"] or counts.get(ip_key, 0) >= cfg["LOGIN_MAX_FAILURES_PER_IP"]


def two_factor_needed(user: User) -> bool:
    """A user who set up two-factor login always gives a code; in production everyone must."""
    return user.has_two_factor or current_app.config["REQUIRE_TWO_FACTOR"]


def start_session(user: User, *, pending_second_factor: bool = False) -> UserSession:
    """A new server-side session. One pending the second factor logs nobody in yet and is not
    audited as a login; complete_login() finishes it."""
    token = secrets.token_urlsafe(32)
    session = UserSession(token_hash=hash_token(token), user=user, ip=client_address(),
                          user_agent=(request.user_agent.string or "")[:255] or None,
                          pending_second_factor=pending_second_factor)
    session.token = token
    db.session.add(session)
    if not pending_second_factor:
        session.reauthenticated_at = user.last_login_at = utcnow()
        user.current_session = session
    db.session.flush()
    if not pending_second_factor:
        attach_device(session)
        record(AuditAction.LOGIN, obj=user, user=user)
    return session


def load_pending_session(token: str | None) -> UserSession | None:
    """The session between password and code, while it is young enough."""
    if not token:
        return None
    session = db.session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(token)))
    if session is None or session.ended_at is not None or not session.pending_second_factor \
            or not session.user.active:
        return None
    if utcnow() - session.created_at > dt.timedelta(minutes=current_app.config["TWO_FACTOR_PENDING_MINUTES"]):
        end_session(session, "second factor timeout")
        return None
    session.token = token
    return session


def complete_login(session: UserSession, method: CodeCheck) -> User:
    """The second factor was right: the session becomes a login, under a new token, so a token
    seen before the code was given is worth nothing."""
    token = secrets.token_urlsafe(32)
    session.token_hash, session.token = hash_token(token), token
    session.pending_second_factor = False
    now = utcnow()
    session.reauthenticated_at = session.last_seen_at = now
    user = session.user
    user.last_login_at = now
    user.current_session = session
    _clear_failures(user)
    db.session.flush()
    attach_device(session)
    details = {"second_factor": method.value}
    if method == CodeCheck.RECOVERY:
        details["recovery_codes_left"] = recovery_codes_left(user)
    record(AuditAction.LOGIN, obj=user, user=user, reason="recovery code used" if method == CodeCheck.RECOVERY else None,
           details=details)
    return user


def verify_second_factor(user: User, code: str, *, context: str = "login") -> CodeCheck:
    """Check a TOTP or recovery code; a wrong or replayed one counts as a failed login (throttling, audit)."""
    if is_user_throttled(user):
        record(AuditAction.LOGIN_FAILED, obj=user, outcome=AuditOutcome.DENIED, reason=f"{context}: throttled",
               details={"username": user.username})
        raise LoginThrottled()
    result = check_second_factor(user, code)
    if result in (CodeCheck.WRONG, CodeCheck.REPLAYED):
        db.session.add_all([LoginFailure(key=_user_key(user.username)), LoginFailure(key=_ip_key())])
        record(AuditAction.LOGIN_FAILED, obj=user, outcome=AuditOutcome.FAILURE,
               reason=f"{context}: {result.value}", details={"username": user.username})
    return result


def _user_key(username: str) -> str:
    return f"user:{username}"[:120]


def _ip_key() -> str:
    return f"ip:{client_address()}"[:120]


def is_user_throttled(user: User) -> bool:
    return _is_throttled(_user_key(user.username), _ip_key())


def is_recently_authenticated(session: UserSession | None) -> bool:
    if session is None or session.reauthenticated_at is None:
        return False
    return utcnow() - session.reauthenticated_at <= dt.timedelta(minutes=current_app.config["REAUTH_MINUTES"])


def reauthenticate(session: UserSession, password: str, code: str | None) -> str | None:
    """Password (and code, when the user has two-factor login) again, inside a live session.

    Returns None when both are right, else the name of the field that was wrong.
    """
    user = session.user
    if is_user_throttled(user):
        record(AuditAction.LOGIN_FAILED, obj=user, outcome=AuditOutcome.DENIED, reason="reauthentication: throttled")
        raise LoginThrottled()
    if not verify_password(user.password_hash, password):
        db.session.add_all([LoginFailure(key=_user_key(user.username)), LoginFailure(key=_ip_key())])
        record(AuditAction.LOGIN_FAILED, obj=user, outcome=AuditOutcome.FAILURE,
               reason="reauthentication: bad credentials")
        return "password"
    details = None
    if user.has_two_factor:
        result = verify_second_factor(user, code or "", context="reauthentication")
        if result not in (CodeCheck.TOTP, CodeCheck.RECOVERY):
            return "code"
        details = {"second_factor": result.value}
    session.reauthenticated_at = utcnow()
    record(AuditAction.LOGIN, obj=user, reason="reauthentication", details=details)
    return None


def enrol_two_factor(user: User, code: str) -> list[str] | None:
    """Confirm the app being set up with its first code; returns the new recovery codes.

    A reset (a user who had two-factor login already) ends the user's other sessions.
    """
    from webapp.auth.twofactor import confirm_enrolment

    replacing = user.has_two_factor
    codes = confirm_enrolment(user, code)
    if codes is None:
        return None
    ended = end_all_sessions(user, "two-factor reset", keep=user.current_session) if replacing else 0
    record(AuditAction.UPDATE, obj=user, user=user,
           reason="two-factor login reset" if replacing else "two-factor login set up",
           details={"recovery_codes": len(codes), "sessions_ended": ended})
    return codes


def end_session(session: UserSession, reason: str) -> None:
    if session.ended_at is None:
        session.ended_at = utcnow()
        session.end_reason = reason


def load_session(token: str) -> User | None:
    """The user of a live session, or None when it ended, idled out or outlived its maximum."""
    session = db.session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(token)))
    if session is None or session.ended_at is not None or not session.user.active or session.pending_second_factor:
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


def end_all_sessions(user: User, reason: str, *, keep: UserSession | None = None) -> int:
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                            UserSession.ended_at.is_(None))).all()
    ended = [s for s in sessions if keep is None or s.id != keep.id]
    for s in ended:
        end_session(s, reason)
    return len(ended)


MIN_PASSWORD_LENGTH = 12


def change_password(user: User, new_password: str) -> int:
    """A new password ends every other session of the user (a thief's included)."""
    user.password_hash = hash_password(new_password)
    ended = end_all_sessions(user, "password changed", keep=user.current_session)
    record(AuditAction.UPDATE, obj=user, reason="password changed", details={"sessions_ended": ended})
    return ended


def set_user_active(user: User, active: bool) -> int:
    """Enable or disable a user; disabling ends all their sessions at once."""
    user.active = active
    ended = 0 if active else end_all_sessions(user, "user disabled")
    record(AuditAction.UPDATE, obj=user, reason="user enabled" if active else "user disabled",
           details={"active": active, "sessions_ended": ended})
    return ended


def reset_two_factor(user: User, *, reason: str = "two-factor reset") -> int:
    """Clear a user's authenticator app and recovery codes (they lost their phone and their codes)
    and end all their sessions; they set it up again at their next login."""
    user.totp_secret = user.totp_pending_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    ended = end_all_sessions(user, reason)
    record(AuditAction.UPDATE, obj=user, reason=reason, details={"two_factor": "reset", "sessions_ended": ended})
    return ended


def create_user(*, username: str, display_name: str, role: Role, organisation: Organisation,
                password: str, email: str | None = None) -> User:
    user = User(username=normalise_username(username), display_name=display_name, role=role,
                organisation=organisation, password_hash=hash_password(password), email=email)
    db.session.add(user)
    db.session.flush()
    return user
