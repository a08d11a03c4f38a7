"""Incidents: applied from the sync protocol (the phone's outbox, or the plain form through the same
path); aangifte; the structural-use check; the joint evaluation with its reminder; follow-up
actions; missing clients and the terugmelding; the coordinator's overview and export.

Every read and change of an incident writes an audit row in the same transaction.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from sync.protocol import Mutation, Rejected
from webapp.audit.models import AuditAction
from webapp.audit.services import record
from webapp.auth.models import Role, User
from webapp.clients.models import Client
from webapp.clients.services import get_client
from webapp.contacts.hours import AMSTERDAM
from webapp.db import db, utcnow
from webapp.incidents.models import (ActionStatus, AangifteStatus, Incident, IncidentAction, MissingReport,
                                     PoliceCalled, Setting, Situation)
from webapp.organisations.models import Organisation

NOT_IN_CASELOAD = ("Deze cliënt staat niet (meer) in de caseload van jouw team. Het incident blijft op je telefoon; "
                   "overleg met je team wat ermee moet.")
REMIND_AFTER = dt.timedelta(days=14)
# The window for "police support is becoming structural" is Veldwijzer's own: 000 §4.2 names no period.
STRUCTURAL_MONTHS = 12
OWN_ACTION = "eigen"  # the action_key of an action the user wrote (003 ends its list with a blank line for one)
# A phone's clock may run a little ahead; an incident further in the future is a mistake.
CLOCK_SKEW = dt.timedelta(minutes=10)

# What a flow outcome says about the incident, to fill in the form (flow id, step id) -> values.
FLOW_PREFILL = {
    ("politie-inschakelen", "bel-112"): {"situation": "acuut", "police_called": "112"},
    ("politie-inschakelen", "heterdaad-112"): {"situation": "strafbaar_feit", "police_called": "112"},
    ("politie-inschakelen", "aangifte-achteraf"): {"situation": "strafbaar_feit", "aangifte_status": "te_doen"},
    ("politie-inschakelen", "stap-2-verzoek"): {"situation": "planbaar", "police_called": "wijkagent"},
    ("politie-inschakelen", "opschaling-volstaat"): {"situation": "geen", "police_called": "niet"},
    ("politie-inschakelen", "geen-grond"): {"situation": "geen", "police_called": "niet"},
    ("samen-op-in-acuut", "bel-112"): {"situation": "acuut", "police_called": "112"},
    ("na-incident", "aangifte"): {"situation": "strafbaar_feit", "aangifte_status": "te_doen"},
}


def today() -> dt.date:
    return utcnow().astimezone(AMSTERDAM).date()


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(AMSTERDAM)


# -- registering (the mutation type "incident.create") ----------------------------------------------

def writable_client(user, public_id: str) -> Client:
    """Only a hulpverlener registers, and only for a client of the own team's caseload."""
    client = get_client(public_id)
    if client is None or user.role != Role.HULPVERLENER or client.team_id != user.organisation_id:
        raise Rejected(NOT_IN_CASELOAD)
    return client


def apply_incident_create(mutation: Mutation, context) -> None:
    data = mutation.data
    client = writable_client(context.user, data["client_id"])
    now = utcnow()
    if data["occurred_at"] > now + CLOCK_SKEW:
        raise Rejected("Het tijdstip van het incident ligt in de toekomst.",
                       {"occurred_at": ["Het tijdstip ligt in de toekomst. Controleer datum en tijd."]})
    aangifte = data.get("aangifte_status")
    if aangifte is None and data["situation"] == Situation.STRAFBAAR_FEIT:
        aangifte = AangifteStatus.TE_DOEN  # after a criminal offence aangifte is the norm (000 §3.1)
    incident = Incident(
        id=mutation.id, client_id=client.id, region_id=client.organisation.region_id,
        occurred_at=data["occurred_at"], setting=Setting(data["setting"]), location=data.get("location"),
        situation=Situation(data["situation"]), police_called=PoliceCalled(data["police_called"]),
        description=data["description"], injuries=data.get("injuries"), police_reference=data.get("police_reference"),
        flow_id=data.get("flow_id"), step_id=data.get("step_id"), reported_by_id=context.user.id,
        written_at=data["written_at"], received_at=now,
        aangifte_status=AangifteStatus(aangifte) if aangifte else None, aangifte_reason=data.get("aangifte_reason"),
        aangifte_domicilie=data.get("aangifte_domicilie", False), aangifte_reference=data.get("aangifte_reference"),
        aangifte_updated_at=now if aangifte else None,
    )
    db.session.add(incident)
    db.session.flush()
    earlier = earlier_police_requests(client, incident.occurred_at, exclude_id=incident.id)
    record(AuditAction.CREATE, obj=incident, client=client,
           details={"situation": incident.situation.value, "police_called": incident.police_called.value,
                    "earlier_police_requests": len(earlier), "device": mutation.device_id,
                    "from_flow": f"{incident.flow_id}/{incident.step_id}" if incident.flow_id else None})


