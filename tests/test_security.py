"""Security headers on every route, and pages that keep to the Content Security Policy."""
from __future__ import annotations

import re

import pytest

from tests.conftest import app_config
from tests.routes import ROUTES

DEMO_USERS = {"hulpverlener": "demo-hulpverlener", "wijkagent": "demo-wijkagent", "coordinator": "demo-coordinator"}
GET_ROUTES = [r for r in ROUTES if r.method == "GET"]


def assert_security_headers(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";"))
    assert directives.get("script-src") == "'self'", where
    assert directives.get("style-src") == "'self'", where
    assert directives.get("frame-ancestors") == "'none'", where
    assert directives.get("object-src") == "'none'", where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where


@pytest.mark.parametrize("role", ["anonymous", "hulpverlener", "wijkagent", "coordinator"])
def test_every_route_sends_the_security_headers(app, demo, login_as, role):
    client = app.test_client()
    if role != "anonymous":
        login_as(demo.user(DEMO_USERS[role]), test_client=client)
    for route in GET_ROUTES:
        response = client.get(route.url_for(demo))
        response.close()
        where = f"GET {route.endpoint} as {role}"
        assert_security_headers(response, where)
        if route.endpoint not in ("static", "shell.service_worker", "shell.manifest", "contacts.export", "contacts.vcard"):
            assert response.headers.get("Cache-Control") == "no-store", where
        assert "Strict-Transport-Security" not in response.headers  # development mode: no TLS


def test_error_pages_send_the_security_headers(client, db):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Niet gevonden" in response.text
    assert_security_headers(response, "404")
    assert response.headers["Cache-Control"] == "no-store"


def test_production_sends_hsts_and_secure_cookies(database_url, tmp_path, monkeypatch):
    from webapp import create_app

    monkeypatch.setenv("WEBAPP_ENV", "production")
    config = app_config(database_url, SECRET_KEY="a-production-secret-key-of-some-length")
    config.pop("PASSWORD_HASH_PROFILE")
    config.pop("DEMO_PASSWORD")
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.test_client() as c:
        response = c.get("/login")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert_security_headers(response, "production /login")
    with app.app_context():
        from webapp.db import db

        db.engine.dispose()


def test_versioned_static_files_are_cached_for_a_year(app, client, db):
    with app.test_request_context():
        from webapp.assets import static_url

        url = static_url("css/app.css")
    response = client.get(url)
    response.close()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


@pytest.mark.parametrize("role", ["anonymous", "hulpverlener", "wijkagent", "coordinator"])
def test_pages_have_no_inline_script_or_style(app, demo, login_as, role):
    """The CSP would block them; a page that relies on them is broken."""
    client = app.test_client()
    if role != "anonymous":
        login_as(demo.user(DEMO_USERS[role]), test_client=client)
    for route in GET_ROUTES:
        response = client.get(route.url_for(demo))
        response.close()
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        html = response.text
        assert not INLINE_SCRIPT.search(html), route.url
        assert not INLINE_HANDLER.search(html), route.url
        assert not INLINE_STYLE.search(html), route.url
