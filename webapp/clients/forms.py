from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.clients.models import CRISISKAART_SECTIONS, SectionKind
from webapp.contacts.phones import InvalidInput, display_phone, normalise_full_postcode, normalise_phone

DATE_ERROR = "Vul een geldige datum in (dag-maand-jaar)."


def _valid(parse):
    def validator(form, field):
        if field.data and str(field.data).strip():
            try:
                parse(field.data)
            except InvalidInput as exc:
                raise ValidationError(str(exc)) from None
    return validator


def _not_in_future(form, field):
    if field.data and field.data > dt.date.today():
        raise ValidationError("Deze datum ligt in de toekomst.")


class ClientForm(FlaskForm):
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=160)])
    date_of_birth = DateField("Geboortedatum", validators=[DataRequired(DATE_ERROR), _not_in_future],
                              render_kw={"autocomplete": "off"})
    postcode = StringField("Postcode", validators=[DataRequired("Vul de postcode in."), _valid(normalise_full_postcode)],
                           render_kw={"autocomplete": "off", "maxlength": 7})
    house_number = StringField("Huisnummer", validators=[DataRequired("Vul het huisnummer in."), Length(max=12)],
                               render_kw={"autocomplete": "off"})
    street = StringField("Straat", validators=[Optional(), Length(max=120)], render_kw={"autocomplete": "off"})
    city = StringField("Plaats", validators=[Optional(), Length(max=80)], render_kw={"autocomplete": "off"})
    client_number = StringField("Cliëntnummer", validators=[DataRequired("Vul het interne cliëntnummer in."), Length(max=40)],
                                description="Het nummer in jullie eigen dossier. Geen BSN.")
    team_id = SelectField("Team (caseload)", coerce=int, validate_choice=True)

    def validate_client_number(self, field):
        if field.data and field.data.strip().isdigit() and len(field.data.strip()) == 9:
            raise ValidationError("Dit lijkt op een BSN. Gebruik het interne cliëntnummer.")

    def values(self) -> dict:
        return {"name": self.name.data.strip(), "date_of_birth": self.date_of_birth.data,
                "postcode": normalise_full_postcode(self.postcode.data), "house_number": self.house_number.data.strip(),
                "street": (self.street.data or "").strip() or None, "city": (self.city.data or "").strip() or None,
                "client_number": self.client_number.data.strip(), "team_id": self.team_id.data}


class ContactPersonForm(FlaskForm):
    class Meta:
        csrf = False

    relation = StringField("Wie", validators=[Optional(), Length(max=60)], description="Bijv. zus, behandelaar, huisarts")
    name = StringField("Naam", validators=[Optional(), Length(max=120)])
    phone = StringField("Telefoon", validators=[Optional(), _valid(normalise_phone)], render_kw={"inputmode": "tel"})

    def validate_name(self, field):
        if (self.phone.data or "").strip() and not (field.data or "").strip():
            raise ValidationError("Vul ook de naam in.")


class SectionForm(FlaskForm):
    class Meta:
        csrf = False

    text = TextAreaField(validators=[Optional(), Length(max=4000)])
    police_consent = BooleanField("Mag gedeeld worden met politie")


class ContactsSectionForm(FlaskForm):
    class Meta:
        csrf = False

    entries = FieldList(FormField(ContactPersonForm), min_entries=4, max_entries=8)
    police_consent = BooleanField("Mag gedeeld worden met politie")


