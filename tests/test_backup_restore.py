"""deploy/backup.py and deploy/restore.py: back up, restore into a fresh database, and find every
row of every table back; on SQLite and on PostgreSQL."""
from __future__ import annotations

import sqlite3
import sys
import threading
import uuid

import pytest
from sqlalchemy import MetaData, create_engine, select

from sync.protocol import content_hash
from tests.conftest import DEMO_PASSWORD, app_config, csrf_token_from
from tests.deploy_support import APP, DEPLOY, OWNER, pg_env, provision, role_url, run

NOTE = "Back-up: cliënt rustig, afspraak volgende week."


def fill(database_url):
    """The demo data, a login and a note pushed through the sync API (so sessions, the audit log,
    the sync claim and the change feed all have rows)."""
    from webapp import create_app
    from webapp.db import db
    from webapp.demo import load_demo_data

    app = create_app(app_config(database_url))
    with app.app_context():
        load_demo_data()
        db.session.commit()
    client = app.test_client()
    token = csrf_token_from(client.get("/login").text)
    assert client.post("/login", data={"username": "demo-hulpverlener", "password": DEMO_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    sam = next(c for c in client.get("/api/v1/caseload").get_json()["clients"] if c["name"] == "Sam de Vries")
    mutation = {"id": str(uuid.uuid4()), "type": "note.create", "schema_version": 1,
                "device_time": "2026-11-23T14:05:00.000Z",
                "payload": {"client_id": sam["id"], "kind": "observatie", "text": NOTE,
                            "written_at": "2026-11-23T14:05:00.000Z"}}
    mutation["hash"] = content_hash(mutation)
    response = client.post("/api/v1/sync/push", headers={"X-CSRFToken": client.get("/api/v1/session").get_json()["csrf_token"]},
                           json={"schema_version": 1, "device_id": str(uuid.uuid4()), "mutations": [mutation]})
    assert response.get_json()["results"][0]["status"] == "applied"
    with app.app_context():
        db.engine.dispose()


def every_row(url) -> dict[str, list]:
    from webapp.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
                    for name, table in meta.tables.items()}
    finally:
        engine.dispose()


def assert_same_rows(original, restored):
    assert sorted(restored) == sorted(original)
    print(f"\n{'table':<24} rows")
    for name in sorted(original):
        print(f"{name:<24} {len(original[name])}")
        assert restored[name] == original[name], f"table {name} differs after the restore"
    assert [row for row in original["notes"] if NOTE in row] and original["audit_events"] and original["alembic_version"]


def backup_and_restore(source_url, target_url, tmp_path, env=None):
    made = run([sys.executable, DEPLOY / "backup.py", "--database-url", source_url, tmp_path / "backups"], env)
    backup = made.stdout.strip().splitlines()[-1]
    assert backup.endswith((".dump", ".sqlite"))
    run([sys.executable, DEPLOY / "restore.py", "--database-url", target_url, backup], env)
    return backup


def test_every_row_comes_back(database_kind, request, tmp_path):
    if database_kind == "sqlite":
        source, target = f"sqlite:///{tmp_path}/live.sqlite", f"sqlite:///{tmp_path}/restored/veldwijzer.sqlite"
        from flask_migrate import upgrade

        from webapp import create_app

        app = create_app(app_config(source))
        with app.app_context():
            upgrade()
            app.extensions["sqlalchemy"].engine.dispose()
        fill(source)
        backup_and_restore(source, target, tmp_path)
    else:
        server = request.getfixturevalue("postgres_server")
        source, _ = provision(server, "veldwijzer_backup_source")
        fill(source)
        env = pg_env(server, VELDWIJZER_DB="veldwijzer_backup_target")
        run([DEPLOY / "postgres" / "setup.sh", "roles"], env)  # a fresh, empty database
        target = role_url(server, OWNER, "veldwijzer_backup_target")
        # The nightly backup runs as the app role; the restore as the owner.
        backup_and_restore(role_url(server, APP, "veldwijzer_backup_source"), target, tmp_path, env)
        import psycopg
        from psycopg import errors

        with psycopg.connect(role_url(server, APP, "veldwijzer_backup_target")) as conn:  # the grants are back
            assert conn.execute("SELECT count(*) FROM notes").fetchone() == (1,)
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("DELETE FROM audit_events")
    assert_same_rows(every_row(source), every_row(target))


def test_a_restore_never_overwrites_a_database(tmp_path):
    source = tmp_path / "a.sqlite"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE t (x)")
    made = run([sys.executable, DEPLOY / "backup.py", "--database-url", f"sqlite:///{source}", tmp_path / "b"], None)
    import subprocess

    refused = subprocess.run([sys.executable, str(DEPLOY / "restore.py"), "--database-url", f"sqlite:///{source}",
                              made.stdout.strip()], capture_output=True, text=True)
    assert refused.returncode != 0 and "--replace" in refused.stderr


def test_a_sqlite_backup_is_one_consistent_moment_while_the_app_writes(tmp_path):
    """A writer adds a row to two tables in each transaction while the backup runs; the copy
    has as many rows in one as in the other."""
    sys.path.insert(0, str(DEPLOY))
    from backup import sqlite_copy

    live = tmp_path / "live.sqlite"
    with sqlite3.connect(live) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("CREATE TABLE changes (id INTEGER PRIMARY KEY, note_id INTEGER)")
        conn.executemany("INSERT INTO notes (text) VALUES (?)", [("x" * 500,)] * 20_000)
        conn.execute("INSERT INTO changes (note_id) SELECT id FROM notes")
    stop = threading.Event()

    def write():
        conn = sqlite3.connect(live, timeout=30)
        while not stop.is_set():
            with conn:
                note = conn.execute("INSERT INTO notes (text) VALUES (?)", ("y" * 500,)).lastrowid
                conn.execute("INSERT INTO changes (note_id) VALUES (?)", (note,))
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        copies = []
        for i in range(3):
            copy = tmp_path / f"copy{i}.sqlite"
            sqlite_copy(live, copy)
            copies.append(copy)
    finally:
        stop.set()
        writer.join()
    for copy in copies:
        with sqlite3.connect(copy) as conn:
            notes, changes = conn.execute("SELECT (SELECT count(*) FROM notes), (SELECT count(*) FROM changes)").fetchone()
        conn.close()
        assert notes == changes >= 20_000
