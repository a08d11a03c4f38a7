"""The flow library of the running app, and walking it."""
from __future__ import annotations

import re
from collections.abc import Iterator

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import select

from webapp.audit.models import AuditAction
from webapp.audit.services import record
from webapp.db import db
from webapp.flows.loader import Flow, Library, load_library
from webapp.flows.models import LocalAgreement

EXTENSION_KEY = "veldwijzer.flows"


def init_flows(app) -> None:
    """Load and validate every flow at start-up: a broken flow file stops the app from starting."""
    app.extensions[EXTENSION_KEY] = load_library()


def library() -> Library:
    return current_app.extensions[EXTENSION_KEY]


def flows_for(role: str) -> list[Flow]:
    """All flows; those meant for this role first."""
    flows = list(library().flows.values())
    return sorted(flows, key=lambda f: (role not in f.audience, f.title))


def walk_paths(flow: Flow) -> Iterator[list[str]]:
    """Every path from the start to an end (an outcome with no way forward), as step ids."""
    def walk(step_id: str, trail: list[str]):
        trail = trail + [step_id]
        step = flow.steps[step_id]
        if not step.successors:
            yield trail
            return
        for nxt in dict.fromkeys(step.successors):
            yield from walk(nxt, trail)

    yield from walk(flow.start, [])


def agreement_for(region, flow_id: str, step_id: str):
    return db.session.scalar(select(LocalAgreement).where(LocalAgreement.region_id == region.id,
                                                          LocalAgreement.flow_id == flow_id,
                                                          LocalAgreement.step_id == step_id))


def _agreement_snapshot(agreement) -> dict:
    return {"text": agreement.text, "contacts": [c.id for c in agreement.contacts]}


def save_agreement(region, flow_id: str, step_id: str, text: str, contacts: list, actor):
    """Create or replace the region's agreement on a step; audited with old and new values."""
    agreement = agreement_for(region, flow_id, step_id)
    old = _agreement_snapshot(agreement) if agreement else None
    if agreement is None:
        agreement = LocalAgreement(region_id=region.id, flow_id=flow_id, step_id=step_id)
        db.session.add(agreement)
    agreement.text, agreement.contacts, agreement.updated_by_id = text, contacts, actor.id
    db.session.flush()
    record(AuditAction.UPDATE if old else AuditAction.CREATE, obj=agreement,
           details={"old": old, "new": _agreement_snapshot(agreement), "step": f"{flow_id}/{step_id}"})
    return agreement


def delete_agreement(agreement) -> None:
    record(AuditAction.DELETE, obj=agreement, details={"old": _agreement_snapshot(agreement),
                                                       "step": f"{agreement.flow_id}/{agreement.step_id}"})
    db.session.delete(agreement)
    db.session.flush()


# -- the 112-belkaart ------------------------------------------------------------------------------

# Where the record has nothing, the card asks; it never offers an example that reads like a fact.
BELKAART_PROMPTS = {
    "adres": "Straat, huisnummer, plaats?",
    "toegang": "Verdieping? Ingang? Hoe kom je binnen?",
    "client_naam": "Naam van de cliënt?",
    "medicatie": "Medicatie? Lichamelijke risico's?",
    "helpt": "Wat helpt bij deze persoon?",
    "wat_nu": "Wapen? Gewonden? Hoeveel mensen? Is het nog bezig?",
}
# Filled on the phone from the selected client (caseload.js): this page is kept offline and holds
# no client data. wat_nu is never filled: only the caller knows it.
CLIENT_FIELDS = ("adres", "toegang", "client_naam", "medicatie", "helpt")


def account_fields(user) -> dict[str, str]:
    return {"naam_gebruiker": user.display_name, "functie": user.role.label.lower(),
            "organisatie": user.organisation.root.name}


def fill_belkaart(text: str, user) -> Markup:
    """A belkaart line with the user's own details filled in, and a prompt in every other place."""
    known = account_fields(user)

    def place(name: str) -> str:
        if known.get(name):
            return f'<span class="fill fill-known">{escape(known[name])}</span>'
        fill = f' data-fill="{name}"' if name in CLIENT_FIELDS else ""
        return f'<span class="fill fill-prompt"{fill}>{escape(BELKAART_PROMPTS[name])}</span>'

    return Markup("".join(place(p[1:-1]) if re.fullmatch(r"\{\w+\}", p) else str(escape(p))
                          for p in re.split(r"(\{\w+\})", text)))


# -- tailoring an outcome to who asks --------------------------------------------------------------

SETTINGS = ("klinisch", "ambulant")
# Call targets that exist in one setting only: the institution's own intervention team or
# security is no help to a worker at a client's home.
SETTING_ONLY_TARGETS = {"beveiliging": "klinisch"}
# The steps of stap 3 (what to tell arriving officers): with a client selected, they link the briefing.
BRIEFING_STEPS = {("politie-inschakelen", "stap-3-informatie"), ("politie-inschakelen", "stap-3-delen")}


def care_setting(user, asked: str | None = None) -> str | None:
    """Klinisch or ambulant: what the user chose in this walk through the flow, else the team's."""
    if asked in SETTINGS:
        return asked
    return user.organisation.setting if user.organisation else None


def calls_for_setting(groups, setting: str | None):
    return [g for g in groups if SETTING_ONLY_TARGETS.get(g.target, setting) == setting or setting is None]


def is_urgent(step) -> bool:
    """An outcome that sends the user to 112: only what helps now belongs on it."""
    return any(call.target == "112" for call in step.calls)