def prefill_from_flow(flow_id: str | None, step_id: str | None) -> dict:
    return dict(FLOW_PREFILL.get((flow_id, step_id), {}))


# -- structural use (000 §4.2) -------------------------------------------------------------------------
# 000 §4.2 warns against police support for one client becoming structural, with the example of one
# planned task (depotmedicatie: a second time in an extreme exception, then no more). It is not a cap
# on calls: acute help is given "zonder discussie" (000 bijlage, politie). So only planned requests
# for support count, and the warning never stands between a user and 112.

def months_back(moment: dt.datetime, months: int) -> dt.datetime:
    """The same moment so many calendar months earlier (31 March minus one month is 28/29 February)."""
    year, month = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + year, month + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def earlier_police_requests(client: Client, before: dt.datetime, exclude_id: str | None = None) -> list[Incident]:
    """Planned incidents of this client in the twelve months before ``before`` for which police support was asked."""
    query = select(Incident).where(Incident.client_id == client.id, Incident.police_called != PoliceCalled.NIET,
                                   Incident.situation == Situation.PLANBAAR,
                                   Incident.occurred_at >= months_back(before, STRUCTURAL_MONTHS),
                                   Incident.occurred_at < before)
    if exclude_id:
        query = query.where(Incident.id != exclude_id)
    return db.session.scalars(query.order_by(Incident.occurred_at)).all()


@dataclass(frozen=True)
class StructuralUse:
    """Planned police support asked for this client before, within twelve months. ``level`` is "again"
    for the second request and "structural" from the third on, after 000 §4.2's example of one planned
    task: a second time only in an extreme exception, "maar daarna niet meer"."""

    dates: tuple[dt.datetime, ...]

    @property
    def count(self) -> int:
        return len(self.dates)

    @property
    def level(self) -> str:
        return "structural" if self.count >= 2 else "again"


def structural_use(client: Client, before: dt.datetime | None = None, exclude_id: str | None = None) -> StructuralUse | None:
    earlier = earlier_police_requests(client, before or utcnow(), exclude_id)
    return StructuralUse(tuple(i.occurred_at for i in earlier)) if earlier else None


def incident_structural_use(incident: Incident) -> StructuralUse | None:
    if not incident.police_involved or incident.situation != Situation.PLANBAAR:
        return None
    return structural_use(incident.client, incident.occurred_at, exclude_id=incident.id)


# -- reading, always audited ------------------------------------------------------------------------

def get_incident(incident_id: str) -> Incident | None:
    return db.session.get(Incident, incident_id)


def record_incident_read(incident: Incident, part: str) -> None:
    record(AuditAction.READ, obj=incident, client=incident.client, details={"part": part})


def _care_scope(query, user):
    query = query.join(Client, Client.id == Incident.client_id)
    if user.role == Role.HULPVERLENER:
        return query.where(Client.team_id == user.organisation_id)
    return query.where(Client.organisation_id == user.organisation.root.id)


def care_incidents(user, limit: int = 100) -> list[Incident]:
    """A hulpverlener's team's incidents; a coordinator's organisation's. Each listed one is audited."""
    if not user.is_care:
        return []
    query = _care_scope(select(Incident), user).options(selectinload(Incident.actions))
    found = db.session.scalars(query.order_by(Incident.occurred_at.desc()).limit(limit)).all()
    _record_list(found, "care list")
    return found


def _record_list(incidents: list[Incident], part: str) -> None:
    for incident in incidents:
        record_incident_read(incident, part)


