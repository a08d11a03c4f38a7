"""Incidents, actions and missing reports made directly in the database, for tests that need them
as a starting point (the way they are registered is tested through the sync protocol itself)."""
from __future__ import annotations

import datetime as dt
import uuid

UTC = dt.timezone.utc


def make_incident(demo, client_name="Sam de Vries", reporter="demo-hulpverlener", *, occurred_at=None,
                  police_called="112", situation="acuut", invite=None, **fields):
    from webapp.db import utcnow
    from webapp.incidents.models import AangifteStatus, Incident, PoliceCalled, Setting, Situation

    client = demo.clients[client_name]
    occurred_at = occurred_at or utcnow() - dt.timedelta(hours=2)
    values = dict(
        id=str(uuid.uuid4()), client_id=client.id, region_id=client.organisation.region_id, occurred_at=occurred_at,
        setting=Setting.AMBULANT, situation=Situation(situation), police_called=PoliceCalled(police_called),
        description="Meneer sloeg met zijn vuist op de deur en riep: 'ik maak je af'.", injuries="Schaafwond hand collega.",
        reported_by_id=demo.user(reporter).id, written_at=occurred_at, received_at=fields.pop("received_at", occurred_at),
        aangifte_domicilie=False)
    if "aangifte_status" in fields and isinstance(fields["aangifte_status"], str):
        fields["aangifte_status"] = AangifteStatus(fields["aangifte_status"])
    values.update(fields)
    incident = Incident(**values)
    if invite:
        police = demo.user(invite)
        incident.police_user_id, incident.invited_at, incident.invited_by_id = police.id, utcnow(), demo.user(reporter).id
    demo.db.session.add(incident)
    demo.db.session.commit()
    return incident


def make_action(demo, incident, owner="demo-hulpverlener", due_on=None, action_key="a14"):
    from webapp.incidents.models import ActionStatus, IncidentAction

    action = IncidentAction(incident_id=incident.id, action_key=action_key, text="Bespreek het incident intern.",
                            owner_id=demo.user(owner).id, due_on=due_on or dt.date.today() + dt.timedelta(days=7),
                            status=ActionStatus.OPEN, created_by_id=demo.user("demo-coordinator").id)
    demo.db.session.add(action)
    demo.db.session.commit()
    return action


def make_missing_report(demo, client_name="Sam de Vries", police="demo-wijkagent", reference="PL0900-2026123456"):
    from webapp.db import utcnow
    from webapp.incidents.models import MissingReport

    report = MissingReport(client_id=demo.clients[client_name].id, reported_at=utcnow() - dt.timedelta(hours=3),
                           police_reference=reference, told_whom="Meldkamer via 0900-8844",
                           police_user_id=demo.user(police).id if police else None,
                           created_by_id=demo.user("demo-hulpverlener").id)
    demo.db.session.add(report)
    demo.db.session.commit()
    return report


def matrix_objects(demo) -> dict:
    """The objects the access matrix uses, made once per demo world: an incident of Sam (the
    hulpverlener's team) with demo-wijkagent invited, one of Noor (another team, nobody invited),
    an action and a missing report."""
    cached = getattr(demo, "_incident_matrix", None)
    if cached is None:
        sam = make_incident(demo, invite="demo-wijkagent")
        noor = make_incident(demo, "Noor Jansen", reporter="demo-hulpverlener-oost")
        cached = {"sam": sam.id, "noor": noor.id, "action": make_action(demo, sam).id,
                  "missing": make_missing_report(demo).id}
        demo._incident_matrix = cached
    return cached
