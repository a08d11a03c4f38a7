"""An in-memory store: the reference implementation of MutationStore, for tests and for reading.

Besides the claims it holds free-form ``rows`` (lists of dicts per table name) for the
apply functions of tests, and a change log for pull. ``item_transaction`` snapshots all
of it and puts it back on an exception, like a savepoint.
"""
from __future__ import annotations

import copy
import datetime as dt
import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Collection, Iterator

from sync.engine import ClaimResult
from sync.feed import Change, Op


@dataclass(frozen=True)
class StoredClaim:
    content_hash: str
    device_id: str
    received_at: dt.datetime


@dataclass(frozen=True)
class LoggedChange:
    change: Change
    audience: str | None   # None: every reader; else e.g. "user:7" or "team:3"


class MemoryStore:
    def __init__(self) -> None:
        self.claims: dict[str, StoredClaim] = {}
        self.rows: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.log: list[LoggedChange] = []
        # Re-entrant: an apply function may call back into the store while its item holds the lock.
        self._lock = threading.RLock()

    @contextmanager
    def item_transaction(self) -> Iterator[None]:
        with self._lock:
            snapshot = copy.deepcopy((self.claims, dict(self.rows), self.log))
            try:
                yield
            except BaseException:
                self._restore(snapshot)
                raise

    def _restore(self, snapshot: tuple[dict, dict, list]) -> None:
        # In place, so that lists an apply function or a test holds on to stay the live ones.
        claims, rows, log = snapshot
        self.claims.clear()
        self.claims.update(claims)
        for name in [name for name in self.rows if name not in rows]:
            del self.rows[name]
        for name, saved in rows.items():
            self.rows[name][:] = saved
        self.log[:] = log

    def claim(self, mutation_id: str, content_hash: str, device_id: str) -> ClaimResult:
        with self._lock:
            stored = self.claims.get(mutation_id)
            if stored is not None:
                return ClaimResult(inserted=False, stored_hash=stored.content_hash)
            self.claims[mutation_id] = StoredClaim(content_hash, device_id, dt.datetime.now(dt.timezone.utc))
            return ClaimResult(inserted=True, stored_hash=content_hash)

    def last_seq(self) -> int:
        with self._lock:
            return self.log[-1].change.seq if self.log else 0

    def append_change(self, type_: str, id_: str, op: Op, data: dict[str, Any] | None = None, *,
                      audience: str | None = None) -> Change:
        with self._lock:
            change = Change(self.last_seq() + 1, type_, id_, op, copy.deepcopy(data))
            self.log.append(LoggedChange(change, audience))
            return change

    def changes_after(self, after: int, limit: int, *, audiences: Collection[str] | None = None) -> list[Change]:
        """Changes with seq > after, ascending, at most ``limit``; for ``audiences`` only theirs and the public ones."""
        with self._lock:
            found = [entry.change for entry in self.log
                     if entry.change.seq > after
                     and (audiences is None or entry.audience is None or entry.audience in audiences)]
            return found[:limit]
