"""The app shell: home, the offline page, the service worker and the web app manifest."""
from flask import Blueprint

bp = Blueprint("shell", __name__)
