"""Devices: each login registers the phone or computer it came from; a coordinator can revoke one,
and a revoked device wipes what it holds the next time it contacts the server."""
from flask import Blueprint

bp = Blueprint("devices", __name__, url_prefix="/apparaten")
