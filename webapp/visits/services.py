"""Home visits: planned with a checklist, checked in and out through the sync protocol, and the
overdue rule with its idempotent notification."""
from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy import select, update

from sync.protocol import Mutation, Rejected
from webapp.api.changes import write_change
from webapp.audit.models import AuditAction
from webapp.audit.services import record
from webapp.auth.models import Role, User
from webapp.clients.models import Client
from webapp.db import db, utcnow
from webapp.notes.services import writable_client
from webapp.visits.models import GRACE, Notification, Visit

log = logging.getLogger(__name__)

# The pre-visit checklist (000 §3.1 safe-visit practices; 003 action 36). Keys are stored.
CHECKLIST = [
    ("bekend_risico", "Is er een bekend risico bij deze cliënt of dit adres?", "000 §3.1, veiligheidsbeleid punt 3"),
    ("met_collega", "Ga ik met een collega (bij risico: altijd)?", "000 §3.1, veiligheidsbeleid punt 3"),
    ("wijkagent_gevraagd", "Heb ik de wijkagent gevraagd of er een risico is?", "000 §3.1; 002 r. 3684–3694"),
    ("wijkagent_antwoord", "Antwoord van de wijkagent", "000 §3.1: de politie zegt go of no-go, geen antecedenten"),
    ("collega_weet_ervan", "Weet een collega dat ik binnenga en wanneer ik buiten ben?", "000 §3.1, punt 3"),
    ("crisiskaart_gelezen", "Heb ik de crisiskaart en de afspraak op persoon gelezen?", "003, actie 36"),
]
CHECKLIST_LABELS = {key: label for key, label, _ in CHECKLIST}


def _visit(visit_id: str, user) -> tuple[Visit, Client]:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise Rejected("Dit huisbezoek is niet bekend bij de server. Plan het eerst.", {"visit_id": ["Onbekend."]})
    client = writable_client(user, visit.client.public_id)
    return visit, client


def visit_data(visit: Visit, client: Client) -> dict:
    iso = lambda t: t.isoformat() if t else None  # noqa: E731
    return {"id": visit.id, "client_id": client.public_id, "planned_at": iso(visit.planned_at),
            "checklist": visit.checklist, "checkin_at": iso(visit.checkin_at), "expected_minutes": visit.expected_minutes,
            "checkout_at": iso(visit.checkout_at), "status": visit.status}


def _changed(visit: Visit, client: Client, what: str, mutation: Mutation) -> None:
    write_change(client.team_id, client.id, "visit", visit.id, "upsert", visit_data(visit, client))
    record(AuditAction.CREATE if what == "plan" else AuditAction.UPDATE, obj=visit, client=client,
           reason=what, details={"device": mutation.device_id})


def apply_visit_plan(mutation: Mutation, context) -> None:
    data = mutation.data
    client = writable_client(context.user, data["client_id"])
    if db.session.get(Visit, data["visit_id"]) is not None:
        raise Rejected("Dit huisbezoek is al gepland.", {"visit_id": ["Bestaat al."]})
    visit = Visit(id=data["visit_id"], client_id=client.id, planned_at=data["planned_at"],
                  checklist=dict(data.get("checklist") or {}), created_by_id=context.user.id)
    db.session.add(visit)
    db.session.flush()
    _changed(visit, client, "plan", mutation)


def apply_visit_checkin(mutation: Mutation, context) -> None:
    visit, client = _visit(mutation.data["visit_id"], context.user)
    if visit.checkin_at is not None:
        raise Rejected("Voor dit huisbezoek is 'binnen' al gemeld.")
    visit.checkin_at, visit.expected_minutes = mutation.data["at"], mutation.data["expected_minutes"]
    visit.checkin_received_at, visit.checked_in_by_id = utcnow(), context.user.id
    db.session.flush()
    _changed(visit, client, "checkin", mutation)


