"""Contactenboek: the region's directory of people and functions."""
from flask import Blueprint

bp = Blueprint("contacts", __name__, url_prefix="/contacten")
