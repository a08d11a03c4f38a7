"""Incidents (issue 7): registered through the outbox protocol and the plain form, the structural-use
warning, aangifte, the joint evaluation and its reminder, follow-up actions, missing clients, the
coordinator's overview and export, and who sees what (police: only their incidents, only the police part)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid

import pytest
from sqlalchemy import func, select

from sync.protocol import content_hash
from tests.conftest import page_csrf_token
from tests.incidents_data import make_action, make_incident, make_missing_report
from tests.test_sync_api import push
from webapp.audit.models import AuditAction, AuditEvent, AuditOutcome
from webapp.db import utcnow
from webapp.incidents.models import ActionStatus, AangifteStatus, Incident, IncidentAction, MissingReport, Situation
from webapp.incidents.services import (FLOW_PREFILL, earlier_police_requests, monthly_counts, months_back,
                                       remind_open_evaluations, structural_use)
from webapp.visits.models import Notification

UTC = dt.timezone.utc


def incident_mutation(client_public_id, id_=None, **overrides):
    payload = {"client_id": client_public_id, "occurred_at": (utcnow() - dt.timedelta(minutes=30)).isoformat(),
               "setting": "ambulant", "situation": "acuut", "police_called": "112",
               "description": "Sam gooide een stoel tegen de muur en riep: 'ik sla jullie allemaal'.",
               "written_at": utcnow().isoformat()}
    payload.update(overrides)
    body = {"id": id_ or str(uuid.uuid4()), "type": "incident.create", "schema_version": 1,
            "device_time": utcnow().isoformat(), "payload": {k: v for k, v in payload.items() if v is not ...}}
    body["hash"] = content_hash(body)
    return body


def incident_count(db):
    return db.session.scalar(select(func.count()).select_from(Incident))


def audit_rows(db, action=None, object_type="incidents"):
    query = select(AuditEvent).where(AuditEvent.object_type == object_type)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalars(query.order_by(AuditEvent.id)).all()


@pytest.fixture
def care(demo, login_as):
    return login_as(demo.user("demo-hulpverlener"))


def test_the_schema_choices_are_the_stored_values():
    """The sync schema and the web app's stored values must not drift apart."""
    from sync.handlers import AANGIFTE_STATUSES, INCIDENT_SETTINGS, INCIDENT_SITUATIONS, POLICE_CALLED
    from webapp.incidents.models import AangifteStatus, PoliceCalled, Setting, Situation

    assert INCIDENT_SETTINGS == tuple(Setting) and INCIDENT_SITUATIONS == tuple(Situation)
    assert POLICE_CALLED == tuple(PoliceCalled) and AANGIFTE_STATUSES == tuple(AangifteStatus)


# -- registering through the outbox protocol ----------------------------------------------------------

def test_an_incident_from_the_outbox_is_applied_once_then_duplicate_then_conflict(demo, care):
    sam = demo.clients["Sam de Vries"]
    first = incident_mutation(sam.public_id)
    assert push(care, [first]).get_json()["results"] == [{"id": first["id"], "status": "applied"}]
    assert push(care, [first]).get_json()["results"] == [{"id": first["id"], "status": "duplicate"}]
    changed = incident_mutation(sam.public_id, id_=first["id"], description="Iets anders.")
    [result] = push(care, [changed]).get_json()["results"]
    assert result["status"] == "conflict" and result["reason"] == "Dit incident is al eerder met andere inhoud ontvangen."
    assert incident_count(demo.db) == 1
    stored = demo.db.session.get(Incident, first["id"])
    assert stored.client_id == sam.id and stored.reported_by_id == demo.user("demo-hulpverlener").id
    assert stored.region_id == sam.organisation.region_id and not stored.evaluation_done
    assert stored.aangifte_status is None
    [created] = audit_rows(demo.db, AuditAction.CREATE)
    assert created.client_id == sam.id and created.object_id == first["id"]
    assert created.details["earlier_police_requests"] == 0


def test_a_criminal_offence_gets_an_aangifte_to_do_unless_told_otherwise(demo, care):
    sam = demo.clients["Sam de Vries"].public_id
    plain, decided = (incident_mutation(sam, situation="strafbaar_feit"),
                      incident_mutation(sam, situation="strafbaar_feit", aangifte_status="gedaan",
                                        aangifte_domicilie=True, aangifte_reference="PV-2026-1"))
    assert [r["status"] for r in push(care, [plain, decided]).get_json()["results"]] == ["applied", "applied"]
    assert demo.db.session.get(Incident, plain["id"]).aangifte_status == AangifteStatus.TE_DOEN
    stored = demo.db.session.get(Incident, decided["id"])
    assert (stored.aangifte_status, stored.aangifte_domicilie, stored.aangifte_reference) == (
        AangifteStatus.GEDAAN, True, "PV-2026-1")


