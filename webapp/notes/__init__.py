"""Veldnotities: notes written at the door, offline first."""
from flask import Blueprint

bp = Blueprint("notes", __name__, url_prefix="/notities")
