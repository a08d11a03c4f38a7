"""The fixed list of contact functions, the national numbers, and how each call target falls back."""
from __future__ import annotations

import enum
from dataclasses import dataclass


class ContactFunction(enum.StrEnum):
    WIJKAGENT = "wijkagent"
    BASISTEAM = "basisteam"
    OPCO = "opco"
    MELDKAMER = "meldkamer"
    ACCOUNTMANAGER = "accountmanager"
    CONTACTPERSOON_POLITIE_GGZ = "contactpersoon-politie-ggz"
    CRISISDIENST = "crisisdienst"
    GENEESHEER_DIRECTEUR = "geneesheer-directeur"
    VEILIG_THUIS = "veilig-thuis"
    OVJ_WVGGZ = "ovj-wvggz"
    MELDPUNT_ZORG = "meldpunt-zorg"
    WIJKTEAM = "wijkteam"
    AMBULANCE = "ambulance"
    BEVEILIGING = "beveiliging"
    OVERIG = "overig"

    @property
    def label(self) -> str:
        return FUNCTION_LABELS[self]


FUNCTION_LABELS = {
    ContactFunction.WIJKAGENT: "Wijkagent",
    ContactFunction.BASISTEAM: "Basisteam politie",
    ContactFunction.OPCO: "Operationeel coördinator (opco)",
    ContactFunction.MELDKAMER: "Meldkamer",
    ContactFunction.ACCOUNTMANAGER: "Accountmanager zorg en veiligheid",
    ContactFunction.CONTACTPERSOON_POLITIE_GGZ: "Contactpersoon politie–GGZ",
    ContactFunction.CRISISDIENST: "GGZ crisisdienst / triage",
    ContactFunction.GENEESHEER_DIRECTEUR: "Geneesheer-directeur",
    ContactFunction.VEILIG_THUIS: "Veilig Thuis",
    ContactFunction.OVJ_WVGGZ: "Officier van justitie Wvggz",
    ContactFunction.MELDPUNT_ZORG: "Gemeentelijk meldpunt zorgmeldingen",
    ContactFunction.WIJKTEAM: "Wijkteam",
    ContactFunction.AMBULANCE: "Ambulancezorg",
    ContactFunction.BEVEILIGING: "Beveiliging / interventieteam",
    ContactFunction.OVERIG: "Overig",
}


class Level(enum.StrEnum):
    OPERATIONEEL = "operationeel"
    TACTISCH = "tactisch"
    STRATEGISCH = "strategisch"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class NationalNumber:
    key: str
    name: str
    kind: str            # what it is, shown under the button
    number: str          # as dialled
    e164: str
    display: str
    when: str            # when to use it
    hours: str = "24 uur per dag, 7 dagen per week"


NATIONAL_NUMBERS = {
    "112": NationalNumber("112", "112", "Alarmnummer", "112", "112", "112",
                          "Bij direct gevaar, of als je een misdrijf ziet gebeuren."),
    "0900-8844": NationalNumber("0900-8844", "0900-8844", "Politie, geen spoed", "09008844", "+319008844", "0900-8844",
                                "Geen spoed, wel politie: melding, aangifte of een afspraak. "
                                "Je krijgt een centrale, niet een vaste agent."),
    "0800-2000": NationalNumber("0800-2000", "Veilig Thuis", "Landelijk nummer, verbindt met de regio", "08002000",
                                "+318002000", "0800-2000",
                                   "Advies of melding bij huiselijk geweld of kindermishandeling. Gratis."),
}

# A call target of a flow is a national number ("112") or a contact function ("wijkagent").
# Resolving a target walks its chain: the directory of the region for a function, the
# built-in number for a national one. A national number at the end means the target
# always resolves to something to call.
FALLBACKS: dict[str, tuple[str, ...]] = {
    "veilig-thuis": ("veilig-thuis", "0800-2000"),
    "wijkagent": ("wijkagent", "basisteam", "0900-8844"),
    "basisteam": ("basisteam", "0900-8844"),
    "opco": ("opco", "0900-8844"),
    "meldkamer": ("meldkamer", "0900-8844"),
}
CALL_TARGETS = frozenset(NATIONAL_NUMBERS) | {f.value for f in ContactFunction} - {"overig"}


def chain_for(target: str) -> tuple[str, ...]:
    return FALLBACKS.get(target, (target,))


def always_resolves(target: str) -> bool:
    return chain_for(target)[-1] in NATIONAL_NUMBERS
