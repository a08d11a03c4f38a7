"""The phone's copy of a hulpverlener's caseload: crisiskaart, AOP and briefing, rendered by the
server so the offline view shows exactly what the page shows."""
from __future__ import annotations

from flask import render_template

from webapp.audit.models import AuditAction
from webapp.audit.services import record
from webapp.clients.services import caseload, shared_sections, snapshot_version, today
from webapp.contacts.services import who_to_call
from webapp.notes.services import NOTES_SHOWN, notes_for_client
from webapp.visits.services import CHECKLIST, visits_for_client
from webapp.db import utcnow

MAX_AGE_HOURS = 72


# The 112-belkaart's client places and the crisiskaart section each is read from: the caller's own
# caseload, so the whole card (not only what is shared with police). Empty stays empty (None):
# the belkaart then keeps its prompt.
BELKAART_SECTIONS = {"toegang": "toegang", "medicatie": "medisch", "helpt": "helpt"}


def belkaart_fields(card) -> dict[str, str | None]:
    def text(key):
        section = card.section(key) if card else None
        return (section.text or "").strip() or None if section else None

    return {place: text(key) for place, key in BELKAART_SECTIONS.items()}


def caseload_copy(user, known: str | None) -> dict:
    clients = caseload(user)
    version = snapshot_version(clients)
    base = {"version": version, "generated_at": utcnow(), "max_age_hours": MAX_AGE_HOURS}
    if known == version:
        return {**base, "unchanged": True, "clients": []}
    day = today()
    entries = []
    for client in clients:
        card, aop = client.crisiskaart, client.aop
        notes = notes_for_client(client, limit=NOTES_SHOWN)  # the card as the page shows it: the newest notes
        context = {"client": client, "card": card, "aop": aop, "today": day, "offline": True,
                   "shared": shared_sections(card), "calls": who_to_call(user.region, client.postcode_area),
                   "notes": notes, "notes_total": len(notes), "superseded": {n.supersedes_id for n in notes if n.supersedes_id},
                   "visits": visits_for_client(client), "checklist": CHECKLIST, "can_write_notes": True, "can_edit": False,
                   "note_errors": {}, "note_form": {}, "visit_errors": {}}
        entries.append({
            "id": client.public_id, "name": client.name, "date_of_birth": client.date_of_birth,
            "postcode_area": client.postcode_area, "address": client.address_line, "team": client.team.name,
            "card_version": card.number if card else None, "warnings": card.warnings(day) if card else [],
            "belkaart": belkaart_fields(card),
            "html": {"card": render_template("clients/_offline_card.html", **context),
                     "briefing": render_template("clients/_briefing.html", **context)},
        })
        # A copy of the record leaves the server for this phone: that is an access to log.
        record(AuditAction.EXPORT, object_type="caseload_copy", client=client, details={"version": version})
    return {**base, "unchanged": False, "clients": entries}
