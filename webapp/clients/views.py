from flask import render_template

from webapp.access import roles_required
from webapp.auth.models import Role
from webapp.clients import bp


@bp.get("/clienten/")
@roles_required(Role.HULPVERLENER, Role.COORDINATOR)
def index():
    return render_template("clients/index.html")


@bp.get("/aop/")
@roles_required(Role.WIJKAGENT)
def lookup():
    return render_template("clients/lookup.html")
