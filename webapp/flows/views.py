from flask import make_response, render_template
from flask_login import login_required

from webapp.flows import bp
from webapp.security import OFFLINE_HEADER


@bp.get("/")
@login_required
def index():
    response = make_response(render_template("flows/index.html"))
    response.headers[OFFLINE_HEADER] = "keep"
    return response