def test_refused_incidents_stay_on_the_phone_with_the_reason(demo, care, login_as):
    noor, sam = demo.clients["Noor Jansen"].public_id, demo.clients["Sam de Vries"].public_id
    other_team = incident_mutation(noor)
    empty = incident_mutation(sam, description=" ")
    future = incident_mutation(sam, occurred_at=(utcnow() + dt.timedelta(hours=2)).isoformat())
    results = push(care, [other_team, empty, future]).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert "caseload" in results[0]["reason"] and "Het incident blijft op je telefoon" in results[0]["reason"]
    assert results[1]["errors"] == {"description": ["Beschrijf wat er gebeurde: wat werd er gezegd en gedaan."]}
    assert results[2]["errors"] == {"occurred_at": ["Het tijdstip ligt in de toekomst. Controleer datum en tijd."]}
    assert incident_count(demo.db) == 0
    # a coordinator's and a wijkagent's phone have no outbox to push from
    for username in ("demo-coordinator", "demo-wijkagent"):
        assert push(login_as(demo.user(username)), [incident_mutation(sam)]).status_code == 403


def test_the_plain_form_goes_through_the_same_checks(demo, care):
    sam = demo.clients["Sam de Vries"]
    token = page_csrf_token(care, "/incidenten/nieuw")
    bad = care.post("/incidenten/nieuw", data={"csrf_token": token, "client_id": sam.public_id,
                                               "occurred_at": "2026-11-23T14:05", "setting": "ambulant",
                                               "situation": "acuut", "police_called": "112", "description": "",
                                               "aangifte_status": "niet_gedaan"})
    assert bad.status_code == 422
    assert re.search(r'id="description-error">Beschrijf wat er gebeurde: wat werd er gezegd en gedaan.<', bad.text)
    assert re.search(r'id="aangifte_reason-error">Schrijf op waarom er geen aangifte is gedaan.<', bad.text)
    assert incident_count(demo.db) == 0
    good = care.post("/incidenten/nieuw", data={"csrf_token": token, "client_id": sam.public_id,
                                                "occurred_at": "2026-11-23T14:05", "setting": "klinisch",
                                                "location": "Afdeling De Linde", "situation": "planbaar",
                                                "police_called": "wijkagent", "description": "Duwde een collega weg.",
                                                "aangifte_domicilie": "y", "flow_id": "politie-inschakelen",
                                                "step_id": "stap-2-verzoek"})
    assert good.status_code == 303
    incident = demo.db.session.scalar(select(Incident))
    assert good.headers["Location"] == f"/incidenten/{incident.id}"
    assert incident.occurred_at == dt.datetime(2026, 11, 23, 13, 5, tzinfo=UTC)  # 14:05 in Amsterdam
    assert (incident.location, incident.aangifte_domicilie, incident.step_id) == ("Afdeling De Linde", True,
                                                                                  "stap-2-verzoek")


def test_the_form_is_prefilled_from_the_flow_outcome(demo, care):
    page = care.get("/incidenten/nieuw?flow=politie-inschakelen&stap=bel-112").text
    assert re.search(r'<input checked id="situation-0" name="situation" type="radio" value="acuut">', page)
    assert re.search(r'<input checked id="police_called-0" name="police_called" type="radio" value="112">', page)
    assert 'name="step_id" type="hidden" value="bel-112"' in page
    assert "Vanuit het stappenplan: Politie inschakelen bij (dreigend) geweld › Bel nu 112" in page
    # an unknown step is ignored, not trusted
    page = care.get("/incidenten/nieuw?flow=politie-inschakelen&stap=bestaat-niet").text
    assert not re.search(r'<input checked[^>]*name="(situation|police_called)"', page)
    assert 'name="step_id" type="hidden" value=""' in page


def test_an_outcome_without_an_emergency_prefills_neither_emergency_nor_crime(demo, care):
    """003: always report, also an incident that was no emergency and no crime; opschaling-volstaat says
    'geen noodsituatie', so the form must not say 'planbaar'."""
    for step in ("opschaling-volstaat", "geen-grond"):
        page = care.get(f"/incidenten/nieuw?flow=politie-inschakelen&stap={step}").text
        assert re.search(r'<input checked id="situation-3" name="situation" type="radio" value="geen">', page), step
        assert '<span>Geen noodsituatie, geen strafbaar feit</span>' in page
        assert re.search(r'<input checked id="police_called-3" name="police_called" type="radio" value="niet">', page)


def test_an_incident_that_was_neither_emergency_nor_crime_is_stored(demo, care):
    sam = demo.clients["Sam de Vries"]
    [result] = push(care, [incident_mutation(sam.public_id, situation="geen", police_called="niet")]).get_json()["results"]
    assert result["status"] == "applied", result
    incident = demo.db.session.scalar(select(Incident))
    assert incident.situation == Situation.GEEN and incident.aangifte_status is None
    assert "Geen noodsituatie, geen strafbaar feit" in care.get(f"/incidenten/{incident.id}").text


