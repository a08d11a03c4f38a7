from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from webapp.db import db

migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in om verder te gaan."
login_manager.session_protection = None  # sessions are checked on the server (webapp.auth.services)

__all__ = ["db", "migrate", "csrf", "login_manager"]
