"""Incidents: register (also offline), aangifte, the joint evaluation of stap 6, follow-up actions,
missing clients and their terugmelding, and the coordinator's overview."""
from flask import Blueprint

bp = Blueprint("incidents", __name__, url_prefix="/incidenten")
