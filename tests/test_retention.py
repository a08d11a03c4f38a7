"""`flask retention apply`: removes only what is older than the rule allows; --dry-run removes nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from webapp.audit.models import AuditAction, AuditEvent, AuditOutcome
from webapp.auth.models import LoginFailure, UserSession, hash_token
from webapp.db import utcnow


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def aged_rows(app, demo):
    """For each table, one row just past its term and one just inside it."""
    db, cfg, now = demo.db, app.config, utcnow()
    user = demo.user("demo-hulpverlener")
    audit_days, failure_days, session_days = (cfg["RETENTION_AUDIT_DAYS"], cfg["RETENTION_LOGIN_FAILURE_DAYS"],
                                              cfg["RETENTION_SESSION_DAYS"])

    def audit(days, reason):
        return AuditEvent(at=now - dt.timedelta(days=days), action=AuditAction.READ, outcome=AuditOutcome.SUCCESS,
                          reason=reason)

    def session(token, created_days, ended_days=None):
        created = now - dt.timedelta(days=created_days)
        return UserSession(token_hash=hash_token(token), user=user, created_at=created, last_seen_at=created,
                           ended_at=None if ended_days is None else now - dt.timedelta(days=ended_days),
                           end_reason=None if ended_days is None else "logout")

    db.session.add_all([
        audit(audit_days + 1, "too old"), audit(audit_days - 1, "kept"),
        LoginFailure(key="user:old", at=now - dt.timedelta(days=failure_days + 1)),
        LoginFailure(key="user:recent", at=now - dt.timedelta(days=failure_days - 1)),
        session("ended-long-ago", session_days + 5, ended_days=session_days + 1),
        session("ended-recently", session_days + 5, ended_days=session_days - 1),
        session("never-ended-but-dead", session_days + 2),
        session("live", 0),
    ])
    db.session.commit()
    return db


def test_a_dry_run_counts_and_removes_nothing(app, aged_rows):
    db = aged_rows
    result = app.test_cli_runner().invoke(args=["retention", "apply", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "audit_events: would remove 1 row(s)" in result.output
    assert "login_failures: would remove 1 row(s)" in result.output
    assert "user_sessions: would remove 2 row(s)" in result.output
    db.session.expire_all()
    assert (count(db, AuditEvent), count(db, LoginFailure), count(db, UserSession)) == (2, 2, 4)


def test_the_real_run_removes_only_old_rows_and_logs_itself(app, aged_rows):
    db = aged_rows
    result = app.test_cli_runner().invoke(args=["retention", "apply"])
    assert result.exit_code == 0, result.output
    assert "audit_events: removed 1 row(s)" in result.output
    assert "login_failures: removed 1 row(s)" in result.output
    assert "user_sessions: removed 2 row(s)" in result.output
    db.session.expire_all()
    reasons = db.session.scalars(select(AuditEvent.reason).order_by(AuditEvent.id)).all()
    assert reasons == ["kept", "retention"]
    assert db.session.scalars(select(LoginFailure.key)).all() == ["user:recent"]
    kept = {s.token_hash for s in db.session.scalars(select(UserSession))}
    assert kept == {hash_token("ended-recently"), hash_token("live")}
    run = db.session.scalar(select(AuditEvent).where(AuditEvent.reason == "retention"))
    assert run.action == AuditAction.DELETE and run.details["audit_events"]["rows"] == 1

    again = app.test_cli_runner().invoke(args=["retention", "apply"])
    assert "audit_events: removed 0 row(s)" in again.output
