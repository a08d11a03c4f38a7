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
    for name, born, postcode, number, street, team, client_number in clients:
        client = Client(date_of_birth=born, postcode=postcode, postcode_area=postcode[:4], house_number=number,
                        street=street, city="Domstad", client_number=client_number, organisation=ggz, team=team)
        client.set_name(name)
        db.session.add(client)
    db.session.flush()
    return True