def test_every_prefilled_flow_step_is_an_outcome_of_a_care_flow(app):
    from webapp.flows.services import library

    with app.app_context():
        for (flow_id, step_id), values in FLOW_PREFILL.items():
            flow = library().get(flow_id)
            assert flow is not None and "hulpverlener" in flow.audience, flow_id
            assert flow.step(step_id).kind == "outcome", (flow_id, step_id)


def app_client_anonymous(client):
    return client.application.test_client()


def test_the_offline_shell_of_the_form_holds_no_data_and_is_precached(demo, care):
    """When /incidenten/nieuw cannot be reached, the service worker answers with this shell;
    incidents.js fills it from the phone's own caseload copy."""
    from tests.test_pwa import precache

    shell = care.get("/incidenten/offline")
    assert shell.status_code == 200 and "data-offline-outbox" in shell.text
    assert 'data-mutation="incident.create"' in shell.text and 'action="/incidenten/nieuw"' in shell.text
    for private in ("Sam de Vries", "Fatima El Amrani", "csrf", "Lange Nieuwstraat"):
        assert private not in shell.text, private
    assert "&#34;politie-inschakelen/bel-112&#34;: {&#34;police_called&#34;: &#34;112&#34;" in shell.text
    assert shell.text == app_client_anonymous(care).get("/incidenten/offline").text  # the same for everyone
    _version, entries = precache(care)
    assert "/incidenten/offline" in [e["url"] for e in entries]
    assert 'const OFFLINE_INCIDENT_URL = "/incidenten/offline";' in care.get("/sw.js").text


def test_the_outcome_pages_link_to_the_incident_form_for_the_hulpverlener_only(demo, care, login_as):
    page = care.get("/stappenplan/politie-inschakelen/bel-112").text
    assert 'href="/incidenten/nieuw?flow=politie-inschakelen&amp;stap=bel-112"' in page
    assert "data-structural-for-selected" not in page  # nothing between the user and 112 (issue 14)
    assert "data-structural-for-selected" in care.get("/stappenplan/politie-inschakelen/stap-2-verzoek").text
    assert "/incidenten/nieuw" not in care.get("/stappenplan/politie-inschakelen/start").text  # a question
    police = login_as(demo.user("demo-wijkagent")).get("/stappenplan/politie-inschakelen/bel-112").text
    assert "/incidenten/nieuw" not in police and "data-structural-for-selected" not in police


# -- structural use (000 §4.2) ---------------------------------------------------------------------------

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_twelve_calendar_months_back():
    assert months_back(NOW, 12) == dt.datetime(2025, 11, 23, 12, 0, tzinfo=UTC)
    assert months_back(dt.datetime(2028, 2, 29, tzinfo=UTC), 12) == dt.datetime(2027, 2, 28, tzinfo=UTC)
    assert months_back(dt.datetime(2026, 3, 31, tzinfo=UTC), 1) == dt.datetime(2026, 2, 28, tzinfo=UTC)


@pytest.mark.parametrize("earlier_days, expected", [
    ([], None),                              # none
    ([40], ("again", 1)),                    # one earlier request
    ([40, 200], ("structural", 2)),          # two earlier requests
    ([40, 366], ("again", 1)),               # one of them outside the twelve months
    ([365 + 30, 500], None),                 # both outside
])
def test_the_structural_use_warning(demo, earlier_days, expected):
    sam = demo.clients["Sam de Vries"]
    for days in earlier_days:
        make_incident(demo, occurred_at=NOW - dt.timedelta(days=days), situation="planbaar", police_called="wijkagent")
    make_incident(demo, occurred_at=NOW - dt.timedelta(days=10), situation="planbaar", police_called="niet")  # no police
    make_incident(demo, occurred_at=NOW - dt.timedelta(days=12))                      # acute (112): never counted
    make_incident(demo, occurred_at=NOW - dt.timedelta(days=14), situation="strafbaar_feit")  # a crime: not counted
    make_incident(demo, "Daan Bos", occurred_at=NOW - dt.timedelta(days=20), situation="planbaar")   # another client
    make_incident(demo, occurred_at=NOW + dt.timedelta(days=1), situation="planbaar")  # after the moment asked about
    use = structural_use(sam, NOW)
    if expected is None:
        assert use is None
    else:
        assert (use.level, use.count) == expected
        assert list(use.dates) == sorted(NOW - dt.timedelta(days=d) for d in earlier_days if d <= 365)


def test_the_boundary_is_the_same_day_a_year_ago(demo):
    sam = demo.clients["Sam de Vries"]
    make_incident(demo, occurred_at=months_back(NOW, 12), situation="planbaar")
    make_incident(demo, occurred_at=months_back(NOW, 12) - dt.timedelta(seconds=1), situation="planbaar")
    assert len(earlier_police_requests(sam, NOW)) == 1


