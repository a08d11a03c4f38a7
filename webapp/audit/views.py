from __future__ import annotations

import datetime as dt

from flask import abort, make_response, render_template, request
from flask_login import current_user, login_required

from webapp.access import require, roles_required
from webapp.audit import bp
from webapp.audit.forms import PeriodForm
from webapp.audit.labels import ACTIONS, OBJECTS, OUTCOMES
from webapp.audit.permissions import can_read_client_log, can_read_user_log
from webapp.audit.services import DEFAULT_PERIOD_DAYS, LOG_VIEW_LIMIT, client_log, user_log
from webapp.auth.models import Role, User
from webapp.clients.services import caseload, get_client, today
from webapp.db import db
from webapp.users.services import organisation_users


def _period_form() -> PeriodForm:
    form = PeriodForm(request.args)
    if not request.args.get("start") and not request.args.get("end"):
        form.end.data = today()
        form.start.data = form.end.data - dt.timedelta(days=DEFAULT_PERIOD_DAYS)
    return form


def _render_log(template, form, load, **context):
    """Validate the period, load the rows (which logs the reading), render; 422 for a wrong period."""
    if not form.validate():
        events, more, status = [], False, 422
    else:
        start = form.start.data or dt.date(2000, 1, 1)
        end = form.end.data or today()
        events, more = load(start, end)
        status = 200
    response = make_response(render_template(template, form=form, events=events, more=more, limit=LOG_VIEW_LIMIT,
                                             actions=ACTIONS, outcomes=OUTCOMES, objects=OBJECTS, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@roles_required(Role.COORDINATOR)
def index():
    return render_template("audit/index.html", users=organisation_users(current_user),
                           clients=caseload(current_user) if current_user.is_care else [],
                           organisation=current_user.organisation.root)


@bp.get("/clienten/<public_id>")
@roles_required(Role.COORDINATOR)
def client(public_id):
    found = get_client(public_id) or abort(404)
    require(can_read_client_log(current_user, found), obj=found, client=found,
            reason="audit log of a client outside the coordinator's organisation")
    return _render_log("audit/client.html", _period_form(), lambda s, e: client_log(found, s, e), client=found)


@bp.get("/gebruikers/<int:user_id>")
@roles_required(Role.COORDINATOR)
def user(user_id):
    employee = db.session.get(User, user_id) or abort(404)
    require(can_read_user_log(current_user, employee), obj=employee,
            reason="audit log of a user of another organisation")
    return _render_log("audit/user.html", _period_form(), lambda s, e: user_log(employee, s, e), employee=employee)


@bp.get("/mijn")
@login_required
def own():
    """Every user's own actions, and the failed logins on their account; the reading is logged too."""
    return _render_log("audit/own.html", _period_form(), lambda s, e: user_log(current_user, s, e, own=True))
