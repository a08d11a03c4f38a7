"""The SQL store on SQLite: the race-free claim, a savepoint per item, and 20 threads pushing one mutation."""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import (Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, func,
                        insert, inspect, select)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, scoped_session, sessionmaker

from sync import ClaimResult, Mutation, Rejected, StoreUnavailable, build_registry, decode_cursor, push
from sync.engine import SERVER_ERROR
from sync.sqlstore import ClaimRace, SqlMutationStore, _dialect_insert, define_tables, use_sqlite_transactions
from tests.sync.builders import CASELOAD_CLIENT, NOT_IN_CASELOAD, OTHER_TEAM_CLIENT, body, mutation, note_payload

EXPLODE = "Deze notitie laat de server struikelen."


class Base(DeclarativeBase):
    pass


class Note(Base):
    """A stand-in for the web app's ORM model, to check the store with a Session."""

    __tablename__ = "notes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


SYNC = define_tables(Base.metadata)
AUDIT = Table("audit_events", Base.metadata, Column("id", Integer, primary_key=True),
              Column("action", String(40)), Column("object_id", String(36)))
CHANGES = Table("changes", Base.metadata, Column("seq", Integer, primary_key=True, autoincrement=True),
                Column("type", String(20)), Column("object_id", String(36)), Column("op", String(10)))


@pytest.fixture
def engine(tmp_path):
    # File-based so that several connections (threads) share it; WAL, busy timeout, BEGIN IMMEDIATE.
    # The execution option asks the same of the web app's own SQLite listeners, which are
    # registered on every engine once webapp is imported (as in a run of the whole suite).
    engine = create_engine(f"sqlite:///{tmp_path / 'sync.sqlite'}", pool_size=20, max_overflow=5,
                           execution_options={"sqlite_begin": "IMMEDIATE"})
    use_sqlite_transactions(engine, busy_timeout_ms=30_000)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


class SqlApp:
    """The web app's side, on whatever the store was given: a Connection (Core) or a Session (ORM)."""

    def __init__(self, db: Any):
        self.db = db

    def registry(self):
        return build_registry({"note.create": self.apply_note})

    def apply_note(self, m: Mutation, context: Any) -> None:
        if m.data["client_id"] != CASELOAD_CLIENT:
            raise Rejected(NOT_IN_CASELOAD)
        if hasattr(self.db, "add"):   # a Session or a scoped session: the ORM way
            self.db.add(Note(id=m.id, client_id=m.data["client_id"], text=m.data["text"]))
            self.db.flush()
        else:
            self.db.execute(insert(Note.__table__).values(id=m.id, client_id=m.data["client_id"],
                                                          text=m.data["text"]))
        self.db.execute(insert(AUDIT).values(action="note.create", object_id=m.id))
        self.db.execute(insert(CHANGES).values(type="note", object_id=m.id, op="upsert"))
        if m.data["text"] == EXPLODE:
            raise RuntimeError("a bug after writing")

    def last_seq(self) -> int:
        return self.db.execute(select(func.coalesce(func.max(CHANGES.c.seq), 0))).scalar_one()

    def store(self) -> SqlMutationStore:
        return SqlMutationStore(self.db, SYNC.mutations, user_id=7, last_seq=self.last_seq)

    def push(self, *items) -> dict:
        return push(self.store(), body(*items), self, registry=self.registry())


def table_ids(engine, table) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(table.c[list(table.primary_key.columns)[0].name])).scalars())


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


# -- the table --------------------------------------------------------------------------------

def test_the_table_has_the_agreed_columns_and_a_primary_key_on_the_id(engine):
    columns = {c["name"]: c for c in inspect(engine).get_columns("sync_mutations")}
    assert list(columns) == ["id", "content_hash", "device_id", "user_id", "received_at"]
    assert inspect(engine).get_pk_constraint("sync_mutations")["constrained_columns"] == ["id"]
    assert columns["content_hash"]["nullable"] is False
    assert SYNC.mutations.c.id.type.length == 36 and SYNC.mutations.c.content_hash.type.length == 64