def incidents_for_client(client: Client, audit_as: str | None = None) -> list[Incident]:
    found = db.session.scalars(select(Incident).where(Incident.client_id == client.id)
                               .order_by(Incident.occurred_at.desc())).all()
    if audit_as:
        _record_list(found, audit_as)
    return found


def police_incidents(user) -> list[Incident]:
    """The incidents a police user was invited to (police part only). Each listed one is audited."""
    found = db.session.scalars(select(Incident).where(Incident.police_user_id == user.id)
                               .order_by(Incident.occurred_at.desc()).limit(100)).all()
    _record_list(found, "police list")
    return found


def my_open_actions(user) -> list[IncidentAction]:
    return db.session.scalars(select(IncidentAction).where(IncidentAction.owner_id == user.id,
                                                           IncidentAction.status == ActionStatus.OPEN)
                              .order_by(IncidentAction.due_on)).all()


# -- aangifte ------------------------------------------------------------------------------------------

def set_aangifte(incident: Incident, data: dict, actor) -> None:
    old = _aangifte_snapshot(incident)
    incident.aangifte_status = AangifteStatus(data["status"]) if data.get("status") else None
    incident.aangifte_reason = data.get("reason") if incident.aangifte_status == AangifteStatus.NIET_GEDAAN else None
    incident.aangifte_domicilie = bool(data.get("domicilie"))
    incident.aangifte_reference = data.get("reference") or None
    incident.aangifte_updated_at = utcnow()
    db.session.flush()
    new = _aangifte_snapshot(incident)
    changed = [k for k in new if old[k] != new[k]]
    # The reason is free text: the log says that it changed (and whether there is one), not what it says.
    shown = lambda snap, k: bool(snap[k]) if k == "reason" else snap[k]  # noqa: E731
    record(AuditAction.UPDATE, obj=incident, client=incident.client, reason="aangifte",
           details={"old": {k: shown(old, k) for k in changed}, "new": {k: shown(new, k) for k in changed}})


def _aangifte_snapshot(incident: Incident) -> dict:
    return {"status": incident.aangifte_status.value if incident.aangifte_status else None,
            "domicilie": incident.aangifte_domicilie, "reference": incident.aangifte_reference,
            "reason": incident.aangifte_reason}


def domicile_address(incident: Incident) -> str | None:
    """Aangifte op domicilie: the organisation's address instead of the employee's home (002 r. 4364–4368)."""
    org = incident.client.organisation
    return org.address or (org.root.address if org.root is not org else None)


# -- the joint evaluation (000 stap 6) -------------------------------------------------------------

def police_candidates(incident: Incident) -> tuple[User | None, list[User]]:
    return police_candidates_for_client(incident.client)


def police_candidates_for_client(client: Client) -> tuple[User | None, list[User]]:
    """The wijkagent of the client's area from the directory, matched to a police user by email;
    and every active wijkagent user of the region to choose from."""
    from webapp.contacts.models import Contact
    from webapp.contacts.services import resolve_target

    region = client.organisation.region
    options = resolve_target("wijkagent", region, client.postcode_area)
    contact_ids = [int(o.key.split(":", 1)[1]) for o in options if o.key.startswith("contact:")]
    emails = [c.email.strip().lower() for c in db.session.scalars(select(Contact).where(Contact.id.in_(contact_ids)))
              .all() if c.function.value == "wijkagent" and c.email]
    region_police = db.session.scalars(
        select(User).join(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == Role.WIJKAGENT, User.active.is_(True), Organisation.region_id == region.id)
        .order_by(User.display_name)).all()
    by_email = {(u.email or "").strip().lower(): u for u in region_police if u.email}
    suggested = next((by_email[e] for e in emails if e in by_email), None)
    return suggested, region_police


def invite_police(incident: Incident, police_user: User, actor) -> None:
    previous = incident.police_user_id
    incident.police_user_id, incident.invited_at, incident.invited_by_id = police_user.id, utcnow(), actor.id
    db.session.flush()
    record(AuditAction.UPDATE, obj=incident, client=incident.client, reason="police invited to the evaluation",
           details={"police_user": police_user.id, "previous": previous})
    when = local(incident.occurred_at)
    text = (f"{actor.display_name} ({actor.organisation.root.name}) nodigt je uit voor de evaluatie van een "
            f"politie-inzet op {when:%d-%m-%Y} ({incident.situation.label.lower()}). Open Veldwijzer > Incidenten.")
    notify(police_user, f"incident:{incident.id}", "evaluation_invite", "Evaluatie na politie-inzet", text)