class CrisiskaartForm(FlaskForm):
    made_on = DateField("Gemaakt op", validators=[DataRequired(DATE_ERROR), _not_in_future])
    signed_by = StringField("Ondertekend door", validators=[DataRequired("Vul in wie de kaart ondertekenden."), Length(max=200)],
                            description="De cliënt, en wie er verder tekenden.")
    valid_until = DateField("Geldig tot", validators=[Optional()])
    change_note = StringField("Wat is er veranderd?", validators=[Optional(), Length(max=300)])

    def validate_valid_until(self, field):
        if field.data and self.made_on.data and field.data < self.made_on.data:
            raise ValidationError("'Geldig tot' ligt voor de datum waarop de kaart is gemaakt.")

    def section_forms(self):
        return [(key, title, kind, hint, getattr(self, f"s_{key}")) for key, title, kind, hint in CRISISKAART_SECTIONS]

    def load(self, card) -> None:
        self.made_on.data, self.signed_by.data, self.valid_until.data = card.made_on, card.signed_by, card.valid_until
        for key, _title, kind, _hint, sub in self.section_forms():
            section = card.section(key)
            if section is None:
                continue
            sub.police_consent.data = section.police_consent
            if kind == SectionKind.CONTACTS:
                for i, entry in enumerate((section.entries or [])[:len(sub.entries)]):
                    sub.entries[i].relation.data = entry.get("relation")
                    sub.entries[i].form.name.data = entry.get("name")
                    sub.entries[i].phone.data = display_phone(entry.get("phone"))
            else:
                sub.text.data = section.text

    def values(self) -> tuple[dict, dict]:
        meta = {"made_on": self.made_on.data, "signed_by": self.signed_by.data.strip(), "valid_until": self.valid_until.data}
        sections = {}
        for key, _title, kind, _hint, sub in self.section_forms():
            if kind == SectionKind.CONTACTS:
                entries = [{"relation": (e.relation.data or "").strip(), "name": (e.form.name.data or "").strip(),
                            "phone": normalise_phone(e.phone.data) if (e.phone.data or "").strip() else None}
                           for e in sub.entries if (e.form.name.data or "").strip()]
                sections[key] = {"entries": entries or None, "police_consent": sub.police_consent.data}
            else:
                sections[key] = {"text": (sub.text.data or "").strip() or None, "police_consent": sub.police_consent.data}
        return meta, sections


for _key, _title, _kind, _hint in CRISISKAART_SECTIONS:
    setattr(CrisiskaartForm, f"s_{_key}", FormField(ContactsSectionForm if _kind == SectionKind.CONTACTS else SectionForm,
                                                   label=_title))


class AopForm(FlaskForm):
    approach = TextAreaField("Hoe benadert de politie deze persoon?", validators=[DataRequired("Beschrijf de aanpak."),
                                                                                  Length(max=3000)],
                             description="Bijv. geen sirene; eerst in burger; bel de crisisdienst voor je naar binnen gaat.")
    contact_name = StringField("Contact bij de instelling (24/7)", validators=[DataRequired("Vul in wie de politie belt."),
                                                                             Length(max=160)])
    contact_phone = StringField("Telefoon van dat contact", validators=[DataRequired("Vul een telefoonnummer in."),
                                                                        _valid(normalise_phone)],
                                render_kw={"inputmode": "tel"})
    valid_until = DateField("Geldig tot", validators=[DataRequired(DATE_ERROR)])
    consent = TextAreaField("Op welke toestemming rust dit?", validators=[DataRequired("Beschrijf de toestemming."),
                                                                         Length(max=1000)],
                            description="Bijv. 'Op verzoek van de persoon, schriftelijk vastgelegd op 02-10-2026.'")
    status = SelectField("Status", choices=[SelectChoice("", "Niet wijzigen"), SelectChoice("actief", "Actief"),
                                            SelectChoice("beeindigd", "Beëindigd")], validators=[Optional()])

    def validate_valid_until(self, field):
        if field.data and field.data < dt.date.today():
            raise ValidationError("Deze datum is al voorbij.")

    def values(self) -> dict:
        return {"approach": self.approach.data.strip(), "contact_name": self.contact_name.data.strip(),
                "contact_phone": normalise_phone(self.contact_phone.data), "valid_until": self.valid_until.data,
                "consent": self.consent.data.strip(), "status": self.status.data or None}


class PoliceLookupForm(FlaskForm):
    name = StringField("Volledige naam", validators=[DataRequired("Vul de volledige naam in."), Length(max=160)],
                       render_kw={"autocomplete": "off", "spellcheck": "false"})
    date_of_birth = DateField("Geboortedatum", validators=[DataRequired(DATE_ERROR)], render_kw={"autocomplete": "off"})
    reason = StringField("Waarom zoek je deze persoon op?",
                         validators=[DataRequired("Geef kort de reden van het opzoeken."),
                                     Length(min=5, max=200, message="Geef een reden van 5 tot 200 tekens.")],
                         description="Bijv. 'melding onrustige situatie Oudegracht, incidentnummer 123'. "
                                     "De reden komt in het logboek.")
