from flask import render_template

from webapp.access import roles_required
from webapp.auth.models import Role
from webapp.notes import bp


@bp.get("/")
@roles_required(Role.HULPVERLENER, Role.COORDINATOR)
def index():
    return render_template("notes/index.html")
