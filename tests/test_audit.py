"""The audit log's foundation: a login, a failed login and a denied access each leave one complete row."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from webapp.audit.models import AuditAction, AuditEvent, AuditOutcome

BROWSER = "Mozilla/5.0 (Linux; Android 14) Veldwijzer-test"


def rows(db):
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def assert_recent_utc(at):
    assert at.tzinfo is not None and at.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.timezone.utc) - at) < dt.timedelta(minutes=1)


def test_a_login_leaves_one_row_with_all_fields(client, demo, login):
    client.environ_base.update({"HTTP_USER_AGENT": BROWSER, "REMOTE_ADDR": "198.51.100.7"})
    login("demo-wijkagent")
    user = demo.user("demo-wijkagent")
    [row] = rows(demo.db)
    assert row.action == AuditAction.LOGIN and row.outcome == AuditOutcome.SUCCESS
    assert (row.user_id, row.username, row.role.value) == (user.id, "demo-wijkagent", "wijkagent")
    assert (row.organisation_id, row.organisation_name) == (user.organisation_id, "Basisteam Domstad-Centrum")
    assert (row.object_type, row.object_id) == ("users", str(user.id))
    assert row.ip == "198.51.100.7" and row.user_agent == BROWSER and row.route == "auth.login"
    assert_recent_utc(row.at)


def test_a_failed_login_leaves_one_row(client, demo, login):
    client.environ_base.update({"HTTP_USER_AGENT": BROWSER, "REMOTE_ADDR": "198.51.100.8"})
    login("demo-coordinator", "verkeerd")
    [row] = rows(demo.db)
    assert row.action == AuditAction.LOGIN_FAILED and row.outcome == AuditOutcome.FAILURE
    assert row.user_id is None and row.username is None  # nobody is logged in
    assert row.details == {"username": "demo-coordinator"}
    assert row.object_type == "users" and row.object_id == str(demo.user("demo-coordinator").id)
    assert row.reason == "bad credentials"
    assert row.ip == "198.51.100.8" and row.user_agent == BROWSER and row.route == "auth.login"
    assert_recent_utc(row.at)


def test_a_denied_access_leaves_one_row(client, demo, login_as):
    client.environ_base.update({"HTTP_USER_AGENT": BROWSER, "REMOTE_ADDR": "198.51.100.9"})
    user = demo.user("demo-wijkagent")
    login_as(user)
    response = client.get("/notities/")
    assert response.status_code == 403
    assert "Geen toegang" in response.text
    denied = [r for r in rows(demo.db) if r.action == AuditAction.ACCESS_DENIED]
    assert len(denied) == 1
    [row] = denied
    assert row.outcome == AuditOutcome.DENIED
    assert (row.user_id, row.username, row.role.value, row.organisation_id) == (
        user.id, "demo-wijkagent", "wijkagent", user.organisation_id)
    assert row.route == "notes.index" and row.ip == "198.51.100.9" and row.user_agent == BROWSER
    assert "wijkagent" in row.reason
    assert_recent_utc(row.at)


def test_logout_is_audited(client, demo, login_as):
    from tests.conftest import page_csrf_token

    login_as(demo.user("demo-hulpverlener"))
    client.post("/logout", data={"csrf_token": page_csrf_token(client)})
    assert [r.action for r in rows(demo.db)] == [AuditAction.LOGIN, AuditAction.LOGOUT]
