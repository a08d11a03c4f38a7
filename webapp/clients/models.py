from __future__ import annotations

import datetime as dt
import enum
import secrets

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, String, Text, UniqueConstraint
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
    crisiskaart_versions: Mapped[list[CrisiskaartVersion]] = relationship(
        back_populates="client", order_by="CrisiskaartVersion.number", cascade="all, delete-orphan")
    aops: Mapped[list[Aop]] = relationship(back_populates="client", order_by="Aop.id", cascade="all, delete-orphan")

    @property
    def crisiskaart(self) -> CrisiskaartVersion | None:
        """The current version."""
        return self.crisiskaart_versions[-1] if self.crisiskaart_versions else None

    @property
    def aop(self) -> Aop | None:
        """The AOP in force or proposed (not an ended one)."""
        live = [a for a in self.aops if a.status != AopStatus.BEEINDIGD]
        return live[-1] if live else None

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


# -- crisiskaart ----------------------------------------------------------------------------------

class SectionKind:
    TEXT = "text"
    CONTACTS = "contacts"


# The sections of the crisiskaart, in the order of the card. "police_hint" says what police may
# need from it, shown when a section's consent is asked.
CRISISKAART_SECTIONS = [
    ("persoonlijk", "Persoonlijke gegevens", SectionKind.TEXT,
     "Roepnaam, taal, wat iemand over zichzelf wil laten weten."),
    ("toegang", "Woning en toegang", SectionKind.TEXT,
     "Verdieping, ingang en hoe je binnenkomt (bel, sleutel, wie doet open)."),
    ("contactpersonen", "Contactpersonen", SectionKind.CONTACTS,
     "Naasten, behandelaar en huisarts, met hun nummers."),
    ("signalen", "Zo merk je dat het niet goed gaat", SectionKind.TEXT,
     "Hoe een crisis zich bij deze persoon laat zien."),
    ("helpt", "Wat helpt", SectionKind.TEXT, "Wat rust geeft of de-escaleert."),
    ("helpt_niet", "Wat helpt niet", SectionKind.TEXT, "Wat de spanning juist verhoogt."),
    ("wensen", "Wat ik wil dat er gebeurt", SectionKind.TEXT, "Wensen in een crisis."),
    ("niet_wensen", "Wat ik niet wil dat er gebeurt", SectionKind.TEXT, "Wat iemand in een crisis niet wil."),
    ("medisch", "Medicatie en lichamelijke aandachtspunten", SectionKind.TEXT,
     "Medische risico's waar de politie rekening mee moet houden."),
    ("afspraken", "Afspraken met hulpverleners", SectionKind.TEXT, "Wat er met de zorg is afgesproken."),
    ("praktisch", "Praktische zaken", SectionKind.TEXT, "Kinderen, huisdieren, het huis."),
]
SECTION_KEYS = [key for key, *_ in CRISISKAART_SECTIONS]
SECTION_TITLES = {key: title for key, title, *_ in CRISISKAART_SECTIONS}
STALE_CARD_MONTHS = 18


class CrisiskaartVersion(db.Model):
    """One version of a client's crisiskaart. Versions are never changed: an edit, or a change
    of consent, makes a new version, and the older ones stay readable for those allowed."""

    __tablename__ = "crisiskaart_versions"
    __table_args__ = (UniqueConstraint("client_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    made_on: Mapped[dt.date] = mapped_column(Date)
    signed_by: Mapped[str] = mapped_column(String(200))
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    change_note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    client: Mapped[Client] = relationship(back_populates="crisiskaart_versions")
    sections: Mapped[list[CrisiskaartSection]] = relationship(back_populates="version", cascade="all, delete-orphan",
                                                             order_by="CrisiskaartSection.position")
    created_by = relationship("User")

    def section(self, key: str) -> CrisiskaartSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def warnings(self, today: dt.date) -> list[str]:
        notes = []
        if self.valid_until and self.valid_until < today:
            notes.append(f"Verlopen sinds {self.valid_until:%d-%m-%Y}. Vraag of de afspraken nog gelden.")
        months = (today.year - self.made_on.year) * 12 + today.month - self.made_on.month - (today.day < self.made_on.day)
        if months >= STALE_CARD_MONTHS:
            notes.append(f"Ouder dan {STALE_CARD_MONTHS} maanden (gemaakt {self.made_on:%d-%m-%Y}). Tijd om hem samen bij te werken.")
        return notes

    def __repr__(self) -> str:
        return f"<CrisiskaartVersion client={self.client_id} v{self.number}>"


class CrisiskaartSection(db.Model):
    __tablename__ = "crisiskaart_sections"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("crisiskaart_versions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column()
    text: Mapped[str | None] = mapped_column(Text)
    entries: Mapped[list | None] = mapped_column(JSON)  # contact persons: [{relation, name, phone}]
    police_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consent_recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    version: Mapped[CrisiskaartVersion] = relationship(back_populates="sections")
    consent_recorded_by = relationship("User")

    @property
    def title(self) -> str:
        return SECTION_TITLES[self.key]

    @property
    def is_empty(self) -> bool:
        return not (self.text or "").strip() and not self.entries


# -- afspraak op persoon --------------------------------------------------------------------------

class AopStatus(enum.StrEnum):
    VOORGESTELD = "voorgesteld"   # proposed by GGZ, not yet in the police system
    ACTIEF = "actief"
    BEEINDIGD = "beeindigd"

    @property
    def label(self) -> str:
        return {"voorgesteld": "Voorgesteld door GGZ", "actief": "Actief", "beeindigd": "Beëindigd"}[self.value]


class Aop(db.Model):
    """An afspraak op persoon: at the person's request, how police should act with this person."""

    __tablename__ = "aops"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    status: Mapped[AopStatus] = mapped_column(Enum(AopStatus, native_enum=False, length=20,
                                                   values_callable=lambda e: [m.value for m in e]))
    approach: Mapped[str] = mapped_column(Text)               # how to approach the person
    contact_name: Mapped[str] = mapped_column(String(160))    # the 24/7 contact at the institution
    contact_phone: Mapped[str] = mapped_column(String(20))    # E.164
    valid_until: Mapped[dt.date] = mapped_column(Date)
    consent: Mapped[str] = mapped_column(Text)                # the consent it rests on
    made_by: Mapped[str] = mapped_column(String(10))          # "ggz" or "politie"
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    client: Mapped[Client] = relationship(back_populates="aops")
    created_by = relationship("User", foreign_keys=[created_by_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])

    def is_valid(self, today: dt.date) -> bool:
        return self.status == AopStatus.ACTIEF and self.valid_until >= today

    def __repr__(self) -> str:
        return f"<Aop {self.id} client={self.client_id} {self.status.value}>"
