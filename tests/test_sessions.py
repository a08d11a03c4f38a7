"""Sessions: the production cookie, the absolute lifetime, re-authentication before exports and
credential changes, and changing one's own password."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, app_config, csrf_token_from, totp_code
from webapp.audit.models import AuditAction, AuditEvent
from webapp.auth.models import User, UserSession


def _session_of(db, username):
    db.session.expire_all()
    return db.session.scalar(select(UserSession).join(User).where(User.username == username,
                                                                   UserSession.ended_at.is_(None)))


def _age_reauthentication(app, db, username):
    session = _session_of(db, username)
    session.reauthenticated_at -= dt.timedelta(minutes=app.config["REAUTH_MINUTES"] + 1)
    db.session.commit()


def test_production_session_cookie_has_the_host_prefix(database_url, monkeypatch, make_user, db):
    from webapp import create_app

    monkeypatch.setenv("WEBAPP_ENV", "production")
    monkeypatch.setenv("WEBAPP_REQUIRE_TWO_FACTOR", "true")
    config = app_config(database_url, SECRET_KEY="a-production-secret-key-of-some-length")
    config.pop("PASSWORD_HASH_PROFILE")
    config.pop("DEMO_PASSWORD")
    app = create_app(config)
    try:
        user = make_user("wijkagent", password="een-lang-productiewachtwoord")
        client = app.test_client()
        https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/login"}}
        token = csrf_token_from(client.get("/login", **https).text)
        response = client.post("/login", data={"username": user.username, "password": "een-lang-productiewachtwoord",
                                               "csrf_token": token}, **https)
        assert response.status_code == 302
        [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-veldwijzer=")]
        attributes = [part.strip() for part in cookie.split(";")]
        assert "Secure" in attributes and "HttpOnly" in attributes
        assert "SameSite=Lax" in attributes and "Path=/" in attributes
        assert not any(a.lower().startswith("domain=") for a in attributes)
    finally:
        with app.app_context():
            from webapp.db import db as prod_db

            prod_db.engine.dispose()


def test_development_cookie_keeps_its_plain_name(client, demo, login):
    response = login("demo-hulpverlener")
    assert any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))


def test_the_absolute_lifetime_ends_a_busy_session(app, client, demo, login):
    login("demo-hulpverlener")
    session = _session_of(demo.db, "demo-hulpverlener")
    session.created_at -= dt.timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)
    demo.db.session.commit()  # last_seen_at is recent: only the lifetime is over
    assert client.get("/").status_code == 302
    demo.db.session.expire_all()
    assert demo.db.session.get(UserSession, session.id).end_reason == "expired"


def test_export_asks_for_the_password_again_after_five_minutes(app, client, demo, login_as):
    login_as(demo.user("demo-coordinator"))
    assert client.get("/contacten/export.csv").status_code == 200  # the login itself was just now
    _age_reauthentication(app, demo.db, "demo-coordinator")

    response = client.get("/contacten/export.csv")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/bevestigen?next=/contacten/export.csv"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.text
    assert 'name="code"' not in page.text  # no two-factor login for this user: password only
    token = csrf_token_from(page.text)

    wrong = client.post(response.headers["Location"], data={"password": "niet-het-wachtwoord", "csrf_token": token})
    assert wrong.status_code == 401
    assert '<p class="field-error" id="password-error">Dit wachtwoord klopt niet.</p>' in wrong.text
    failed = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.LOGIN_FAILED)).all()
    assert [r.reason for r in failed] == ["reauthentication: bad credentials"]
    assert client.get("/contacten/export.csv").status_code == 302  # still not

    right = client.post(response.headers["Location"], data={"password": DEMO_PASSWORD, "csrf_token": token})
    assert right.status_code == 303 and right.headers["Location"] == "/contacten/export.csv"
    export = client.get("/contacten/export.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"


def test_vcard_export_needs_a_recent_login_too(app, client, demo, login_as):
    login_as(demo.user("demo-wijkagent"))
    _age_reauthentication(app, demo.db, "demo-wijkagent")
    response = client.get("/contacten/contactenboek.vcf")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/bevestigen")
    rows = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT)).all()
    assert rows == []


def test_reauthentication_asks_for_the_code_when_two_factor_is_on(app, client, demo, login, enrol_two_factor):
    from tests.conftest import give_code

    secret, _ = enrol_two_factor(demo.user("demo-coordinator"))
    login("demo-coordinator")
    assert give_code(client, totp_code(secret)).status_code == 302
    _age_reauthentication(app, demo.db, "demo-coordinator")
    page = client.get("/account/bevestigen?next=/contacten/export.csv")
    assert 'name="code"' in page.text
    token = csrf_token_from(page.text)
    url = "/account/bevestigen?next=/contacten/export.csv"
    missing = client.post(url, data={"password": DEMO_PASSWORD, "csrf_token": token})
    assert missing.status_code == 422 and 'id="code-error"' in missing.text
    replay = client.post(url, data={"password": DEMO_PASSWORD, "code": totp_code(secret), "csrf_token": token})
    assert replay.status_code == 401 and 'id="code-error"' in replay.text  # the login used this code already
    ok = client.post(url, data={"password": DEMO_PASSWORD, "code": totp_code(secret, 1), "csrf_token": token})
    assert ok.status_code == 303
    assert client.get("/contacten/export.csv").status_code == 200


def test_changing_credentials_needs_a_recent_login(app, client, demo, login_as):
    login_as(demo.user("demo-hulpverlener"))
    _age_reauthentication(app, demo.db, "demo-hulpverlener")
    for url in ("/account/wachtwoord", "/account/tweestapsverificatie"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == f"/account/bevestigen?next={url}"
    token = csrf_token_from(client.get("/account").text)
    post = client.post("/account/wachtwoord", data={"new_password": "een-nieuw-lang-wachtwoord",
                                                    "repeat": "een-nieuw-lang-wachtwoord", "csrf_token": token})
    assert post.status_code == 302 and post.headers["Location"].startswith("/account/bevestigen")
    demo.db.session.expire_all()
    from webapp.auth.passwords import verify_password

    assert verify_password(demo.db.session.get(User, demo.user("demo-hulpverlener").id).password_hash, DEMO_PASSWORD)


def test_changing_the_password_ends_the_other_sessions(app, client, demo, login, login_as):
    user = demo.user("demo-hulpverlener")
    phone = login_as(user)
    laptop = login_as(user)
    page = phone.get("/account/wachtwoord")
    token = csrf_token_from(page.text)
    short = phone.post("/account/wachtwoord", data={"new_password": "kort", "repeat": "kort", "csrf_token": token})
    assert short.status_code == 422 and "minstens 12 tekens" in short.text
    mismatch = phone.post("/account/wachtwoord", data={"new_password": "een-nieuw-lang-wachtwoord",
                                                       "repeat": "een-ander-lang-wachtwoord", "csrf_token": token})
    assert mismatch.status_code == 422 and "niet gelijk" in mismatch.text

    done = phone.post("/account/wachtwoord", data={"new_password": "een-nieuw-lang-wachtwoord",
                                                   "repeat": "een-nieuw-lang-wachtwoord", "csrf_token": token})
    assert done.status_code == 303
    assert phone.get("/").status_code == 200  # this session goes on
    assert laptop.get("/").status_code == 302  # the other one ended
    row = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.UPDATE)).one()
    assert row.reason == "password changed" and row.details == {"sessions_ended": 1}
    other = app.test_client()
    assert login("demo-hulpverlener", DEMO_PASSWORD, test_client=other).status_code == 401
    assert login("demo-hulpverlener", "een-nieuw-lang-wachtwoord", test_client=other).status_code == 302


def test_resetting_two_factor_replaces_the_app_and_the_codes(app, client, demo, login, enrol_two_factor):
    from tests.conftest import give_code
    from webapp.auth.models import RecoveryCode

    user = demo.user("demo-hulpverlener")
    old_secret, old_codes = enrol_two_factor(user)
    login("demo-hulpverlener")
    give_code(client, totp_code(old_secret))
    page = client.get("/account/tweestapsverificatie")
    new_secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.text).group(1).replace(" ", "")
    assert new_secret != old_secret
    done = client.post("/account/tweestapsverificatie", data={"code": totp_code(new_secret),
                                                              "csrf_token": csrf_token_from(page.text)})
    assert done.status_code == 200 and "Je herstelcodes" in done.text
    demo.db.session.expire_all()
    assert demo.db.session.get(User, user.id).totp_secret == new_secret
    assert len(demo.db.session.scalars(select(RecoveryCode)).all()) == 10
    other = app.test_client()
    login("demo-hulpverlener", test_client=other)
    assert give_code(other, old_codes[0]).status_code == 401  # the old codes are gone
    row = demo.db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.UPDATE)).one()
    assert row.reason == "two-factor login reset"
