from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.contacts.functions import ContactFunction, Level
from webapp.contacts.hours import describe_hours, format_hours
from webapp.contacts.phones import display_phone
from webapp.db import UTCDateTime, db, utcnow

STALE_AFTER = dt.timedelta(days=180)


def _enum(e, length):
    return Enum(e, native_enum=False, length=length, values_callable=lambda x: [m.value for m in x])


class Contact(db.Model):
    """A person or a function (a desk, a 24/7 line) in the directory of a region."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_region_function", "region_id", "function"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))  # indexed with function, below
    is_person: Mapped[bool] = mapped_column(Boolean, default=True)
    name: Mapped[str] = mapped_column(String(160))
    organisation: Mapped[str] = mapped_column(String(160))
    function: Mapped[ContactFunction] = mapped_column(_enum(ContactFunction, 40))
    level: Mapped[Level] = mapped_column(_enum(Level, 20))
    phone: Mapped[str] = mapped_column(String(20))               # E.164
    phone_alt: Mapped[str | None] = mapped_column(String(20))    # E.164
    phone_alt_label: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(200))
    hours: Mapped[dict | None] = mapped_column(JSON)             # None: 24/7
    outside_hours: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text, default="")   # folded name, organisation, function, postcodes
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    postcodes: Mapped[list[ContactPostcode]] = relationship(back_populates="contact", cascade="all, delete-orphan",
                                                           order_by="ContactPostcode.postcode")
    verified_by: Mapped[User | None] = relationship()

    @property
    def postcode_list(self) -> list[str]:
        return [p.postcode for p in self.postcodes]

    @property
    def always_available(self) -> bool:
        return self.hours is None

    @property
    def hours_text(self) -> str:
        return format_hours(self.hours)

    @property
    def hours_description(self) -> str:
        return describe_hours(self.hours)

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)

    @property
    def phone_alt_display(self) -> str:
        return display_phone(self.phone_alt)

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        """Not verified in 180 days: someone has to check it ("controleren")."""
        if self.verified_at is None:
            return True
        return (now or utcnow()) - self.verified_at > STALE_AFTER

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.function.value}>"


class ContactPostcode(db.Model):
    """A 4-digit postcode area a contact covers (a wijkagent's beat, a basisteam's area)."""

    __tablename__ = "contact_postcodes"

    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    postcode: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)

    contact: Mapped[Contact] = relationship(back_populates="postcodes")
