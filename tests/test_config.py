"""Configuration from WEBAPP_* variables, and the production safeguards."""
from __future__ import annotations

import pytest

from webapp import create_app
from webapp.config import ConfigError, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("WEBAPP_ENV", "production")
    monkeypatch.delenv("WEBAPP_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="WEBAPP_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_production_never_loads_demo_data(monkeypatch, tmp_path):
    from flask_migrate import upgrade

    from webapp.demo import DemoDataRefused

    monkeypatch.setenv("WEBAPP_ENV", "production")
    monkeypatch.setenv("WEBAPP_SECRET_KEY", "secret-for-this-test-only")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output
    with app.app_context():
        from webapp.db import db
        from webapp.auth.models import User

        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
        with pytest.raises(DemoDataRefused):
            from webapp.demo import load_demo_data

            load_demo_data()
        db.engine.dispose()


def test_settings_come_from_webapp_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("WEBAPP_DATABASE_URL", "postgres://u:p@db.example:5432/veldwijzer")
    monkeypatch.setenv("WEBAPP_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("WEBAPP_SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example:5432/veldwijzer"
    assert app.config["SESSION_IDLE_MINUTES"] == 15
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_sqlite_in_instance_is_the_default(monkeypatch):
    monkeypatch.delenv("WEBAPP_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/veldwijzer.sqlite")


def test_database_urls_are_normalised_for_psycopg():
    assert normalise_database_url("postgresql://x/y") == "postgresql+psycopg://x/y"
    assert normalise_database_url("sqlite:///a.db") == "sqlite:///a.db"


def test_security_settings_have_safe_defaults(monkeypatch, tmp_path):
    monkeypatch.delenv("WEBAPP_ENV", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite", "SECRET_KEY": "x"})
    assert app.config["REQUIRE_TWO_FACTOR"] is False  # development: the demo users may skip it
    assert app.config["SESSION_COOKIE_NAME"] == "session"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app.config["REAUTH_MINUTES"] == 5

    monkeypatch.setenv("WEBAPP_ENV", "production")
    monkeypatch.setenv("WEBAPP_SECRET_KEY", "secret-for-this-test-only")
    monkeypatch.setenv("WEBAPP_RATELIMIT_STORAGE_URI", "memory://?shared=1")
    prod = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/y.sqlite"})
    assert prod.config["REQUIRE_TWO_FACTOR"] is True
    assert prod.config["SESSION_COOKIE_NAME"] == "__Host-veldwijzer"
    assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["SESSION_COOKIE_HTTPONLY"]
    assert prod.config["RATELIMIT_STORAGE_URI"] == "memory://?shared=1"


@pytest.mark.parametrize("settings, address, scheme", [
    ({}, "127.0.0.1", "http"),
    ({"WEBAPP_PROXY_FIX_X_FOR": "1"}, "203.0.113.9", "http"),
    ({"WEBAPP_PROXY_FIX_X_FOR": "1", "WEBAPP_PROXY_FIX_X_PROTO": "1"}, "203.0.113.9", "https"),
])
def test_the_client_address_comes_from_the_proxy_only_when_configured(monkeypatch, tmp_path, settings, address, scheme):
    """Behind the shipped nginx (WEBAPP_PROXY_FIX_X_FOR=1) the audit log and the login throttle see
    the phone's address, not nginx's; without the setting a forged X-Forwarded-For is ignored."""
    from flask import request

    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite", "SECRET_KEY": "k"})

    @app.get("/_address")
    def address_view():
        from webapp.audit.services import client_address

        return {"address": client_address(), "scheme": request.scheme}

    response = app.test_client().get("/_address", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                      headers={"X-Forwarded-For": "198.51.100.66, 203.0.113.9",
                                               "X-Forwarded-Proto": "https"})
    assert response.get_json() == {"address": address, "scheme": scheme}
