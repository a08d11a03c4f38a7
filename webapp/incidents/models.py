from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import UTCDateTime, db, utcnow


def _enum(e, length):
    return Enum(e, native_enum=False, length=length, values_callable=lambda x: [m.value for m in x])


class Setting(enum.StrEnum):
    KLINISCH = "klinisch"
    AMBULANT = "ambulant"

    @property
    def label(self) -> str:
        return {"klinisch": "Klinisch (in de instelling)", "ambulant": "Ambulant (bij de cliënt, thuis of buiten)"}[self]


class Situation(enum.StrEnum):
    """The kinds of situation of 000 §2 (the grounds on which police may act), and an incident that
    was neither: 003 asks to report every incident, also one without an emergency or a crime."""

    ACUUT = "acuut"
    PLANBAAR = "planbaar"
    STRAFBAAR_FEIT = "strafbaar_feit"
    GEEN = "geen"

    @property
    def label(self) -> str:
        return {"acuut": "Acute noodsituatie", "planbaar": "Planbare noodsituatie",
                "strafbaar_feit": "Strafbaar feit", "geen": "Geen noodsituatie, geen strafbaar feit"}[self]


class PoliceCalled(enum.StrEnum):
    P112 = "112"
    WIJKAGENT = "wijkagent"
    P0900 = "0900-8844"
    NIET = "niet"

    @property
    def label(self) -> str:
        return {"112": "112", "wijkagent": "Wijkagent", "0900-8844": "0900-8844", "niet": "Geen politie"}[self]


class AangifteStatus(enum.StrEnum):
    TE_DOEN = "te_doen"
    GEDAAN = "gedaan"
    NIET_GEDAAN = "niet_gedaan"

    @property
    def label(self) -> str:
        return {"te_doen": "Te doen", "gedaan": "Gedaan", "niet_gedaan": "Niet gedaan"}[self]


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    GEDAAN = "gedaan"

    @property
    def label(self) -> str:
        return {"open": "Open", "gedaan": "Gedaan"}[self]


# The six questions of the joint evaluation, 000 §5 stap 6, in our own words.
EVALUATION_QUESTIONS = [
    ("verloop", "Hoe verliep de inzet, en waarom is zo gehandeld?"),
    ("juiste_plek", "Zit de cliënt nu op de juiste plek?"),
    ("samenwerking", "Hoe ging de samenwerking tussen GGZ en politie?"),
    ("risico", "Welke stappen worden gezet om het risico te verlagen?"),
    ("voorkomen", "Kan politie-inzet de volgende keer worden voorkomen?"),
    ("afspraken", "Zijn er nieuwe afspraken nodig? Welke?"),
]
# When police support for this client threatens to become structural (000 §4.2 and stap 6).
STRUCTURAL_QUESTIONS = [
    ("inspanning", "Inspanningsverplichting: wat doet de GGZ zelf om het risico te verlagen?"),
    ("tussenoplossing", "Tussenoplossing: wat spreken GGZ en politie af tot dan, en hoelang?"),
]


class Incident(db.Model):
    """An incident with a client. The id is the UUID the phone made, so a resend is never a second incident.

    The care part (description, injuries, notes, follow-up actions) is for care only. The police
    contact invited to the evaluation sees the police part: when, the kind of situation, how police
    were called, the references, and the evaluation itself.
    """

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_region_occurred", "region_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    setting: Mapped[Setting] = mapped_column(_enum(Setting, 10))
    location: Mapped[str | None] = mapped_column(String(200))
    situation: Mapped[Situation] = mapped_column(_enum(Situation, 20))
    police_called: Mapped[PoliceCalled] = mapped_column(_enum(PoliceCalled, 12))
    description: Mapped[str] = mapped_column(Text)
    injuries: Mapped[str | None] = mapped_column(Text)
    police_reference: Mapped[str | None] = mapped_column(String(40))
    flow_id: Mapped[str | None] = mapped_column(String(60))
    step_id: Mapped[str | None] = mapped_column(String(60))
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)                 # on the phone
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    # aangifte (000 §3.1: the norm after a criminal offence)
    aangifte_status: Mapped[AangifteStatus | None] = mapped_column(_enum(AangifteStatus, 12))
    aangifte_reason: Mapped[str | None] = mapped_column(Text)
    aangifte_domicilie: Mapped[bool] = mapped_column(Boolean, default=False)
    aangifte_reference: Mapped[str | None] = mapped_column(String(40))
    aangifte_updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # the joint evaluation (000 stap 6)
    police_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    invited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ggz_answers: Mapped[dict | None] = mapped_column(JSON)
    ggz_done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ggz_done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    police_answers: Mapped[dict | None] = mapped_column(JSON)
    police_done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    police_done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    client = relationship("Client")
    reported_by = relationship("User", foreign_keys=[reported_by_id])
    police_user = relationship("User", foreign_keys=[police_user_id])
    ggz_done_by = relationship("User", foreign_keys=[ggz_done_by_id])
    police_done_by = relationship("User", foreign_keys=[police_done_by_id])
    actions: Mapped[list[IncidentAction]] = relationship(back_populates="incident", cascade="all, delete-orphan",
                                                         order_by="IncidentAction.id")

    @property
    def police_involved(self) -> bool:
        return self.police_called != PoliceCalled.NIET

    @property
    def needs_police_part(self) -> bool:
        """A joint evaluation after every police deployment (000 stap 6); without police, the GGZ part is enough."""
        return self.police_involved

    @property
    def evaluation_done(self) -> bool:
        return self.ggz_done_at is not None and (self.police_done_at is not None or not self.needs_police_part)

    @property
    def evaluation_status(self) -> str:
        return "afgerond" if self.evaluation_done else "open"

    @property
    def aangifte_open(self) -> bool:
        return self.aangifte_status == AangifteStatus.TE_DOEN

    def __repr__(self) -> str:
        return f"<Incident {self.id} {self.situation.value}>"


class IncidentAction(db.Model):
    """A follow-up action chosen from the possible actions after an incident (003), with an owner and a due date."""

    __tablename__ = "incident_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    action_key: Mapped[str] = mapped_column(String(10))      # a01 … a37 of na-incident.yaml, or OWN_ACTION
    text: Mapped[str] = mapped_column(String(300))           # as the list said when it was chosen
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(_enum(ActionStatus, 10), default=ActionStatus.OPEN)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    incident: Mapped[Incident] = relationship(back_populates="actions")
    owner = relationship("User", foreign_keys=[owner_id])

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < today

    def __repr__(self) -> str:
        return f"<IncidentAction {self.id} {self.action_key} {self.status.value}>"


class MissingReport(db.Model):
    """A client reported missing to the police, until care tells the police the client is back
    (the terugmelding that is often forgotten: 002 r. 6481–6496)."""

    __tablename__ = "missing_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)   # when the police were told
    police_reference: Mapped[str | None] = mapped_column(String(40))
    told_whom: Mapped[str] = mapped_column(String(160))             # who at the police was told
    police_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    client = relationship("Client")
    police_user = relationship("User", foreign_keys=[police_user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    returned_by = relationship("User", foreign_keys=[returned_by_id])

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    def __repr__(self) -> str:
        return f"<MissingReport {self.id} {'open' if self.is_open else 'terug'}>"
