"""The shape of a flow file, as marshmallow schemas. Unknown keys are errors (marshmallow's RAISE)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="moet een slug zijn: kleine letters, cijfers en streepjes")
# The seed documents by their file prefix (the key in a flow file), and the short name the interface
# shows: a reader should see "Handreiking GGZ–politie, stap 3", never a code like "000 §3.1".
SOURCE_DOCUMENTS = {
    "000": "Handreiking (gewelds)incidenten GGZ–politie",
    "001": "Aangepast convenant samenwerking politie en ggz (2023)",
    "002": "Onderzoek naar de samenwerking tussen politie en zorgprofessionals",
    "003": "Hand-out 'Incident? Actie!'",
    "004": "Toolkit 'Samen op in acuut'",
}
SOURCE_SHORT_NAMES = {
    "000": "Handreiking GGZ–politie",
    "001": "Convenant politie en ggz (2023)",
    "002": "Onderzoek samenwerking politie en zorg",
    "003": "Hand-out 'Incident? Actie!'",
    "004": "Toolkit 'Samen op in acuut'",
}
ROLES = ("hulpverlener", "wijkagent", "coordinator")
STEP_KINDS = ("question", "info", "checklist", "outcome")
# The belkaart's fill-in places: from the user's account, from the selected client's record (on the
# phone), or always a prompt (wat_nu: only the caller knows what happens now).
PLACEHOLDERS = ("organisatie", "naam_gebruiker", "functie", "adres", "toegang", "client_naam", "medicatie", "helpt",
                "wat_nu")


class SourceSchema(Schema):
    doc = fields.String(required=True, validate=validate.OneOf(list(SOURCE_DOCUMENTS)))
    section = fields.String(required=True, validate=validate.Length(min=2))


class AnswerSchema(Schema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=80))
    hint = fields.String()
    next = fields.String(required=True)
    urgent = fields.Boolean()  # shown in the urgent colour: the answer for danger now


class CallSchema(Schema):
    target = fields.String(required=True)
    why = fields.String(required=True)


class SettingsSchema(Schema):
    klinisch = fields.String()
    ambulant = fields.String()


class StepSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(STEP_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=90))
    text = fields.String()
    points = fields.List(fields.String())
    warning = fields.String()
    settings = fields.Nested(SettingsSchema)
    sources = fields.List(fields.Nested(SourceSchema), required=True,
                          validate=validate.Length(min=1, error="elke stap noemt minstens één bron"))
    answers = fields.List(fields.Nested(AnswerSchema))
    next = fields.String()
    next_label = fields.String()
    calls = fields.List(fields.Nested(CallSchema))
    no_police = fields.Boolean()

    @validates_schema
    def fields_fit_the_kind(self, data, **kwargs):
        kind = data.get("kind")
        errors = {}
        if kind == "question":
            if len(data.get("answers") or []) < 2:
                errors["answers"] = ["een vraag heeft minstens twee antwoorden"]
            for key in ("next", "calls", "no_police"):
                if key in data:
                    errors[key] = [f"hoort niet bij een vraag"]
        elif kind in ("info", "checklist"):
            if not data.get("next"):
                errors["next"] = [f"een {kind}-stap heeft een volgende stap nodig"]
            for key in ("answers", "calls", "no_police"):
                if key in data:
                    errors[key] = [f"hoort niet bij een {kind}-stap"]
        elif kind == "outcome":
            if "answers" in data:
                errors["answers"] = ["een uitkomst heeft geen antwoorden"]
            if not data.get("calls") and not data.get("no_police"):
                errors["calls"] = ["een uitkomst heeft nummers om te bellen, of no_police: true"]
        if errors:
            raise ValidationError(errors)


class PhaseSchema(Schema):
    id = fields.String(required=True, validate=SLUG)
    label = fields.String(required=True)
    text = fields.String(required=True)


class ActorSchema(Schema):
    id = fields.String(required=True, validate=SLUG)
    label = fields.String(required=True)


class ActionSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^a\d{2}$"))
    text = fields.String(required=True)
    phase = fields.String(required=True)
    actor = fields.String(required=True)
    source = fields.Nested(SourceSchema, required=True)


class PromptGroupSchema(Schema):
    """A group of topics a coordinator may settle locally, e.g. 000's checklist 'Wat moeten we dan samen (lokaal) regelen?'."""

    label = fields.String(required=True)
    items = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    source = fields.Nested(SourceSchema, required=True)


class FlowSchema(Schema):
    id = fields.String(required=True, validate=SLUG)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title = fields.String(required=True)
    summary = fields.String(required=True)
    audience = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True)
    start = fields.String(required=True)
    steps = fields.Dict(keys=fields.String(validate=SLUG), values=fields.Nested(StepSchema), required=True,
                        validate=validate.Length(min=1))
    phases = fields.List(fields.Nested(PhaseSchema))
    actors = fields.List(fields.Nested(ActorSchema))
    actions = fields.List(fields.Nested(ActionSchema))
    agreement_prompts = fields.List(fields.Nested(PromptGroupSchema))


class BelkaartItemSchema(Schema):
    id = fields.String(required=True, validate=SLUG)
    title = fields.String(required=True)
    label = fields.String()  # one word on the one-screen card ("Waar", "Wie")
    say = fields.String()
    points = fields.List(fields.String())
    sources = fields.List(fields.Nested(SourceSchema), required=True,
                          validate=validate.Length(min=1, error="elk onderdeel noemt minstens één bron"))


class BelkaartSchema(Schema):
    id = fields.String(required=True, validate=SLUG)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title = fields.String(required=True)
    summary = fields.String(required=True)
    intro = fields.String(required=True)
    items = fields.List(fields.Nested(BelkaartItemSchema), required=True, validate=validate.Length(min=1))
    after_call = fields.List(fields.Nested(BelkaartItemSchema))
