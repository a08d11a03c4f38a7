from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import UTCDateTime, db, utcnow
from webapp.organisations.models import Organisation
from webapp.text import fold


def new_public_id() -> str:
    # Opaque and unguessable: client URLs carry no personal identifier and no counter.
    return secrets.token_urlsafe(12)


class Client(db.Model):
    """The minimum about a client: who, born when, where, and in whose caseload. No BSN."""

    __tablename__ = "clients"
    __table_args__ = (UniqueConstraint("organisation_id", "client_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(160))
    name_key: Mapped[str] = mapped_column(String(160), index=True)
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    postcode: Mapped[str] = mapped_column(String(6))          # "3511AB"
    postcode_area: Mapped[str] = mapped_column(String(4), index=True)  # "3511"
    house_number: Mapped[str] = mapped_column(String(12))
    street: Mapped[str | None] = mapped_column(String(120))
    city: Mapped[str | None] = mapped_column(String(80))
    client_number: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    team: Mapped[Organisation] = relationship(foreign_keys=[team_id])

    def set_name(self, name: str) -> None:
        self.name = " ".join(name.split())
        self.name_key = fold(name)

    @property
    def address_line(self) -> str:
        pc = f"{self.postcode[:4]} {self.postcode[4:]}".strip()
        street = f"{self.street} {self.house_number}" if self.street else f"huisnummer {self.house_number}"
        return ", ".join(p for p in (street, pc, self.city) if p)

    def __repr__(self) -> str:
        return f"<Client {self.id}>"
