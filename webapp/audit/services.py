"""The one function every feature calls to write the audit log, and the coordinator's views of it."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import and_, or_, select

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


# -- reading the log (NEN 7513 views for coordinators) -----------------------------------------------
LOG_VIEW_LIMIT = 1000
DEFAULT_PERIOD_DAYS = 30


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Whole days in Dutch time, as UTC instants: [start 00:00, the day after end 00:00)."""
    from webapp.contacts.hours import AMSTERDAM

    lower = dt.datetime.combine(start, dt.time(), AMSTERDAM)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), AMSTERDAM)
    return lower.astimezone(dt.timezone.utc), upper.astimezone(dt.timezone.utc)


def _events(condition, start: dt.date, end: dt.date) -> tuple[list[AuditEvent], bool]:
    lower, upper = period_bounds(start, end)
    rows = db.session.scalars(select(AuditEvent).where(condition, AuditEvent.at >= lower, AuditEvent.at < upper)
                              .order_by(AuditEvent.at, AuditEvent.id).limit(LOG_VIEW_LIMIT + 1)).all()
    return rows[:LOG_VIEW_LIMIT], len(rows) > LOG_VIEW_LIMIT


def client_log(client, start: dt.date, end: dt.date) -> tuple[list[AuditEvent], bool]:
    """Everything done with one client's data in the period, oldest first; the reading is logged too."""
    events, more = _events(AuditEvent.client_id == client.id, start, end)
    record(AuditAction.READ, object_type="audit_events", client=client, reason="NEN 7513: logboek per cliënt",
           details={"scope": "client", "from": start.isoformat(), "to": end.isoformat(), "rows": len(events)})
    return events, more


def user_log(user, start: dt.date, end: dt.date, *, own: bool = False) -> tuple[list[AuditEvent], bool]:
    """What one employee did in the period, and the failed logins on their account. `own`: the
    employee reads their own log (DESIGN.md §3: everyone may read their own actions)."""
    failed_on_account = and_(AuditEvent.user_id.is_(None), AuditEvent.object_type == "users",
                             AuditEvent.object_id == str(user.id))
    events, more = _events(or_(AuditEvent.user_id == user.id, failed_on_account), start, end)
    record(AuditAction.READ, object_type="audit_events",
           reason="NEN 7513: eigen logboek" if own else "NEN 7513: logboek per medewerker",
           details={"scope": "own" if own else "user", "user_id": user.id, "username": user.username,
                    "from": start.isoformat(), "to": end.isoformat(), "rows": len(events)})
    return events, more
