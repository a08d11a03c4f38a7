from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from webapp.access import recent_login_required
from webapp.audit.models import AuditAction
from webapp.audit.services import record
from webapp.auth import bp
from webapp.auth.forms import EnrolForm, LoginForm, PasswordForm, ReauthenticateForm, SecondFactorForm
from webapp.auth.services import (LoginThrottled, authenticate, change_password, complete_login, end_session,
                                  enrol_two_factor, load_pending_session, reauthenticate as check_reauthentication,
                                  start_session, two_factor_needed, verify_second_factor)
from webapp.auth.twofactor import (CodeCheck, grouped, pending_secret, provisioning_uri, qr_svg,
                                   recovery_codes_left)
from webapp.ratelimit import login_limit

LOGIN_FAILED = "De combinatie van gebruikersnaam en wachtwoord klopt niet."
LOGIN_THROTTLED = "Te veel mislukte pogingen. Wacht een kwartier en probeer het dan opnieuw."
CODE_WRONG = "Deze code klopt niet. Kijk of je de code van Veldwijzer neemt en of de tijd op je telefoon klopt."
CODE_REPLAYED = "Deze code is al gebruikt. Wacht op de volgende code in de app."
ENROL_WRONG = "Deze code klopt niet. Scan de QR-code opnieuw of typ de sleutel over, en probeer de nieuwe code."
PASSWORD_WRONG = "Dit wachtwoord klopt niet."
CODE_MISSING = "Vul de code in."
LOGIN_AGAIN = "Log opnieuw in."
# Where the session between password and code keeps its token and the page asked for.
PENDING_TOKEN, PENDING_NEXT = "pending_login", "pending_next"


@bp.route("/login", methods=["GET", "POST"])
@login_limit
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
                if two_factor_needed(user):
                    pending = start_session(user, pending_second_factor=True)
                    session[PENDING_TOKEN] = pending.token
                    session[PENDING_NEXT] = _safe_next(request.args.get("next"))
                    return redirect(url_for("auth.second_factor" if user.has_two_factor else "auth.enrol_at_login"))
                start_session(user)
                login_user(user)
                return redirect(_safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form, error=error), status


def _pending_or_redirect():
    """The session between password and code, or the response that sends the browser back."""
    if current_user.is_authenticated:
        return None, redirect(url_for("shell.home"))
    pending = load_pending_session(session.get(PENDING_TOKEN))
    if pending is None:
        had_one = PENDING_TOKEN in session
        session.pop(PENDING_TOKEN, None)
        if had_one:
            flash("Dat duurde te lang. Log opnieuw in.")
        return None, redirect(url_for("auth.login"))
    return pending, None


def _finish_login(pending, method: CodeCheck):
    user = complete_login(pending, method)
    target = session.get(PENDING_NEXT) or url_for("shell.home")
    session.clear()
    login_user(user)
    return user, target


@bp.route("/login/code", methods=["GET", "POST"])
@login_limit
def second_factor():
    pending, response = _pending_or_redirect()
    if response:
        return response
    if not pending.user.has_two_factor:
        return redirect(url_for("auth.enrol_at_login"))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        try:
            result = verify_second_factor(pending.user, form.code.data)
        except LoginThrottled:
            end_session(pending, "throttled")
            session.clear()
            return render_template("auth/login.html", form=LoginForm(formdata=None), error=LOGIN_THROTTLED), 429
        if result in (CodeCheck.TOTP, CodeCheck.RECOVERY):
            user, target = _finish_login(pending, result)
            if result == CodeCheck.RECOVERY:
                left = recovery_codes_left(user)
                flash(f"Je hebt een herstelcode gebruikt; je hebt er nog {left}. "
                      "Stel je app opnieuw in via Account als je telefoon weg is.")
            return redirect(target)
        form.code.errors.append(CODE_REPLAYED if result == CodeCheck.REPLAYED else CODE_WRONG)
        status = 401
    elif form.is_submitted():
        status = 422
    return render_template("auth/second_factor.html", form=form), status


def _render_enrol(user, form, action, status=200, at_login=False):
    secret = pending_secret(user)
    uri = provisioning_uri(user, secret)
    return render_template("auth/enrol.html", form=form, action=action, secret=grouped(secret), qr=qr_svg(uri), uri=uri,
                           at_login=at_login, replacing=user.has_two_factor), status


@bp.route("/login/instellen", methods=["GET", "POST"])
@login_limit
def enrol_at_login():
    """Two-factor login is required and this user has not set it up yet: do it now, before logging in."""
    pending, response = _pending_or_redirect()
    if response:
        return response
    user = pending.user
    if user.has_two_factor:
        return redirect(url_for("auth.second_factor"))
    form = EnrolForm()
    if form.validate_on_submit():
        codes = enrol_two_factor(user, form.code.data)
        if codes:
            _user, target = _finish_login(pending, CodeCheck.TOTP)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=target)
        form.code.errors.append(ENROL_WRONG)
    return _render_enrol(user, form, url_for("auth.enrol_at_login"), 422 if form.is_submitted() else 200,
                         at_login=True)


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


# -- the user's own account ------------------------------------------------------------------------

@bp.get("/account")
@login_required
def account():
    return render_template("auth/account.html", codes_left=recovery_codes_left(current_user),
                           two_factor=current_user.has_two_factor)


@bp.route("/account/bevestigen", methods=["GET", "POST"])
@login_required
@login_limit
def reauthenticate():
    """Give the password (and code) again before an export or a change of one's own credentials."""
    form = ReauthenticateForm()
    status = 200
    if form.validate_on_submit():
        if current_user.has_two_factor and not (form.code.data or "").strip():
            form.code.errors.append(CODE_MISSING)
            status = 422
        else:
            try:
                wrong = check_reauthentication(current_user.current_session, form.password.data, form.code.data)
            except LoginThrottled:
                # Someone at an unlocked phone guessing: this session ends.
                end_session(current_user.current_session, "reauthentication throttled")
                logout_user()
                session.clear()
                return render_template("auth/login.html", form=LoginForm(formdata=None), error=LOGIN_THROTTLED), 429
            if wrong is None:
                return redirect(_safe_next(request.args.get("next")), code=303)
            if wrong == "password":
                form.password.errors.append(PASSWORD_WRONG)
            else:
                form.code.errors.append(CODE_WRONG)
            status = 401
    elif form.is_submitted():
        status = 422
    return render_template("auth/reauthenticate.html", form=form, two_factor=current_user.has_two_factor), status


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@recent_login_required
def change_own_password():
    form = PasswordForm()
    if form.validate_on_submit():
        ended = change_password(current_user, form.new_password.data)
        flash("Je wachtwoord is gewijzigd." + (f" Je bent op {ended} andere plek(ken) uitgelogd." if ended else ""))
        return redirect(url_for("auth.account"), code=303)
    return render_template("auth/password.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/account/tweestapsverificatie", methods=["GET", "POST"])
@recent_login_required
def enrol():
    """Set up the authenticator app, or move to a new one (which replaces the recovery codes too)."""
    form = EnrolForm()
    if form.validate_on_submit():
        codes = enrol_two_factor(current_user, form.code.data)
        if codes:
            return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("auth.account"))
        form.code.errors.append(ENROL_WRONG)
    return _render_enrol(current_user, form, url_for("auth.enrol"), 422 if form.is_submitted() else 200)


def _safe_next(target: str | None) -> str:
    """Only follow a local path after login, never another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
                and "\\" not in target:
            return target
    return url_for("shell.home")
