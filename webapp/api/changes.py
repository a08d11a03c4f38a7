"""Writing and reading the change log that phones pull."""
from __future__ import annotations

from sqlalchemy import func, select, text

from sync.feed import Change
from webapp.api.models import SyncChange
from webapp.db import db


def write_change(team_id: int, client_id: int | None, entity: str, entity_id: str, op: str,
                 data: dict | None) -> SyncChange:
    # PostgreSQL hands out sequence numbers before commit, so two transactions could commit
    # seq 8 after seq 9 and a phone that already pulled 9 would never see 8. One writer at a
    # time (until commit) keeps the log in commit order. SQLite has one writer anyway.
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(7513001)"))
    change = SyncChange(team_id=team_id, client_id=client_id, entity=entity, entity_id=entity_id, op=op, data=data)
    db.session.add(change)
    db.session.flush()
    return change


def changes_for_team(team_id: int, after: int, limit: int) -> list[Change]:
    rows = db.session.scalars(select(SyncChange).where(SyncChange.team_id == team_id, SyncChange.seq > after)
                              .order_by(SyncChange.seq).limit(limit)).all()
    return [Change(seq=r.seq, type=r.entity, id=r.entity_id, op=r.op, data=r.data if r.op == "upsert" else None)
            for r in rows]


def last_seq_for_team(team_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.max(SyncChange.seq), 0)).where(SyncChange.team_id == team_id))
