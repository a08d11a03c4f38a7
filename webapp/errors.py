"""Generic error pages in Dutch (JSON for the API): no stack traces, no hints about what exists."""
from __future__ import annotations

from flask import jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: ("Dit verzoek klopt niet", "Er ging iets mis met wat je verstuurde. Ga terug en probeer het opnieuw."),
    401: ("Log opnieuw in", "Je bent niet (meer) ingelogd."),
    403: ("Geen toegang", "Je hebt geen toegang tot deze pagina."),
    404: ("Niet gevonden", "Deze pagina bestaat niet, of je hebt er geen toegang toe."),
    405: ("Niet toegestaan", "Deze actie kan hier niet."),
    413: ("Te groot", "Wat je verstuurde is te groot."),
    422: ("Controleer de invoer", "Niet alles is goed ingevuld."),
    426: ("Werk de app bij", "Deze versie van de app is te oud. Laad de pagina opnieuw."),
    429: ("Even wachten", "Te veel verzoeken achter elkaar. Wacht even en probeer het dan opnieuw."),
    500: ("Er ging iets mis", "Er ging bij ons iets mis. Probeer het zo nog eens. Bij spoed: bel direct."),
}
CSRF_MESSAGE = "Je formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens."


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None = None):
    title, text = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    text = message or text
    if wants_json():
        return make_response(jsonify(error={"status": status, "title": title, "message": text}), status)
    return make_response(render_template("errors/error.html", status=status, title=title, message=text), status)


def login_form_expired():
    """The login form's token no longer matches the session (it expired, or another tab or the
    service worker began a new one): show the form again, with a fresh token and the username
    kept, rather than a dead end."""
    from webapp.auth.forms import LoginForm

    form = LoginForm(formdata=None, username=request.form.get("username", "")[:80])
    message = "Het inlogformulier was verlopen. Vul je wachtwoord opnieuw in."
    return make_response(render_template("auth/login.html", form=form, error=message), 400)


def register_errorhandlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.endpoint == "auth.login" and request.method == "POST":
            return login_form_expired()
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code)
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return render_error(500)
