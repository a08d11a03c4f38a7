"""The directory's rules: who to call for a postcode, search, freshness, and audited changes."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from webapp.audit.models import AuditAction
from webapp.audit.services import record
from webapp.contacts.functions import FUNCTION_LABELS, NATIONAL_NUMBERS, ContactFunction, Level, chain_for
from webapp.contacts.hours import describe_hours, is_open
from webapp.contacts.models import STALE_AFTER, Contact, ContactPostcode
from webapp.db import db, utcnow
from webapp.organisations.models import Region
from webapp.text import fold


@dataclass(frozen=True)
class CallOption:
    """One number to call, ready for a tel: button."""

    key: str
    name: str
    role: str
    organisation: str | None
    e164: str
    display: str
    hours: dict | None
    hours_description: str
    outside_hours: str | None
    open_now: bool
    national: bool
    note: str | None = None
    stale: bool = False
    always: bool = False  # a national number that answers around the clock ("Altijd bereikbaar")

    @property
    def tel(self) -> str:
        return "tel:" + self.e164


def _national_option(key: str, note: str | None = None) -> CallOption:
    n = NATIONAL_NUMBERS[key]
    return CallOption(key=f"national:{key}", name=n.name, role=f"{n.kind}. {n.when}", organisation=None,
                      e164=n.e164, display=n.display, hours=None, hours_description=n.hours, outside_hours=None,
                      open_now=True, national=True, note=note, always=n.always)


def _contact_option(contact: Contact, now: dt.datetime, note: str | None = None) -> CallOption:
    return CallOption(key=f"contact:{contact.id}", name=contact.name, role=contact.function.label,
                      organisation=contact.organisation, e164=contact.phone, display=contact.phone_display,
                      hours=contact.hours, hours_description=describe_hours(contact.hours),
                      outside_hours=contact.outside_hours, open_now=is_open(contact.hours, now), national=False,
                      note=note, stale=contact.is_stale(now), always=contact.hours is None)


def contact_options(contacts: list[Contact], now: dt.datetime | None = None) -> list[CallOption]:
    now = now or utcnow()
    return [_contact_option(c, now) for c in contacts]


def _contacts_for(region_id: int, function: ContactFunction, postcode: str | None,
                  preloaded: list[Contact] | None = None) -> list[Contact]:
    """Contacts of a function in the region: those covering the postcode, and those for the whole region."""
    if preloaded is None:
        query = (select(Contact).where(Contact.region_id == region_id, Contact.function == function)
                 .options(selectinload(Contact.postcodes)))
        contacts = db.session.scalars(query).all()
    else:
        contacts = [c for c in preloaded if c.function == function]
    if postcode is None:
        return [c for c in contacts if not c.postcodes] or contacts
    covering = [c for c in contacts if postcode in c.postcode_list]
    region_wide = [c for c in contacts if not c.postcodes]
    return covering + region_wide


def _order(contacts: list[Contact], now: dt.datetime) -> list[Contact]:
    level_rank = {Level.OPERATIONEEL: 0, Level.TACTISCH: 1, Level.STRATEGISCH: 2}
    return sorted(contacts, key=lambda c: (not is_open(c.hours, now), level_rank[c.level], c.name.casefold()))


def resolve_target(target: str, region: Region, postcode: str | None = None,
                   now: dt.datetime | None = None, preloaded: list[Contact] | None = None) -> list[CallOption]:
    """Everything to call for one target, in order: e.g. the wijkagent of the postcode, then the
    basisteam, then 0900-8844. The same resolution serves the flows and the directory."""
    now = now or utcnow()
    options: list[CallOption] = []
    missing: list[str] = []
    for step in chain_for(target):
        if step in NATIONAL_NUMBERS:
            note = None
            if missing:
                note = "Geen " + " of ".join(missing) + " gevonden" + (f" voor {postcode}" if postcode else "") + \
                       ": bel dit nummer."
            options.append(_national_option(step, note if not options else None))
            break
        function = ContactFunction(step)
        if function == ContactFunction.WIJKAGENT and postcode is None:
            continue  # a wijkagent belongs to an area; without a postcode we cannot choose one
        found = _order(_contacts_for(region.id, function, postcode, preloaded), now)
        if not found:
            missing.append(function.label.lower())
        options.extend(_contact_option(c, now) for c in found)
    return options


@dataclass(frozen=True)
class CallGroup:
    """The numbers for one call of a flow outcome. A number already shown higher up on the
    page is not repeated as a button, only named (``repeated``)."""

    target: str
    why: str
    options: tuple[CallOption, ...]
    repeated: tuple[CallOption, ...]


def resolve_calls(calls, region: Region, postcode: str | None = None, now: dt.datetime | None = None) -> list[CallGroup]:
    seen: set[str] = set()
    groups = []
    for call in calls:
        options, repeated = [], []
        for option in resolve_target(call.target, region, postcode, now):
            (repeated if option.e164 in seen else options).append(option)
            seen.add(option.e164)
        groups.append(CallGroup(call.target, call.why, tuple(options), tuple(repeated)))
    return groups


def who_to_call(region: Region, postcode: str, now: dt.datetime | None = None) -> list[CallOption]:
    """'Wie bel ik voor postcode 3511?': the wijkagent(s), then the basisteam, then 0900-8844."""
    return resolve_target(ContactFunction.WIJKAGENT.value, region, postcode, now)


def resolution_table(region: Region, now: dt.datetime | None = None) -> dict:
    """resolve_target() for every postcode of the region and every call target, for use offline.

    The phone looks numbers up in this table; the rules stay here, in one place.
    """
    from dataclasses import asdict

    from webapp.contacts.functions import CALL_TARGETS

    now = now or utcnow()
    contacts = region_contacts(region)
    options: dict[str, dict] = {}

    def keys(found: list[CallOption]) -> list[str]:
        for option in found:
            options[option.key] = {**asdict(option), "tel": option.tel}
        return [o.key for o in found]

    postcodes = sorted(p.postcode for m in region.municipalities for p in m.postcodes)
    targets = sorted(CALL_TARGETS)
    return {
        "region": region.name,
        "generated_at": now.isoformat(),
        "default": {t: keys(resolve_target(t, region, None, now, contacts)) for t in targets},
        "postcodes": {pc: {t: keys(resolve_target(t, region, pc, now, contacts)) for t in targets} for pc in postcodes},
        "options": options,
    }


def region_contacts(region: Region) -> list[Contact]:
    return db.session.scalars(select(Contact).where(Contact.region_id == region.id)
                              .options(selectinload(Contact.postcodes))
                              .order_by(Contact.function, Contact.name)).all()


def search_contacts(region: Region, q: str = "", function: str | None = None, level: str | None = None,
                    limit: int = 200) -> list[Contact]:
    """Every word must appear in the name, organisation, function, level, email or postcodes."""
    query = select(Contact).where(Contact.region_id == region.id).options(selectinload(Contact.postcodes))
    for word in fold(q).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Contact.search_text.like(f"%{escaped}%", escape="\\"))
    if function:
        query = query.where(Contact.function == function)
    if level:
        query = query.where(Contact.level == level)
    return db.session.scalars(query.order_by(Contact.name).limit(limit)).all()


def stale_contacts(region: Region, now: dt.datetime | None = None) -> list[Contact]:
    cutoff = (now or utcnow()) - STALE_AFTER
    return db.session.scalars(select(Contact).where(Contact.region_id == region.id,
                                                    or_(Contact.verified_at.is_(None), Contact.verified_at < cutoff))
                              .options(selectinload(Contact.postcodes))
                              .order_by(Contact.verified_at.is_not(None), Contact.verified_at, Contact.name)).all()


# -- changes, each audited with old and new values -------------------------------------------

FIELDS = ("is_person", "name", "organisation", "function", "level", "phone", "phone_alt", "phone_alt_label", "email",
          "hours", "outside_hours", "notes")


def snapshot(contact: Contact) -> dict:
    values = {f: getattr(contact, f) for f in FIELDS}
    values["function"] = contact.function.value if contact.function else None
    values["level"] = contact.level.value if contact.level else None
    values["postcodes"] = contact.postcode_list
    return values


def set_fields(contact: Contact, data: dict) -> None:
    converters = {"function": ContactFunction, "level": Level}
    for name in FIELDS:
        if name in data:
            value = data[name]
            setattr(contact, name, converters[name](value) if name in converters and value is not None else value)
    if "postcodes" in data:
        wanted = set(data["postcodes"])
        contact.postcodes = [p for p in contact.postcodes if p.postcode in wanted] + \
            [ContactPostcode(postcode=pc) for pc in sorted(wanted - set(contact.postcode_list))]
    contact.search_text = fold(" ".join(filter(None, [
        contact.name, contact.organisation, FUNCTION_LABELS[ContactFunction(contact.function)],
        str(contact.function), str(contact.level), contact.email or "", " ".join(contact.postcode_list),
    ])))


def create_contact(region: Region, data: dict, actor) -> Contact:
    contact = Contact(region_id=region.id, verified_at=utcnow(), verified_by=actor)
    set_fields(contact, data)
    db.session.add(contact)
    db.session.flush()
    record(AuditAction.CREATE, obj=contact, details={"new": snapshot(contact)})
    return contact


def update_contact(contact: Contact, data: dict, actor) -> dict:
    """Returns the changed fields {name: [old, new]}; saving a contact also counts as verifying it."""
    old = snapshot(contact)
    set_fields(contact, data)
    contact.verified_at, contact.verified_by = utcnow(), actor
    db.session.flush()
    new = snapshot(contact)
    changes = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    record(AuditAction.UPDATE, obj=contact, details={"old": {k: v[0] for k, v in changes.items()},
                                                     "new": {k: v[1] for k, v in changes.items()}})
    return changes


def verify_contact(contact: Contact, actor) -> None:
    old = contact.verified_at
    contact.verified_at, contact.verified_by = utcnow(), actor
    db.session.flush()
    record(AuditAction.UPDATE, obj=contact, reason="verified",
           details={"old": {"verified_at": old.isoformat() if old else None},
                    "new": {"verified_at": contact.verified_at.isoformat()}})


def delete_contact(contact: Contact) -> None:
    old = snapshot(contact)
    record(AuditAction.DELETE, obj=contact, details={"old": old})
    db.session.delete(contact)
    db.session.flush()
