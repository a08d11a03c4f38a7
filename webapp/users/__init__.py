"""Users of the coordinator's own organisation: who has access, when they last logged in, disable or enable."""
from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/gebruikers")
