from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import UTCDateTime, db, utcnow


class Note(db.Model):
    """A field note. Append-only: a correction is a new note that supersedes this one; both stay.

    The id is the UUID the phone made, so a resend can never make a second note.
    """

    __tablename__ = "notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))        # observatie | afspraak | incident
    text: Mapped[str] = mapped_column(Text)
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("notes.id"), index=True)
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)     # on the phone
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    author = relationship("User")
    client = relationship("Client")

    KIND_LABELS = {"observatie": "Observatie", "afspraak": "Afspraak", "incident": "Incident"}

    @property
    def kind_label(self) -> str:
        return self.KIND_LABELS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Note {self.id}>"
