"""Pull: the opaque cursor, the page size, and one page of the change log.

The web app keeps the change log: one row per change that a user may need on the
phone, with a server-assigned sequence number ``seq``. Tombstones are ordinary rows
with ``op = "delete"`` and no data: for a deletion, and for access that was taken
away (a client left the user's caseload: a delete for the client and for each of
its notes and visits, addressed to that user).

What the log must guarantee, because the cursor is just "the last seq I have":

- ``seq`` is strictly increasing and never reused (a restored backup must not hand
  out numbers again that clients have already seen);
- a change must never become visible *after* a change with a higher seq has been
  read. A plain PostgreSQL sequence or autoincrement does not promise that: a
  transaction that took seq 41 may commit after one that took 42, and a client
  that pulled 42 in between never sees 41. Take the number where writers of
  changes queue up until commit, e.g. ``UPDATE sync_counter SET seq = seq + 1
  RETURNING seq`` on a one-row table in the same transaction as the change
  (SQLite serializes all writers anyway).

Usage in the pull endpoint::

    response = pull(lambda after, n: changes_for(user, after, n),   # rows with seq > after, ascending, at most n
                    cursor=request.args.get("cursor"), limit=request.args.get("limit"),
                    schema_version=request.args.get("schema_version"))
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any, Callable, Literal, Mapping, Sequence

from sync.protocol import (DEFAULT_PULL, MAX_PULL, SCHEMA_VERSION, CursorInvalid, EnvelopeInvalid,
                           check_schema_version)

Op = Literal["upsert", "delete"]
CURSOR_PREFIX = "v1:"
MAX_CURSOR_LENGTH = 64
LIMIT_INVALID = f"Het aantal moet een geheel getal van 1 tot en met {MAX_PULL} zijn."


@dataclass(frozen=True)
class Change:
    seq: int
    type: str
    id: str
    op: Op
    data: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.op == "upsert" and self.data is None:
            raise ValueError("an upsert carries data")
        if self.op == "delete" and self.data is not None:
            raise ValueError("a delete (tombstone) carries no data")
        if self.op not in ("upsert", "delete"):
            raise ValueError(f"unknown op {self.op!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "id": self.id, "op": self.op,
                "data": None if self.data is None else dict(self.data)}


@dataclass(frozen=True)
class PullRequest:
    after: int   # the last seq the client has; 0 = from the beginning
    limit: int


def encode_cursor(seq: int) -> str:
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise ValueError(f"a cursor holds a seq >= 0, not {seq!r}")
    # Opaque on purpose: the client stores and returns it and must not do arithmetic
    # on it. The version prefix leaves room to change what it holds.
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{seq}".encode("ascii")).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str | None) -> int:
    """The seq in a cursor; absent (None or "") is 0, the beginning. Raises CursorInvalid."""
    if cursor is None or cursor == "":
        return 0
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH or not re.fullmatch(r"[A-Za-z0-9_-]+", cursor):
        raise CursorInvalid()
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CursorInvalid() from None
    match = re.fullmatch(re.escape(CURSOR_PREFIX) + r"(0|[1-9][0-9]{0,17})", text)
    if not match:
        raise CursorInvalid()
    return int(match.group(1))


def parse_limit(limit: Any) -> int:
    """The page size: absent is the default, above the maximum is the maximum, anything else is a 400."""
    if limit is None or limit == "":
        return DEFAULT_PULL
    if isinstance(limit, bool):
        raise EnvelopeInvalid(errors={"limit": [LIMIT_INVALID]})
    if isinstance(limit, str) and re.fullmatch(r"[0-9]{1,9}", limit):
        limit = int(limit)
    if not isinstance(limit, int) or limit < 1:
        raise EnvelopeInvalid(errors={"limit": [LIMIT_INVALID]})
    return min(limit, MAX_PULL)


def parse_pull(cursor: str | None = None, limit: Any = None, schema_version: Any = None) -> PullRequest:
    """Read the pull parameters. ``schema_version`` is checked when given (426 when too old)."""
    if schema_version is not None:
        check_schema_version(schema_version)
    return PullRequest(after=decode_cursor(cursor), limit=parse_limit(limit))


def page(rows: Sequence[Change], request: PullRequest) -> dict[str, Any]:
    """The response for rows fetched with ``seq > request.after``, ascending, at most ``limit + 1`` of them."""
    previous = request.after
    for row in rows[: request.limit + 1]:
        if row.seq <= previous:
            raise ValueError(f"change log rows must have ascending seq above {request.after}; got {row.seq} "
                             f"after {previous}")
        previous = row.seq
    returned = rows[: request.limit]
    last = returned[-1].seq if returned else request.after
    return {"schema_version": SCHEMA_VERSION, "changes": [row.to_dict() for row in returned],
            "cursor": encode_cursor(last), "more": len(rows) > request.limit}


def pull(fetch: Callable[[int, int], Sequence[Change]], *, cursor: str | None = None, limit: Any = None,
         schema_version: Any = None) -> dict[str, Any]:
    """One page of changes. ``fetch(after, n)`` returns up to n changes with seq > after, ascending."""
    request = parse_pull(cursor, limit, schema_version)
    return page(fetch(request.after, request.limit + 1), request)
