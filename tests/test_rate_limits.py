"""Flask-Limiter on the login steps and on /api/v1: 429 with a clear Dutch message."""
from __future__ import annotations

from tests.conftest import csrf_token_from


def test_login_attempts_per_address_are_limited(app, client, demo, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    token = csrf_token_from(client.get("/login").text)
    for _ in range(3):
        # Wrong passwords, but fewer than the database throttle's 5: only the rate limit can refuse.
        response = client.post("/login", data={"username": "demo-hulpverlener", "password": "fout", "csrf_token": token})
        assert response.status_code == 401
    limited = client.post("/login", data={"username": "demo-wijkagent", "password": "fout", "csrf_token": token})
    assert limited.status_code == 429
    assert limited.mimetype == "text/html"
    assert "Even wachten" in limited.text and "Te veel verzoeken achter elkaar" in limited.text
    assert int(limited.headers["Retry-After"]) > 0
    assert client.get("/login").status_code == 200  # reading the form is not limited

    # Another address has its own count.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    token = csrf_token_from(other.get("/login").text)
    assert other.post("/login", data={"username": "x", "password": "y", "csrf_token": token}).status_code == 401


def test_the_second_step_shares_the_login_count(app, client, demo, login, monkeypatch, enrol_two_factor):
    enrol_two_factor(demo.user("demo-hulpverlener"))
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    assert login("demo-hulpverlener").status_code == 302  # 1: the password
    token = csrf_token_from(client.get("/login/code").text)
    assert client.post("/login/code", data={"code": "000001", "csrf_token": token}).status_code == 401  # 2
    assert client.post("/login/code", data={"code": "000002", "csrf_token": token}).status_code == 429  # 3


def test_the_api_is_limited_per_user(app, demo, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    hulpverlener = login_as(demo.user("demo-hulpverlener"))
    assert hulpverlener.get("/api/v1/caseload").status_code == 200
    assert hulpverlener.get("/api/v1/openapi.json").status_code == 200
    limited = hulpverlener.get("/api/v1/caseload")
    assert limited.status_code == 429 and limited.is_json
    assert limited.json["error"]["status"] == 429
    assert "Te veel verzoeken" in limited.json["error"]["message"]
    assert "Retry-After" in limited.headers

    # A colleague behind the same address has a count of their own.
    colleague = login_as(demo.user("demo-hulpverlener-oost"))
    assert colleague.get("/api/v1/caseload").status_code == 200
    # Without a login the address counts.
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/openapi.json").status_code == 200
    assert anonymous.get("/api/v1/openapi.json").status_code == 200
    assert anonymous.get("/api/v1/openapi.json").status_code == 429
    # Pages outside the API are not limited.
    assert hulpverlener.get("/").status_code == 200
