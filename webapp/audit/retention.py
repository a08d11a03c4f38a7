"""The retention rule (README.md, "Retention"): what is removed, and when.

- audit_events: kept RETENTION_AUDIT_DAYS (five years), the term NEN 7513 gives for the log of
  access to health data, so a client or the regulator can still ask "who saw my file" years later;
- login_failures: kept RETENTION_LOGIN_FAILURE_DAYS (30 days); throttling needs 15 minutes of them,
  the rest is only for spotting an attack, and every failure is in the audit log anyway;
- user_sessions that ended (or can no longer be used) RETENTION_SESSION_DAYS ago (90 days): they hold
  addresses and browsers, which the audit log keeps for the logins themselves.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select

from webapp.audit.models import AuditAction, AuditEvent
from webapp.audit.services import record
from webapp.auth.models import LoginFailure, UserSession
from webapp.db import db, utcnow


@dataclass
class RetentionRule:
    table: str
    days: int
    cutoff: dt.datetime
    rows: int = 0


def _rules(now: dt.datetime):
    cfg = current_app.config
    audit_days, failure_days, session_days = (cfg["RETENTION_AUDIT_DAYS"], cfg["RETENTION_LOGIN_FAILURE_DAYS"],
                                              cfg["RETENTION_SESSION_DAYS"])
    # A session that never ended is dead once it is older than the absolute lifetime.
    dead_since = now - dt.timedelta(days=session_days)
    session_old = or_(UserSession.ended_at < dead_since,
                      and_(UserSession.ended_at.is_(None),
                           UserSession.created_at < dead_since - dt.timedelta(hours=cfg["SESSION_MAX_HOURS"])))
    return [
        (RetentionRule("audit_events", audit_days, now - dt.timedelta(days=audit_days)), AuditEvent,
         lambda cutoff: AuditEvent.at < cutoff),
        (RetentionRule("login_failures", failure_days, now - dt.timedelta(days=failure_days)), LoginFailure,
         lambda cutoff: LoginFailure.at < cutoff),
        (RetentionRule("user_sessions", session_days, dead_since), UserSession, lambda cutoff: session_old),
    ]


def apply_retention(dry_run: bool = False) -> list[RetentionRule]:
    """Count (dry run) or delete what the rule says may go; a real run leaves an audit row of its own."""
    results = []
    for rule, model, condition in _rules(utcnow()):
        where = condition(rule.cutoff)
        if dry_run:
            rule.rows = db.session.scalar(select(func.count()).select_from(model).where(where))
        else:
            rule.rows = db.session.execute(delete(model).where(where).execution_options(
                synchronize_session=False)).rowcount
        results.append(rule)
    if not dry_run:
        record(AuditAction.DELETE, object_type="audit_events", reason="retention",
               details={r.table: {"rows": r.rows, "older_than": r.cutoff.isoformat()} for r in results})
    return results
