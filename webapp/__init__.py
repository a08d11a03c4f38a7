"""Veldwijzer: offline-first support for the cooperation between GGZ, police and partners."""
from __future__ import annotations

from flask import Flask, request, url_for
from flask_login import current_user

from webapp.config import load_config


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    register_proxy_fix(app)
    register_extensions(app)
    register_content(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_request_hooks(app)
    register_device_hooks(app)
    register_security_headers(app)
    register_template_helpers(app)
    return app


def register_proxy_fix(app: Flask) -> None:
    """Behind nginx: take the client's address (audit log, login throttling) from X-Forwarded-For."""
    x_for, x_proto = int(app.config["PROXY_FIX_X_FOR"]), int(app.config["PROXY_FIX_X_PROTO"])
    if x_for or x_proto:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=x_proto, x_host=0, x_port=0, x_prefix=0)


def register_extensions(app: Flask) -> None:
    import webapp.models  # noqa: F401  (the whole schema, for SQLAlchemy and Alembic)
    from webapp.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    login_manager.init_app(app)

    from webapp.ratelimit import limiter

    limiter.init_app(app)

    from webapp.auth.services import load_session
    from webapp.htmx import login_redirect

    login_manager.user_loader(load_session)

    @login_manager.unauthorized_handler
    def unauthorized():
        from webapp.errors import render_error, wants_json

        if wants_json():
            return render_error(401)
        target = request.full_path if request.method == "GET" else None
        return login_redirect(url_for("auth.login", next=target.rstrip("?") if target else None))


def register_content(app: Flask) -> None:
    from webapp.flows.services import init_flows

    init_flows(app)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


FEATURES = ("shell", "auth", "flows", "contacts", "clients", "notes", "visits", "incidents", "api", "users", "audit",
            "devices")


def register_blueprints(app: Flask) -> None:
    import importlib

    for name in FEATURES:
        package = importlib.import_module(f"webapp.{name}")
        importlib.import_module(f"webapp.{name}.views")  # attaches the routes to the blueprint
        app.register_blueprint(package.bp)


def register_errorhandlers(app: Flask) -> None:
    from webapp.errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from webapp.cli import register

    register(app)


def register_request_hooks(app: Flask) -> None:
    """One transaction per request: committed before the response goes out, unless the request failed."""
    from webapp.extensions import db

    def begin():
        # SQLite: a request takes the write lock at its start (see webapp/db.py), before any
        # other hook (the rate limiter, the user loader) has begun a reading transaction.
        if request.endpoint != "static" and db.engine.dialect.name == "sqlite":
            db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})

    app.before_request_funcs.setdefault(None, []).insert(0, begin)

    @app.after_request
    def commit(response):
        if response.status_code < 500:
            db.session.commit()
        else:
            db.session.rollback()
        return response


def register_device_hooks(app: Flask) -> None:
    from webapp.devices.services import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from webapp.security import register_security_headers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    import json

    from webapp.assets import static_url
    from webapp.auth.models import Role

    htmx_config = json.dumps({
        "allowEval": False,
        "allowScriptTags": False,
        "selfRequestsOnly": True,
        "includeIndicatorStyles": False,
        # No page is ever kept in htmx's localStorage history: a back button reloads from the server.
        "historyCacheSize": 0,
        "refreshOnHistoryMiss": True,
        "responseHandling": [
            {"code": "204", "swap": False},
            {"code": "[23]..", "swap": True},
            {"code": "422", "swap": True},
            {"code": "[45]..", "swap": False, "error": True},
        ],
    })

    from webapp.contacts.hours import AMSTERDAM

    @app.template_filter("local_datetime")
    def local_datetime(value):
        return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M") if value else ""

    @app.template_filter("local_date")
    def local_date(value):
        return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y") if value else ""

    @app.template_filter("phone")
    def phone(value):
        from webapp.contacts.phones import display_phone

        return display_phone(value)

    @app.context_processor
    def helpers():
        return {"static_url": static_url, "htmx_config": htmx_config, "Role": Role,
                "current_user": current_user}
