"""Login, logout, sessions and throttling."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, csrf_token_from, page_csrf_token
from webapp.audit.models import AuditAction, AuditEvent, AuditOutcome
from webapp.auth.models import UserSession


def audit_rows(db, action=None):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalars(query).all()


def test_login_form_uses_password_manager_hints(client):
    html = client.get("/login").text
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html


def test_demo_user_logs_in_and_sees_home(client, demo, login):
    response = login("demo-hulpverlener")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Fatima El Amrani" in home.text
    assert "FACT-team Domstad-Centrum" in home.text


def test_wrong_password_and_unknown_user_get_the_same_answer(client, demo, login):
    wrong = login("demo-hulpverlener", "niet-het-wachtwoord")
    unknown = login("bestaat-niet", "niet-het-wachtwoord")
    assert wrong.status_code == unknown.status_code == 401
    message = "De combinatie van gebruikersnaam en wachtwoord klopt niet."
    assert message in wrong.text and message in unknown.text
    assert client.get("/").status_code == 302  # still not logged in


def test_empty_fields_are_named_in_dutch(client, db):
    token = csrf_token_from(client.get("/login").text)
    response = client.post("/login", data={"username": "", "password": "", "csrf_token": token})
    assert response.status_code == 422
    assert "Vul je gebruikersnaam in." in response.text
    assert "Vul je wachtwoord in." in response.text


def test_login_without_csrf_token_is_refused(client, demo):
    response = client.post("/login", data={"username": "demo-hulpverlener", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "Het inlogformulier was verlopen. Vul je wachtwoord opnieuw in." in response.text
    assert client.get("/").status_code == 302
    assert audit_rows(demo.db, AuditAction.LOGIN) == []


def test_an_expired_login_form_comes_back_ready_to_try_again(client, demo):
    """A token that no longer matches the session (another tab began a new one): the form again,
    the username kept, the password not, and a fresh token that works."""
    client.get("/login")
    response = client.post("/login", data={"username": "demo-hulpverlener", "password": DEMO_PASSWORD,
                                           "csrf_token": "not-the-token-of-this-session"})
    assert response.status_code == 400
    assert 'value="demo-hulpverlener"' in response.text and DEMO_PASSWORD not in response.text
    token = csrf_token_from(response.text)
    again = client.post("/login", data={"username": "demo-hulpverlener", "password": DEMO_PASSWORD, "csrf_token": token})
    assert again.status_code == 302 and client.get("/").status_code == 200


def test_logout_without_csrf_token_is_refused(client, demo, login_as):
    login_as(demo.user("demo-hulpverlener"))
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # still logged in


def test_login_starts_a_new_server_session(client, demo, login):
    login("demo-hulpverlener")
    with client.session_transaction() as s:
        first = s["_user_id"]
    login_page = client.get("/login")
    assert login_page.status_code == 302  # logged in: no login form
    client.post("/logout", data={"csrf_token": page_csrf_token(client)})
    login("demo-hulpverlener")
    with client.session_transaction() as s:
        second = s["_user_id"]
    assert first != second
    sessions = demo.db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
    assert len(sessions) == 2
    assert sessions[0].ended_at is not None and sessions[0].end_reason == "logout"
    assert sessions[1].ended_at is None


def test_logout_ends_the_session_on_the_server(app, client, demo, login):
    login("demo-hulpverlener")
    with client.session_transaction() as s:
        stolen = dict(s)
    response = client.post("/logout", data={"csrf_token": page_csrf_token(client)})
    assert response.status_code == 303
    assert '"storage"' in response.headers["Clear-Site-Data"]
    # A copy of the old cookie no longer works.
    other = app.test_client()
    with other.session_transaction() as s:
        s.update(stolen)
    assert other.get("/").status_code == 302


def test_inactivity_ends_the_session(app, client, demo, login):
    login("demo-hulpverlener")
    session = demo.db.session.scalar(select(UserSession))
    session.last_seen_at = session.last_seen_at - dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    demo.db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    demo.db.session.expire_all()
    assert demo.db.session.get(UserSession, session.id).end_reason == "idle"


def test_an_expired_session_on_an_htmx_request_redirects_the_whole_page(client, db):
    response = client.get("/stappenplan/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_disabled_user_cannot_log_in(client, demo, login):
    user = demo.user("demo-wijkagent")
    user.active = False
    demo.db.session.commit()
    assert login("demo-wijkagent").status_code == 401
    row = audit_rows(demo.db, AuditAction.LOGIN_FAILED)[-1]
    assert row.reason == "inactive"


def test_repeated_failures_are_throttled_without_revealing_the_user(app, client, demo, login):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert login("demo-hulpverlener", "fout").status_code == 401
    blocked = login("demo-hulpverlener", DEMO_PASSWORD)  # even the right password waits now
    assert blocked.status_code == 429
    assert "Te veel mislukte pogingen" in blocked.text
    assert client.get("/").status_code == 302

    for _ in range(limit):
        login("niemand-bekend", "fout")
    unknown = login("niemand-bekend", "fout")
    assert unknown.status_code == 429 and "Te veel mislukte pogingen" in unknown.text


def test_throttling_counts_only_recent_failures(app, client, demo, login):
    from webapp.auth.models import LoginFailure

    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login("demo-hulpverlener", "fout")
    for failure in demo.db.session.scalars(select(LoginFailure)):
        failure.at -= dt.timedelta(minutes=app.config["LOGIN_THROTTLE_MINUTES"] + 1)
    demo.db.session.commit()
    assert login("demo-hulpverlener").status_code == 302


def test_next_only_follows_local_paths(client, demo, login):
    token = csrf_token_from(client.get("/login").text)
    response = client.post("/login?next=https://evil.example/", data={
        "username": "demo-hulpverlener", "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_login_redirects_back_to_the_page_asked_for(client, demo):
    first = client.get("/contacten/")
    assert first.status_code == 302
    login_url = first.headers["Location"]
    token = csrf_token_from(client.get(login_url).text)
    response = client.post(login_url, data={"username": "demo-wijkagent", "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/contacten/"
