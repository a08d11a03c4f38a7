from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.contacts.models import Contact
from webapp.db import UTCDateTime, db, utcnow

agreement_contacts = Table(
    "local_agreement_contacts", db.metadata,
    Column("agreement_id", Integer, ForeignKey("local_agreements.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
)


class LocalAgreement(db.Model):
    """A region's own agreement on one step of a flow, on top of the national text."""

    __tablename__ = "local_agreements"
    __table_args__ = (UniqueConstraint("region_id", "flow_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    flow_id: Mapped[str] = mapped_column(String(60))
    step_id: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    contacts: Mapped[list[Contact]] = relationship(secondary=agreement_contacts, order_by="Contact.name")
    updated_by = relationship("User")

    def __repr__(self) -> str:
        return f"<LocalAgreement {self.id} {self.flow_id}/{self.step_id}>"
