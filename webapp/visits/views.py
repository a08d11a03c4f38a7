from __future__ import annotations

import datetime as dt
import uuid

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.access import require, roles_required
from webapp.api.sync import push_from_form
from webapp.auth.models import Role
from webapp.clients.permissions import can_read_client
from webapp.clients.services import get_client
from webapp.contacts.hours import AMSTERDAM
from webapp.db import db, utcnow
from webapp.visits import bp
from webapp.visits.models import Visit
from webapp.visits.services import CHECKLIST, open_visits


@bp.get("/")
@roles_required(Role.HULPVERLENER, Role.COORDINATOR)
def index():
    """Who is inside where, and who is overdue: the team's (or organisation's) open visits."""
    visits = open_visits(current_user)
    response = make_response(render_template("visits/index.html", visits=visits, now=utcnow()))
    response.headers["Cache-Control"] = "no-store"
    return response


def _client_for_form(public_id):
    client = get_client(public_id)
    if client is None:
        abort(404)
    require(can_read_client(current_user, client), obj=client, client=client, reason="client outside the caseload")
    return client


def _done(client, result, message):
    if result["status"] == "applied":
        flash(message)
        return redirect(url_for("clients.show", public_id=client.public_id) + "#bezoek", code=303)
    from webapp.clients.views import render_client_page

    return render_client_page(client, 422, visit_errors=result.get("errors") or {"_": [result.get("reason", "")]})


@bp.post("/clienten/<public_id>/plannen")
@roles_required(Role.HULPVERLENER)
def plan(public_id):
    client = _client_for_form(public_id)
    checklist = {key: bool(request.form.get(key)) for key, _label, _src in CHECKLIST if key != "wijkagent_antwoord"}
    answer = request.form.get("wijkagent_antwoord", "")
    if answer:
        checklist["wijkagent_antwoord"] = answer
    planned = request.form.get("planned_at", "")
    try:
        planned_at = dt.datetime.fromisoformat(planned).replace(tzinfo=AMSTERDAM).astimezone(dt.timezone.utc).isoformat()
    except ValueError:
        planned_at = planned  # the protocol's check gives the Dutch message
    result = push_from_form(current_user, "visit.plan", {"visit_id": str(uuid.uuid4()), "client_id": client.public_id,
                                                         "planned_at": planned_at, "checklist": checklist})
    return _done(client, result, "Het huisbezoek is gepland.")


def _visit_client(visit_id):
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        abort(404)
    return visit, _client_for_form(visit.client.public_id)


@bp.post("/<visit_id>/binnen")
@roles_required(Role.HULPVERLENER)
def checkin(visit_id):
    visit, client = _visit_client(visit_id)
    minutes = request.form.get("expected_minutes", "")
    result = push_from_form(current_user, "visit.checkin", {
        "visit_id": visit.id, "at": utcnow().isoformat(), "expected_minutes": int(minutes) if minutes.isdigit() else minutes})
    return _done(client, result, "Je bent binnen gemeld. Meld je af als je buiten bent.")


@bp.post("/<visit_id>/buiten")
@roles_required(Role.HULPVERLENER)
def checkout(visit_id):
    visit, client = _visit_client(visit_id)
    result = push_from_form(current_user, "visit.checkout", {"visit_id": visit.id, "at": utcnow().isoformat()})
    return _done(client, result, "Je bent buiten gemeld.")