def test_the_incident_form_warns_with_the_earlier_dates(demo, care):
    from webapp.incidents.services import local

    sam = demo.clients["Sam de Vries"]
    url = f"/incidenten/nieuw/{sam.public_id}"
    page = care.get(url).text
    assert "al eerder geplande politiesteun" not in page and "wordt structureel" not in page
    make_incident(demo, occurred_at=utcnow() - dt.timedelta(days=70))  # acute: 112 is never limited
    assert "al eerder geplande politiesteun" not in care.get(url).text
    first = make_incident(demo, occurred_at=utcnow() - dt.timedelta(days=60), situation="planbaar").occurred_at
    page = care.get(url).text
    assert "Voor Sam de Vries is al eerder geplande politiesteun gevraagd" in page and "inspanningsverplichting" in page
    assert f"<strong class=\"nowrap\">{local(first):%d-%m-%Y}</strong>" in page
    second = make_incident(demo, occurred_at=utcnow() - dt.timedelta(days=30), situation="planbaar").occurred_at
    page = care.get(url).text
    assert "Geplande politiesteun voor Sam de Vries wordt structureel" in page and "2 keer" in page
    assert f"{local(first):%d-%m-%Y}</strong>, <strong class=\"nowrap\">{local(second):%d-%m-%Y}" in page
    assert "zoals depotmedicatie, kan de politie bij hoge uitzondering een tweede keer helpen" in page
    assert "die termijn kiest Veldwijzer zelf" in page and "bij direct gevaar bel je altijd 112" in page


