"""Push: read the batch, deduplicate each item through the store, apply it, answer per item.

Each item runs in its own ``store.item_transaction()`` (a SAVEPOINT in the SQL store)
inside the caller's transaction, in this order:

1. the claim: an insert of (mutation id, content hash) that cannot race;
   if the id was there already, the answer is ``duplicate`` (same hash) or ``conflict``
   (other hash) and nothing else happens;
2. the type, the item's schema_version and the payload are checked (``Rejected``);
3. the type's ``apply(mutation, context)`` writes the data, its change-log entries and
   its audit row.

Any exception inside rolls back the item's savepoint, the claim included, so the
same id can be applied by a later valid resend. ``Rejected`` and unexpected errors
(a bug that one item triggers) become a ``rejected`` answer for that item alone, so
one item can never block the outbox. A ``SyncError`` such as ``StoreUnavailable``
(the database is locked, deadlocked or gone) fails the whole request instead, for
the client to retry later.

A resend of something the server already has is always acknowledged, even if
today's validation rules would refuse it: the client must be able to empty its outbox.

The caller commits after ``push`` returns and sends the response only when the commit
succeeded; if the commit fails it answers 5xx and the client sends the batch again.
"""
from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Any, Callable, Protocol

from sync.feed import encode_cursor
from sync.handlers import DEFAULT_CONFLICT, MutationType, Registry
from sync.protocol import (SCHEMA_VERSION, Mutation, PushRequest, Rejected, Result, Status, SyncError,
                           parse_push)

log = logging.getLogger(__name__)

SERVER_ERROR = ("Dit item kon door een storing bij ons niet worden verwerkt. Het blijft op je telefoon "
                "bewaard; probeer het later opnieuw.")


@dataclass(frozen=True)
class ClaimResult:
    """What ``claim`` found: the id was new and is now claimed, or it was there with ``stored_hash``."""

    inserted: bool
    stored_hash: str


class MutationStore(Protocol):
    """Where claims are kept: a unique key on the mutation id, written in the caller's transaction."""

    def item_transaction(self) -> AbstractContextManager[Any]:
        """A nested transaction for one item: kept on a normal exit, rolled back (and re-raised) on an exception."""
        ...

    def claim(self, mutation_id: str, content_hash: str, device_id: str) -> ClaimResult:
        """Insert the claim unless the id exists, atomically (no check-then-insert), and say which happened.

        A concurrent claim of the same id must wait for or lose to the first, never
        insert a second row and never fail with a unique violation.
        """
        ...

    def last_seq(self) -> int:
        """The highest change-log sequence number, for the cursor in the push response."""
        ...


@dataclass(frozen=True)
class ItemOutcome:
    """What happened to one item, for the web app's ``after_item`` hook (e.g. auditing refusals).

    ``mutation`` is None when the item could not be read; ``error`` is the exception
    that rolled the item back (a Rejected, or an unexpected error), if any.
    """

    index: int
    mutation: Mutation | None
    result: Result
    error: BaseException | None = None


AfterItem = Callable[[ItemOutcome], None]


def push(store: MutationStore, body: Any, context: Any, *, registry: Registry,
         after_item: AfterItem | None = None) -> dict[str, Any]:
    """Handle a push body (JSON-decoded); the response as a dict. Raises SyncError for envelope errors.

    The response's ``cursor`` is the change log's position after this push. The client
    does not replace its pull cursor with it: that would skip what others changed
    since its last pull.
    """
    return process_push(store, parse_push(body), context, registry=registry, after_item=after_item)


def process_push(store: MutationStore, request: PushRequest, context: Any, *, registry: Registry,
                 after_item: AfterItem | None = None) -> dict[str, Any]:
    """Like ``push`` for an already parsed request, so the caller can look at ``device_id`` first."""
    results = []
    for index, item in request.items:
        if isinstance(item, Result):
            outcome = ItemOutcome(index, None, item)
        else:
            outcome = process_item(store, registry, item, context, index)
        if after_item is not None:
            # Outside the item's savepoint: what the hook writes stays, even for a rolled-back item.
            after_item(outcome)
        results.append(outcome.result.to_dict())
    return {"schema_version": SCHEMA_VERSION, "results": results, "cursor": encode_cursor(store.last_seq())}


def process_item(store: MutationStore, registry: Registry, mutation: Mutation, context: Any,
                 index: int = 0) -> ItemOutcome:
    mutation_type = registry.get(mutation.type)
    try:
        with store.item_transaction():
            claim = store.claim(mutation.id, mutation.hash, mutation.device_id)
            if not claim.inserted:
                return ItemOutcome(index, mutation, _answer_existing(mutation, claim, mutation_type))
            if mutation_type is None:
                raise Rejected(f"Dit soort wijziging ({mutation.type}) kent de server niet. Werk de app bij; "
                               "het item blijft op je telefoon bewaard.")
            # Rebound here so that after_item sees the loaded data also when apply refuses.
            mutation = replace(mutation, data=mutation_type.load(mutation))
            mutation_type.apply(mutation, context)
    except Rejected as exc:
        return ItemOutcome(index, mutation, Result(mutation.id, Status.REJECTED, exc.reason, exc.errors), exc)
    except SyncError:
        # e.g. StoreUnavailable: not this item's fault; the request fails and the client retries it all.
        raise
    except Exception as exc:
        # One item must never block the batch (or, resent forever, the whole outbox):
        # it is rolled back and kept on the phone with a reason; the rest goes on.
        log.exception("sync: mutation %s (%s) failed", mutation.id, mutation.type)
        return ItemOutcome(index, mutation, Result(mutation.id, Status.REJECTED, SERVER_ERROR), exc)
    return ItemOutcome(index, mutation, Result(mutation.id, Status.APPLIED))


def _answer_existing(mutation: Mutation, claim: ClaimResult, mutation_type: MutationType | None) -> Result:
    if claim.stored_hash == mutation.hash:
        return Result(mutation.id, Status.DUPLICATE)
    reason = mutation_type.conflict_reason if mutation_type else DEFAULT_CONFLICT
    return Result(mutation.id, Status.CONFLICT, reason)
