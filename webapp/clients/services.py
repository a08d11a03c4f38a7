"""Clients, crisiskaart and AOP: the rules, the versions, and an audit row for every read and change."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.audit.models import AuditAction, AuditOutcome
from webapp.audit.services import record
from webapp.auth.models import Role
from webapp.clients.models import (CRISISKAART_SECTIONS, SECTION_KEYS, Aop, AopStatus, Client, CrisiskaartSection,
                                   CrisiskaartVersion)
from webapp.clients.permissions import in_police_scope, region_postcodes
from webapp.db import db, utcnow
from webapp.text import fold


def today() -> dt.date:
    from webapp.contacts.hours import AMSTERDAM

    return utcnow().astimezone(AMSTERDAM).date()


# -- lists and reads ------------------------------------------------------------------------------

def caseload(user) -> list[Client]:
    """A hulpverlener's team caseload; a coordinator's whole organisation."""
    query = select(Client).options(selectinload(Client.crisiskaart_versions), selectinload(Client.aops))
    if user.role == Role.HULPVERLENER:
        query = query.where(Client.team_id == user.organisation_id)
    else:
        query = query.where(Client.organisation_id == user.organisation.root.id)
    return db.session.scalars(query.order_by(Client.name_key)).all()


def search_clients(user, q: str) -> list[Client]:
    """Search by name within the own organisation (never wider); audited with the number found."""
    words = fold(q).split()
    if not words:
        return []
    query = select(Client).where(Client.organisation_id == user.organisation.root.id)
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Client.name_key.like(f"%{escaped}%", escape="\\"))
    found = db.session.scalars(query.order_by(Client.name_key).limit(50)).all()
    record(AuditAction.SEARCH, object_type="clients", details={"results": len(found)})
    return found


def record_read(client: Client, what: str = "clients", reason: str | None = None) -> None:
    record(AuditAction.READ, object_type=what, object_id=client.id if what == "clients" else None, client=client,
           reason=reason)


def get_client(public_id: str) -> Client | None:
    return db.session.scalar(select(Client).where(Client.public_id == public_id))


# -- client record --------------------------------------------------------------------------------

CLIENT_FIELDS = ("name", "date_of_birth", "postcode", "house_number", "street", "city", "client_number", "team_id")


def client_snapshot(client: Client) -> dict:
    values = {f: getattr(client, f) for f in CLIENT_FIELDS}
    values["date_of_birth"] = client.date_of_birth.isoformat() if client.date_of_birth else None
    return values


def save_client(client: Client | None, data: dict, organisation, actor) -> Client:
    creating = client is None
    if creating:
        client = Client(organisation_id=organisation.id)
        db.session.add(client)
    old = {} if creating else client_snapshot(client)
    old_team_id = client.team_id
    client.set_name(data["name"])
    for name in ("date_of_birth", "house_number", "street", "city", "client_number", "team_id"):
        setattr(client, name, data[name])
    client.postcode, client.postcode_area = data["postcode"], data["postcode"][:4]
    db.session.flush()
    if not creating and old_team_id != client.team_id:
        from webapp.notes.services import client_moved  # notes build on clients, not the other way round

        client_moved(client, old_team_id)
    new = client_snapshot(client)
    changed = {k: [old.get(k), new[k]] for k in new if old.get(k) != new[k]}
    record(AuditAction.CREATE if creating else AuditAction.UPDATE, obj=client, client=client,
           details={"old": {k: v[0] for k, v in changed.items()} if not creating else None,
                    "new": {k: v[1] for k, v in changed.items()}})
    return client


# -- crisiskaart ------------------------------------------------------------------------------------

def _section_values(section: CrisiskaartSection | None) -> dict:
    if section is None:
        return {"text": None, "entries": None, "police_consent": False}
    return {"text": section.text, "entries": section.entries, "police_consent": section.police_consent}


def save_crisiskaart(client: Client, meta: dict, sections: dict, actor, note: str | None = None) -> CrisiskaartVersion:
    """A new version from the form. ``sections`` maps key -> {text|entries, police_consent}.

    Consent keeps who recorded it and when; when the flag does not change, the earlier record stays.
    """
    previous = client.crisiskaart
    version = CrisiskaartVersion(client=client, number=(previous.number + 1) if previous else 1,
                                 made_on=meta["made_on"], signed_by=meta["signed_by"], valid_until=meta.get("valid_until"),
                                 change_note=note, created_by_id=actor.id)
    db.session.add(version)
    changes = {}
    now = utcnow()
    for position, (key, *_rest) in enumerate(CRISISKAART_SECTIONS):
        old_section = previous.section(key) if previous else None
        new_values = sections.get(key, _section_values(old_section))
        section = CrisiskaartSection(key=key, position=position, text=new_values.get("text"),
                                     entries=new_values.get("entries"), police_consent=bool(new_values.get("police_consent")))
        if old_section is not None and old_section.police_consent == section.police_consent:
            section.consent_recorded_by_id = old_section.consent_recorded_by_id
            section.consent_recorded_at = old_section.consent_recorded_at
        elif section.police_consent or old_section is not None:
            section.consent_recorded_by_id, section.consent_recorded_at = actor.id, now
        before = _section_values(old_section)
        after = _section_values(section)
        if before != after:
            changes[key] = sorted(k for k in after if before[k] != after[k])
        version.sections.append(section)
    db.session.flush()
    record(AuditAction.CREATE if previous is None else AuditAction.UPDATE, obj=version, client=client,
           reason=note, details={"version": version.number, "changed_sections": changes})
    return version


def set_consent(client: Client, key: str, consent: bool, actor) -> CrisiskaartVersion:
    """Give or withdraw consent for one section: a new version, effective at once for police."""
    card = client.crisiskaart
    sections = {s.key: _section_values(s) for s in card.sections}
    sections[key] = {**sections[key], "police_consent": consent}
    note = ("Toestemming gegeven" if consent else "Toestemming ingetrokken") + f": {key}"
    return save_crisiskaart(client, {"made_on": card.made_on, "signed_by": card.signed_by,
                                     "valid_until": card.valid_until}, sections, actor, note)


def shared_sections(card: CrisiskaartVersion | None) -> list[CrisiskaartSection]:
    if card is None:
        return []
    return [s for s in card.sections if s.police_consent and not s.is_empty]


# -- AOP ----------------------------------------------------------------------------------------------

AOP_FIELDS = ("approach", "contact_name", "contact_phone", "valid_until", "consent", "status")


def aop_snapshot(aop: Aop) -> dict:
    values = {f: getattr(aop, f) for f in AOP_FIELDS}
    values["valid_until"] = aop.valid_until.isoformat()
    values["status"] = aop.status.value
    return values


def save_aop(client: Client, aop: Aop | None, data: dict, actor) -> Aop:
    """GGZ proposes (status voorgesteld); police create or confirm (actief)."""
    police = actor.role == Role.WIJKAGENT
    creating = aop is None
    if creating:
        aop = Aop(client=client, made_by="politie" if police else "ggz", created_by_id=actor.id,
                  status=AopStatus.ACTIEF if police else AopStatus.VOORGESTELD)
        db.session.add(aop)
    old = {} if creating else aop_snapshot(aop)
    for name in ("approach", "contact_name", "contact_phone", "valid_until", "consent"):
        setattr(aop, name, data[name])
    if "status" in data and data["status"]:
        aop.status = AopStatus(data["status"])
    aop.updated_by_id = actor.id
    db.session.flush()
    new = aop_snapshot(aop)
    changed = {k: [old.get(k), new[k]] for k in new if old.get(k) != new[k]}
    record(AuditAction.CREATE if creating else AuditAction.UPDATE, obj=aop, client=client,
           details={"old": {k: v[0] for k, v in changed.items()} if not creating else None,
                    "new": {k: v[1] for k, v in changed.items()}})
    return aop


# -- police lookup --------------------------------------------------------------------------------

def police_lookup(user, name: str, date_of_birth: dt.date, reason: str) -> Client | None:
    """Exact name and date of birth, only in the own region, only persons with an AOP or a shared
    section. The same answer ("nothing") for a near miss, another region, or nothing to share."""
    key = fold(name)
    candidates = db.session.scalars(select(Client).where(Client.name_key == key,
                                                         Client.date_of_birth == date_of_birth,
                                                         Client.postcode_area.in_(region_postcodes(user)))).all()
    found = next((c for c in candidates if in_police_scope(user, c)), None)
    record(AuditAction.SEARCH, object_type="aop_lookup", client=found, reason=reason,
           outcome=AuditOutcome.SUCCESS, details={"found": found is not None})
    if found is not None:
        record_read(found, what="police_view", reason=reason)
    return found


# -- the phone's copy of the caseload ----------------------------------------------------------

def snapshot_version(clients: list[Client]) -> str:
    """Changes when anything the phone holds would change."""
    parts = []
    for c in clients:
        card = c.crisiskaart
        aop = c.aop
        parts.append([c.public_id, c.updated_at.isoformat(), c.team_id, card.number if card else 0,
                      aop.updated_at.isoformat() if aop else None])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]
