from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Enum, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.auth.models import role_column, Role
from webapp.db import UTCDateTime, db, utcnow


class AuditAction(enum.StrEnum):
    CREATE = "create"
    READ = "read"
    UPDATE = "update"
    DELETE = "delete"
    SEARCH = "search"
    EXPORT = "export"
    LOGIN = "login"
    LOGOUT = "logout"
    LOGIN_FAILED = "login_failed"
    ACCESS_DENIED = "access_denied"


class AuditOutcome(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


def _enum(e, length):
    return Enum(e, native_enum=False, length=length, values_callable=lambda x: [m.value for m in x])


class AuditEvent(db.Model):
    """One line of the audit log. Rows are only ever inserted.

    Who is copied as it was at the time (name, role, organisation), so the log stays
    true when a user later changes team or is removed.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_client_at", "client_id", "at"),
        Index("ix_audit_events_user_at", "user_id", "at"),
        Index("ix_audit_events_org_at", "organisation_id", "at"),
        Index("ix_audit_events_at", "at"),  # retention deletes by age
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # who
    user_id: Mapped[int | None] = mapped_column()
    username: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[Role | None] = mapped_column(role_column())
    organisation_id: Mapped[int | None] = mapped_column()
    organisation_name: Mapped[str | None] = mapped_column(String(160))
    # what
    action: Mapped[AuditAction] = mapped_column(_enum(AuditAction, 20))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    client_id: Mapped[int | None] = mapped_column()
    outcome: Mapped[AuditOutcome] = mapped_column(_enum(AuditOutcome, 10))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)
    # from where
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    route: Mapped[str | None] = mapped_column(String(120))

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action.value} {self.object_type}:{self.object_id} {self.outcome.value}>"
