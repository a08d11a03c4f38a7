from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from webapp.audit.models import AuditAction
from webapp.audit.services import record
from webapp.auth import bp
from webapp.auth.forms import LoginForm
from webapp.auth.services import LoginThrottled, authenticate, end_session, start_session

LOGIN_FAILED = "De combinatie van gebruikersnaam en wachtwoord klopt niet."
LOGIN_THROTTLED = "Te veel mislukte pogingen. Wacht een kwartier en probeer het dan opnieuw."


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("shell.home"))
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except LoginThrottled:
            error, status = LOGIN_THROTTLED, 429
        else:
            if user is None:
                error, status = LOGIN_FAILED, 401
            else:
                session.clear()  # a fresh session at login
                start_session(user)
                login_user(user)
                return redirect(_safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
    # CSRFProtect has already checked the token of this POST.
    record(AuditAction.LOGOUT, obj=current_user)
    end_session(current_user.current_session, "logout")
    logout_user()
    session.clear()
    flash("Je bent uitgelogd.")
    response = redirect(url_for("auth.login"), code=303)
    # Wipe what this browser kept for the user: caches, storage and the service worker's data.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _safe_next(target: str | None) -> str:
    """Only follow a local path after login, never another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("shell.home")
