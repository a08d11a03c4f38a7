from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.contacts.hours import AMSTERDAM
from webapp.incidents.models import (EVALUATION_QUESTIONS, STRUCTURAL_QUESTIONS, AangifteStatus, PoliceCalled,
                                     Setting, Situation)

NO_AANGIFTE = SelectChoice("", "Niet aan de orde of nog niet bekend")
DATETIME_ERROR = "Vul een datum en tijd in."


class DutchForm(FlaskForm):
    """WTForms' own messages ("Ongeldige keuze.") in Dutch, from its bundled catalogue."""

    class Meta:
        def get_translations(self, form):
            return get_translations(["nl"])


def local_input(value: dt.datetime) -> str:
    """A UTC time as the value of a datetime-local input (Amsterdam time, minutes)."""
    return value.astimezone(AMSTERDAM).strftime("%Y-%m-%dT%H:%M")


def utc_from_input(raw: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(raw.strip()).replace(tzinfo=AMSTERDAM).astimezone(dt.timezone.utc)
    except (ValueError, AttributeError):
        return None


class IncidentForm(DutchForm):
    """Rendered here; checked by the payload schema of "incident.create" (the same checks as the phone's outbox)."""

    client_id = SelectField("Cliënt", choices=[], validate_choice=False)
    occurred_at = StringField("Wanneer gebeurde het?", render_kw={"autocomplete": "off"})
    setting = RadioField("Waar?", choices=[SelectChoice(s.value, s.label) for s in Setting], validate_choice=False)
    location = StringField("Plek (optioneel)", description="Bijv. afdeling, kamer, woning of straat.",
                           render_kw={"maxlength": 200, "autocomplete": "off"})
    situation = RadioField("Wat voor situatie?", choices=[SelectChoice(s.value, s.label) for s in Situation], validate_choice=False)
    police_called = RadioField("Is de politie gebeld?",
                               choices=[SelectChoice(p.value, "Niet gebeld" if p == PoliceCalled.NIET else f"Ja, {p.label}")
                                        for p in PoliceCalled], validate_choice=False)
    description = TextAreaField(
        "Wat gebeurde er?",
        description="Schrijf op wat je zag en hoorde: wat zei iemand letterlijk, wat deed hij of zij, wie was erbij, "
                    "wat gebeurde daarvoor. Geen diagnose of oordeel ('psychotisch', 'agressief'), maar gedrag "
                    "('sloeg met de vuist op de deur', 'riep: ik maak je af').",
        render_kw={"rows": 7, "maxlength": 10000})
    injuries = TextAreaField("Letsel (optioneel)", description="Wie, wat, en is er een arts geweest?",
                             render_kw={"rows": 2, "maxlength": 2000})
    police_reference = StringField("Registratienummer politie (optioneel)", render_kw={"maxlength": 40,
                                                                                      "autocomplete": "off"})
    aangifte_status = RadioField("Stand van de aangifte", choices=[NO_AANGIFTE] + [SelectChoice(a.value, a.label) for a in AangifteStatus],
                                 default="", validate_choice=False)
    aangifte_reason = TextAreaField("Waarom geen aangifte? (bij 'niet gedaan')", render_kw={"rows": 2, "maxlength": 2000})
    aangifte_domicilie = BooleanField("Aangifte op domicilie: het adres van de organisatie, niet je huisadres")
    aangifte_reference = StringField("Nummer van de aangifte (optioneel)", render_kw={"maxlength": 40,
                                                                                      "autocomplete": "off"})
    flow_id = HiddenField()
    step_id = HiddenField()

    OPTIONAL_TEXT = ("location", "injuries", "police_reference", "aangifte_reason", "aangifte_reference",
                     "flow_id", "step_id")

    def payload(self, written_at: dt.datetime) -> dict:
        """The "incident.create" payload: empty optional fields left out, times in UTC."""
        occurred = utc_from_input(self.occurred_at.data or "")
        data = {"client_id": self.client_id.data or "", "setting": self.setting.data or "",
                "situation": self.situation.data or "", "police_called": self.police_called.data or "",
                "description": self.description.data or "",
                # an unreadable time goes as it is: the schema answers with the Dutch message
                "occurred_at": occurred.isoformat() if occurred else (self.occurred_at.data or ""),
                "aangifte_domicilie": bool(self.aangifte_domicilie.data), "written_at": written_at.isoformat()}
        for name in self.OPTIONAL_TEXT:
            value = (getattr(self, name).data or "").strip()
            if value:
                data[name] = value
        if self.aangifte_status.data:
            data["aangifte_status"] = self.aangifte_status.data
        if data.get("aangifte_status") != "niet_gedaan":
            data.pop("aangifte_reason", None)
        return data

    def show_errors(self, errors: dict[str, list[str]]) -> list[str]:
        """Put the protocol's field errors next to the fields; return what belongs to no field."""
        rest = []
        for name, messages in errors.items():
            field = getattr(self, name.removeprefix("payload."), None)
            if field is not None and hasattr(field, "errors"):
                field.errors = list(messages)
            else:
                rest.extend(messages)
        return rest


class AangifteForm(DutchForm):
    status = RadioField("Stand van de aangifte", choices=[NO_AANGIFTE] + [SelectChoice(a.value, a.label) for a in AangifteStatus],
                        default="")
    # no Optional(): it would stop the chain before validate_reason asks for a reason
    reason = TextAreaField("Waarom niet?", validators=[Length(max=2000, message="Maximaal 2.000 tekens.")],
                           render_kw={"rows": 2})
    domicilie = BooleanField("Op domicilie: het adres van de organisatie")
    reference = StringField("Nummer van de aangifte", validators=[Optional(), Length(max=40, message="Maximaal 40 tekens.")],
                            render_kw={"autocomplete": "off"})

    def validate_reason(self, field):
        if self.status.data == AangifteStatus.NIET_GEDAAN and not (field.data or "").strip():
            raise ValidationError("Schrijf op waarom er geen aangifte is gedaan.")


class InviteForm(DutchForm):
    police_user = SelectField("Wie van de politie?", coerce=int, choices=[],
                              validators=[DataRequired("Kies een wijkagent.")],
                              validate_choice=True)


ANSWER_REQUIRED = "Beantwoord deze vraag. Kort mag."


class EvaluationForm(DutchForm):
    """The six questions of stap 6; the two agreements of 000 §4.2 when support is becoming structural."""

    def values(self, structural: bool) -> dict:
        keys = [k for k, _ in EVALUATION_QUESTIONS] + ([k for k, _ in STRUCTURAL_QUESTIONS] if structural else [])
        return {k: getattr(self, k).data.strip() for k in keys}


for _key, _label in EVALUATION_QUESTIONS:
    setattr(EvaluationForm, _key, TextAreaField(_label, validators=[DataRequired(ANSWER_REQUIRED),
                                                                    Length(max=4000, message="Maximaal 4.000 tekens.")],
                                                render_kw={"rows": 3}))
for _key, _label in STRUCTURAL_QUESTIONS:
    setattr(EvaluationForm, _key, TextAreaField(_label, validators=[Optional(), Length(max=4000, message="Maximaal 4.000 tekens.")],
                                                render_kw={"rows": 3}))


def evaluation_form(structural: bool, **kwargs) -> EvaluationForm:
    form = EvaluationForm(**kwargs)
    if structural:
        for key, _ in STRUCTURAL_QUESTIONS:
            getattr(form, key).validators = [DataRequired("Spreek dit af met de politie en schrijf het op."),
                                             Length(max=4000, message="Maximaal 4.000 tekens.")]
    return form


class ActionForm(DutchForm):
    """One of the possible actions of 003, or the user's own: the hand-out ends its list with a line to write one."""

    action = SelectField("Actie", choices=[], validate_choice=False)
    own = StringField("Of schrijf je eigen actie", description="Staat jullie actie niet in de lijst? Schrijf hem hier op.",
                      validators=[Optional(), Length(max=300, message="Maximaal 300 tekens.")],
                      render_kw={"maxlength": 300, "autocomplete": "off"})
    owner = SelectField("Wie doet het?", coerce=int, choices=[], validators=[DataRequired("Kies wie het doet.")])
    due_on = DateField("Klaar op", validators=[DataRequired("Vul een datum in (dag-maand-jaar).")])

    @property
    def own_text(self) -> str | None:
        return (self.own.data or "").strip() or None

    def validate_action(self, field):
        if not field.data and not self.own_text:
            raise ValidationError("Kies een actie, of schrijf je eigen actie op.")
        if field.data and self.own_text:
            raise ValidationError("Kies een actie uit de lijst óf schrijf je eigen actie, niet allebei.")
        if field.data and field.data not in {value for value, *_ in field.iter_choices()}:
            raise ValidationError(field.gettext("Not a valid choice."))

    def validate_due_on(self, field):
        from webapp.incidents.services import today

        if field.data and field.data < today():
            raise ValidationError("Deze datum is al voorbij.")


class MissingReportForm(DutchForm):
    reported_at = StringField("Wanneer heb je de vermissing gemeld?", render_kw={"autocomplete": "off"})
    told_whom = StringField("Aan wie bij de politie?", validators=[DataRequired("Vul in aan wie je het meldde."),
                                                                   Length(max=160, message="Maximaal 160 tekens.")],
                            description="Naam, of bijv. 'meldkamer via 112' of '0900-8844'.")
    reference = StringField("Registratienummer politie (optioneel)",
                            validators=[Optional(), Length(max=40, message="Maximaal 40 tekens.")],
                            render_kw={"autocomplete": "off"})
    police_user = SelectField("Wie van de politie krijgt de terugmelding in de app?", coerce=int, choices=[],
                              validate_choice=True)

    def validate_reported_at(self, field):
        moment = utc_from_input(field.data or "")
        if moment is None:
            raise ValidationError(DATETIME_ERROR)
        if moment > dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=10):
            raise ValidationError("Dit tijdstip ligt in de toekomst.")