def save_evaluation_part(incident: Incident, part: str, answers: dict, actor) -> None:
    """``part`` is "ggz" or "politie"; a part may be corrected later, the audit row keeps both versions."""
    now = utcnow()
    if part == "ggz":
        old = incident.ggz_answers
        incident.ggz_answers, incident.ggz_done_at, incident.ggz_done_by_id = dict(answers), now, actor.id
    else:
        old = incident.police_answers
        incident.police_answers, incident.police_done_at, incident.police_done_by_id = dict(answers), now, actor.id
    db.session.flush()
    # Which answers changed, not their text: the log is not a second copy of what was written.
    changed = sorted(k for k in set(old or {}) | set(answers) if (old or {}).get(k) != answers.get(k))
    record(AuditAction.UPDATE if old else AuditAction.CREATE, obj=incident, client=incident.client,
           reason=f"evaluation {part} part", details={"changed": changed, "done": incident.evaluation_done})


def open_evaluations(user) -> list[Incident]:
    """Incidents whose evaluation is not done, in the user's care scope."""
    query = _care_scope(select(Incident), user).where(
        or_(Incident.ggz_done_at.is_(None),
            (Incident.police_called != PoliceCalled.NIET) & Incident.police_done_at.is_(None)))
    return db.session.scalars(query.order_by(Incident.occurred_at)).all()


def remind_open_evaluations(now: dt.datetime | None = None) -> list[Incident]:
    """Remind once when an evaluation is still open 14 days after the incident was registered.
    Safe to run twice and in parallel: an incident is claimed with an UPDATE only one run can win,
    and a notification is unique per incident, kind and recipient."""
    now = now or utcnow()
    candidates = db.session.scalars(select(Incident).where(Incident.received_at <= now - REMIND_AFTER,
                                                           Incident.reminded_at.is_(None))).all()
    reminded = []
    for incident in candidates:
        if incident.evaluation_done:
            continue
        won = db.session.execute(update(Incident).where(Incident.id == incident.id, Incident.reminded_at.is_(None))
                                 .values(reminded_at=now)).rowcount
        if not won:
            continue
        client = incident.client
        recipients = {incident.reported_by_id: incident.reported_by}
        for coordinator in db.session.scalars(select(User).where(User.organisation_id == client.organisation_id,
                                                                 User.role == Role.COORDINATOR, User.active.is_(True))):
            recipients[coordinator.id] = coordinator
        if incident.police_user is not None and incident.police_done_at is None and incident.needs_police_part:
            recipients[incident.police_user.id] = incident.police_user
        missing = [p for p, done in (("GGZ", incident.ggz_done_at), ("politie", incident.police_done_at))
                   if done is None and (p == "GGZ" or incident.needs_police_part)]
        text = (f"De evaluatie van het incident van {local(incident.occurred_at):%d-%m-%Y} staat al 14 dagen open "
                f"(nog niet ingevuld: {' en '.join(missing)}). Evalueer samen, ook als het goed ging. "
                f"Open Veldwijzer > Incidenten.")
        for user in recipients.values():
            if user.active:
                notify(user, f"incident:{incident.id}", "evaluation_reminder", "Evaluatie staat nog open", text)
        record(AuditAction.UPDATE, obj=incident, client=client, reason="evaluation reminder",
               details={"recipients": len(recipients)})
        reminded.append(incident)
    db.session.flush()
    return reminded


def notify(user: User, subject: str, kind: str, title: str, text: str) -> None:
    """Send (mail or log, as the visit alert does) and keep the Notification row that makes it once only."""
    from webapp.visits.models import Notification
    from webapp.visits.services import _send  # the one mail-or-log channel of the app

    channel = _send(user, title, text)
    db.session.add(Notification(subject=subject, kind=kind, recipient_id=user.id, channel=channel, text=text[:500]))
    db.session.flush()


def notifications_for(user, limit: int = 20):
    from webapp.visits.models import Notification

    return db.session.scalars(select(Notification).where(Notification.recipient_id == user.id)
                              .order_by(Notification.sent_at.desc()).limit(limit)).all()


# -- follow-up actions (003) ------------------------------------------------------------------------

