"""Two app servers on one PostgreSQL database serve the same phone without sticky sessions.

This also runs deploy/ as production does: gunicorn with deploy/gunicorn.conf.py in production
mode (two-factor login required), logged in to a database set up by deploy/postgres/setup.sh as
the least-privileged app role, with the headers the shipped nginx sends (Host, X-Forwarded-For,
X-Forwarded-Proto).
"""
from __future__ import annotations

import uuid
from http.cookies import SimpleCookie

import httpx
import pytest

from sync.protocol import content_hash
from tests.conftest import DEMO_PASSWORD, csrf_token_from, totp_code
from tests.deploy_support import Gunicorn, enrol_two_factor, load_demo, provision
from tests.pg import free_port

pytestmark = pytest.mark.postgres_only

SITE = "veldwijzer.test"
PHONE_ADDRESS = "198.51.100.23"


class Phone:
    """A browser behind the shipped nginx: one origin (https://veldwijzer.test), whichever
    instance nginx picks. Cookies are kept by hand: they are Secure, and gunicorn is plain HTTP
    behind nginx, which httpx's cookie jar would (rightly) refuse to send them over."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.http = httpx.Client(timeout=30, follow_redirects=False)

    def request(self, server, method, path, **kwargs):
        headers = {"Host": SITE, "X-Forwarded-Proto": "https", "X-Forwarded-For": PHONE_ADDRESS,
                   "Referer": f"https://{SITE}/", **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(method, server.url + path, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                assert morsel["secure"], f"cookie {name} without Secure in production"
                self.cookies[name] = morsel.value
        return response

    def close(self):
        self.http.close()

    def log_in(self, password_server, code_server, username, secret):
        """Password through one instance, the two-factor code through the other."""
        page = self.request(password_server, "GET", "/login")
        assert page.status_code == 200 and page.headers["Strict-Transport-Security"]
        step = self.request(password_server, "POST", "/login", data={
            "username": username, "password": DEMO_PASSWORD, "csrf_token": csrf_token_from(page.text)})
        assert step.status_code == 302 and step.headers["Location"] == "/login/code", step.text[:300]
        form = self.request(code_server, "GET", "/login/code")
        assert form.status_code == 200, form.text[:300]
        done = self.request(code_server, "POST", "/login/code", data={
            "code": totp_code(secret), "csrf_token": csrf_token_from(form.text)})
        assert done.status_code == 302 and done.headers["Location"] == "/", done.text[:300]


@pytest.fixture
def phone():
    p = Phone()
    yield p
    p.close()


@pytest.fixture(scope="module")
def two_instances(request, tmp_path_factory):
    if "postgresql" not in request.config.getoption("--databases"):
        pytest.skip("PostgreSQL not among --databases")
    server = request.getfixturevalue("postgres_server")
    owner_url, app_url = provision(server, "veldwijzer_stateless")
    load_demo(owner_url, DEMO_PASSWORD)
    secrets = enrol_two_factor(owner_url, ["demo-hulpverlener", "demo-wijkagent"])
    logs = tmp_path_factory.mktemp("gunicorn")
    env = {"WEBAPP_ENV": "production", "WEBAPP_SECRET_KEY": "shared-by-every-instance", "WEBAPP_DATABASE_URL": app_url,
           "WEBAPP_PROXY_FIX_X_FOR": "1", "WEBAPP_PROXY_FIX_X_PROTO": "1",
           "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2"}
    servers = [Gunicorn(free_port(), env, logs / f"gunicorn-{i}.log") for i in (1, 2)]
    try:
        for s in servers:
            s.start()
        for s in servers:
            s.wait_until_ready()
        yield servers, owner_url, secrets
    finally:
        for s in servers:
            s.stop()


def test_log_in_through_one_instance_and_sync_through_the_other(two_instances, phone):
    (a, b), owner_url, secrets = two_instances
    phone.log_in(a, b, "demo-hulpverlener", secrets["demo-hulpverlener"])

    # Instance b has never seen this phone: the session lives in the database.
    session = phone.request(b, "GET", "/api/v1/session")
    assert session.status_code == 200, session.text[:300]
    assert session.json()["user"]["username"] == "demo-hulpverlener"
    sam = next(c for c in phone.request(a, "GET", "/api/v1/caseload").json()["clients"] if c["name"] == "Sam de Vries")

    text = f"Huisbezoek via twee servers {uuid.uuid4().hex[:8]}."
    mutation = {"id": str(uuid.uuid4()), "type": "note.create", "schema_version": 1,
                "device_time": "2026-11-23T14:05:00.000Z",
                "payload": {"client_id": sam["id"], "kind": "observatie", "text": text,
                            "written_at": "2026-11-23T14:05:00.000Z"}}
    mutation["hash"] = content_hash(mutation)
    pushed = phone.request(b, "POST", "/api/v1/sync/push", headers={"X-CSRFToken": session.json()["csrf_token"]},
                           json={"schema_version": 1, "device_id": str(uuid.uuid4()), "mutations": [mutation]})
    assert pushed.status_code == 200, pushed.text[:500]
    assert pushed.json()["results"] == [{"id": mutation["id"], "status": "applied"}]

    pulled = phone.request(a, "GET", "/api/v1/sync/pull?schema_version=1")
    assert pulled.status_code == 200
    notes = [c["data"] for c in pulled.json()["changes"] if c["type"] == "note"]
    assert [n["text"] for n in notes] == [text]

    # Both instances did the work, each logged the paths without their query strings, and the
    # audit log has the phone's address (ProxyFix), not the proxy's.
    a_log = a.log_with("POST /login HTTP", "GET /api/v1/sync/pull HTTP")
    b_log = b.log_with("POST /login/code HTTP", "POST /api/v1/sync/push")
    assert "POST /login HTTP" in a_log and "POST /login/code HTTP" in b_log and "POST /api/v1/sync/push" in b_log
    assert "GET /api/v1/sync/pull HTTP" in a_log and "schema_version" not in a_log
    import psycopg

    with psycopg.connect(owner_url) as conn:
        addresses = {ip for (ip,) in conn.execute("SELECT DISTINCT ip FROM audit_events WHERE ip IS NOT NULL")}
    assert addresses == {PHONE_ADDRESS}


def test_a_logout_through_one_instance_ends_the_session_on_the_other(two_instances, phone):
    (a, b), _, secrets = two_instances
    phone.log_in(a, a, "demo-wijkagent", secrets["demo-wijkagent"])
    home = phone.request(b, "GET", "/")
    assert home.status_code == 200
    cookies = dict(phone.cookies)
    logout = phone.request(b, "POST", "/logout", data={"csrf_token": csrf_token_from(home.text)})
    assert logout.status_code == 303
    phone.cookies = cookies  # an old copy of the cookie, replayed, must not work on the other instance
    assert phone.request(a, "GET", "/api/v1/session").status_code == 401
