"""The in-memory reference store: claims, and item transactions that roll back like a savepoint."""
from __future__ import annotations

import pytest

from sync import ClaimResult
from sync.memory import MemoryStore


def test_a_claim_inserts_once_and_then_reports_the_stored_hash():
    store = MemoryStore()
    assert store.claim("m1", "a" * 64, "d1") == ClaimResult(inserted=True, stored_hash="a" * 64)
    assert store.claim("m1", "b" * 64, "d2") == ClaimResult(inserted=False, stored_hash="a" * 64)
    assert store.claims["m1"].device_id == "d1"


def test_an_exception_in_an_item_transaction_puts_everything_back_and_propagates():
    store = MemoryStore()
    with store.item_transaction():
        store.claim("kept", "a" * 64, "d")
        store.rows["notes"].append({"id": "kept"})
        store.append_change("note", "kept", "upsert", {})
    notes = store.rows["notes"]
    with pytest.raises(KeyError):
        with store.item_transaction():
            store.claim("lost", "b" * 64, "d")
            notes.append({"id": "lost"})
            store.rows["visits"].append({"id": "lost"})
            store.append_change("note", "lost", "upsert", {})
            raise KeyError("boom")
    assert list(store.claims) == ["kept"]
    assert store.rows["notes"] == [{"id": "kept"}] and store.rows["notes"] is notes
    assert "visits" not in store.rows
    assert store.last_seq() == 1


def test_an_item_transaction_that_ends_normally_keeps_its_writes():
    store = MemoryStore()
    with store.item_transaction():
        store.claim("m1", "a" * 64, "d")
    assert "m1" in store.claims
