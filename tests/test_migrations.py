"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and can be undone."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from webapp.db import db as _db


def test_models_and_migrations_agree(app, db):
    with _db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == []


def test_downgrade_to_nothing_and_back(app, db):
    downgrade(revision="base")
    inspector = _db.inspect(_db.engine)
    assert set(inspector.get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "audit_events" in _db.inspect(_db.engine).get_table_names()