def test_the_lookup_for_a_selected_client_is_audited_and_bounded_to_the_caseload(demo, care, login_as):
    sam, noor = demo.clients["Sam de Vries"], demo.clients["Noor Jansen"]
    make_incident(demo, occurred_at=utcnow() - dt.timedelta(days=3), situation="planbaar")
    fragment = care.get(f"/incidenten/eerder/{sam.public_id}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "al eerder geplande politiesteun gevraagd" in fragment.text
    assert fragment.headers["Cache-Control"] == "no-store"
    [read] = audit_rows(demo.db, AuditAction.READ, object_type="incidents")
    assert read.client_id == sam.id and read.reason == "earlier police requests"
    assert care.get(f"/incidenten/eerder/{noor.public_id}").status_code == 404
    assert audit_rows(demo.db, AuditAction.ACCESS_DENIED, object_type="clients")[0].client_id == noor.id
    assert care.get(f"/incidenten/eerder/{sam.public_id}-x").status_code == 404


# -- the joint evaluation (000 stap 6) ---------------------------------------------------------------

ANSWERS = {"verloop": "Rustig, na tien minuten mee.", "juiste_plek": "Ja, opgenomen op De Linde.",
           "samenwerking": "Goed; de briefing hielp.", "risico": "Depot eerder geven.",
           "voorkomen": "Misschien, met een extra collega.", "afspraken": "Nee."}


def test_invite_the_wijkagent_of_the_area_and_close_the_evaluation(demo, login_as):
    incident = make_incident(demo)
    coordinator = login_as(demo.user("demo-coordinator"))
    page = coordinator.get(f"/incidenten/{incident.id}").text
    assert "Evaluatie open" in page and "Politie uitnodigen voor de evaluatie" in page
    # Mark Visser is the wijkagent for 3511 in the directory, and his email is the demo-wijkagent's
    mark = demo.user("demo-wijkagent")
    assert re.search(rf'<option selected value="{mark.id}">Mark Visser', page)
    token = page_csrf_token(coordinator, f"/incidenten/{incident.id}")
    assert coordinator.post(f"/incidenten/{incident.id}/uitnodigen",
                            data={"csrf_token": token, "police_user": mark.id}).status_code == 303
    [invite] = demo.db.session.scalars(select(Notification).where(Notification.kind == "evaluation_invite")).all()
    assert invite.recipient_id == mark.id and "Sam" not in invite.text  # no name in a message that may be mailed
    assert coordinator.post(f"/incidenten/{incident.id}/evaluatie/ggz",
                            data={"csrf_token": token, **ANSWERS}).status_code == 303
    demo.db.session.expire_all()
    assert not demo.db.session.get(Incident, incident.id).evaluation_done  # the police part is missing

    police = login_as(demo.user("demo-wijkagent"))
    assert "Jouw deel nog invullen (1)" in police.get("/incidenten/").text
    police_token = page_csrf_token(police, f"/incidenten/{incident.id}")
    half = police.post(f"/incidenten/{incident.id}/evaluatie/politie",
                       data={"csrf_token": police_token, **{**ANSWERS, "afspraken": ""}})
    assert half.status_code == 422 and 'id="afspraken-error">Beantwoord deze vraag. Kort mag.<' in half.text
    assert police.post(f"/incidenten/{incident.id}/evaluatie/politie",
                       data={"csrf_token": police_token, **ANSWERS}).status_code == 303
    demo.db.session.expire_all()
    done = demo.db.session.get(Incident, incident.id)
    assert done.evaluation_done and done.police_answers == ANSWERS and done.police_done_by_id == mark.id
    police_row = [r for r in audit_rows(demo.db) if r.reason == "evaluation politie part"][-1]
    assert police_row.details == {"changed": sorted(ANSWERS), "done": True}  # which answers, never their text
    assert "Evaluatie afgerond" in coordinator.get(f"/incidenten/{incident.id}").text


def test_without_police_the_ggz_part_closes_the_evaluation(demo, care):
    incident = make_incident(demo, police_called="niet")
    page = care.get(f"/incidenten/{incident.id}").text
    assert "De politie is niet gebeld: alleen het GGZ-deel" in page and "Politie uitnodigen" not in page
    token = page_csrf_token(care, f"/incidenten/{incident.id}")
    care.post(f"/incidenten/{incident.id}/evaluatie/ggz", data={"csrf_token": token, **ANSWERS})
    demo.db.session.expire_all()
    assert demo.db.session.get(Incident, incident.id).evaluation_done


def test_when_support_becomes_structural_the_agreements_are_required(demo, care):
    make_incident(demo, occurred_at=utcnow() - dt.timedelta(days=50), situation="planbaar")
    acute = make_incident(demo)
    assert "Spreek dit af met de politie" not in care.get(f"/incidenten/{acute.id}").text  # acute: no limit
    incident = make_incident(demo, situation="planbaar", police_called="wijkagent")
    token = page_csrf_token(care, f"/incidenten/{incident.id}")
    missing = care.post(f"/incidenten/{incident.id}/evaluatie/ggz", data={"csrf_token": token, **ANSWERS})
    assert missing.status_code == 422
    assert 'id="inspanning-error">Spreek dit af met de politie en schrijf het op.<' in missing.text
    agreed = {**ANSWERS, "inspanning": "Twee collega's bij elk depot.", "tussenoplossing": "Wijkagent om de hoek, 3 maanden."}
    assert care.post(f"/incidenten/{incident.id}/evaluatie/ggz", data={"csrf_token": token, **agreed}).status_code == 303
    demo.db.session.expire_all()
    assert demo.db.session.get(Incident, incident.id).ggz_answers["tussenoplossing"] == "Wijkagent om de hoek, 3 maanden."


def test_the_reminder_after_14_days_with_a_frozen_clock_runs_twice_and_sends_once(demo):
    registered = dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    open_one = make_incident(demo, occurred_at=registered, received_at=registered, invite="demo-wijkagent")
    closed = make_incident(demo, occurred_at=registered, received_at=registered, police_called="niet",
                           ggz_answers=ANSWERS, ggz_done_at=registered, ggz_done_by_id=demo.user("demo-coordinator").id)
    assert remind_open_evaluations(now=registered + dt.timedelta(days=14) - dt.timedelta(seconds=1)) == []
    demo.db.session.commit()
    first = remind_open_evaluations(now=registered + dt.timedelta(days=14))
    demo.db.session.commit()
    again = remind_open_evaluations(now=registered + dt.timedelta(days=20))
    demo.db.session.commit()
    assert [i.id for i in first] == [open_one.id] and again == []
    sent = demo.db.session.scalars(select(Notification).where(Notification.kind == "evaluation_reminder")).all()
    assert sorted(n.recipient_id for n in sent) == sorted(
        demo.user(u).id for u in ("demo-hulpverlener", "demo-coordinator", "demo-wijkagent"))
    assert all(n.subject == f"incident:{open_one.id}" for n in sent)
    assert "nog niet ingevuld: GGZ en politie" in sent[0].text and "Sam" not in sent[0].text
    assert closed.id not in {n.subject.split(":")[1] for n in sent}
    [audit] = audit_rows(demo.db, AuditAction.UPDATE)
    assert audit.reason == "evaluation reminder" and audit.object_id == open_one.id


def test_the_remind_command_is_safe_to_run_twice(app, demo):
    make_incident(demo, received_at=utcnow() - dt.timedelta(days=15), invite="demo-wijkagent")
    runner = app.test_cli_runner()
    first, second = runner.invoke(args=["incidents", "remind"]), runner.invoke(args=["incidents", "remind"])
    assert "1 open evaluation(s) reminded" in first.output and "0 open evaluation(s) reminded" in second.output
    assert demo.db.session.scalar(select(func.count()).select_from(Notification)) == 3


# -- who sees what -----------------------------------------------------------------------------------------

def test_police_see_only_their_incidents_and_only_the_police_part(demo, login_as):
    invited = make_incident(demo, invite="demo-wijkagent", police_reference="PL-2026-42",
                            ggz_answers=ANSWERS, ggz_done_at=utcnow(), ggz_done_by_id=demo.user("demo-coordinator").id)
    make_action(demo, invited)
    not_invited = make_incident(demo, situation="planbaar")
    police = login_as(demo.user("demo-wijkagent"))
    page = police.get(f"/incidenten/{invited.id}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'hx-history="false"' in page.text
    for shown in ("Sam de Vries", "Acute noodsituatie", "PL-2026-42", ANSWERS["verloop"], "Politiedeel invullen"):
        assert shown in page.text, shown
    for hidden in ("sloeg met zijn vuist", "Schaafwond", "Bespreek het incident intern", "GGZ-deel invullen",
                   "Aangifte bijwerken", "/clienten/"):
        assert hidden not in page.text, hidden
    assert police.get(f"/incidenten/{not_invited.id}").status_code == 404
    listing = police.get("/incidenten/").text
    assert invited.id in listing and not_invited.id not in listing
    [denied] = audit_rows(demo.db, AuditAction.ACCESS_DENIED)
    assert denied.object_id == not_invited.id and denied.outcome == AuditOutcome.DENIED
    assert denied.username == "demo-wijkagent" and denied.client_id == demo.clients["Sam de Vries"].id
    # and no way around it: the care part's routes are refused by role, the police part of another incident by scope
    token = page_csrf_token(police, "/incidenten/")
    assert police.post(f"/incidenten/{invited.id}/evaluatie/ggz", data={"csrf_token": token, **ANSWERS}).status_code == 403
    assert police.post(f"/incidenten/{not_invited.id}/evaluatie/politie",
                       data={"csrf_token": token, **ANSWERS}).status_code == 404
    assert police.get(f"/incidenten/eerder/{demo.clients['Sam de Vries'].public_id}").status_code == 403


def test_care_sees_its_own_team_and_the_coordinator_its_organisation(demo, login_as):
    sam = make_incident(demo)
    noor = make_incident(demo, "Noor Jansen", reporter="demo-hulpverlener-oost")
    care = login_as(demo.user("demo-hulpverlener"))
    listing = care.get("/incidenten/").text
    assert sam.id in listing and noor.id not in listing
    assert care.get(f"/incidenten/{noor.id}").status_code == 404
    assert "Meneer sloeg met zijn vuist" in care.get(f"/incidenten/{sam.id}").text
    coordinator = login_as(demo.user("demo-coordinator")).get("/incidenten/").text
    assert sam.id in coordinator and noor.id in coordinator
    # a coordinator of another organisation (same region) sees none of it
    from webapp.organisations.models import Organisation, OrganisationKind

    other = Organisation(name="GGZ Andere Stad", kind=OrganisationKind.GGZ_INSTELLING,
                         region_id=demo.orgs["GGZ Veldhaven"].region_id)
    demo.db.session.add(other)
    demo.db.session.commit()
    from webapp.auth.services import create_user
    from tests.conftest import DEMO_PASSWORD

    stranger = create_user(username="andere-coordinator", display_name="Andere Coördinator",
                           role=demo.user("demo-coordinator").role, organisation=other, password=DEMO_PASSWORD)
    demo.db.session.commit()
    elsewhere = login_as(stranger)
    assert sam.id not in elsewhere.get("/incidenten/").text
    assert elsewhere.get(f"/incidenten/{sam.id}").status_code == 404


def test_every_read_of_an_incident_is_audited(demo, login_as):
    incident = make_incident(demo, invite="demo-wijkagent")
    care = login_as(demo.user("demo-hulpverlener"))
    care.get(f"/incidenten/{incident.id}")
    care.get("/incidenten/")
    login_as(demo.user("demo-wijkagent")).get(f"/incidenten/{incident.id}")
    login_as(demo.user("demo-coordinator")).get("/incidenten/overzicht")
    care.get(f"/clienten/{demo.clients['Sam de Vries'].public_id}")
    reads = audit_rows(demo.db, AuditAction.READ)
    assert [(r.username, r.details["part"]) for r in reads] == [
        ("demo-hulpverlener", "care"), ("demo-hulpverlener", "care list"), ("demo-wijkagent", "police"),
        ("demo-coordinator", "overview"), ("demo-hulpverlener", "client page")]
    assert {r.client_id for r in reads} == {demo.clients["Sam de Vries"].id}
    assert {r.object_id for r in reads} == {incident.id}


# -- aangifte and follow-up actions ---------------------------------------------------------------------

def test_an_open_aangifte_is_a_task_until_it_is_done(demo, care, login_as):
    incident = make_incident(demo, situation="strafbaar_feit", aangifte_status="te_doen")
    assert "Aangifte te doen (1)" in care.get("/incidenten/").text
    coordinator = login_as(demo.user("demo-coordinator"))
    assert "Aangifte te doen (1)" in coordinator.get("/incidenten/overzicht").text
    token = page_csrf_token(care, f"/incidenten/{incident.id}")
    page = care.get(f"/incidenten/{incident.id}").text
    assert "Lange Nieuwstraat 40, 3512 PH Domstad" in page  # the address for an aangifte op domicilie
    no_reason = care.post(f"/incidenten/{incident.id}/aangifte", data={"csrf_token": token, "status": "niet_gedaan"})
    assert no_reason.status_code == 422 and "Schrijf op waarom er geen aangifte is gedaan." in no_reason.text
    assert care.post(f"/incidenten/{incident.id}/aangifte", data={"csrf_token": token, "status": "niet_gedaan",
                                                                 "reason": "Collega durft niet."}).status_code == 303
    done = care.post(f"/incidenten/{incident.id}/aangifte",
                     data={"csrf_token": token, "status": "gedaan", "domicilie": "y", "reference": "PV-1"})
    assert done.status_code == 303
    assert "Aangifte te doen (0)" in care.get("/incidenten/").text
    first, change = [r for r in audit_rows(demo.db, AuditAction.UPDATE) if r.reason == "aangifte"]
    assert first.details == {"old": {"status": "te_doen", "reason": False},
                             "new": {"status": "niet_gedaan", "reason": True}}  # not the reason's text
    assert change.details["new"] == {"status": "gedaan", "domicilie": True, "reference": "PV-1", "reason": False}


def test_follow_up_actions_with_owner_due_date_and_the_overdue_ones_for_the_coordinator(demo, care, login_as):
    incident = make_incident(demo)
    token = page_csrf_token(care, f"/incidenten/{incident.id}")
    page = care.get(f"/incidenten/{incident.id}").text
    assert page.count("<option value=\"a") == 37 and '<optgroup label="Repressie">' in page
    due = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    past = care.post(f"/incidenten/{incident.id}/acties", data={"csrf_token": token, "action": "a18",
                                                              "owner": demo.user("demo-hulpverlener").id,
                                                              "due_on": "2020-01-01"})
    assert past.status_code == 422 and "Deze datum is al voorbij." in past.text
    outsider = care.post(f"/incidenten/{incident.id}/acties", data={"csrf_token": token, "action": "a18",
                                                                  "owner": demo.user("demo-wijkagent").id, "due_on": due})
    assert outsider.status_code == 422 and "Ongeldige keuze" in outsider.text  # owners come from the organisation
    assert care.post(f"/incidenten/{incident.id}/acties", data={"csrf_token": token, "action": "a18",
                                                              "owner": demo.user("demo-coordinator").id,
                                                              "due_on": due}).status_code == 303
    action = demo.db.session.scalar(select(IncidentAction))
    assert (action.owner_id, action.due_on.isoformat(), action.action_key) == (demo.user("demo-coordinator").id, due, "a18")
    assert action.text == "Vraag de wijkagent de veroorzaker stevig aan te spreken ('Bromsnor-gesprek')."
    # 003 ends its list with a line for the reader's own action
    owner = demo.user("demo-hulpverlener").id
    neither = care.post(f"/incidenten/{incident.id}/acties", data={"csrf_token": token, "owner": owner, "due_on": due})
    assert neither.status_code == 422 and "Kies een actie, of schrijf je eigen actie op." in neither.text
    both = care.post(f"/incidenten/{incident.id}/acties", data={"csrf_token": token, "action": "a18", "own": "Iets",
                                                              "owner": owner, "due_on": due})
    assert both.status_code == 422 and "niet allebei" in both.text
    own = care.post(f"/incidenten/{incident.id}/acties", data={"csrf_token": token, "own": " Deurbel met camera. ",
                                                             "owner": owner, "due_on": due})
    assert own.status_code == 303
    mine = demo.db.session.scalars(select(IncidentAction).where(IncidentAction.action_key == "eigen")).one()
    assert mine.text == "Deurbel met camera." and "Deurbel met camera." in care.get(f"/incidenten/{incident.id}").text
    coordinator = login_as(demo.user("demo-coordinator"))
    assert "Acties te laat (0)" in coordinator.get("/incidenten/overzicht").text
    late = make_action(demo, incident, owner="demo-hulpverlener", due_on=dt.date.today() - dt.timedelta(days=1))
    board = coordinator.get("/incidenten/overzicht").text
    assert "Acties te laat (1)" in board and "Bespreek het incident intern." in board
    assert care.post(f"/incidenten/acties/{late.id}/gedaan", data={"csrf_token": token}).status_code == 303
    demo.db.session.expire_all()
    assert demo.db.session.get(IncidentAction, late.id).status == ActionStatus.GEDAAN
    assert "Acties te laat (0)" in coordinator.get("/incidenten/overzicht").text


# -- a missing client and the terugmelding --------------------------------------------------------------

def test_report_missing_then_one_tap_tells_the_police(demo, care, login_as):
    sam = demo.clients["Sam de Vries"]
    form = care.get(f"/incidenten/vermissing/{sam.public_id}").text
    mark = demo.user("demo-wijkagent")
    assert re.search(rf'<option selected value="{mark.id}">Mark Visser', form)
    token = page_csrf_token(care, f"/incidenten/vermissing/{sam.public_id}")
    assert care.post(f"/incidenten/vermissing/{sam.public_id}",
                     data={"csrf_token": token, "reported_at": "2026-11-23T08:15", "told_whom": "",
                           "police_user": mark.id}).status_code == 422
    assert care.post(f"/incidenten/vermissing/{sam.public_id}",
                     data={"csrf_token": token, "reported_at": "2026-11-23T08:15", "told_whom": "Meldkamer, 0900-8844",
                           "reference": "PL-77", "police_user": mark.id}).status_code == 303
    page = care.get(f"/clienten/{sam.public_id}").text
    assert "Vermist gemeld" in page and "Cliënt is terug" in page and "Mark Visser van de politie" in page
    report = demo.db.session.scalar(select(MissingReport))
    assert "PL-77" in login_as(mark).get("/incidenten/").text
    assert care.post(f"/incidenten/vermissing/melding/{report.id}/terug", data={"csrf_token": token}).status_code == 303
    assert "Cliënt is terug" not in care.get(f"/clienten/{sam.public_id}").text
    [told] = demo.db.session.scalars(select(Notification).where(Notification.kind == "client_returned")).all()
    assert told.recipient_id == mark.id and "PL-77" in told.text and "Sam" not in told.text
    [audit] = [r for r in audit_rows(demo.db, AuditAction.UPDATE, object_type="missing_reports")]
    assert audit.reason == "client returned; police told" and audit.client_id == sam.id
    # a second tap does not tell the police twice
    care.post(f"/incidenten/vermissing/melding/{report.id}/terug", data={"csrf_token": token})
    assert demo.db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_another_team_cannot_close_a_missing_report(demo, login_as):
    report = make_missing_report(demo, "Noor Jansen")
    care = login_as(demo.user("demo-hulpverlener"))
    token = page_csrf_token(care)
    assert care.post(f"/incidenten/vermissing/melding/{report.id}/terug", data={"csrf_token": token}).status_code == 404
    demo.db.session.expire_all()
    assert demo.db.session.get(MissingReport, report.id).returned_at is None


# -- the coordinator's overview and export ------------------------------------------------------------

def test_incidents_per_month_for_the_region_as_an_inline_svg(demo, login_as):
    day = dt.date(2026, 11, 23)
    for when in (dt.datetime(2026, 11, 1, 10, tzinfo=UTC), dt.datetime(2026, 11, 20, 10, tzinfo=UTC),
                 dt.datetime(2026, 9, 30, 22, 30, tzinfo=UTC),   # 1 October in Amsterdam
                 dt.datetime(2025, 11, 30, 10, tzinfo=UTC),      # the first month shown
                 dt.datetime(2025, 10, 31, 10, tzinfo=UTC)):     # before it
        make_incident(demo, occurred_at=when)
    counts = monthly_counts(demo.orgs["GGZ Veldhaven"].region_id, day)
    assert len(counts) == 12 and (counts[0].year, counts[0].month, counts[0].count) == (2025, 12, 0)
    assert {(c.month, c.count) for c in counts if c.count} == {(10, 1), (11, 2)}
    counts = monthly_counts(demo.orgs["GGZ Veldhaven"].region_id, day, months=13)
    assert (counts[0].month, counts[0].count) == (11, 1)
    page = login_as(demo.user("demo-coordinator")).get("/incidenten/overzicht")
    svg = re.search(r"<svg.*?</svg>", page.text, re.S).group(0)
    assert svg.count('<rect class="chart-bar"') == 12 and "style" not in svg
    assert page.headers["Cache-Control"] == "no-store"


def test_the_csv_export_has_no_names_and_is_audited(demo, login_as):
    incident = make_incident(demo, situation="strafbaar_feit", aangifte_status="te_doen", invite="demo-wijkagent",
                             occurred_at=dt.datetime(2026, 11, 20, 21, 30, tzinfo=UTC))
    make_incident(demo, occurred_at=dt.datetime(2026, 10, 1, 8, 0, tzinfo=UTC), situation="planbaar")
    make_incident(demo, occurred_at=dt.datetime(2026, 10, 2, 8, 0, tzinfo=UTC))  # acute: not counted
    make_action(demo, incident, due_on=dt.date.today() - dt.timedelta(days=2))
    response = login_as(demo.user("demo-coordinator")).get("/incidenten/export.csv")
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="incidenten-')
    text = response.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 3
    row = next(r for r in rows if r["incident"] == incident.id)
    assert row == {"incident": incident.id, "datum": "2026-11-20", "tijd": "22:30", "team": "FACT-team Domstad-Centrum",
                   "waar": "ambulant", "situatie": "strafbaar_feit", "politie_gebeld": "112",
                   "eerdere_planbare_steun_12m": "1", "aangifte": "te_doen", "aangifte_op_domicilie": "nee",
                   "evaluatie": "open", "politie_uitgenodigd": "ja", "acties_open": "1", "acties_te_laat": "1"}
    for private in ("Sam", "vuist", "Schaafwond"):
        assert private not in text
    [export] = audit_rows(demo.db, AuditAction.EXPORT)
    assert export.details == {"rows": 3, "format": "csv"} and export.username == "demo-coordinator"
