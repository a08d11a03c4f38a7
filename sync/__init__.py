"""The sync protocol in pure Python: validate, apply, dedupe, cursor, tombstones. Never imports Flask.

- ``sync.protocol``: wire constants, canonical JSON and the content hash, parsing a push, errors
- ``sync.handlers``: the mutation types, their payload schemas, the registry
- ``sync.engine``: ``push`` and the store interface (``MutationStore``)
- ``sync.feed``: pull: cursors, page size, pages of the change log
- ``sync.memory``: the in-memory reference store
- ``sync.sqlstore``: the SQL store (the only module that imports SQLAlchemy; not imported here)

In the web app, per request (one transaction; commit before answering)::

    store = SqlMutationStore(db.session, SYNC_TABLES.mutations, user_id=user.id, last_seq=last_change_seq)
    try:
        response = push(store, request.get_json(silent=True), context, registry=REGISTRY,
                        after_item=audit_refusals)
        db.session.commit()
    except SyncError as exc:            # ClientTooOld 426, BatchTooLarge 413, StoreUnavailable 503, else 400
        db.session.rollback()
        return error_response(exc.http_status, exc.code, exc.message, exc.errors)

    response = pull(lambda after, n: changes_for(user, after, n), cursor=request.args.get("cursor"),
                    limit=request.args.get("limit"), schema_version=request.args.get("schema_version"))
"""
from sync.engine import ClaimResult, ItemOutcome, MutationStore, process_push, push
from sync.feed import Change, PullRequest, decode_cursor, encode_cursor, page, parse_limit, parse_pull, pull
from sync.handlers import MutationType, Registry, build_registry
from sync.protocol import (MAX_BATCH, MAX_PULL, MIN_SCHEMA_VERSION, SCHEMA_VERSION, BatchTooLarge, ClientTooOld,
                           CursorInvalid, EnvelopeInvalid, Mutation, NotCanonical, PushRequest, Rejected, Result,
                           Status, StoreUnavailable, SyncError, UnsupportedSchema, canonical_json, content_hash,
                           parse_push)

__all__ = [
    "MAX_BATCH", "MAX_PULL", "MIN_SCHEMA_VERSION", "SCHEMA_VERSION",
    "BatchTooLarge", "ClientTooOld", "CursorInvalid", "EnvelopeInvalid", "NotCanonical", "Rejected",
    "StoreUnavailable", "SyncError", "UnsupportedSchema",
    "Change", "ClaimResult", "ItemOutcome", "Mutation", "MutationStore", "MutationType", "PullRequest",
    "PushRequest", "Registry", "Result", "Status",
    "build_registry", "canonical_json", "content_hash", "decode_cursor", "encode_cursor", "page", "parse_limit",
    "parse_pull", "parse_push", "process_push", "pull", "push",
]
