"""schemathesis against /api/v1/openapi.json: whatever fits (or nearly fits) the schema, no server error."""
from __future__ import annotations

import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from werkzeug.serving import make_server

from tests.conftest import DEMO_PASSWORD, csrf_token_from
from tests.pg import free_port
from webapp.api.openapi import build_spec

schema = schemathesis.openapi.from_dict(build_spec())


@pytest.fixture
def live_api(app, demo):
    """The app on a port of 127.0.0.1, and the cookie and CSRF header of a logged-in hulpverlener."""
    client = app.test_client()
    token = csrf_token_from(client.get("/login").text)
    client.post("/login", data={"username": "demo-hulpverlener", "password": DEMO_PASSWORD, "csrf_token": token})
    csrf = client.get("/api/v1/session").get_json()["csrf_token"]
    headers = {"Cookie": f"session={client.get_cookie('session').value}", "X-CSRFToken": csrf}
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1", headers
    server.shutdown()
    server.server_close()
    thread.join(5)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case, live_api):
    base_url, headers = live_api
    response = case.call(base_url=base_url, headers={**(case.headers or {}), **headers})
    case.validate_response(response, checks=[not_a_server_error])
