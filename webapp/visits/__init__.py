"""Huisbezoeken: a pre-visit checklist, check-in ("binnen") and check-out ("buiten"), and an alert
when a colleague does not come out in time."""
from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/bezoeken")
