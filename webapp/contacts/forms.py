from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from webapp.contacts.functions import FUNCTION_LABELS, ContactFunction, Level
from webapp.contacts.hours import HoursError, format_hours, parse_hours
from webapp.contacts.phones import InvalidInput, display_phone, normalise_phone, parse_postcode_list


def _checked(parse):
    """A WTForms validator from a parser that raises InvalidInput/HoursError with a Dutch message."""

    def validator(form, field):
        if field.data and field.data.strip():
            try:
                parse(field.data)
            except (InvalidInput, HoursError) as exc:
                raise ValidationError(str(exc)) from None

    return validator


class ContactForm(FlaskForm):
    is_person = RadioField("Soort", choices=[SelectChoice("persoon", "Een persoon"),
                                    SelectChoice("functie", "Een functie of lijn (balie, 24/7-lijn)")],
                           default="persoon", validators=[DataRequired("Kies of dit een persoon of een functie is.")])
    name = StringField("Naam", validators=[DataRequired("Vul een naam in."), Length(max=160)],
                       description="De naam van de persoon, of van de lijn: bijv. 'Crisisdienst (24/7)'.")
    organisation = StringField("Organisatie", validators=[DataRequired("Vul de organisatie in."), Length(max=160)])
    function = SelectField("Functie", choices=[SelectChoice(f.value, FUNCTION_LABELS[f]) for f in ContactFunction],
                           validators=[DataRequired("Kies een functie.")])
    level = SelectField("Niveau", choices=[SelectChoice(lv.value, lv.label) for lv in Level], default=Level.OPERATIONEEL.value)
    phone = StringField("Telefoonnummer", validators=[DataRequired("Vul een telefoonnummer in."), _checked(normalise_phone)],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    phone_alt = StringField("Tweede nummer", validators=[Optional(), _checked(normalise_phone)],
                            render_kw={"inputmode": "tel", "autocomplete": "off"})
    phone_alt_label = StringField("Waarvoor is het tweede nummer?", validators=[Optional(), Length(max=60)],
                                  description="Bijv. 'mobiel' of 'buiten kantoortijd'.")
    email = StringField("E-mail", validators=[Optional(), Email("Dit is geen geldig e-mailadres."), Length(max=200)],
                        render_kw={"inputmode": "email", "autocomplete": "off"})
    hours = StringField("Bereikbaar", default="24/7", validators=[DataRequired("Vul de bereikbaarheid in."), _checked(parse_hours)],
                        description="24/7, of per dag: bijv. ma-vr 08:00-17:00; za 10:00-14:00")
    outside_hours = TextAreaField("Buiten die tijden", validators=[Optional(), Length(max=500)],
                                  description="Wie of welk nummer dan? Bijv. 'Bel de opco via 0900-8844.'")
    postcodes = StringField("Postcodegebieden", validators=[Optional(), _checked(parse_postcode_list)],
                            description="Vier cijfers, met komma's of een reeks: 3511, 3512, 3520-3525. Leeg: de hele regio.")
    notes = TextAreaField("Notities", validators=[Optional(), Length(max=2000)])

    def load(self, contact) -> None:
        """Fill the form from a contact (for editing)."""
        self.is_person.data = "persoon" if contact.is_person else "functie"
        self.name.data, self.organisation.data = contact.name, contact.organisation
        self.function.data, self.level.data = contact.function.value, contact.level.value
        self.phone.data = display_phone(contact.phone)
        self.phone_alt.data = display_phone(contact.phone_alt)
        self.phone_alt_label.data, self.email.data = contact.phone_alt_label, contact.email
        self.hours.data = format_hours(contact.hours)
        self.outside_hours.data, self.notes.data = contact.outside_hours, contact.notes
        self.postcodes.data = ", ".join(contact.postcode_list)

    def values(self) -> dict:
        """The cleaned values, ready for the service (only call after validation)."""
        text = lambda f: (f.data or "").strip() or None  # noqa: E731
        return {
            "is_person": self.is_person.data == "persoon",
            "name": self.name.data.strip(),
            "organisation": self.organisation.data.strip(),
            "function": self.function.data,
            "level": self.level.data,
            "phone": normalise_phone(self.phone.data),
            "phone_alt": normalise_phone(self.phone_alt.data) if text(self.phone_alt) else None,
            "phone_alt_label": text(self.phone_alt_label),
            "email": text(self.email),
            "hours": parse_hours(self.hours.data),
            "outside_hours": text(self.outside_hours),
            "postcodes": parse_postcode_list(self.postcodes.data or ""),
            "notes": text(self.notes),
        }
