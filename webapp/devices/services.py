"""Registering, revoking and wiping devices."""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app, g, request
from sqlalchemy import select

from webapp.audit.models import AuditAction
from webapp.audit.services import record
from webapp.auth.models import UserSession
from webapp.db import db, utcnow
from webapp.devices.models import Device

COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest browsers allow


def cookie_name() -> str:
    # __Host-: only over HTTPS, for this host, path / (production); plain in development.
    return "__Host-veldwijzer-device" if current_app.config["PRODUCTION"] else "veldwijzer_device"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _label() -> str:
    agent = request.user_agent
    parts = [p for p in (agent.platform, agent.browser) if p]
    return (" · ".join(parts) or (agent.string or "onbekend apparaat"))[:120]


def device_from_cookie() -> Device | None:
    token = request.cookies.get(cookie_name())
    if not token:
        return None
    return db.session.scalar(select(Device).where(Device.token_hash == _hash(token)))


def attach_device(session: UserSession) -> Device:
    """At login: the device this browser already is for this user, or a new one (cookie set after the request)."""
    user = session.user
    device = device_from_cookie()
    if device is None or device.user_id != user.id or device.revoked_at is not None:
        token = secrets.token_urlsafe(32)
        device = Device(token_hash=_hash(token), user_id=user.id, label=_label())
        db.session.add(device)
        g.new_device_token = token
    device.last_seen_at = utcnow()
    db.session.flush()
    session.device_id = device.id
    return device


def key_share(device: Device) -> str:
    """The server's half of the phone's data key, made on first use (webapp/static/js/vault.js)."""
    if device.key_share is None:
        device.key_share = secrets.token_hex(32)
        db.session.flush()
    record(AuditAction.READ, obj=device, reason="key share for the phone's data key")
    return device.key_share


def revoke(device: Device, actor) -> int:
    """Revoke: the key share is deleted (the phone's data cannot be opened again), its sessions end,
    and the next time it contacts the server it is told to wipe."""
    from webapp.auth.services import end_session

    device.revoked_at, device.revoked_by_id, device.key_share = utcnow(), actor.id, None
    sessions = db.session.scalars(select(UserSession).where(UserSession.device_id == device.id,
                                                            UserSession.ended_at.is_(None))).all()
    for s in sessions:
        end_session(s, "device revoked")
    db.session.flush()
    record(AuditAction.UPDATE, obj=device, reason="device revoked", details={"user_id": device.user_id,
                                                                           "sessions_ended": len(sessions)})
    return len(sessions)


def organisation_devices(user) -> list[Device]:
    from webapp.auth.models import User

    unit_ids = user.organisation.root.unit_ids()
    return db.session.scalars(select(Device).join(User, User.id == Device.user_id)
                              .where(User.organisation_id.in_(unit_ids))
                              .order_by(Device.revoked_at.is_not(None), Device.last_seen_at.desc())).all()


def register(app) -> None:
    """Hooks: the cookie of a new device is set; a revoked device is told to wipe, once."""
    from flask import jsonify, redirect, url_for

    @app.before_request
    def revoked_device_wipes():
        if request.endpoint in (None, "static", "shell.service_worker", "shell.health"):
            return None
        device = device_from_cookie()
        if device is None or device.revoked_at is None:
            return None
        if device.wiped_at is None:
            device.wiped_at = utcnow()
            record(AuditAction.DELETE, obj=device, reason="revoked device told to wipe its data",
                   details={"user_id": device.user_id})
        if request.path.startswith("/api/"):
            response = jsonify(error={"status": 401, "code": "device_revoked", "title": "Apparaat ingetrokken",
                                      "message": "Dit apparaat is ingetrokken. Alle gegevens op dit apparaat worden gewist."})
            response.status_code = 401
        else:
            response = redirect(url_for("auth.login", ingetrokken=1))
        # The browser clears its storage, caches and service worker; the app's own code does too.
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
        response.delete_cookie(cookie_name(), path="/")
        return response

    @app.after_request
    def set_device_cookie(response):
        token = g.pop("new_device_token", None)
        if token:
            response.set_cookie(cookie_name(), token, max_age=COOKIE_MAX_AGE, path="/", httponly=True,
                                secure=app.config["PRODUCTION"], samesite="Lax")
        return response
