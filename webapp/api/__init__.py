"""The JSON API under /api/v1, described by /api/v1/openapi.json."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from webapp.ratelimit import api_limit  # noqa: E402

api_limit(bp)  # every route under /api/v1, per user when logged in, else per address
