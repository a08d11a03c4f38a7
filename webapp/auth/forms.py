from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError


class LoginForm(FlaskForm):
    username = StringField("Gebruikersnaam", validators=[DataRequired("Vul je gebruikersnaam in."), Length(max=80)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul je wachtwoord in."), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})



class SecondFactorForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired("Vul de code in."), Length(max=40)],
                       description="De 6 cijfers uit je authenticator-app, of een van je herstelcodes.",
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none",
                                  "spellcheck": "false"})


class EnrolForm(FlaskForm):
    code = StringField("Eerste code uit de app", validators=[DataRequired("Vul de code uit de app in."),
                                                             Length(max=20)],
                       description="Zo weten we dat de app goed is ingesteld.",
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class ReauthenticateForm(FlaskForm):
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul je wachtwoord in."), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    code = StringField("Code", validators=[Length(max=40)],
                       description="De 6 cijfers uit je authenticator-app, of een van je herstelcodes.",
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"})


def _long_enough(form, field):
    from webapp.auth.services import MIN_PASSWORD_LENGTH

    if field.data and len(field.data) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens.")


class PasswordForm(FlaskForm):
    new_password = PasswordField("Nieuw wachtwoord", validators=[DataRequired("Vul een nieuw wachtwoord in."),
                                                                 Length(max=200), _long_enough],
                                 description="Minstens 12 tekens. Een zin van een paar woorden werkt goed.",
                                 render_kw={"autocomplete": "new-password"})
    repeat = PasswordField("Herhaal het nieuwe wachtwoord",
                           validators=[DataRequired("Herhaal het nieuwe wachtwoord."),
                                       EqualTo("new_password", "De twee wachtwoorden zijn niet gelijk.")],
                           render_kw={"autocomplete": "new-password"})
