from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.access import require, roles_required
from webapp.api.sync import push_from_form
from webapp.auth.models import Role
from webapp.clients.permissions import can_read_client
from webapp.clients.services import caseload, get_client
from webapp.db import utcnow
from webapp.notes import bp
from webapp.notes.services import recent_team_notes


def personal(html, status=200):
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@roles_required(Role.HULPVERLENER, Role.COORDINATOR)
def index():
    """The team's recent notes (a coordinator: the organisation's); the phone adds the unsent ones."""
    from webapp.clients.services import record_read

    notes = recent_team_notes(current_user)
    for client in {n.client.id: n.client for n in notes}.values():
        record_read(client, what="notes")
    return personal(render_template("notes/index.html", notes=notes,
                                    clients=caseload(current_user) if current_user.role == Role.HULPVERLENER else []))


@bp.post("/clienten/<public_id>")
@roles_required(Role.HULPVERLENER)
def create(public_id):
    """The note form without JavaScript: the same protocol and checks as the phone's outbox."""
    client = get_client(public_id)
    if client is None:
        abort(404)
    require(can_read_client(current_user, client), obj=client, client=client, reason="client outside the caseload")
    payload = {"client_id": client.public_id, "kind": request.form.get("kind", ""), "text": request.form.get("text", ""),
               "written_at": utcnow().isoformat()}
    for optional in ("visit_id", "supersedes"):
        if request.form.get(optional):
            payload[optional] = request.form[optional]
    result = push_from_form(current_user, "note.create", payload)
    if result["status"] != "applied":
        from webapp.clients.views import render_client_page

        return render_client_page(client, 422, note_errors=result.get("errors") or {"_": [result.get("reason", "")]},
                                  note_form=request.form)
    flash("De notitie is opgeslagen.")
    return redirect(url_for("clients.show", public_id=public_id) + "#notities", code=303)
