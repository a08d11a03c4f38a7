"""Two-factor login: the code after the password, replays, recovery codes, enrolment, production."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, app_config, csrf_token_from, give_code, totp_code
from webapp.audit.models import AuditAction, AuditEvent, AuditOutcome
from webapp.auth.models import LoginFailure, RecoveryCode, User, UserSession


def audit_rows(db, action=None):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalars(query).all()


def test_after_the_password_the_login_waits_for_the_code(client, demo, login, enrol_two_factor):
    enrol_two_factor(demo.user("demo-hulpverlener"))
    response = login("demo-hulpverlener")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    # Pending: no page behind the login works, and nothing is audited as a login yet.
    for url in ("/", "/clienten/", "/account", "/api/v1/caseload"):
        assert client.get(url).status_code in (302, 401), url
    assert audit_rows(demo.db, AuditAction.LOGIN) == []
    [session] = demo.db.session.scalars(select(UserSession)).all()
    assert session.pending_second_factor and session.ended_at is None
    page = client.get("/login/code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text


def test_the_right_code_logs_in_under_a_new_token(client, demo, login, enrol_two_factor):
    user = demo.user("demo-hulpverlener")
    secret, _codes = enrol_two_factor(user)
    login("demo-hulpverlener")
    with client.session_transaction() as s:
        pending_token = s["pending_login"]
    response = give_code(client, totp_code(secret))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    with client.session_transaction() as s:
        assert s["_user_id"] != pending_token and "pending_login" not in s
    [row] = audit_rows(demo.db, AuditAction.LOGIN)
    assert row.user_id == user.id and row.details == {"second_factor": "totp"}
    demo.db.session.expire_all()
    session = demo.db.session.scalar(select(UserSession))
    assert not session.pending_second_factor and session.reauthenticated_at is not None


def test_a_wrong_code_is_refused_next_to_the_field_and_audited(client, demo, login, enrol_two_factor):
    user = demo.user("demo-hulpverlener")
    secret, _ = enrol_two_factor(user)
    login("demo-hulpverlener")
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    response = give_code(client, wrong)
    assert response.status_code == 401
    assert re.search(r'<p class="field-error" id="code-error">Deze code klopt niet', response.text)
    assert client.get("/").status_code == 302
    [row] = audit_rows(demo.db, AuditAction.LOGIN_FAILED)
    assert row.outcome == AuditOutcome.FAILURE and row.reason == "login: wrong code"
    assert row.object_id == str(user.id)
    assert demo.db.session.scalar(select(LoginFailure).where(LoginFailure.key == "user:demo-hulpverlener"))
    assert audit_rows(demo.db, AuditAction.LOGIN) == []


def test_a_code_is_accepted_only_once(app, client, demo, login, enrol_two_factor):
    secret, _ = enrol_two_factor(demo.user("demo-hulpverlener"))
    code = totp_code(secret)
    login("demo-hulpverlener")
    assert give_code(client, code).status_code == 302
    # Someone who saw the code tries it in another browser, within the same 30 seconds.
    other = app.test_client()
    login("demo-hulpverlener", test_client=other)
    replay = give_code(other, code)
    assert replay.status_code == 401
    assert "Deze code is al gebruikt" in replay.text
    assert other.get("/").status_code == 302
    assert audit_rows(demo.db, AuditAction.LOGIN_FAILED)[-1].reason == "login: replayed code"
    # A code from the step before the one used is just as dead, though it is inside the window.
    assert give_code(other, totp_code(secret, -1)).status_code == 401
    # The next code works.
    assert give_code(other, totp_code(secret, +1)).status_code == 302


def test_a_recovery_code_works_once(app, client, demo, login, enrol_two_factor):
    user = demo.user("demo-hulpverlener")
    _, codes = enrol_two_factor(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = demo.db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert all(h.startswith("$argon2id$") for h in stored) and not set(codes) & set(stored)

    login("demo-hulpverlener")
    response = give_code(client, codes[3].upper().replace("-", " "))  # as read from paper
    assert response.status_code == 302
    assert "nog 9" in client.get("/").text
    [row] = audit_rows(demo.db, AuditAction.LOGIN)
    assert row.reason == "recovery code used"
    assert row.details == {"second_factor": "recovery_code", "recovery_codes_left": 9}

    other = app.test_client()
    login("demo-hulpverlener", test_client=other)
    again = give_code(other, codes[3])
    assert again.status_code == 401 and "Deze code klopt niet" in again.text
    assert audit_rows(demo.db, AuditAction.LOGIN_FAILED)[-1].reason == "login: wrong code"
    assert give_code(other, codes[4]).status_code == 302


def test_guessing_codes_is_throttled(app, client, demo, login, enrol_two_factor):
    secret, _ = enrol_two_factor(demo.user("demo-hulpverlener"))
    login("demo-hulpverlener")
    right = totp_code(secret)
    guesses = [f"{n:06d}" for n in range(100) if f"{n:06d}" not in (right, totp_code(secret, -1), totp_code(secret, 1))]
    for guess in guesses[:app.config["LOGIN_MAX_FAILURES"]]:
        assert give_code(client, guess).status_code == 401
    blocked = client.post("/login/code", data={"code": right, "csrf_token": csrf_token_from(client.get("/login").text)})
    assert blocked.status_code == 429  # even the right code waits now
    assert "Te veel mislukte pogingen" in blocked.text
    assert client.get("/").status_code == 302
    demo.db.session.expire_all()
    assert demo.db.session.scalar(select(UserSession)).end_reason == "throttled"


def test_the_time_between_password_and_code_is_limited(app, client, demo, login, enrol_two_factor):
    secret, _ = enrol_two_factor(demo.user("demo-hulpverlener"))
    login("demo-hulpverlener")
    session = demo.db.session.scalar(select(UserSession))
    session.created_at -= dt.timedelta(minutes=app.config["TWO_FACTOR_PENDING_MINUTES"] + 1)
    demo.db.session.commit()
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Dat duurde te lang" in client.get("/login").text
    demo.db.session.expire_all()
    assert demo.db.session.scalar(select(UserSession)).end_reason == "second factor timeout"


def _enrol_page_secret(html: str) -> str:
    match = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html)
    assert match, "no secret on the page"
    return match.group(1).replace(" ", "")


def test_enrolment_shows_the_secret_and_a_qr_code_and_needs_a_first_code(client, demo, login_as):
    user = demo.user("demo-wijkagent")
    login_as(user)
    page = client.get("/account/tweestapsverificatie")
    assert page.status_code == 200
    secret = _enrol_page_secret(page.text)
    svg = re.search(r"<svg[^>]*>.*?</svg>", page.text, re.S)
    assert svg and 'class="qr"' in svg.group(0) and "viewBox" in svg.group(0)
    assert "style" not in svg.group(0).lower()
    assert f'href="otpauth://totp/Veldwijzer:demo-wijkagent?secret={secret}&amp;issuer=Veldwijzer"' in page.text
    assert _enrol_page_secret(client.get("/account/tweestapsverificatie").text) == secret  # a reload keeps it

    token = csrf_token_from(page.text)
    wrong = client.post("/account/tweestapsverificatie", data={"code": "12345", "csrf_token": token})
    assert wrong.status_code == 422 and 'id="code-error"' in wrong.text
    demo.db.session.expire_all()
    assert demo.db.session.get(User, user.id).totp_enabled_at is None

    done = client.post("/account/tweestapsverificatie", data={"code": totp_code(secret), "csrf_token": token})
    assert done.status_code == 200
    shown = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", done.text)
    assert len(shown) == 10
    demo.db.session.expire_all()
    user = demo.db.session.get(User, user.id)
    assert user.has_two_factor and user.totp_secret == secret and user.totp_pending_secret is None
    assert demo.db.session.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.UPDATE)).reason == \
        "two-factor login set up"

    # From now on this user always gives a code, also in development.
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").text)})
    token = csrf_token_from(client.get("/login").text)
    again = client.post("/login", data={"username": "demo-wijkagent", "password": DEMO_PASSWORD, "csrf_token": token})
    assert again.headers["Location"] == "/login/code"


@pytest.fixture
def production_app(database_url, monkeypatch, db):
    from webapp import create_app

    monkeypatch.setenv("WEBAPP_ENV", "production")
    config = app_config(database_url, SECRET_KEY="a-production-secret-key-of-some-length")
    config.pop("PASSWORD_HASH_PROFILE")
    config.pop("DEMO_PASSWORD")
    app = create_app(config)
    yield app
    with app.app_context():
        from webapp.db import db as prod_db

        prod_db.engine.dispose()


def test_production_requires_two_factor_for_every_role(production_app, make_user, db):
    assert production_app.config["REQUIRE_TWO_FACTOR"] is True
    user = make_user("coordinator", password="een-lang-productiewachtwoord")
    client = production_app.test_client()
    # A browser sends the Referer to the same origin (Referrer-Policy: same-origin); Flask-WTF checks it over HTTPS.
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/login"}}
    token = csrf_token_from(client.get("/login", **https).text)
    response = client.post("/login", data={"username": user.username, "password": "een-lang-productiewachtwoord",
                                           "csrf_token": token}, **https)
    assert response.status_code == 302 and response.headers["Location"] == "/login/instellen"
    assert client.get("/", **https).status_code == 302  # not logged in before the app is set up

    page = client.get("/login/instellen", **https)
    assert page.status_code == 200 and "<svg" in page.text
    secret = _enrol_page_secret(page.text)
    done = client.post("/login/instellen", data={"code": totp_code(secret), "csrf_token": csrf_token_from(page.text)},
                       **https)
    assert done.status_code == 200 and "Je herstelcodes" in done.text
    assert client.get("/", **https).status_code == 200
    db.session.rollback()  # end the test's own read snapshot: the production app wrote since
    logins = db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.LOGIN)).all()
    assert [r.details for r in logins] == [{"second_factor": "totp"}]


def test_production_cannot_turn_two_factor_off(monkeypatch, tmp_path):
    from webapp import create_app
    from webapp.config import ConfigError

    monkeypatch.setenv("WEBAPP_ENV", "production")
    monkeypatch.setenv("WEBAPP_SECRET_KEY", "secret-for-this-test-only")
    monkeypatch.setenv("WEBAPP_REQUIRE_TWO_FACTOR", "false")
    with pytest.raises(ConfigError, match="two-factor"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_development_lets_demo_users_skip_two_factor_unless_configured(app, client, demo, login, monkeypatch):
    assert app.config["REQUIRE_TWO_FACTOR"] is False
    assert login("demo-hulpverlener").headers["Location"] == "/"
    monkeypatch.setitem(app.config, "REQUIRE_TWO_FACTOR", True)
    other = app.test_client()
    assert login("demo-wijkagent", test_client=other).headers["Location"] == "/login/instellen"


def test_logging_in_again_with_the_password_does_not_reset_the_count_of_wrong_codes(app, client, demo, login,
                                                                                    enrol_two_factor):
    secret, _ = enrol_two_factor(demo.user("demo-hulpverlener"))
    right = {totp_code(secret, n) for n in (-1, 0, 1)}
    guesses = iter(f"{n:06d}" for n in range(100) if f"{n:06d}" not in right)
    limit = app.config["LOGIN_MAX_FAILURES"]
    login("demo-hulpverlener")
    for _ in range(limit - 1):
        assert give_code(client, next(guesses)).status_code == 401
    assert login("demo-hulpverlener").headers["Location"] == "/login/code"  # the password alone still works
    assert give_code(client, next(guesses)).status_code == 401  # the limit-th wrong code
    blocked = login("demo-hulpverlener")
    assert blocked.status_code == 429 and "Te veel mislukte pogingen" in blocked.text


def test_the_right_code_clears_the_count(app, client, demo, login, enrol_two_factor):
    secret, _ = enrol_two_factor(demo.user("demo-hulpverlener"))
    login("demo-hulpverlener")
    assert give_code(client, "999999" if "999999" not in {totp_code(secret, n) for n in (-1, 0, 1)} else "999998"
                     ).status_code == 401
    assert give_code(client, totp_code(secret)).status_code == 302
    assert demo.db.session.scalar(select(LoginFailure).where(LoginFailure.key == "user:demo-hulpverlener")) is None
