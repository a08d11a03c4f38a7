"""The wire format of push and pull: constants, the envelope, mutations, results, errors, the content hash.

Canonical JSON and the content hash (the JavaScript client computes the same)
-----------------------------------------------------------------------------
Every mutation carries ``hash``: the lowercase hex SHA-256 of the UTF-8 bytes of the
canonical JSON of ``{"type": <type>, "schema_version": <int>, "payload": <payload>}``.
Nothing else of the mutation (not its id, not device_time) is part of the hash.

Canonical JSON is what Python writes with
``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``:

- object keys sorted, at every depth, by Unicode code point. The payload keys the
  server accepts are ASCII names that start with a letter, so JavaScript agrees:
  its default ``sort()`` compares UTF-16 units (the same for ASCII), and its objects
  put integer-like keys ("9", "10") first in numeric order whatever the insertion
  order, which is why such keys are never accepted;
- no whitespace at all: ``,`` between items, ``:`` between key and value;
- strings written as-is, non-ASCII included ("é" stays "é", not ``\\u00e9``); only
  ``"``, ``\\`` and control characters below U+0020 are escaped, exactly as
  ``JSON.stringify`` escapes them (``\\n``, ``\\t``, ``\\u001f``, lowercase hex);
- only strings, integers, ``true``, ``false``, ``null``, arrays and objects. No
  fractional numbers: float formatting differs between languages, so a payload with
  one is rejected. Integers must lie within ±(2**53 - 1) so JavaScript holds them
  exactly. Strings must be valid Unicode (no lone surrogates).

In JavaScript (checked against this module with Node 20)::

    const sorted = (v) => Array.isArray(v) ? v.map(sorted)
      : v && typeof v === "object"
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v;
    const json = JSON.stringify(sorted({type, schema_version, payload}));
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(json));
    const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");

Test vector (also in tests/sync/test_protocol.py)::

    type "note.create", schema_version 1,
    payload {"text": "Café", "client_id": "c-1", "nested": {"b": 1, "a": [true, null, "é"]}}
    canonical: {"payload":{"client_id":"c-1","nested":{"a":[true,null,"é"],"b":1},"text":"Café"},"schema_version":1,"type":"note.create"}
    sha256:    e8aa6c2de886d3b236efe56882c49377c741cf8eebed51a190e5be650bf11347

Identifiers (mutation ``id``, envelope ``device_id``) are UUIDs in canonical form:
lowercase, hyphenated, 36 characters (what ``crypto.randomUUID()`` returns).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Mapping, NamedTuple

SCHEMA_VERSION = 1
MIN_SCHEMA_VERSION = 1
MAX_BATCH = 100
DEFAULT_PULL = 200
MAX_PULL = 500
# JavaScript numbers hold integers exactly only up to here.
MAX_SAFE_INTEGER = 2**53 - 1
MAX_TYPE_LENGTH = 64

HEX_SHA256 = re.compile(r"[0-9a-f]{64}")

FieldErrors = Mapping[str, list[str]]


# -- errors -------------------------------------------------------------------------------------

class SyncError(Exception):
    """The whole request is refused. ``http_status`` and ``code`` tell the web layer how to answer."""

    http_status: ClassVar[int] = 400
    code: ClassVar[str] = "sync_error"
    default_message: ClassVar[str] = "Dit verzoek klopt niet."

    def __init__(self, message: str | None = None, errors: FieldErrors | None = None):
        self.message = message or self.default_message
        self.errors = dict(errors or {})
        super().__init__(self.message)


class ClientTooOld(SyncError):
    http_status = 426
    code = "client_too_old"
    default_message = "Deze versie van de app is te oud. Laad de pagina opnieuw om de app bij te werken."


class UnsupportedSchema(SyncError):
    http_status = 400
    code = "unsupported_schema"
    default_message = "Deze versie van de app is nieuwer dan de server. Probeer het later opnieuw."


class BatchTooLarge(SyncError):
    http_status = 413
    code = "batch_too_large"
    default_message = f"Te veel wijzigingen in één keer: maximaal {MAX_BATCH} per verzoek."


class EnvelopeInvalid(SyncError):
    http_status = 400
    code = "envelope_invalid"
    default_message = "Dit verzoek klopt niet. Controleer de velden."


class CursorInvalid(SyncError):
    http_status = 400
    code = "cursor_invalid"
    default_message = "De synchronisatiepositie is ongeldig. Synchroniseer opnieuw vanaf het begin."


class StoreUnavailable(SyncError):
    """The database failed in a way that is not the item's fault (locked, deadlock, serialization
    failure, connection lost). The whole request fails, nothing is committed, the client retries."""

    http_status = 503
    code = "store_unavailable"
    default_message = "De server is even niet bereikbaar. Je items blijven bewaard en worden later verstuurd."


class Rejected(Exception):
    """One mutation is refused with a reason a person can read; the rest of the batch goes on.

    Raised by the engine for invalid items, and by the web app's ``apply`` functions,
    e.g. when the client is not in the user's caseload. Everything the item wrote,
    its claim included, is rolled back, so a later valid resend can still be applied.
    """

    def __init__(self, reason: str, errors: FieldErrors | None = None):
        self.reason = reason
        self.errors = dict(errors) if errors else None
        super().__init__(reason)


class NotCanonical(ValueError):
    """A value that canonical JSON does not allow (a float, a huge integer, a lone surrogate, ...)."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path or '<root>'}: {problem}")


