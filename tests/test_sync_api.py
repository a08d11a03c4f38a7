"""The sync API end to end: push with dedupe, pull with cursors and tombstones, limits, and a
race of 20 identical pushes, on SQLite and on PostgreSQL."""
from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import func, select

from sync.protocol import content_hash
from webapp.notes.models import Note

DEVICE = "5f0c2a3e-9b1d-4c2e-8f3a-1d2e3f4a5b6c"


def mutation(client_public_id, text="Cliënt deed open, rustig gesprek.", type_="note.create", id_=None, **payload):
    body = {"id": id_ or str(uuid.uuid4()), "type": type_, "schema_version": 1,
            "device_time": "2026-11-23T14:05:00.000Z",
            "payload": payload or {"client_id": client_public_id, "kind": "observatie", "text": text,
                                   "written_at": "2026-11-23T14:05:00.000Z"}}
    body["hash"] = content_hash(body)
    return body


def push(client, mutations, schema_version=1):
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    return client.post("/api/v1/sync/push", json={"schema_version": schema_version, "device_id": DEVICE,
                                                   "mutations": mutations}, headers={"X-CSRFToken": token})


@pytest.fixture
def care(demo, login_as):
    return login_as(demo.user("demo-hulpverlener"))


def note_count(db):
    return db.session.scalar(select(func.count()).select_from(Note))


def test_applied_then_duplicate_then_conflict(demo, care):
    sam = demo.clients["Sam de Vries"].public_id
    first = mutation(sam)
    assert push(care, [first]).get_json()["results"] == [{"id": first["id"], "status": "applied"}]
    assert push(care, [first]).get_json()["results"] == [{"id": first["id"], "status": "duplicate"}]
    changed = mutation(sam, text="Andere tekst", id_=first["id"])
    [result] = push(care, [changed]).get_json()["results"]
    assert result["status"] == "conflict" and "andere inhoud" in result["reason"]
    assert note_count(demo.db) == 1
    assert demo.db.session.get(Note, first["id"]).text == "Cliënt deed open, rustig gesprek."


def test_a_bad_item_does_not_block_the_others(demo, care):
    sam, noor = demo.clients["Sam de Vries"].public_id, demo.clients["Noor Jansen"].public_id
    good, empty, other_team = mutation(sam), mutation(sam, text="   "), mutation(noor)
    results = push(care, [good, empty, other_team]).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected"]
    assert results[1]["errors"] == {"payload.text": ["Vul de tekst van de notitie in."]} or "text" in str(results[1]["errors"])
    assert "caseload" in results[2]["reason"]
    assert note_count(demo.db) == 1


def test_the_envelope_errors(demo, care):
    sam = demo.clients["Sam de Vries"].public_id
    too_old = push(care, [mutation(sam)], schema_version=0)
    assert too_old.status_code == 426 and too_old.get_json()["error"]["code"] == "client_too_old"
    too_many = push(care, [mutation(sam) for _ in range(101)])
    assert too_many.status_code == 413
    token = care.get("/api/v1/session").get_json()["csrf_token"]
    missing = care.post("/api/v1/sync/push", json={"schema_version": 1, "mutations": []}, headers={"X-CSRFToken": token})
    assert missing.status_code == 400 and "device_id" in missing.get_json()["error"]["errors"]
    huge = care.post("/api/v1/sync/push", data="x" * (3 * 1024 * 1024), content_type="application/json",
                     headers={"X-CSRFToken": token})
    assert huge.status_code == 413 and huge.get_json()["error"]["title"] == "Te groot"
    assert note_count(demo.db) == 0


def test_push_needs_the_csrf_header_and_a_care_role(demo, care, login_as):
    sam = demo.clients["Sam de Vries"].public_id
    body = {"schema_version": 1, "device_id": DEVICE, "mutations": [mutation(sam)]}
    assert care.post("/api/v1/sync/push", json=body).status_code == 400
    police = login_as(demo.user("demo-wijkagent"))
    token = police.get("/api/v1/session").get_json()["csrf_token"]
    assert police.post("/api/v1/sync/push", json=body, headers={"X-CSRFToken": token}).status_code == 403
    assert note_count(demo.db) == 0