def test_the_web_app_can_bring_its_own_time_type_and_user_key():
    metadata = MetaData()
    Table("users", metadata, Column("id", Integer, primary_key=True))
    table = define_tables(metadata, timestamp_type=DateTime(), user_fk="users.id").mutations
    assert table.metadata is metadata
    assert [fk.target_fullname for fk in table.c.user_id.foreign_keys] == ["users.id"]
    assert table.c.received_at.type.timezone is False


# -- the claim --------------------------------------------------------------------------------

def test_a_claim_inserts_once_then_reads_the_stored_hash(engine):
    with engine.connect() as conn:
        store = SqlMutationStore(conn, SYNC.mutations, user_id=7, last_seq=lambda: 0)
        assert store.claim("m-1", "a" * 64, "d-1") == ClaimResult(True, "a" * 64)
        assert store.claim("m-1", "b" * 64, "d-2") == ClaimResult(False, "a" * 64)
        conn.commit()
    with engine.connect() as conn:
        row = conn.execute(select(SYNC.mutations)).one()
    assert (row.id, row.content_hash, row.device_id, row.user_id) == ("m-1", "a" * 64, "d-1", 7)
    assert row.received_at is not None


def test_an_existing_row_that_the_transaction_cannot_see_is_reported_not_guessed():
    answers = iter([SimpleNamespace(first=lambda: None), SimpleNamespace(scalar=lambda: None)])
    db = SimpleNamespace(dialect=SimpleNamespace(name="sqlite"), execute=lambda statement: next(answers))
    store = SqlMutationStore(db, SYNC.mutations, user_id=None, last_seq=lambda: 0)
    with pytest.raises(ClaimRace):
        store.claim("m-1", "a" * 64, "d-1")


def test_only_sqlites_three_begin_modes_are_accepted():
    with pytest.raises(ValueError):
        use_sqlite_transactions(create_engine("sqlite://"), begin="EVENTUALLY")


def test_a_database_error_of_the_item_itself_rejects_only_that_item(engine):
    first, second = mutation(note_payload(text="Eerste.")), mutation(note_payload(text="Tweede."))
    with engine.connect() as conn:
        app = SqlApp(conn)
        # A bug in the web app: every note gets the same primary key, so the second violates it.
        app.apply_note = lambda m, c: conn.execute(insert(Note.__table__).values(
            id="altijd-dezelfde", client_id=m.data["client_id"], text=m.data["text"]))
        results = app.push(first, second)["results"]
        conn.commit()
    assert [(r["status"], r.get("reason")) for r in results] == [("applied", None), ("rejected", SERVER_ERROR)]
    assert table_ids(engine, SYNC.mutations) == [first["id"]]


def test_a_database_without_a_race_free_insert_is_refused():
    with pytest.raises(NotImplementedError):
        _dialect_insert("mysql")


# -- push on a Connection and on a Session ------------------------------------------------------------

def open_db(engine, kind: str):
    if kind == "connection":
        return engine.connect()
    if kind == "session":
        return Session(engine)
    return scoped_session(sessionmaker(engine))   # what Flask-SQLAlchemy's db.session is


@pytest.mark.parametrize("kind", ["connection", "session", "scoped_session"])
def test_each_item_is_one_savepoint_and_only_applied_items_leave_rows(engine, kind):
    good = mutation(note_payload(text="Goed."))
    refused = mutation(note_payload(client_id=OTHER_TEAM_CLIENT))
    crashing = mutation(note_payload(text=EXPLODE))
    invalid = mutation(note_payload(kind="melding"))
    db = open_db(engine, kind)
    try:
        app = SqlApp(db)
        response = app.push(good, refused, crashing, invalid, good)
        db.commit()
    finally:
        db.close()
    assert [r["status"] for r in response["results"]] == ["applied", "rejected", "rejected", "rejected", "duplicate"]
    assert response["results"][1]["reason"] == NOT_IN_CASELOAD
    assert response["results"][2]["reason"] == SERVER_ERROR
    assert decode_cursor(response["cursor"]) == 1
    assert table_ids(engine, SYNC.mutations) == [good["id"]]
    assert table_ids(engine, Note.__table__) == [good["id"]]
    assert count(engine, AUDIT) == 1 and count(engine, CHANGES) == 1


