"""The claim store on SQL (SQLAlchemy Core): PostgreSQL in production, SQLite embedded.

The only module of ``sync`` that imports SQLAlchemy. The caller owns the connection
or session and its transaction; this store only adds SAVEPOINTs and rows to it.

The claim is ``INSERT ... ON CONFLICT (id) DO NOTHING`` on the primary key of
``sync_mutations``; when nothing was inserted, the stored hash is read back. Two
requests claiming one id at once cannot both insert: on PostgreSQL the second insert
waits for the first transaction and then does nothing (or inserts, if the first
rolled back); SQLite lets one writer in at a time.

Pass the ORM ``Session`` when the apply functions use the ORM (Flask-SQLAlchemy's
``db.session``): ``Session.begin_nested()`` also resets the session's objects when an
item is rolled back, which a savepoint on the bare connection would not.

SQLite: Python's sqlite3 driver (before 3.12's ``autocommit``) does not emit BEGIN
for SAVEPOINT, so savepoints do not nest in the transaction unless SQLAlchemy emits
BEGIN itself; :func:`use_sqlite_transactions` installs the documented event recipe.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Callable, Iterator, NamedTuple

from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, String, Table, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.types import TypeEngine

from sync.engine import ClaimResult
from sync.protocol import StoreUnavailable

SQLITE_BEGIN_MODES = ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")


class SyncTables(NamedTuple):
    mutations: Table


def define_tables(metadata: MetaData, *, timestamp_type: TypeEngine[Any] | type[TypeEngine[Any]] | None = None,
                  user_fk: str | None = None) -> SyncTables:
    """The sync tables on the caller's metadata (so Alembic sees them).

    ``timestamp_type`` lets the web app use its own UTC type; ``user_fk`` (e.g.
    ``"users.id"``) adds a foreign key on ``user_id``.
    """
    user_id = Column("user_id", Integer, ForeignKey(user_fk, ondelete="SET NULL"), nullable=True) if user_fk \
        else Column("user_id", Integer, nullable=True)
    mutations = Table(
        "sync_mutations", metadata,
        # The client's UUID for the mutation; the primary key is the deduplication.
        Column("id", String(36), primary_key=True),
        Column("content_hash", String(64), nullable=False),
        Column("device_id", String(36), nullable=False),
        user_id,
        Column("received_at", timestamp_type or DateTime(timezone=True), nullable=False),
    )
    return SyncTables(mutations)


class ClaimRace(StoreUnavailable):
    """The insert did nothing but the existing row is not visible: the transaction's snapshot is
    older than the row (REPEATABLE READ or SERIALIZABLE). Use READ COMMITTED; the client retries."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class SqlMutationStore:
    """MutationStore on the caller's Connection or Session, for one request and one user.

    ``last_seq`` returns the highest seq of the web app's change log (for the push
    response's cursor); ``user_id`` is recorded with every claim.
    """

    def __init__(self, db: Connection | Session | scoped_session[Session], mutations: Table, *,
                 user_id: int | None, last_seq: Callable[[], int], now: Callable[[], dt.datetime] = utcnow):
        self.db = db
        self.table = mutations
        self.user_id = user_id
        self._last_seq = last_seq
        self._now = now

    @contextmanager
    def item_transaction(self) -> Iterator[None]:
        try:
            # Connection.begin_nested() and Session.begin_nested() both release the savepoint
            # on a normal exit and roll back to it on an exception (which propagates).
            with self.db.begin_nested():
                yield
        except DBAPIError as exc:
            # Locked, deadlocked, serialization failure, connection lost: not this item's
            # fault, so not a per-item "rejected"; the request fails and the client retries.
            # Other database errors (a constraint, a value too long) stay the item's own.
            if isinstance(exc, OperationalError) or exc.connection_invalidated:
                raise StoreUnavailable() from exc
            raise

    def claim(self, mutation_id: str, content_hash: str, device_id: str) -> ClaimResult:
        values = {"id": mutation_id, "content_hash": content_hash, "device_id": device_id,
                  "user_id": self.user_id, "received_at": self._now()}
        insert = _dialect_insert(self._dialect_name())(self.table).values(values)
        # RETURNING, not rowcount: through an ORM Session on PostgreSQL (psycopg 3) rowcount is -1.
        inserted = self.db.execute(insert.on_conflict_do_nothing(index_elements=[self.table.c.id])
                                   .returning(self.table.c.id)).first()
        if inserted is not None:
            return ClaimResult(inserted=True, stored_hash=content_hash)
        stored = self.db.execute(select(self.table.c.content_hash).where(self.table.c.id == mutation_id)).scalar()
        if stored is None:
            raise ClaimRace(f"sync_mutations row {mutation_id} exists but is not visible to this transaction")
        return ClaimResult(inserted=False, stored_hash=stored)

    def last_seq(self) -> int:
        return self._last_seq()

    def _dialect_name(self) -> str:
        # A Session (or Flask-SQLAlchemy's scoped db.session) has a bind; a Connection is one.
        bind = self.db.get_bind() if hasattr(self.db, "get_bind") else self.db
        return bind.dialect.name


def _dialect_insert(name: str) -> Callable[[Table], Any]:
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"no race-free claim for the {name} dialect")


def use_sqlite_transactions(engine: Engine, *, begin: str = "IMMEDIATE", busy_timeout_ms: int = 5000,
                            wal: bool = True) -> None:
    """Let SQLAlchemy emit BEGIN on SQLite (so SAVEPOINTs nest), with a busy timeout and WAL.

    ``BEGIN IMMEDIATE`` takes the write lock at the start, so concurrent writers queue
    on the busy timeout; under a deferred BEGIN a request that read first fails with
    "database is locked" when it then writes. The execution option ``sqlite_begin``
    overrides ``begin`` per connection or engine. If another listener (the web app's)
    has begun the transaction already, this one leaves it alone. Call it before the
    engine's first connection.
    """
    if begin not in SQLITE_BEGIN_MODES:
        raise ValueError(f"begin must be one of {SQLITE_BEGIN_MODES}")
    timeout = int(busy_timeout_ms)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Stop the driver from emitting its own BEGIN (it skips it before SAVEPOINT and SELECT).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {timeout}")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if connection.connection.dbapi_connection.in_transaction:
            return
        mode = connection.get_execution_options().get("sqlite_begin", begin)
        if mode not in SQLITE_BEGIN_MODES:
            raise ValueError(f"sqlite_begin must be one of {SQLITE_BEGIN_MODES}")
        connection.exec_driver_sql(f"BEGIN {mode}")
