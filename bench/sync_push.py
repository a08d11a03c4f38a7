"""Push 10,000 notes through the sync API in batches, next to inserting the same rows directly.

    .venv/bin/python bench/sync_push.py [--notes 10000] [--batch 100]

Both run in one process against the same database (SQLite in a temp dir, or
WEBAPP_BENCH_DATABASE_URL for PostgreSQL). The push goes through the whole HTTP stack of the
app (test client): session, CSRF, JSON, per-item validation, the dedupe claim, the note, the
change-log row and the audit row. The direct insert writes only the note rows, in batches of
the same size, with one commit per batch. The ratio is the cost of the guarantees.
"""
from __future__ import annotations

import argparse
import time
import uuid

from _common import make_app


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    app = make_app()
    from sqlalchemy import func, insert, select

    from sync.protocol import content_hash
    from webapp.db import db, utcnow
    from webapp.demo import load_demo_data
    from webapp.notes.models import Note

    with app.app_context():
        load_demo_data()
        db.session.commit()
        from webapp.clients.models import Client

        sam = db.session.scalar(select(Client).where(Client.name == "Sam de Vries"))
        sam_id, sam_public = sam.id, sam.public_id
        author = db.session.scalar(select(db.Model.metadata.tables["users"].c.id).where(
            db.Model.metadata.tables["users"].c.username == "demo-hulpverlener"))

    client = app.test_client()
    client.post("/login", data={"username": "demo-hulpverlener", "password": "bench-wachtwoord"})

    def batch_body(n):
        mutations = []
        for i in range(n):
            m = {"id": str(uuid.uuid4()), "type": "note.create", "schema_version": 1,
                 "device_time": "2026-11-23T14:05:00.000Z",
                 "payload": {"client_id": sam_public, "kind": "observatie", "text": f"Notitie {i}: rustig gesprek.",
                             "written_at": "2026-11-23T14:05:00.000Z"}}
            m["hash"] = content_hash(m)
            mutations.append(m)
        return {"schema_version": 1, "device_id": str(uuid.uuid4()), "mutations": mutations}

    bodies = [batch_body(args.batch) for _ in range(args.notes // args.batch)]
    start = time.perf_counter()
    for body in bodies:
        response = client.post("/api/v1/sync/push", json=body)
        assert response.status_code == 200, response.get_data(as_text=True)[:200]
    push_seconds = time.perf_counter() - start

    with app.app_context():
        rows = [[{"id": str(uuid.uuid4()), "client_id": sam_id, "kind": "observatie", "text": f"Direct {i}.",
                  "written_at": utcnow(), "received_at": utcnow(), "author_id": author} for i in range(args.batch)]
                for _ in range(args.notes // args.batch)]
        start = time.perf_counter()
        for batch in rows:
            db.session.execute(insert(Note), batch)
            db.session.commit()
        direct_seconds = time.perf_counter() - start
        total = db.session.scalar(select(func.count()).select_from(Note))

    pushed = len(bodies) * args.batch
    print(f"{pushed} notes in batches of {args.batch}; {total} notes in the database afterwards "
          f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")
    print(f"sync push:     {pushed / push_seconds:8.0f} notes/s  ({push_seconds:.2f} s)")
    print(f"direct insert: {pushed / direct_seconds:8.0f} notes/s  ({direct_seconds:.2f} s)")
    print(f"ratio direct/push: {push_seconds / direct_seconds:.1f}x (what the guarantees cost per note)")


if __name__ == "__main__":
    main()
