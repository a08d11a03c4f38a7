"""The fictional demo region: organisations, users and clients to try Veldwijzer with.

Every name, number and person here is made up. Postcodes are real 4-digit areas so the
postcode lookups behave as they would in practice.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import func, select

from webapp.auth.models import Role, User
from webapp.auth.services import create_user
from webapp.clients.models import Client
from webapp.db import db
from webapp.organisations.models import Municipality, Organisation, OrganisationKind, PostcodeArea, Region

REGION_NAME = "Regio Domstad (demo)"
MUNICIPALITIES = {
    "Domstad": [f"{n}" for n in range(3511, 3531)],
    "Vechtoever": [f"{n}" for n in range(3601, 3607)],
    "Heuvelrand": [f"{n}" for n in range(3941, 3946)],
}


class DemoDataRefused(RuntimeError):
    pass


# (function, level, is_person, name, organisation, phone, hours, outside_hours, postcodes, days since verified)
DEMO_CONTACTS = [
    ("wijkagent", "operationeel", True, "Mark Visser", "Basisteam Domstad-Centrum", "06 20345678",
     "ma-vr 08:00-17:00", "Bel het basisteam of 0900-8844 en vraag naar de opco.", "3511, 3513", 20),
    ("wijkagent", "operationeel", True, "Aylin Yilmaz", "Basisteam Domstad-Centrum", "06 20456789",
     "ma-do 07:00-16:00; vr 07:00-12:00", "Bel het basisteam of 0900-8844.", "3512, 3514", 45),
    ("wijkagent", "operationeel", True, "Peter Hoekstra", "Basisteam Vechtoever", "06 20567890",
     "ma-vr 09:00-17:00", "Bel 0900-8844.", "3601-3606", 400),
    ("basisteam", "operationeel", False, "Basisteam Domstad-Centrum, balie", "Politie Middenland", "030 800 1100",
     "ma-zo 07:00-23:00", "Bel 0900-8844; bij spoed 112.", "3511-3530", 30),
    ("basisteam", "operationeel", False, "Basisteam Vechtoever, balie", "Politie Middenland", "030 800 1200",
     "ma-vr 08:00-20:00", "Bel 0900-8844; bij spoed 112.", "3601-3606, 3941-3945", 200),
    ("opco", "operationeel", False, "Operationeel coördinator Domstad", "Politie Middenland", "030 800 1199",
     "24/7", None, "", 15),
    ("contactpersoon-politie-ggz", "tactisch", True, "Sandra de Boer", "Politie Middenland", "06 20678901",
     "ma-vr 08:30-17:00", "Bel de opco via 030 800 1199.", "", 60),
    ("accountmanager", "strategisch", True, "Henk Mulder", "Politie Middenland", "06 20789012",
     "ma-vr 09:00-17:00", "Mail h.mulder@politie.example.", "", 90),
    ("crisisdienst", "operationeel", False, "Crisisdienst GGZ Veldhaven (24/7)", "GGZ Veldhaven", "030 800 2400",
     "24/7", None, "", 10),
    ("geneesheer-directeur", "strategisch", True, "Dr. Willem Verbeek", "GGZ Veldhaven", "030 800 2410",
     "ma-vr 08:30-17:00", "Buiten kantoortijd via de crisisdienst, 030 800 2400.", "", 120),
    ("beveiliging", "operationeel", False, "Interventieteam kliniek De Linde", "GGZ Veldhaven", "030 800 2499",
     "24/7", None, "", 30),
    ("veilig-thuis", "operationeel", False, "Veilig Thuis Domstad", "Veilig Thuis Domstad", "0800 2000",
     "24/7", None, "", 50),
    ("ovj-wvggz", "tactisch", False, "Officier van justitie Wvggz (piket)", "Openbaar Ministerie Middenland",
     "030 800 3300", "24/7", None, "", 250),
    ("meldpunt-zorg", "operationeel", False, "Meldpunt zorg en overlast Domstad", "Gemeente Domstad", "030 800 4400",
     "ma-vr 09:00-17:00", "Bij acute zorgen: de crisisdienst, 030 800 2400.", "3511-3530", 210),
    ("wijkteam", "operationeel", False, "Wijkteam Binnenstad", "Gemeente Domstad", "030 800 4410",
     "ma-vr 08:30-17:00", "Bel het meldpunt zorg en overlast.", "3511, 3512", 35),
    ("meldkamer", "operationeel", False, "Meldkamer Middenland (partnerlijn)", "Politie Middenland", "030 800 1000",
     "24/7", None, "", 500),
]


# The demo wijkagent's directory entry carries the email of the demo-wijkagent user, so the app can
# invite the wijkagent of a client's area to an evaluation (webapp/incidents/services.py).
DEMO_CONTACT_EMAILS = {"Mark Visser": "mark.visser@politie.example"}


def load_demo_contacts(region: Region, actor: User | None) -> None:
    from webapp.contacts.hours import parse_hours
    from webapp.contacts.models import Contact
    from webapp.contacts.phones import normalise_phone, parse_postcode_list
    from webapp.contacts.services import set_fields
    from webapp.db import utcnow

    now = utcnow()
    for function, level, is_person, name, organisation, phone, hours, outside, postcodes, age in DEMO_CONTACTS:
        contact = Contact(region_id=region.id, verified_at=now - dt.timedelta(days=age), verified_by=actor)
        set_fields(contact, {
            "is_person": is_person, "name": name, "organisation": organisation, "function": function, "level": level,
            "phone": normalise_phone(phone), "hours": parse_hours(hours), "outside_hours": outside,
            "postcodes": parse_postcode_list(postcodes), "email": DEMO_CONTACT_EMAILS.get(name),
        })
        db.session.add(contact)


def load_demo_data(force: bool = False) -> bool:
    """Load the demo data into an empty database; False when it has data already."""
    if current_app.config["PRODUCTION"]:
        raise DemoDataRefused("demo data is never loaded in production mode")
    if db.session.scalar(select(func.count()).select_from(User)) and not force:
        return False

    region = Region(name=REGION_NAME)
    db.session.add(region)
    for name, postcodes in MUNICIPALITIES.items():
        m = Municipality(name=name, region=region)
        m.postcodes = [PostcodeArea(postcode=pc) for pc in postcodes]
        db.session.add(m)

    def org(name, kind, parent=None, address=None):
        o = Organisation(name=name, kind=kind, parent=parent, region=region, address=address)
        db.session.add(o)
        return o

    ggz = org("GGZ Veldhaven", OrganisationKind.GGZ_INSTELLING, address="Lange Nieuwstraat 40, 3512 PH Domstad")
    team_centrum = org("FACT-team Domstad-Centrum", OrganisationKind.GGZ_TEAM, ggz)
    team_oost = org("FACT-team Domstad-Oost", OrganisationKind.GGZ_TEAM, ggz)
    team_centrum.care_setting = team_oost.care_setting = "ambulant"  # FACT: care at the client's home
    org("Crisisdienst GGZ Veldhaven", OrganisationKind.GGZ_TEAM, ggz)
    eenheid = org("Politie-eenheid Middenland (demo)", OrganisationKind.POLITIE_EENHEID)
    basisteam = org("Basisteam Domstad-Centrum", OrganisationKind.POLITIE_BASISTEAM, eenheid)
    org("Basisteam Vechtoever", OrganisationKind.POLITIE_BASISTEAM, eenheid)
    org("Veilig Thuis Domstad", OrganisationKind.VEILIG_THUIS)
    org("Gemeente Domstad", OrganisationKind.GEMEENTE)
    org("Wijkteam Binnenstad", OrganisationKind.WIJKTEAM)
    db.session.flush()

    password = current_app.config["DEMO_PASSWORD"]
    create_user(username="demo-hulpverlener", display_name="Fatima El Amrani", role=Role.HULPVERLENER,
                organisation=team_centrum, password=password, email="f.elamrani@ggzveldhaven.example")
    create_user(username="demo-wijkagent", display_name="Mark Visser", role=Role.WIJKAGENT,
                organisation=basisteam, password=password, email="mark.visser@politie.example")
    create_user(username="demo-coordinator", display_name="Ingrid Bakker", role=Role.COORDINATOR,
                organisation=ggz, password=password, email="i.bakker@ggzveldhaven.example")
    create_user(username="demo-hulpverlener-oost", display_name="Joost de Graaf", role=Role.HULPVERLENER,
                organisation=team_oost, password=password)

    clients = [
        ("Sam de Vries", dt.date(1985, 3, 12), "3511AB", "12", "Oudegracht", team_centrum, "VH-10234"),
        ("Noor Jansen", dt.date(1979, 7, 4), "3512CD", "7", "Nobelstraat", team_oost, "VH-10871"),
        ("Daan Bos", dt.date(1992, 11, 23), "3513EF", "101", "Biltstraat", team_centrum, "VH-11020"),
        ("Lotte Smit", dt.date(1968, 1, 30), "3514GH", "3-bis", "Adelaarstraat", team_centrum, "VH-11187"),
    ]
    load_demo_contacts(region, actor=db.session.scalar(select(User).where(User.username == "demo-coordinator")))

    for name, born, postcode, number, street, team, client_number in clients:
        client = Client(date_of_birth=born, postcode=postcode, postcode_area=postcode[:4], house_number=number,
                        street=street, city="Domstad", client_number=client_number, organisation=ggz, team=team)
        client.set_name(name)
        db.session.add(client)
    db.session.flush()
    load_demo_cards()
    return True


def load_demo_cards() -> None:
    """Crisiskaarten and AOPs for the demo clients: Sam shares part of his card and has an AOP;
    Noor has an AOP; Daan shares nothing with police; Lotte has an AOP proposed by GGZ."""
    from webapp.clients.services import save_aop, save_crisiskaart

    users = {u.username: u for u in db.session.scalars(select(User))}
    clients = {c.name: c for c in db.session.scalars(select(Client))}
    fatima, joost, mark = users["demo-hulpverlener"], users["demo-hulpverlener-oost"], users["demo-wijkagent"]
    today = dt.date.today()

    def text(value, shared=False):
        return {"text": value, "police_consent": shared}

    save_crisiskaart(clients["Sam de Vries"], {"made_on": today - dt.timedelta(days=120), "signed_by": "Sam de Vries en Fatima El Amrani (FACT)",
                                               "valid_until": today + dt.timedelta(days=245)}, {
        "persoonlijk": text("Noem me Sam. Ik woon alleen.", True),
        "toegang": text("Eerste verdieping, de deur naast de bakker. De bel werkt niet: klop hard.", True),
        "contactpersonen": {"entries": [
            {"relation": "zus", "name": "Eva de Vries", "phone": "+31620111222"},
            {"relation": "behandelaar", "name": "Fatima El Amrani", "phone": "+31620333444"},
            {"relation": "huisarts", "name": "Huisartsenpraktijk Oudegracht", "phone": "+31308005566"}],
            "police_consent": True},
        "signalen": text("Ik slaap niet meer, loop 's nachts buiten, praat hard en snel en denk dat de buren me volgen.", True),
        "helpt": text("Rustig praten, één persoon tegelijk. Mijn zus Eva bellen. Buiten even lopen met iemand erbij.", True),
        "helpt_niet": text("Sirenes, veel mensen in huis, aanraken zonder het te zeggen. Dan word ik bang en ga ik duwen.", True),
        "wensen": text("Bel eerst de crisisdienst. Als ik opgenomen moet worden: liefst De Linde.", False),
        "niet_wensen": text("Geen separeer als het anders kan. Niet geboeid de straat op als de buren kijken.", False),
        "medisch": text("Ik gebruik lithium; let op bij uitdroging en bij hitte. Astma: puffer ligt in de keuken.", True),
        "afspraken": text("Bij signalen belt het FACT-team dezelfde dag. Depotmedicatie elke 2 weken.", False),
        "praktisch": text("Kat Mimi moet eten; zus Eva heeft een sleutel.", False),
    }, fatima, note="Eerste versie, samen met Sam opgesteld")
    save_aop(clients["Sam de Vries"], None, {
        "approach": "Geen sirene en geen zwaailicht in de straat. Eén agent spreekt, rustig, en zegt wat hij gaat doen "
                    "voordat hij iets doet. Bel vóór binnengaan de crisisdienst.",
        "contact_name": "Crisisdienst GGZ Veldhaven (24/7)", "contact_phone": "+31308002400",
        "valid_until": today + dt.timedelta(days=300),
        "consent": "Op verzoek van Sam zelf, schriftelijk vastgelegd bij het FACT-team.", "status": None}, fatima)
    sam_aop = clients["Sam de Vries"].aop
    save_aop(clients["Sam de Vries"], sam_aop, {**{f: getattr(sam_aop, f) for f in
                                                 ("approach", "contact_name", "contact_phone", "valid_until", "consent")},
                                              "status": "actief"}, mark)

    save_crisiskaart(clients["Noor Jansen"], {"made_on": today - dt.timedelta(days=600), "signed_by": "Noor Jansen",
                                              "valid_until": None}, {
        "signalen": text("Trekt zich terug, eet niet, laat niemand binnen.", True),
        "helpt": text("Bellen voor je aanbelt; een vrouwelijke hulpverlener.", True),
        "medisch": text("Diabetes type 1; let op een hypo.", True),
    }, joost, note="Overgenomen van papieren kaart")
    save_aop(clients["Noor Jansen"], None, {
        "approach": "Eerst bellen, dan aanbellen. Bij voorkeur een vrouwelijke agent.",
        "contact_name": "FACT-team Domstad-Oost", "contact_phone": "+31308002400",
        "valid_until": today + dt.timedelta(days=200), "consent": "Op verzoek van Noor, mondeling, vastgelegd in dossier.",
        "status": "actief"}, mark)

    save_crisiskaart(clients["Daan Bos"], {"made_on": today - dt.timedelta(days=30), "signed_by": "Daan Bos",
                                           "valid_until": today + dt.timedelta(days=335)}, {
        "signalen": text("Wordt achterdochtig en gaat gamen tot diep in de nacht."),
        "helpt": text("Zijn moeder bellen."),
    }, fatima)
    save_aop(clients["Lotte Smit"], None, {
        "approach": "Spreek haar aan met Lotte. Niet met meer dan twee agenten naar binnen.",
        "contact_name": "Crisisdienst GGZ Veldhaven (24/7)", "contact_phone": "+31308002400",
        "valid_until": today + dt.timedelta(days=180), "consent": "Lotte vroeg dit zelf aan, 12-11-2026.",
        "status": None}, fatima)
