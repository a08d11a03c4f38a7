from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import db


class OrganisationKind(enum.StrEnum):
    GGZ_INSTELLING = "ggz_instelling"
    GGZ_TEAM = "ggz_team"
    POLITIE_EENHEID = "politie_eenheid"
    POLITIE_BASISTEAM = "politie_basisteam"
    VEILIG_THUIS = "veilig_thuis"
    GEMEENTE = "gemeente"
    WIJKTEAM = "wijkteam"
    AMBULANCEZORG = "ambulancezorg"
    OVERIG = "overig"

    @property
    def label(self) -> str:
        return ORGANISATION_KIND_LABELS[self]

    @property
    def is_police(self) -> bool:
        return self in (OrganisationKind.POLITIE_EENHEID, OrganisationKind.POLITIE_BASISTEAM)

    @property
    def is_ggz(self) -> bool:
        return self in (OrganisationKind.GGZ_INSTELLING, OrganisationKind.GGZ_TEAM)


ORGANISATION_KIND_LABELS = {
    OrganisationKind.GGZ_INSTELLING: "GGZ-instelling",
    OrganisationKind.GGZ_TEAM: "GGZ-team",
    OrganisationKind.POLITIE_EENHEID: "Politie-eenheid",
    OrganisationKind.POLITIE_BASISTEAM: "Politie basisteam",
    OrganisationKind.VEILIG_THUIS: "Veilig Thuis",
    OrganisationKind.GEMEENTE: "Gemeente",
    OrganisationKind.WIJKTEAM: "Wijkteam",
    OrganisationKind.AMBULANCEZORG: "Ambulancezorg",
    OrganisationKind.OVERIG: "Overig",
}


class Region(db.Model):
    """A werkgebied: the municipalities, and so the postcode areas, a set of partners covers."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    municipalities: Mapped[list[Municipality]] = relationship(back_populates="region", order_by="Municipality.name")

    def __repr__(self) -> str:
        return f"<Region {self.id} {self.name!r}>"


class Municipality(db.Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="municipalities")
    postcodes: Mapped[list[PostcodeArea]] = relationship(back_populates="municipality", order_by="PostcodeArea.postcode")

    def __repr__(self) -> str:
        return f"<Municipality {self.id} {self.name!r}>"


class PostcodeArea(db.Model):
    """A Dutch 4-digit postcode area (the digits of '3511 AB')."""

    __tablename__ = "postcode_areas"

    postcode: Mapped[str] = mapped_column(String(4), primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)

    municipality: Mapped[Municipality] = relationship(back_populates="postcodes")

    def __repr__(self) -> str:
        return f"<PostcodeArea {self.postcode}>"


class Organisation(db.Model):
    """An organisation or a part of one: a GGZ-instelling and its teams, a basisteam, …"""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[OrganisationKind] = mapped_column(Enum(OrganisationKind, native_enum=False, length=32,
                                                        values_callable=lambda e: [m.value for m in e]))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    # Where a GGZ team works: "klinisch" (in the institution) or "ambulant" (at the client's). The
    # flows show that setting's advice only; unknown (None): they ask.
    care_setting: Mapped[str | None] = mapped_column(String(10))

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(back_populates="parent", order_by="Organisation.name")
    region: Mapped[Region] = relationship()

    @property
    def root(self) -> Organisation:
        """The whole organisation this unit is part of (a team's instelling)."""
        org = self
        while org.parent is not None:
            org = org.parent
        return org

    @property
    def setting(self) -> str | None:
        """The care setting of this unit or the nearest unit above it that has one."""
        org = self
        while org is not None and not org.care_setting:
            org = org.parent
        return org.care_setting if org else None

    def unit_ids(self) -> list[int]:
        """This organisation and every unit below it."""
        ids, todo = [], [self]
        while todo:
            org = todo.pop()
            ids.append(org.id)
            todo.extend(org.children)
        return ids

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"