def test_a_refused_item_can_be_applied_by_a_later_resend(engine):
    item = mutation(note_payload(text=EXPLODE))
    with engine.connect() as conn:
        assert SqlApp(conn).push(item)["results"][0]["status"] == "rejected"
        conn.commit()
    with engine.connect() as conn:
        app = SqlApp(conn)
        app.apply_note = lambda m, c: conn.execute(insert(Note.__table__).values(
            id=m.id, client_id=m.data["client_id"], text=m.data["text"]))
        assert app.push(item)["results"][0]["status"] == "applied"
        conn.commit()
    assert table_ids(engine, SYNC.mutations) == [item["id"]] == table_ids(engine, Note.__table__)


def test_a_conflict_on_sql_keeps_the_first_content(engine):
    first = mutation(note_payload(text="Eerste."))
    with engine.connect() as conn:
        SqlApp(conn).push(first)
        conn.commit()
    with engine.connect() as conn:
        results = SqlApp(conn).push(mutation(note_payload(text="Tweede."), id_=first["id"]))["results"]
        conn.commit()
    assert results[0]["status"] == "conflict"
    with engine.connect() as conn:
        assert conn.execute(select(Note.text)).scalars().all() == ["Eerste."]


def test_a_rolled_back_request_leaves_nothing_so_the_resend_applies(engine):
    item = mutation()
    with engine.connect() as conn:
        assert SqlApp(conn).push(item)["results"][0]["status"] == "applied"
        conn.rollback()   # e.g. the commit failed: the client got a 5xx and sends again
    with engine.connect() as conn:
        assert SqlApp(conn).push(item)["results"][0]["status"] == "applied"
        conn.commit()
    assert count(engine, SYNC.mutations) == 1 == count(engine, Note.__table__)


# -- concurrency ----------------------------------------------------------------------------------

THREADS = 20


def push_from_threads(engine, items: list[dict]) -> list[dict]:
    start = threading.Barrier(len(items))

    def one_request(item: dict) -> dict:
        with engine.connect() as conn:
            app = SqlApp(conn)
            start.wait()
            # A request reads before it writes (the user, the device). Under a deferred BEGIN
            # that read pins a snapshot, and the later write fails with "database is locked"
            # instead of waiting: hence BEGIN IMMEDIATE.
            conn.execute(select(func.count()).select_from(AUDIT))
            [result] = app.push(item)["results"]
            conn.commit()
            return result

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(one_request, items))


def test_twenty_threads_pushing_the_same_mutation_store_it_once(engine):
    item = mutation(note_payload(text="Twintig keer verstuurd."))
    results = push_from_threads(engine, [item] * THREADS)
    assert Counter(r["status"] for r in results) == {"applied": 1, "duplicate": THREADS - 1}
    assert {r["id"] for r in results} == {item["id"]}
    assert count(engine, SYNC.mutations) == 1
    assert count(engine, Note.__table__) == 1
    assert count(engine, AUDIT) == 1


def test_twenty_threads_with_two_contents_for_one_id_store_exactly_one_of_them(engine):
    first = mutation(note_payload(text="Versie A."))
    second = mutation(note_payload(text="Versie B."), id_=first["id"])
    items = [first, second] * (THREADS // 2)
    results = push_from_threads(engine, items)
    with engine.connect() as conn:
        stored_text = conn.execute(select(Note.text)).scalar_one()
    winner = first if stored_text == "Versie A." else second
    assert Counter(r["status"] for r in results)["applied"] == 1
    for item, result in zip(items, results):
        expected = {"applied", "duplicate"} if item is winner else {"conflict"}
        assert result["status"] in expected
    assert count(engine, SYNC.mutations) == 1


def test_a_database_error_that_is_not_the_items_fault_fails_the_request_as_unavailable(engine):
    with engine.connect() as conn:
        app = SqlApp(conn)
        app.apply_note = lambda m, c: conn.exec_driver_sql("SELECT * FROM table_that_is_not_there")
        with pytest.raises(StoreUnavailable) as caught:
            app.push(mutation())
        conn.rollback()
    assert caught.value.http_status == 503
    assert count(engine, SYNC.mutations) == 0
