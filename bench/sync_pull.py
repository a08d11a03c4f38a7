"""A pull with no changes on a database with 100,000 notes, next to the same pull on an empty one.

    .venv/bin/python bench/sync_pull.py [--notes 100000] [--runs 300] [--postgres]

Two databases, the same code, one process: both have the demo data; one also has 100,000 notes
of Sam de Vries (demo-hulpverlener's team) and their 100,000 entries in the change log. The phone
is up to date (its cursor is the team's last seq), so each pull answers "nothing new". The pull
goes through the app's HTTP layer (test client: session, JSON, the cursor, one index range).
The ratio says whether a pull stays cheap as the log grows. SQLite in temp dirs by default;
--postgres starts a throwaway PostgreSQL server (as tests/pg.py does) for both databases.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import uuid

from _common import make_app, summary, timed

PASSWORD = "bench-wachtwoord"


def prepare(app, notes: int) -> str:
    """Demo data (+ notes); returns the cursor of a phone that has everything."""
    from sqlalchemy import func, insert, select
    from sqlalchemy import text as sql

    from sync.feed import encode_cursor
    from webapp.api.models import SyncChange
    from webapp.auth.models import User
    from webapp.clients.models import Client
    from webapp.db import db
    from webapp.demo import load_demo_data
    from webapp.notes.models import Note

    with app.app_context():
        load_demo_data()
        db.session.commit()
        sam = db.session.scalar(select(Client).where(Client.name == "Sam de Vries"))
        author = db.session.scalar(select(User).where(User.username == "demo-hulpverlener"))
        start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        batch = 5000
        for first in range(0, notes, batch):
            note_rows, change_rows = [], []
            for i in range(first, min(first + batch, notes)):
                note_id = str(uuid.UUID(int=random.getrandbits(128), version=4))
                at = start + dt.timedelta(minutes=i)
                text = f"Notitie {i}: huisbezoek, cliënt rustig, afspraak gemaakt voor volgende week."
                note_rows.append({"id": note_id, "client_id": sam.id, "kind": "observatie", "text": text,
                                  "written_at": at, "received_at": at, "author_id": author.id})
                change_rows.append({"team_id": sam.team_id, "client_id": sam.id, "entity": "note", "entity_id": note_id,
                                    "op": "upsert", "created_at": at,
                                    # the shape of webapp.notes.services.note_data()
                                    "data": {"id": note_id, "client_id": sam.public_id, "visit_id": None,
                                             "kind": "observatie", "text": text, "supersedes": None,
                                             "written_at": at.isoformat(), "received_at": at.isoformat(),
                                             "author": author.display_name}})
            db.session.execute(insert(Note), note_rows)
            db.session.execute(insert(SyncChange), change_rows)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sql("ANALYZE"))  # what autovacuum would have done after such a fill
            db.session.commit()
        last = db.session.scalar(select(func.coalesce(func.max(SyncChange.seq), 0)).where(SyncChange.team_id == sam.team_id))
        total = db.session.scalar(select(func.count()).select_from(Note))
        assert total == notes, total
        return encode_cursor(last)


def logged_in(app):
    client = app.test_client()
    assert client.post("/login", data={"username": "demo-hulpverlener", "password": PASSWORD}).status_code == 302
    return client


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    server = None
    if args.postgres:
        from tests.pg import PostgresServer

        server = PostgresServer()
        server.start()
    try:
        urls = (server.create_database("bench_pull_empty"), server.create_database("bench_pull_full")) if server else (None, None)
        empty_app, full_app = make_app(urls[0]), make_app(urls[1])
        started = time.perf_counter()
        empty_cursor = prepare(empty_app, 0)
        full_cursor = prepare(full_app, args.notes)
        fill_seconds = time.perf_counter() - started
        empty_client, full_client = logged_in(empty_app), logged_in(full_app)

        def pull(client, cursor):
            def run():
                response = client.get(f"/api/v1/sync/pull?cursor={cursor}&schema_version=1")
                assert response.status_code == 200 and response.get_json()["changes"] == [], response.text[:200]
            return run

        for _ in range(20):  # warm up both
            pull(empty_client, empty_cursor)(), pull(full_client, full_cursor)()
        # Interleaved rounds, so drift on a shared machine hits both alike.
        empties, fulls = [], []
        for _ in range(args.runs // 10):
            empties += timed(pull(empty_client, empty_cursor), 10)
            fulls += timed(pull(full_client, full_cursor), 10)
        # A first pull of one page (500 changes) on the full database, for scale.
        first_page = timed(lambda: full_client.get("/api/v1/sync/pull?limit=500&schema_version=1"), 20)
        (e_med, e_p95), (f_med, f_p95), (p_med, _) = summary(empties), summary(fulls), summary(first_page)
        kind = "PostgreSQL" if server else "SQLite"
        print(f"{kind}; {args.notes} notes and change-log entries in one team (filled in {fill_seconds:.0f} s); "
              f"{len(empties)} pulls each, interleaved")
        print(f"no-change pull, empty database   median {e_med * 1000:6.2f} ms   p95 {e_p95 * 1000:6.2f} ms")
        print(f"no-change pull, {args.notes} notes  median {f_med * 1000:6.2f} ms   p95 {f_p95 * 1000:6.2f} ms")
        print(f"ratio full/empty: median {f_med / e_med:.2f}x   p95 {f_p95 / e_p95:.2f}x")
        print(f"(for scale: a first pull of 500 changes on the full database, median {p_med * 1000:.1f} ms)")
        for a in (empty_app, full_app):
            with a.app_context():
                a.extensions["sqlalchemy"].engine.dispose()
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
