from __future__ import annotations

import datetime as dt
import enum
import hashlib

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import UTCDateTime, db, utcnow
from webapp.organisations.models import Organisation, Region


class Role(enum.StrEnum):
    HULPVERLENER = "hulpverlener"
    WIJKAGENT = "wijkagent"
    COORDINATOR = "coordinator"

    @property
    def label(self) -> str:
        return {"hulpverlener": "Hulpverlener", "wijkagent": "Wijkagent", "coordinator": "Coördinator"}[self.value]


def role_column():
    return Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(role_column())
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Two-factor login (TOTP, RFC 6238). The secret is in use once totp_enabled_at is set;
    # totp_pending_secret is one being set up and not yet confirmed with a first code.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The last time step whose code was accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column()

    organisation: Mapped[Organisation] = relationship()

    # Set by the user loader to the server-side session this request runs in.
    current_session = None  # type: UserSession | None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    @property
    def region(self) -> Region:
        return self.organisation.region

    @property
    def is_police(self) -> bool:
        return self.organisation.kind.is_police

    @property
    def is_care(self) -> bool:
        return self.organisation.kind.is_ggz

    def get_id(self) -> str:
        # Flask-Login keeps this in the cookie; it is the server-side session token,
        # so ending the session row ends the login ("alternative tokens").
        if self.current_session is None or self.current_session.token is None:
            raise RuntimeError("user has no active session")
        return self.current_session.token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r} {self.role.value}>"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserSession(db.Model):
    """A login, kept on the server so that logout and disabling a user end it everywhere."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_ended_at", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    # True between the password and the second factor: such a session logs nobody in.
    pending_second_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When the user last gave their password (and code): exports and credential changes need it recent.
    reauthenticated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The device the login came from (webapp/devices); revoking it ends this session.
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), index=True)

    user: Mapped[User] = relationship()

    # The raw token exists only in the request that created or loaded the session.
    token = None  # type: str | None

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class LoginFailure(db.Model):
    """A failed login, counted per username and per address for throttling."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120))  # "user:<name>" or "ip:<address>"
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator app; only its Argon2 hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id}{' used' if self.used_at else ''}>"