def possible_actions():
    from webapp.flows.services import library

    return library().get("na-incident").actions


def organisation_users(incident: Incident) -> list[User]:
    """Who can own an action: the active users of the client's organisation and its teams."""
    root = incident.client.organisation.root
    return db.session.scalars(select(User).where(User.organisation_id.in_(root.unit_ids()), User.active.is_(True))
                              .order_by(User.display_name)).all()


def add_action(incident: Incident, action_key: str | None, owner: User, due_on: dt.date, actor,
               own_text: str | None = None) -> IncidentAction:
    """One of the 37 actions of 003 by its key, or the user's own action (``own_text``)."""
    if own_text:
        action_key, text = OWN_ACTION, own_text.strip()
    else:
        text = next(a.text for a in possible_actions() if a.id == action_key)
    action = IncidentAction(incident=incident, action_key=action_key, text=text, owner_id=owner.id, due_on=due_on,
                            created_by_id=actor.id, status=ActionStatus.OPEN)
    db.session.add(action)
    db.session.flush()
    record(AuditAction.CREATE, obj=action, client=incident.client,
           details={"incident": incident.id, "action": action_key, "owner": owner.id, "due_on": due_on.isoformat()})
    return action


def complete_action(action: IncidentAction, actor) -> None:
    action.status, action.done_at, action.done_by_id = ActionStatus.GEDAAN, utcnow(), actor.id
    db.session.flush()
    record(AuditAction.UPDATE, obj=action, client=action.incident.client, reason="done",
           details={"incident": action.incident_id})


def overdue_actions(user, day: dt.date) -> list[IncidentAction]:
    query = _care_scope(select(IncidentAction).join(Incident, Incident.id == IncidentAction.incident_id), user)
    return db.session.scalars(query.where(IncidentAction.status == ActionStatus.OPEN, IncidentAction.due_on < day)
                              .order_by(IncidentAction.due_on)).all()


def open_aangiftes(user) -> list[Incident]:
    query = _care_scope(select(Incident), user).where(Incident.aangifte_status == AangifteStatus.TE_DOEN)
    return db.session.scalars(query.order_by(Incident.occurred_at)).all()


# -- missing clients and the terugmelding -------------------------------------------------------------

def open_missing_report(client: Client) -> MissingReport | None:
    return db.session.scalar(select(MissingReport).where(MissingReport.client_id == client.id,
                                                         MissingReport.returned_at.is_(None))
                             .order_by(MissingReport.reported_at.desc()))


def report_missing(client: Client, data: dict, actor) -> MissingReport:
    report = MissingReport(client_id=client.id, reported_at=data["reported_at"], police_reference=data.get("reference"),
                           told_whom=data["told_whom"], police_user_id=data.get("police_user_id"),
                           created_by_id=actor.id)
    db.session.add(report)
    db.session.flush()
    record(AuditAction.CREATE, obj=report, client=client,
           details={"police_user": report.police_user_id, "reference": report.police_reference})
    return report


def client_returned(report: MissingReport, actor) -> int:
    """One tap: the report is closed and the police contact is told, with the police reference
    (the message carries no name; the police user sees who in the app). Returns who was told."""
    now = utcnow()
    report.returned_at, report.returned_by_id = now, actor.id
    db.session.flush()
    told = 0
    if report.police_user is not None and report.police_user.active:
        reference = f"politienummer {report.police_reference}" if report.police_reference else "zonder politienummer"
        text = (f"Terugmelding: de persoon die {actor.organisation.root.name} op {local(report.reported_at):%d-%m-%Y} "
                f"vermist meldde ({reference}) is terug, gemeld om {local(now):%H:%M} door {actor.display_name}. "
                f"Open Veldwijzer > Incidenten.")
        notify(report.police_user, f"missing:{report.id}", "client_returned", "Terugmelding vermissing", text)
        told = 1
    record(AuditAction.UPDATE, obj=report, client=report.client, reason="client returned; police told",
           details={"police_user": report.police_user_id, "told": told})
    return told


def police_missing_reports(user) -> list[MissingReport]:
    found = db.session.scalars(select(MissingReport).where(MissingReport.police_user_id == user.id)
                               .order_by(MissingReport.returned_at.is_not(None), MissingReport.reported_at.desc())
                               .limit(50)).all()
    for report in found:
        record(AuditAction.READ, obj=report, client=report.client, details={"part": "police list"})
    return found


