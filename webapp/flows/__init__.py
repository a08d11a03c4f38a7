"""Stappenplan: decision flows as versioned data, ending in the right number to call."""
from flask import Blueprint

bp = Blueprint("flows", __name__, url_prefix="/stappenplan")
