"""Cliënten, crisiskaart and afspraken op persoon (AOP)."""
from flask import Blueprint

bp = Blueprint("clients", __name__)