def test_pull_pages_with_a_cursor_and_only_the_own_team(demo, care, login_as):
    sam = demo.clients["Sam de Vries"].public_id
    push(care, [mutation(sam, text=f"Notitie {i}") for i in range(5)])
    page1 = care.get("/api/v1/sync/pull?limit=3&schema_version=1").get_json()
    assert len(page1["changes"]) == 3 and page1["more"] is True
    page2 = care.get(f"/api/v1/sync/pull?limit=3&cursor={page1['cursor']}").get_json()
    assert len(page2["changes"]) == 2 and page2["more"] is False
    texts = [c["data"]["text"] for c in page1["changes"] + page2["changes"]]
    assert texts == [f"Notitie {i}" for i in range(5)]
    seqs = [c["seq"] for c in page1["changes"] + page2["changes"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    other_team = login_as(demo.user("demo-hulpverlener-oost")).get("/api/v1/sync/pull").get_json()
    assert other_team["changes"] == []
    assert care.get("/api/v1/sync/pull?cursor=nonsense!").status_code == 400


def test_a_client_leaving_the_caseload_becomes_a_tombstone(demo, care, login_as):
    from webapp.clients.services import save_client, client_snapshot

    sam = demo.clients["Sam de Vries"]
    push(care, [mutation(sam.public_id)])
    cursor = care.get("/api/v1/sync/pull").get_json()["cursor"]
    values = {**client_snapshot(sam), "date_of_birth": sam.date_of_birth, "postcode": sam.postcode,
              "team_id": demo.orgs["FACT-team Domstad-Oost"].id}
    save_client(sam, values, sam.organisation, actor=demo.user("demo-coordinator"))
    demo.db.session.commit()
    changes = care.get(f"/api/v1/sync/pull?cursor={cursor}").get_json()["changes"]
    assert changes == [{"seq": changes[0]["seq"], "type": "client", "id": sam.public_id, "op": "delete", "data": None}]
    oost = login_as(demo.user("demo-hulpverlener-oost")).get("/api/v1/sync/pull").get_json()["changes"]
    assert [c["type"] for c in oost] == ["note"] and oost[0]["data"]["client_id"] == sam.public_id


def test_a_correction_supersedes_and_both_stay(demo, care):
    sam = demo.clients["Sam de Vries"].public_id
    original = mutation(sam, text="Cliënt was boos.")
    correction = mutation(sam, text="Cliënt was gespannen, niet boos.")
    correction["payload"]["supersedes"] = original["id"]
    correction["hash"] = content_hash(correction)
    assert [r["status"] for r in push(care, [original, correction]).get_json()["results"]] == ["applied", "applied"]
    page = care.get(f"/clienten/{sam}").text
    assert "Cliënt was boos." in page and "Verbeterd door een latere notitie." in page
    assert "Verbetert een eerdere notitie." in page


def test_the_plain_form_goes_through_the_same_checks(demo, care):
    from tests.conftest import page_csrf_token

    sam = demo.clients["Sam de Vries"]
    token = page_csrf_token(care, f"/clienten/{sam.public_id}")
    empty = care.post(f"/notities/clienten/{sam.public_id}", data={"kind": "observatie", "text": " ", "csrf_token": token})
    assert empty.status_code == 422 and "Vul de tekst van de notitie in." in empty.text
    ok = care.post(f"/notities/clienten/{sam.public_id}", data={"kind": "afspraak", "text": "Volgende week terug.",
                                                              "csrf_token": token})
    assert ok.status_code == 303
    assert demo.db.session.scalar(select(Note.text)) == "Volgende week terug."


def test_twenty_identical_pushes_at_once_store_one_note(app, demo, care):
    """The race the unique key must win: one row, every answer applied or duplicate, no 500."""
    sam = demo.clients["Sam de Vries"].public_id
    same = mutation(sam)
    token = care.get("/api/v1/session").get_json()["csrf_token"]
    with care.session_transaction() as s:
        cookie = dict(s)
    body = {"schema_version": 1, "device_id": DEVICE, "mutations": [same]}
    barrier, answers = threading.Barrier(20), []

    def fire():
        client = app.test_client()
        with client.session_transaction() as s:
            s.update(cookie)
        barrier.wait()
        response = client.post("/api/v1/sync/push", json=body, headers={"X-CSRFToken": token})
        answers.append((response.status_code, (response.get_json() or {}).get("results")))

    threads = [threading.Thread(target=fire) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r[0]["status"] for code, r in answers if code == 200)
    assert [code for code, _ in answers] == [200] * 20, answers
    assert statuses.count("applied") == 1 and statuses.count("duplicate") == 19
    demo.db.session.expire_all()
    assert note_count(demo.db) == 1
