"""The sync tables: claims of mutation ids (from sync.sqlstore) and the change log for pull."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.sqlstore import define_tables
from webapp.db import UTCDateTime, db, utcnow

SYNC_TABLES = define_tables(db.metadata, timestamp_type=UTCDateTime, user_fk="users.id")


class SyncChange(db.Model):
    """One entry of the change log. ``seq`` only grows; a phone pulls what came after its cursor.

    Changes belong to the team whose caseload the client was in when they were written, so
    a pull reads one index range. When a client moves to another team, the old team gets a
    tombstone and the new team the client's notes and visits again.
    """

    __tablename__ = "sync_changes"
    __table_args__ = (Index("ix_sync_changes_team_seq", "team_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    client_id: Mapped[int | None] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(20))     # note | visit | client
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(10))         # upsert | delete
    data: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