def apply_visit_checkout(mutation: Mutation, context) -> None:
    visit, client = _visit(mutation.data["visit_id"], context.user)
    if visit.checkin_at is None:
        raise Rejected("Meld eerst 'binnen' voor dit huisbezoek.")
    if visit.checkout_at is not None:
        raise Rejected("Voor dit huisbezoek is 'buiten' al gemeld.")
    visit.checkout_at, visit.checkout_received_at = mutation.data["at"], utcnow()
    db.session.flush()
    _changed(visit, client, "checkout", mutation)


def visits_for_client(client: Client) -> list[Visit]:
    return db.session.scalars(select(Visit).where(Visit.client_id == client.id)
                              .order_by(Visit.planned_at.desc()).limit(10)).all()


# -- overdue ---------------------------------------------------------------------------------------

def open_visits(user) -> list[Visit]:
    """Visits checked in and not out, for the team (or a coordinator's organisation)."""
    query = select(Visit).join(Client, Client.id == Visit.client_id).where(Visit.checkin_at.is_not(None),
                                                                           Visit.checkout_at.is_(None))
    if user.role == Role.HULPVERLENER:
        query = query.where(Client.team_id == user.organisation_id)
    else:
        query = query.where(Client.organisation_id == user.organisation.root.id)
    return db.session.scalars(query.order_by(Visit.checkin_at)).all()


def overdue_visits(now: dt.datetime) -> list[Visit]:
    candidates = db.session.scalars(select(Visit).where(Visit.checkin_received_at.is_not(None),
                                                        Visit.checkout_at.is_(None))).all()
    return [v for v in candidates if v.is_overdue(now)]


def check_overdue(now: dt.datetime | None = None) -> list[Visit]:
    """Notify the team of every newly overdue visit, once. Safe to run twice, and in parallel:
    a visit is claimed with an UPDATE that only one run can win."""
    now = now or utcnow()
    notified = []
    for visit in overdue_visits(now):
        won = db.session.execute(update(Visit).where(Visit.id == visit.id, Visit.overdue_notified_at.is_(None))
                                 .values(overdue_notified_at=now)).rowcount
        if not won:
            continue
        client = visit.client
        team = db.session.scalars(select(User).where(User.organisation_id == client.team_id, User.active.is_(True))).all()
        coordinators = db.session.scalars(select(User).where(User.organisation_id == client.organisation_id,
                                                             User.role == Role.COORDINATOR, User.active.is_(True))).all()
        who = visit.checked_in_by.display_name if visit.checked_in_by else "Een collega"
        local = visit.expected_end.astimezone(_amsterdam())
        text = (f"{who} is bij een huisbezoek nog niet uitgecheckt. Verwacht buiten om {local:%H:%M}. "
                f"Bel je collega en open Veldwijzer > Bezoeken. Geen contact? Volg jullie veiligheidsprotocol.")
        for user in {u.id: u for u in team + coordinators}.values():
            channel = _send(user, "Huisbezoek: collega nog niet buiten", text)
            db.session.add(Notification(subject=f"visit:{visit.id}", kind="visit_overdue", recipient_id=user.id,
                                        channel=channel, text=text[:500]))
        record(AuditAction.UPDATE, obj=visit, client=client, reason="overdue notified",
               details={"recipients": len(team) + len(coordinators)})
        notified.append(visit)
    db.session.flush()
    return notified


def _amsterdam():
    from webapp.contacts.hours import AMSTERDAM

    return AMSTERDAM


def _send(user: User, subject: str, text: str) -> str:
    """Email when an SMTP server is configured (WEBAPP_MAIL_SERVER), else the log."""
    server = current_app.config.get("MAIL_SERVER")
    if server and user.email:
        import smtplib
        from email.message import EmailMessage

        message = EmailMessage()
        message["From"] = current_app.config.get("MAIL_FROM", "veldwijzer@localhost")
        message["To"], message["Subject"] = user.email, subject
        message.set_content(text)
        with smtplib.SMTP(server, int(current_app.config.get("MAIL_PORT", 25)), timeout=10) as smtp:
            smtp.send_message(message)
        return "email"
    log.warning("notification for %s: %s", user.username, text)
    return "log"
