from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from webapp.access import roles_required
from webapp.api import bp
from webapp.api.openapi import build_spec
from webapp.api.schemas import CaseloadSchema
from webapp.auth.models import Role
from webapp.clients.offline import caseload_copy


@bp.get("/caseload")
@roles_required(Role.HULPVERLENER)
def caseload():
    """The hulpverlener's own caseload for offline use; `known` skips an unchanged copy."""
    known = request.args.get("known") or None
    return jsonify(CaseloadSchema().dump(caseload_copy(current_user, known)))


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_spec())
