from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import UTCDateTime, db, utcnow

GRACE = dt.timedelta(minutes=15)


class Visit(db.Model):
    """A home visit, planned with a checklist; the id is the UUID the phone made."""

    __tablename__ = "visits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    planned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    checkin_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)           # on the phone
    checkin_received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # by the server
    expected_minutes: Mapped[int | None] = mapped_column(Integer)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checkout_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    checkout_received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    overdue_notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    client = relationship("Client")
    created_by = relationship("User", foreign_keys=[created_by_id])
    checked_in_by = relationship("User", foreign_keys=[checked_in_by_id])

    @property
    def expected_end(self) -> dt.datetime | None:
        if self.checkin_at is None or self.expected_minutes is None:
            return None
        return self.checkin_at + dt.timedelta(minutes=self.expected_minutes)

    def is_overdue(self, now: dt.datetime) -> bool:
        """Inside according to the server, and not out by the expected end plus the grace period."""
        return (self.checkin_received_at is not None and self.checkout_at is None
                and now > self.expected_end + GRACE)

    @property
    def status(self) -> str:
        if self.checkout_at:
            return "afgerond"
        if self.checkin_at:
            return "binnen"
        return "gepland"

    def __repr__(self) -> str:
        return f"<Visit {self.id} {self.status}>"


class Notification(db.Model):
    """A message sent about something (an overdue visit); unique per subject and kind, so a
    command that runs twice never sends twice."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("subject", "kind", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(80))      # e.g. "visit:<uuid>"
    kind: Mapped[str] = mapped_column(String(40))         # e.g. "visit_overdue"
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20))      # email | log
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(String(500))
