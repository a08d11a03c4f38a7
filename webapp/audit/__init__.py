"""The audit log (NEN 7513): who did what, to which object and client, when, from where, with what outcome."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/logboek")
