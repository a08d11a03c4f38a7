"""IDOR: every route that takes an id answers 404 for an object outside the user's scope, even for
the right role, and audits the refusal. A new route with an id must be listed here."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from tests.conftest import page_csrf_token
from webapp.audit.models import AuditAction, AuditEvent

# Routes whose ids name no personal or organisational object: content shipped with the app.
NOT_OBJECTS = {"flows.start", "flows.step", "flows.agreement"}


@pytest.fixture
def elsewhere(demo, make_user):
    """Objects of another organisation and region: a client, a contact, a user, a device, a visit."""
    from webapp.clients.models import Client
    from webapp.contacts.services import create_contact
    from webapp.devices.models import Device
    from webapp.organisations.models import Organisation, OrganisationKind, Region
    from webapp.visits.models import Visit

    region = Region(name="Regio Elders")
    ggz = Organisation(name="GGZ Elders", kind=OrganisationKind.GGZ_INSTELLING, region=region)
    team = Organisation(name="Team Elders", kind=OrganisationKind.GGZ_TEAM, region=region, parent=ggz)
    demo.db.session.add_all([region, ggz, team])
    demo.db.session.flush()
    client = Client(date_of_birth=dt.date(1990, 1, 1), postcode="9711AA", postcode_area="9711", house_number="1",
                    client_number="E-1", organisation_id=ggz.id, team_id=team.id)
    client.set_name("Elders Persoon")
    demo.db.session.add(client)
    demo.db.session.flush()
    contact = create_contact(region, {"is_person": True, "name": "Elders Agent", "organisation": "X", "function": "wijkagent",
                                      "level": "operationeel", "phone": "+31620000099", "hours": None, "postcodes": []}, None)
    user = make_user("hulpverlener", organisation=team)
    device = Device(token_hash=uuid.uuid4().hex * 2, user_id=user.id, label="telefoon")
    visit = Visit(id=str(uuid.uuid4()), client_id=client.id, planned_at=dt.datetime.now(dt.timezone.utc),
                  created_by_id=user.id)
    demo.db.session.add_all([device, visit])
    demo.db.session.commit()
    from webapp.incidents.models import (ActionStatus, Incident, IncidentAction, MissingReport, PoliceCalled, Setting,
                                         Situation)

    now = dt.datetime.now(dt.timezone.utc)
    incident = Incident(id=str(uuid.uuid4()), client_id=client.id, region_id=region.id, occurred_at=now,
                        setting=Setting.AMBULANT, situation=Situation.ACUUT, police_called=PoliceCalled("112"),
                        description="Elders gebeurd.", reported_by_id=user.id, written_at=now, received_at=now,
                        aangifte_domicilie=False)
    demo.db.session.add(incident)
    demo.db.session.flush()
    action = IncidentAction(incident_id=incident.id, action_key="a14", text="Bespreken.", owner_id=user.id,
                            due_on=dt.date.today(), status=ActionStatus.OPEN, created_by_id=user.id)
    missing = MissingReport(client_id=client.id, reported_at=now, told_whom="Meldkamer", created_by_id=user.id)
    demo.db.session.add_all([action, missing])
    demo.db.session.commit()
    return {"client": client.public_id, "contact": contact.id, "user": user.id, "device": device.id, "visit": visit.id,
            "incident": incident.id, "action": action.id, "missing": missing.id}


# endpoint -> (method, url template, the demo user who has the role for it)
CASES = {
    "clients.show": ("GET", "/clienten/{client}", "demo-hulpverlener"),
    "clients.edit_aop": ("GET", "/clienten/{client}/aop", "demo-hulpverlener"),
    "clients.update": ("GET", "/clienten/{client}/bewerken", "demo-coordinator"),
    "clients.briefing": ("GET", "/clienten/{client}/briefing", "demo-hulpverlener"),
    "clients.edit_crisiskaart": ("GET", "/clienten/{client}/crisiskaart", "demo-hulpverlener"),
    "clients.consent": ("POST", "/clienten/{client}/crisiskaart/toestemming", "demo-hulpverlener"),
    "clients.crisiskaart_version": ("GET", "/clienten/{client}/crisiskaart/versies/1", "demo-coordinator"),
    "notes.create": ("POST", "/notities/clienten/{client}", "demo-hulpverlener"),
    "visits.plan": ("POST", "/bezoeken/clienten/{client}/plannen", "demo-hulpverlener"),
    "visits.checkin": ("POST", "/bezoeken/{visit}/binnen", "demo-hulpverlener"),
    "visits.checkout": ("POST", "/bezoeken/{visit}/buiten", "demo-hulpverlener"),
    "contacts.show": ("GET", "/contacten/{contact}", "demo-wijkagent"),
    "contacts.update": ("GET", "/contacten/{contact}/bewerken", "demo-coordinator"),
    "contacts.verify": ("POST", "/contacten/{contact}/klopt-nog", "demo-coordinator"),
    "contacts.delete": ("POST", "/contacten/{contact}/verwijderen", "demo-coordinator"),
    "users.enable": ("POST", "/gebruikers/{user}/inschakelen", "demo-coordinator"),
    "users.disable": ("POST", "/gebruikers/{user}/uitschakelen", "demo-coordinator"),
    "users.reset_two_factor": ("POST", "/gebruikers/{user}/tweestaps-opnieuw", "demo-coordinator"),
    "devices.revoke_device": ("POST", "/apparaten/{device}/intrekken", "demo-coordinator"),
    "audit.client": ("GET", "/logboek/clienten/{client}", "demo-coordinator"),
    "audit.user": ("GET", "/logboek/gebruikers/{user}", "demo-coordinator"),
    "incidents.show": ("GET", "/incidenten/{incident}", "demo-coordinator"),
    "incidents.aangifte": ("POST", "/incidenten/{incident}/aangifte", "demo-hulpverlener"),
    "incidents.add_action": ("POST", "/incidenten/{incident}/acties", "demo-coordinator"),
    "incidents.evaluate_ggz": ("POST", "/incidenten/{incident}/evaluatie/ggz", "demo-hulpverlener"),
    "incidents.evaluate_police": ("POST", "/incidenten/{incident}/evaluatie/politie", "demo-wijkagent"),
    "incidents.invite": ("POST", "/incidenten/{incident}/uitnodigen", "demo-coordinator"),
    "incidents.complete_action": ("POST", "/incidenten/acties/{action}/gedaan", "demo-hulpverlener"),
    "incidents.earlier": ("GET", "/incidenten/eerder/{client}", "demo-hulpverlener"),
    "incidents.create": ("GET", "/incidenten/nieuw/{client}", "demo-hulpverlener"),
    "incidents.report_missing": ("GET", "/incidenten/vermissing/{client}", "demo-hulpverlener"),
    "incidents.client_returned": ("POST", "/incidenten/vermissing/melding/{missing}/terug", "demo-hulpverlener"),
}


def test_every_route_with_an_id_is_covered(app):
    with_ids = {r.endpoint for r in app.url_map.iter_rules() if "<" in r.rule and r.endpoint != "static"}
    assert with_ids - NOT_OBJECTS == set(CASES), "add the new route with an id to tests/test_idor.py"


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_an_object_outside_the_scope_is_a_404_and_audited(demo, elsewhere, login_as, endpoint):
    method, url, username = CASES[endpoint]
    client = login_as(demo.user(username))
    kwargs = {"data": {"csrf_token": page_csrf_token(client)}} if method == "POST" else {}
    response = client.open(url.format(**elsewhere), method=method, **kwargs)
    assert response.status_code == 404, response.status_code
    assert "Elders" not in response.text
    denied = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.ACCESS_DENIED)).all()
    assert denied and denied[-1].username == username
