"""Home visits: plan, check in, check out; the overdue rule with a frozen clock; the command twice."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from tests.test_sync_api import DEVICE, push
from sync.protocol import content_hash
from webapp.visits.models import Notification, Visit
from webapp.visits.services import check_overdue


def visit_mutation(type_, **payload):
    body = {"id": str(uuid.uuid4()), "type": type_, "schema_version": 1, "device_time": "2026-11-23T10:00:00Z",
            "payload": payload}
    body["hash"] = content_hash(body)
    return body


@pytest.fixture
def care(demo, login_as):
    return login_as(demo.user("demo-hulpverlener"))


def plan_and_checkin(care, demo, at="2026-11-23T10:00:00+00:00", minutes=30):
    visit_id = str(uuid.uuid4())
    sam = demo.clients["Sam de Vries"].public_id
    results = push(care, [
        visit_mutation("visit.plan", visit_id=visit_id, client_id=sam, planned_at="2026-11-23T09:55:00Z",
                       checklist={"met_collega": True, "wijkagent_antwoord": "go"}),
        visit_mutation("visit.checkin", visit_id=visit_id, at=at, expected_minutes=minutes),
    ]).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    return visit_id


def utc(h, m=0):
    return dt.datetime(2026, 11, 23, h, m, tzinfo=dt.timezone.utc)


def test_the_overdue_rule_with_a_frozen_clock(demo, care):
    visit_id = plan_and_checkin(care, demo)  # in at 10:00 for 30 minutes; grace 15 minutes
    visit = demo.db.session.get(Visit, visit_id)
    assert not visit.is_overdue(utc(10, 45))
    assert visit.is_overdue(utc(10, 45, ) + dt.timedelta(seconds=1))
    assert check_overdue(now=utc(10, 44)) == []
    demo.db.session.commit()
    assert [v.id for v in check_overdue(now=utc(10, 46))] == [visit_id]
    demo.db.session.commit()


def test_the_command_is_safe_to_run_twice(app, demo, care):
    visit_id = plan_and_checkin(care, demo, at=(dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)).isoformat())
    runner = app.test_cli_runner()
    first = runner.invoke(args=["visits", "check-overdue"])
    second = runner.invoke(args=["visits", "check-overdue"])
    assert "1 overdue visit(s) notified" in first.output and "0 overdue visit(s) notified" in second.output
    demo.db.session.expire_all()
    sent = demo.db.session.scalars(select(Notification).where(Notification.subject == f"visit:{visit_id}")).all()
    recipients = {n.recipient_id for n in sent}
    team = {u.id for u in demo.users.values() if u.organisation_id == demo.user("demo-hulpverlener").organisation_id}
    assert team <= recipients and demo.user("demo-coordinator").id in recipients
    assert len(sent) == len(recipients)  # once each
    assert "nog niet uitgecheckt" in sent[0].text


def test_checkout_ends_it_and_the_dashboard_shows_who_is_inside(demo, care, login_as):
    visit_id = plan_and_checkin(care, demo, at=(dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)).isoformat())
    coordinator = login_as(demo.user("demo-coordinator"))
    board = coordinator.get("/bezoeken/").text
    assert "Fatima El Amrani" in board and "Sam de Vries" in board and "Te laat" in board
    assert "Te laat" in care.get("/bezoeken/").text
    [result] = push(care, [visit_mutation("visit.checkout", visit_id=visit_id,
                                          at=dt.datetime.now(dt.timezone.utc).isoformat())]).get_json()["results"]
    assert result["status"] == "applied"
    assert "Niemand is nu binnen" in coordinator.get("/bezoeken/").text
    assert check_overdue() == []


def test_checkout_before_checkin_is_refused_and_kept(demo, care):
    visit_id = str(uuid.uuid4())
    sam = demo.clients["Sam de Vries"].public_id
    results = push(care, [
        visit_mutation("visit.plan", visit_id=visit_id, client_id=sam, planned_at="2026-11-23T09:55:00Z"),
        visit_mutation("visit.checkout", visit_id=visit_id, at="2026-11-23T10:30:00Z"),
    ]).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert "Meld eerst 'binnen'" in results[1]["reason"]


def test_the_plain_forms_plan_check_in_and_out(demo, care):
    from tests.conftest import page_csrf_token

    sam = demo.clients["Sam de Vries"]
    token = page_csrf_token(care, f"/clienten/{sam.public_id}")
    planned = care.post(f"/bezoeken/clienten/{sam.public_id}/plannen",
                        data={"planned_at": "2026-11-24T09:30", "met_collega": "ja", "wijkagent_antwoord": "go",
                              "csrf_token": token})
    assert planned.status_code == 303
    visit = demo.db.session.scalar(select(Visit))
    assert visit.checklist == {"bekend_risico": False, "met_collega": True, "wijkagent_gevraagd": False,
                               "collega_weet_ervan": False, "crisiskaart_gelezen": False, "wijkagent_antwoord": "go"}
    assert visit.planned_at == dt.datetime(2026, 11, 24, 8, 30, tzinfo=dt.timezone.utc)  # 09:30 in Amsterdam
    assert care.post(f"/bezoeken/{visit.id}/binnen", data={"expected_minutes": "45", "csrf_token": token}).status_code == 303
    page = care.get(f"/clienten/{sam.public_id}").text
    assert 'data-visit-state="binnen"' in page and "Ik ben buiten" in page
    assert care.post(f"/bezoeken/{visit.id}/buiten", data={"csrf_token": token}).status_code == 303
    demo.db.session.expire_all()
    assert demo.db.session.get(Visit, visit.id).status == "afgerond"


def test_police_never_see_notes_or_visits(demo, login_as):
    police = login_as(demo.user("demo-wijkagent"))
    for url in ("/notities/", "/bezoeken/", "/api/v1/sync/pull"):
        assert police.get(url).status_code == 403
