"""The hulpverlener's caseload copy for the phone (/api/v1/caseload)."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import page_csrf_token
from webapp.audit.models import AuditAction, AuditEvent


def exports(db):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT)).all()


def test_the_copy_holds_the_own_caseload_rendered_as_on_the_page(demo, login_as):
    response = login_as(demo.user("demo-hulpverlener")).get("/api/v1/caseload")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    copy = response.get_json()
    names = sorted(c["name"] for c in copy["clients"])
    assert names == ["Daan Bos", "Lotte Smit", "Sam de Vries"]  # not Noor: another team
    sam = next(c for c in copy["clients"] if c["name"] == "Sam de Vries")
    assert sam["id"] == demo.clients["Sam de Vries"].public_id and sam["date_of_birth"] == "1985-03-12"
    assert "Ik gebruik lithium" in sam["html"]["card"] and "Geen sirene" in sam["html"]["card"]
    assert "Politie-briefing" in sam["html"]["briefing"]
    assert "/crisiskaart/toestemming" not in sam["html"]["card"]  # consent changes need the server
    assert 'data-mutation="note.create"' in sam["html"]["card"]  # notes work offline, through the outbox
    assert copy["max_age_hours"] == 72
    assert sorted(r.client_id for r in exports(demo.db)) == sorted(demo.clients[n].id for n in names)


def test_an_unchanged_copy_is_not_sent_or_logged_again(demo, login_as):
    client = login_as(demo.user("demo-hulpverlener"))
    version = client.get("/api/v1/caseload").get_json()["version"]
    again = client.get(f"/api/v1/caseload?known={version}").get_json()
    assert again["unchanged"] is True and again["clients"] == []
    assert len(exports(demo.db)) == 3


def test_a_change_gives_a_new_version(demo, login_as):
    client = login_as(demo.user("demo-hulpverlener"))
    version = client.get("/api/v1/caseload").get_json()["version"]
    sam = demo.clients["Sam de Vries"]
    client.post(f"/clienten/{sam.public_id}/crisiskaart/toestemming",
                data={"sectie": "medisch", "toestemming": "nee", "csrf_token": page_csrf_token(client)})
    fresh = client.get(f"/api/v1/caseload?known={version}").get_json()
    assert fresh["version"] != version and fresh["unchanged"] is False
    card = next(c for c in fresh["clients"] if c["name"] == "Sam de Vries")["html"]["card"]
    assert "Niet voor politie" in card


def test_only_hulpverleners_get_a_copy_and_the_api_answers_in_json(app, demo, login_as):
    anonymous = app.test_client().get("/api/v1/caseload")
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["title"] == "Log opnieuw in"
    for user in ("demo-wijkagent", "demo-coordinator"):
        response = login_as(demo.user(user)).get("/api/v1/caseload")
        assert response.status_code == 403 and "error" in response.get_json()


def test_openapi_document_describes_the_api(client, db):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/caseload" in spec["paths"]
    assert "Caseload" in spec["components"]["schemas"]
