"""Fixtures: the app on SQLite and on a real PostgreSQL server, a clean database per test,
users of every role, and logging in."""
from __future__ import annotations

import contextvars
import os
import re
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from tests.pg import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "demo-wachtwoord-voor-tests"


def pytest_addoption(parser):
    parser.addoption("--databases", default=os.environ.get("VELDWIJZER_TEST_DATABASES", "sqlite,postgresql"),
                     help="comma-separated: which databases the integration tests run on")


# Tables that tests want shown after the run (e.g. the page weights): (title, text).
REPORTS = pytest.StashKey[list]()


def report(config, title: str, text: str) -> None:
    config.stash.setdefault(REPORTS, []).append((title, text))


def pytest_terminal_summary(terminalreporter, config):
    for title, text in config.stash.get(REPORTS, []):
        terminalreporter.write_sep("-", title)
        terminalreporter.write_line(text)


def pytest_generate_tests(metafunc):
    if "database_kind" in metafunc.fixturenames:
        kinds = [k for k in metafunc.config.getoption("--databases").split(",") if k]
        metafunc.parametrize("database_kind", kinds, scope="session")


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url(database_kind, request, tmp_path_factory):
    if database_kind == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.sqlite")
    server = request.getfixturevalue("postgres_server")
    return server.create_database("veldwijzer_test")


def app_config(database_url: str, **extra) -> dict:
    from webapp.config import normalise_database_url

    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SECRET_KEY": "test-secret-key",
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "PASSWORD_HASH_PROFILE": "cheapest",
        "SERVER_NAME": None,
        # High enough for the access matrix's many logins; tests of the 429s lower them.
        "LOGIN_RATE_LIMIT": "10000 per minute",
        "API_RATE_LIMIT": "10000 per minute",
    }
    config.update(extra)
    return config


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The test itself holds an app context to look at the database; without this, every
    request would share it (and its ``g``, its login cache and its database session).
    The test's own changes are committed first, so the request sees them.
    """

    def open(self, *args, **kwargs):
        from webapp.db import db

        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """One app per database for the whole session; the schema comes from the migrations."""
    from flask_migrate import upgrade

    from webapp import create_app

    instance = tmp_path_factory.mktemp("instance")
    app = create_app(app_config(database_url))
    app.instance_path = str(instance)
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        from webapp.db import db

        db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, emptied after each test."""
    from webapp.db import db as _db

    from webapp.ratelimit import limiter

    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        empty_database(_db)
        limiter.reset()  # each test starts with fresh rate-limit counts


def empty_database(_db) -> None:
    tables = [t.name for t in _db.metadata.sorted_tables]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def demo(db):
    """The demo region, organisations, users and clients (DESIGN.md §7)."""
    from webapp.demo import load_demo_data

    from webapp.audit.models import AuditEvent

    load_demo_data()
    db.session.execute(db.delete(AuditEvent))  # each test looks at the audit rows it causes itself
    db.session.commit()
    return DemoWorld(db)


class DemoWorld:
    def __init__(self, db):
        from webapp.auth.models import User
        from webapp.clients.models import Client
        from webapp.contacts.models import Contact
        from webapp.organisations.models import Organisation

        self.db = db
        self.users = {u.username: u for u in db.session.scalars(db.select(User))}
        self.clients = {c.name: c for c in db.session.scalars(db.select(Client))}
        self.orgs = {o.name: o for o in db.session.scalars(db.select(Organisation))}
        self.contacts = {c.name: c for c in db.session.scalars(db.select(Contact))}

    def user(self, username):
        return self.users[username]


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def make_user(db):
    """Create a user of a role in a fresh organisation (or a given one)."""
    from webapp.auth.models import Role
    from webapp.auth.services import create_user
    from webapp.organisations.models import Organisation, OrganisationKind, Region

    counter = iter(range(1, 10_000))

    def factory(role: str = "hulpverlener", organisation=None, username=None, password=DEMO_PASSWORD, **kw):
        n = next(counter)
        if organisation is None:
            region = db.session.scalar(db.select(Region)) or Region(name=f"Testregio {n}")
            kind = {"hulpverlener": OrganisationKind.GGZ_TEAM, "wijkagent": OrganisationKind.POLITIE_BASISTEAM,
                    "coordinator": OrganisationKind.GGZ_INSTELLING}[role]
            organisation = Organisation(name=f"Testorganisatie {n}", kind=kind, region=region)
            db.session.add(organisation)
        user = create_user(username=username or f"test-{role}-{n}", display_name=f"Test {role} {n}",
                           role=Role(role), organisation=organisation, password=password, **kw)
        db.session.commit()
        return user

    return factory


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def login(client):
    """Log in through the real form; returns the response of the POST."""

    def do_login(username: str, password: str = DEMO_PASSWORD, test_client=None):
        c = test_client or client
        token = csrf_token_from(c.get("/login").text)
        return c.post("/login", data={"username": username, "password": password, "csrf_token": token})

    return do_login


@pytest.fixture
def login_as(app, client, login):
    """Log a user in (through the form, so the session is real) and return the client.

    The first call uses the test's `client`; each further call gets a browser of its own.
    """
    used = []

    def do(user, test_client=None):
        c = test_client or (app.test_client() if used else client)
        used.append(c)
        response = login(user.username, test_client=c)
        assert response.status_code == 302, response.text
        return c

    return do


def page_csrf_token(client, url: str = "/") -> str:
    return csrf_token_from(client.get(url).text)


def totp_code(secret: str, steps: int = 0) -> str:
    """The code an authenticator app shows now (or `steps` time steps later or earlier)."""
    import time

    import pyotp

    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(time.time()) + steps)


@pytest.fixture
def enrol_two_factor(db):
    """Give a user two-factor login, as if they had set it up: returns (secret, recovery codes)."""
    import pyotp

    from webapp.auth.twofactor import replace_recovery_codes
    from webapp.db import utcnow

    def do(user):
        user.totp_secret = pyotp.random_base32()
        user.totp_enabled_at = utcnow()
        codes = replace_recovery_codes(user)
        db.session.commit()
        return user.totp_secret, codes

    return do


def give_code(client, code: str):
    """Answer the second step of the login form."""
    token = csrf_token_from(client.get("/login/code").text)
    return client.post("/login/code", data={"code": code, "csrf_token": token})