# -- canonical JSON and the content hash ---------------------------------------------------------

def canonical_json(obj: Any) -> str:
    _check_canonical(obj, "")
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(mutation: Mapping[str, Any]) -> str:
    """The hash of a mutation as sent on the wire: of its type, schema_version and payload only."""
    content = {"type": mutation["type"], "schema_version": mutation["schema_version"],
               "payload": mutation["payload"]}
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _check_canonical(value: Any, path: str) -> None:
    # bool before int: bool is a subclass of int and is fine as itself.
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        _check_string(value, path)
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise NotCanonical(path, "integer outside ±(2**53 - 1)")
    elif isinstance(value, float):
        raise NotCanonical(path, "fractional numbers are not allowed")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_canonical(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotCanonical(path, "object keys must be strings")
            _check_string(key, path)
            _check_canonical(item, f"{path}.{key}" if path else key)
    else:
        raise NotCanonical(path, f"{type(value).__name__} is not a JSON value")


def _check_string(value: str, path: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise NotCanonical(path, "string is not valid Unicode (lone surrogate)") from None


# -- mutations and results -----------------------------------------------------------------------

class Status(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Mutation:
    """One item of a push, checked for shape and hash; its payload is not validated yet.

    ``data`` is the payload as loaded by the type's schema (timestamps as aware UTC
    datetimes, defaults filled in). The engine sets it before calling ``apply``.
    """

    id: str
    type: str
    schema_version: int
    hash: str
    device_time: dt.datetime
    payload: Mapping[str, Any]
    device_id: str
    data: Mapping[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Result:
    id: str | None
    status: Status
    reason: str | None = None
    errors: FieldErrors | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status.value}
        if self.reason is not None:
            out["reason"] = self.reason
        if self.errors:
            out["errors"] = {key: list(messages) for key, messages in self.errors.items()}
        return out


class PushRequest(NamedTuple):
    device_id: str
    # (index in the request, the mutation or the rejection for an item that could not be read)
    items: list[tuple[int, Mutation | Result]]


# -- parsing a push ----------------------------------------------------------------------------

ITEM_INVALID = "Dit item is onvolledig of klopt niet. Het blijft op je telefoon bewaard."
ITEM_NOT_OBJECT = "Dit item is geen JSON-object en kan niet worden verwerkt."
HASH_MISMATCH = ("De controlecode (hash) van dit item past niet bij de inhoud: het is onderweg veranderd "
                 "of de app rekende verkeerd. Het blijft op je telefoon bewaard.")
NOT_CANONICAL = ("Dit item bevat een waarde die de server niet kan controleren (bijvoorbeeld een kommagetal "
                 "of een heel groot getal). Het blijft op je telefoon bewaard.")

MSG = {
    "body": "Verwacht een JSON-object.",
    "schema_version.missing": "Geef de versie van het protocol mee.",
    "schema_version.invalid": "De versie van het protocol moet een geheel getal zijn.",
    "device_id.missing": "Geef de id van dit apparaat mee.",
    "device_id.invalid": "De id van dit apparaat is geen geldige UUID (kleine letters, met streepjes).",
    "mutations.missing": "Geef de lijst met wijzigingen mee.",
    "mutations.invalid": "De wijzigingen moeten een lijst zijn.",
    "id.missing": "Dit item heeft geen id.",
    "id.invalid": "De id van dit item is geen geldige UUID (kleine letters, met streepjes).",
    "type.invalid": "Geef het soort wijziging mee.",
    "item_version.invalid": "Geef de versie van dit item mee als geheel getal.",
    "hash.invalid": "Geef de controlecode (hash) mee: 64 tekens, 0-9 en a-f.",
    "device_time.invalid": ("Geef het tijdstip op het apparaat mee als datum en tijd met tijdzone, "
                            "zoals 2026-11-23T14:05:00.000Z."),
    "payload.invalid": "De inhoud (payload) moet een JSON-object zijn.",
    "value.not_canonical": "Deze waarde kan de server niet controleren: gebruik een heel getal of tekst.",
}


def parse_push(body: Any) -> PushRequest:
    """Check the envelope (raising a SyncError) and read each item (a bad item becomes a rejection)."""
    if not isinstance(body, dict):
        raise EnvelopeInvalid(errors={"_schema": [MSG["body"]]})
    check_schema_version(body.get("schema_version"), present="schema_version" in body)

    errors: dict[str, list[str]] = {}
    device_id = body.get("device_id")
    if "device_id" not in body:
        errors["device_id"] = [MSG["device_id.missing"]]
    elif not is_canonical_uuid(device_id):
        errors["device_id"] = [MSG["device_id.invalid"]]
    mutations = body.get("mutations")
    if "mutations" not in body:
        errors["mutations"] = [MSG["mutations.missing"]]
    elif not isinstance(mutations, list):
        errors["mutations"] = [MSG["mutations.invalid"]]
    if errors:
        raise EnvelopeInvalid(errors=errors)
    if len(mutations) > MAX_BATCH:
        raise BatchTooLarge()
    return PushRequest(device_id, [(i, parse_mutation(item, device_id)) for i, item in enumerate(mutations)])


def check_schema_version(value: Any, *, present: bool = True) -> int:
    """The protocol version of a push or pull: 426 below the minimum, 400 above ours."""
    if not present or value is None:
        raise EnvelopeInvalid(errors={"schema_version": [MSG["schema_version.missing"]]})
    version = _as_int(value)
    if version is None:
        raise EnvelopeInvalid(errors={"schema_version": [MSG["schema_version.invalid"]]})
    if version < MIN_SCHEMA_VERSION:
        raise ClientTooOld()
    if version > SCHEMA_VERSION:
        raise UnsupportedSchema()
    return version


def parse_mutation(item: Any, device_id: str) -> Mutation | Result:
    if not isinstance(item, dict):
        return Result(None, Status.REJECTED, ITEM_NOT_OBJECT)
    raw_id = item.get("id")
    result_id = raw_id if isinstance(raw_id, str) else None

    errors: dict[str, list[str]] = {}
    if raw_id is None:
        errors["id"] = [MSG["id.missing"]]
    elif not is_canonical_uuid(raw_id):
        errors["id"] = [MSG["id.invalid"]]
    type_ = item.get("type")
    if not isinstance(type_, str) or not type_ or len(type_) > MAX_TYPE_LENGTH:
        errors["type"] = [MSG["type.invalid"]]
    version = item.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        errors["schema_version"] = [MSG["item_version.invalid"]]
    hash_ = item.get("hash")
    if not isinstance(hash_, str) or not HEX_SHA256.fullmatch(hash_):
        errors["hash"] = [MSG["hash.invalid"]]
    device_time = parse_timestamp(item.get("device_time"))
    if device_time is None:
        errors["device_time"] = [MSG["device_time.invalid"]]
    payload = item.get("payload")
    if not isinstance(payload, dict):
        errors["payload"] = [MSG["payload.invalid"]]
    if errors:
        return Result(result_id, Status.REJECTED, ITEM_INVALID, errors)

    # The hash is checked before deduplication: "duplicate" must only ever be answered for
    # content that really is what the client says it is.
    try:
        expected = content_hash(item)
    except NotCanonical as exc:
        # The path starts at the hashed content, so it reads "payload.<field>".
        return Result(result_id, Status.REJECTED, NOT_CANONICAL, {exc.path: [MSG["value.not_canonical"]]})
    if expected != hash_:
        return Result(result_id, Status.REJECTED, HASH_MISMATCH)
    return Mutation(id=raw_id, type=type_, schema_version=version, hash=hash_, device_time=device_time,
                    payload=payload, device_id=device_id)


def is_canonical_uuid(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def parse_timestamp(value: Any) -> dt.datetime | None:
    """An ISO-8601 date and time with a time zone, as aware UTC; None when it is not one."""
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    try:
        return parsed.astimezone(dt.timezone.utc)
    except OverflowError:   # e.g. 0001-01-01T00:00:00+01:00 has no UTC time
        return None


def _as_int(value: Any) -> int | None:
    """An integer, or the decimal digits of one (query strings arrive as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value):
        return int(value)
    return None