def team_missing_reports(user) -> list[MissingReport]:
    query = select(MissingReport).join(Client, Client.id == MissingReport.client_id).where(
        MissingReport.returned_at.is_(None))
    if user.role == Role.HULPVERLENER:
        query = query.where(Client.team_id == user.organisation_id)
    else:
        query = query.where(Client.organisation_id == user.organisation.root.id)
    found = db.session.scalars(query.order_by(MissingReport.reported_at)).all()
    for report in found:
        record(AuditAction.READ, obj=report, client=report.client, details={"part": "care list"})
    return found


# -- the coordinator's overview -----------------------------------------------------------------------

@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    count: int

    @property
    def label(self) -> str:
        return ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")[self.month - 1]


def monthly_counts(region_id: int, day: dt.date, months: int = 12) -> list[MonthCount]:
    """Incidents per calendar month (Amsterdam time) in the region, the last ``months`` months up to ``day``.
    Counts only: no person in it."""
    first = dt.date(day.year, day.month, 1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    start = dt.datetime.combine(first, dt.time(), AMSTERDAM)
    times = db.session.scalars(select(Incident.occurred_at).where(Incident.region_id == region_id,
                                                                  Incident.occurred_at >= start)).all()
    counts: dict[tuple[int, int], int] = {}
    for t in times:
        lt = local(t)
        counts[(lt.year, lt.month)] = counts.get((lt.year, lt.month), 0) + 1
    result, y, m = [], first.year, first.month
    for _ in range(months):
        result.append(MonthCount(y, m, counts.get((y, m), 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return result


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Chart:
    """Geometry for the server-rendered SVG: presentation attributes only (the CSP forbids inline style)."""

    bars: tuple[Bar, ...]
    top: int            # the highest count: the scale
    width: int
    height: int         # of the whole drawing
    baseline: float     # y of the axis
    label_y: float      # y of the month names


def chart(counts: list[MonthCount], width: int = 320, plot: int = 110, margin: int = 18) -> Chart:
    top = max([c.count for c in counts] + [1])
    slot = width / len(counts)
    baseline = margin + plot
    bars = []
    for i, c in enumerate(counts):
        h = round(plot * c.count / top, 1)
        bars.append(Bar(x=round(i * slot + slot * 0.15, 1), y=round(baseline - h, 1), width=round(slot * 0.7, 1),
                        height=h, label=c.label, count=c.count))
    return Chart(tuple(bars), top, width, baseline + 26, baseline, baseline + 18)


def dashboard_counts(user) -> dict:
    day = today()
    return {"evaluations": open_evaluations(user), "overdue": overdue_actions(user, day),
            "aangiftes": open_aangiftes(user), "day": day}


EXPORT_COLUMNS = ["incident", "datum", "tijd", "team", "waar", "situatie", "politie_gebeld", "eerdere_planbare_steun_12m",
                  "aangifte", "aangifte_op_domicilie", "evaluatie", "politie_uitgenodigd", "acties_open",
                  "acties_te_laat"]


def export_csv(user) -> tuple[str, int]:
    """The organisation's incidents for analysis: no name, no description, no injuries (data minimisation).
    Audited as one export with the number of rows."""
    incidents = db.session.scalars(_care_scope(select(Incident), user).options(selectinload(Incident.actions))
                                   .order_by(Incident.occurred_at)).all()
    day = today()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for i in incidents:
        when = local(i.occurred_at)
        earlier = len(earlier_police_requests(i.client, i.occurred_at, exclude_id=i.id))
        writer.writerow([i.id, when.strftime("%Y-%m-%d"), when.strftime("%H:%M"), i.client.team.name, i.setting.value,
                         i.situation.value, i.police_called.value, earlier,
                         i.aangifte_status.value if i.aangifte_status else "", "ja" if i.aangifte_domicilie else "nee",
                         i.evaluation_status, "ja" if i.police_user_id else "nee",
                         sum(a.status == ActionStatus.OPEN for a in i.actions),
                         sum(a.is_overdue(day) for a in i.actions)])
    record(AuditAction.EXPORT, object_type="incidents", details={"rows": len(incidents), "format": "csv"})
    return out.getvalue(), len(incidents)
