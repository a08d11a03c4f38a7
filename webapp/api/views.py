from __future__ import annotations

from flask import current_app, jsonify, request
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from sync.feed import pull
from sync.protocol import SCHEMA_VERSION, SyncError
from webapp.access import roles_required
from webapp.api import bp
from webapp.api.changes import changes_for_team
from webapp.api.openapi import build_spec
from webapp.api.schemas import CaseloadSchema, DeviceShareSchema
from webapp.api.sync import begin_write_transaction, run_push
from webapp.auth.models import Role
from webapp.clients.offline import caseload_copy
from webapp.db import db
from webapp.errors import MESSAGES, render_error


def sync_error(exc: SyncError):
    """A refused push or pull, as JSON: the status the protocol says, a Dutch message, field errors."""
    title = MESSAGES.get(exc.http_status, MESSAGES[400])[0]
    body = {"status": exc.http_status, "title": title, "message": exc.message, "code": exc.code}
    if exc.errors:
        body["errors"] = exc.errors
    return jsonify(error=body), exc.http_status


@bp.get("/session")
@login_required
def session():
    """Who is logged in, and a fresh CSRF token: the phone asks for it right before it sends."""
    return jsonify(user={"username": current_user.username, "name": current_user.display_name,
                         "role": current_user.role.value}, csrf_token=generate_csrf(), schema_version=SCHEMA_VERSION)


@bp.post("/sync/push")
@roles_required(Role.HULPVERLENER)
def sync_push():
    body = request.get_json(silent=True)
    if body is None:
        return render_error(400, "Verwacht een JSON-object (Content-Type: application/json).")
    begin_write_transaction()
    try:
        response = run_push(current_user, body)
    except SyncError as exc:
        db.session.rollback()
        return sync_error(exc)
    db.session.commit()  # only what is stored is acknowledged
    return jsonify(response)


@bp.get("/sync/pull")
@roles_required(Role.HULPVERLENER)
def sync_pull():
    team_id = current_user.organisation_id
    try:
        page = pull(lambda after, n: changes_for_team(team_id, after, n), cursor=request.args.get("cursor"),
                    limit=request.args.get("limit"), schema_version=request.args.get("schema_version"))
    except SyncError as exc:
        return sync_error(exc)
    return jsonify(page)


@bp.get("/caseload")
@roles_required(Role.HULPVERLENER)
def caseload():
    """The hulpverlener's own caseload for offline use; `known` skips an unchanged copy."""
    known = request.args.get("known") or None
    return jsonify(CaseloadSchema().dump(caseload_copy(current_user, known)))


@bp.post("/device/share")
@login_required
def device_share():
    """The server's half of the phone's data key, for this device and only while it is not revoked."""
    from webapp.devices.services import device_from_cookie, key_share

    device = device_from_cookie()
    session_device = current_user.current_session.device_id if current_user.current_session else None
    if device is None or device.id != session_device or device.revoked_at is not None:
        return render_error(403, "Dit apparaat is niet (meer) bekend. Log opnieuw in.")
    # The phone may unlock without a connection for a while after this (README, "Data on the phone").
    return jsonify(DeviceShareSchema().dump({"share": key_share(device),
                                             "offline_unlock_hours": current_app.config["OFFLINE_UNLOCK_HOURS"],
                                             "offline_pin_attempts": current_app.config["OFFLINE_PIN_ATTEMPTS"]}))


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_spec())
