"""The web app's side of the sync protocol: the mutation types it applies, and running a push."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from flask import request

from sync.engine import ItemOutcome, push
from sync.handlers import build_registry
from sync.protocol import SCHEMA_VERSION, Status, content_hash
from sync.sqlstore import SqlMutationStore
from webapp.api.changes import last_seq_for_team
from webapp.api.models import SYNC_TABLES
from webapp.audit.models import AuditAction, AuditOutcome
from webapp.audit.services import record
from webapp.db import db, utcnow
from webapp.incidents.services import apply_incident_create
from webapp.notes.services import apply_note_create
from webapp.visits.services import apply_visit_checkin, apply_visit_checkout, apply_visit_plan

REGISTRY = build_registry({
    "note.create": apply_note_create,
    "visit.plan": apply_visit_plan,
    "visit.checkin": apply_visit_checkin,
    "visit.checkout": apply_visit_checkout,
    "incident.create": apply_incident_create,
})
# The plain (no JavaScript) forms push through the same path, as this "device".
FORM_DEVICE = "00000000-0000-4000-8000-00000000f0f0"


@dataclass(frozen=True)
class SyncContext:
    user: object


def begin_write_transaction() -> None:
    """Start the push's transaction as a writer (SQLite: BEGIN IMMEDIATE), so concurrent pushes
    queue on the lock instead of failing half-way. The read transaction of loading the user is
    ended first (rolled back: committing it could itself lose a lock race)."""
    db.session.rollback()
    db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def _audit_refusal(outcome: ItemOutcome) -> None:
    if outcome.result.status in (Status.REJECTED, Status.CONFLICT) and outcome.mutation is not None:
        record(AuditAction.CREATE, object_type="sync_mutations", object_id=outcome.mutation.id,
               outcome=AuditOutcome.FAILURE if outcome.result.status == Status.REJECTED else AuditOutcome.DENIED,
               reason=outcome.result.reason, details={"type": outcome.mutation.type, "status": outcome.result.status.value})


def run_push(user, body) -> dict:
    store = SqlMutationStore(db.session, SYNC_TABLES.mutations, user_id=user.id,
                             last_seq=lambda: last_seq_for_team(user.organisation_id), now=utcnow)
    return push(store, body, SyncContext(user), registry=REGISTRY, after_item=_audit_refusal)


def push_from_form(user, mutation_type: str, payload: dict) -> dict:
    """One mutation from a plain HTML form, through the same checks as the phone's outbox."""
    mutation = {"id": str(uuid.uuid4()), "type": mutation_type, "schema_version": 1,
                "device_time": utcnow().isoformat(), "payload": payload}
    mutation["hash"] = content_hash(mutation)
    begin_write_transaction()
    response = run_push(user, {"schema_version": SCHEMA_VERSION, "device_id": FORM_DEVICE, "mutations": [mutation]})
    return response["results"][0]


def iso_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()
