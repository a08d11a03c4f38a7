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
    hours: str           # when it answers, in words
    source: str          # where the number, its use and its hours come from, in words
    always: bool = True  # answers around the clock; False shows the hours instead of "Altijd bereikbaar"


# The seeds give the use of 112, 0900-8844 and 0800-2000, not always their hours: where a fact is
# public knowledge or Veldwijzer's own advice rather than a seed's, ``source`` says so.
NATIONAL_NUMBERS = {
    "112": NationalNumber(
        "112", "112", "Alarmnummer", "112", "112", "112",
        "Bij direct gevaar, of als je een misdrijf ziet gebeuren.",
        "24 uur per dag, 7 dagen per week",
        "Handreiking GGZ–politie, stap 2 (wanneer je 112 belt). Dat 112 altijd bereikbaar is, is algemeen bekend; "
        "het staat niet in de bronnen."),
    "0900-8844": NationalNumber(
        "0900-8844", "0900-8844", "Politie, geen spoed", "09008844", "+319008844", "0900-8844",
        "Geen spoed, wel politie: een melding, een afspraak, of laten weten dat iets spannend is. "
        "Je krijgt een centrale, niet een vaste agent.",
        "24 uur per dag, 7 dagen per week",
        "Handreiking GGZ–politie, stap 2 (planbare noodsituatie) en hand-out 'Incident? Actie!', actie 29. "
        "De bronnen noemen geen tijden en geen nummer voor aangifte: dat dit nummer altijd opneemt en dat je er "
        "een afspraak voor aangifte maakt, is advies van Veldwijzer uit algemeen bekende informatie van de politie."),
    "0800-2000": NationalNumber(
        "0800-2000", "Veilig Thuis", "Landelijk nummer, verbindt met de regio", "08002000", "+318002000",
        "0800-2000",
        "Advies of melding bij huiselijk geweld of kindermishandeling. Gratis.",
        "24 uur per dag, 7 dagen per week (telefonisch)",
        "Toolkit 'Samen op in acuut', Bereikbaarheid en beschikbaarheid Veilig Thuis: Veilig Thuis is in principe 24/7 telefonisch bereikbaar; "
        "of er buiten kantoortijd iemand ter plaatse kan komen, verschilt per regio."),
    "0800-1205": NationalNumber(
        "0800-1205", "0800-1205", "Meldpunt Zorgwekkend Gedrag", "08001205", "+318001205", "0800-1205",
        "Zorgen over iemand, maar geen spoed: het landelijke nummer verbindt door met het meldpunt van de "
        "gemeente of regio. Gratis. Bij direct gevaar bel je 112.",
        "Tijden verschillen per gemeente: het nummer verbindt door met het meldpunt in de buurt",
        "Niet uit de bronnen: het Landelijk Meldpunt Zorgwekkend Gedrag is een landelijk doorschakelnummer van "
        "het ministerie van VWS (2020), algemeen bekend uit openbare informatie van de Rijksoverheid. De bronnen "
        "beschrijven alleen het gemeentelijke meldpunt (Convenant politie en ggz, niet-acute situaties).",
        always=False),
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
    "meldpunt-zorg": ("meldpunt-zorg", "0800-1205"),
}
CALL_TARGETS = frozenset(NATIONAL_NUMBERS) | {f.value for f in ContactFunction} - {"overig"}


def chain_for(target: str) -> tuple[str, ...]:
    return FALLBACKS.get(target, (target,))


def always_resolves(target: str) -> bool:
    return chain_for(target)[-1] in NATIONAL_NUMBERS
