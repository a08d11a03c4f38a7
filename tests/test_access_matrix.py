"""One test holds the whole access matrix: every route × every role (anonymous included)."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_token_from
from tests.routes import LOGIN, ROLES, ROUTES

DEMO_USERS = {"hulpverlener": "demo-hulpverlener", "wijkagent": "demo-wijkagent", "coordinator": "demo-coordinator"}


def test_every_route_is_in_the_matrix(app):
    registered = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
                  for method in rule.methods - {"HEAD", "OPTIONS"}}
    listed = {(r.endpoint, r.method) for r in ROUTES}
    assert registered - listed == set(), "routes without an entry in tests/routes.py"
    assert listed - registered == set(), "tests/routes.py lists routes the app does not have"


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, demo, login_as, role):
    for route in ROUTES:
        client = app.test_client()
        if role != "anonymous":
            login_as(demo.user(DEMO_USERS[role]), test_client=client)
        kwargs = {}
        if route.method == "POST":
            page = client.get("/") if role != "anonymous" else client.get("/login")
            token = csrf_token_from(page.text if page.status_code == 200 else client.get("/login").text)
            kwargs["data"] = {**(route.data or {}), "csrf_token": token}
        response = client.open(route.url_for(demo), method=route.method, **kwargs)
        response.close()
        expected = route.expected[role]
        if expected == LOGIN:
            assert response.status_code == 302, f"{route.method} {route.endpoint} as {role}"
            assert response.headers["Location"].startswith("/login"), f"{route.method} {route.endpoint} as {role}"
        else:
            assert response.status_code == expected, f"{route.method} {route.endpoint} as {role}: {response.status_code}"
