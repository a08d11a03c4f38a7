"""The one function every feature calls to write the audit log."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from webapp.audit.models import AuditAction, AuditEvent, AuditOutcome
from webapp.db import db


def record(
    action: AuditAction,
    *,
    obj: Any = None,
    object_type: str | None = None,
    object_id: Any = None,
    client: Any = None,
    client_id: int | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    reason: str | None = None,
    details: dict | None = None,
    user: Any = None,
) -> AuditEvent:
    """Add an audit row to the current transaction.

    It is flushed with the change or read it describes, so both are committed or
    neither is. ``obj`` fills object_type/object_id from a model instance.
    """
    if user is None and has_request_context() and current_user and current_user.is_authenticated:
        user = current_user._get_current_object()
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    if client is not None:
        client_id = client.id

    event = AuditEvent(
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        client_id=client_id,
        outcome=outcome,
        reason=reason,
        details=details,
    )
    if user is not None:
        event.user_id = user.id
        event.username = user.username
        event.role = user.role
        event.organisation_id = user.organisation_id
        event.organisation_name = user.organisation.name
    if has_request_context():
        event.ip = client_address()
        event.user_agent = (request.user_agent.string or "")[:255] or None
        event.route = request.endpoint
    db.session.add(event)
    db.session.flush()
    return event


def client_address() -> str | None:
    # Behind the shipped nginx, ProxyFix has already put the client's address here.
    return request.remote_addr
