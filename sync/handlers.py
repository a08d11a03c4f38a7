"""The mutation types: a payload schema per type (messages in Dutch) and the web app's ``apply``.

The schemas of issue 6 (notes, visits) and issue 7 (incidents) ship here; the web app supplies
only the apply functions::

    registry = build_registry({
        "note.create": apply_note_create,      # (mutation, context) -> None
        "visit.plan": apply_visit_plan,
        "visit.checkin": apply_visit_checkin,
        "visit.checkout": apply_visit_checkout,
        "incident.create": apply_incident_create,
    })

``apply(mutation, context)`` gets the checked :class:`~sync.protocol.Mutation` with
``mutation.data`` set to the loaded payload, and ``context`` as given to ``push``. It
writes the rows, the change-log entries and the audit row (all inside the item's
savepoint), and raises :class:`~sync.protocol.Rejected` to refuse the item, e.g. when the
client is not in the user's caseload. It returns nothing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from sync.protocol import Mutation, Rejected

ApplyFn = Callable[[Mutation, Any], None]

NOTE_KINDS = ("observatie", "afspraak", "incident")
MAX_NOTE_LENGTH = 10_000
MAX_CHECKLIST_ITEMS = 50
MAX_CHECKLIST_TEXT = 1_000
# Client ids (token_urlsafe) and UUIDs both fit; nothing that needs escaping anywhere.
IDENTIFIER = r"^[A-Za-z0-9_-]{1,64}$"
# Starting with a letter: JavaScript orders integer-like keys differently (see sync.protocol).
CHECKLIST_KEY = r"^[a-z][a-z0-9_]{0,63}$"
TIMESTAMP_EXAMPLE = "zoals 2026-11-23T14:05:00Z"
UNKNOWN_FIELD = "Dit veld kent de server niet."


# -- fields --------------------------------------------------------------------------------------

class UtcTimestamp(fields.AwareDateTime):
    """An ISO-8601 date and time with a time zone, loaded as aware UTC."""

    def __init__(self, message: str, **kwargs: Any):
        messages = {"required": message, "null": message, "invalid": message, "invalid_awareness": message}
        super().__init__(format="iso", error_messages=messages, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        loaded = super()._deserialize(value, attr, data, **kwargs)
        try:
            return loaded.astimezone(dt.timezone.utc)
        except OverflowError:   # e.g. 0001-01-01T00:00:00+01:00 has no UTC time
            raise self.make_error("invalid") from None


class Checklist(fields.Field):
    """The pre-visit checklist: ``{"bekend_risico": true, "wijkagent_antwoord": "go", ...}``.

    Keys are lowercase ASCII names so that every language sorts them alike for the hash.
    """

    default_error_messages = {
        "invalid": "De checklist moet per punt ja/nee of een korte tekst bevatten.",
        "key": "Een punt van de checklist heeft een ongeldige naam.",
        "too_many": f"De checklist heeft te veel punten: maximaal {MAX_CHECKLIST_ITEMS}.",
        "too_long": f"Een antwoord in de checklist is te lang: maximaal {MAX_CHECKLIST_TEXT:,} tekens."
                    .replace(",", "."),
        "null": "De checklist moet per punt ja/nee of een korte tekst bevatten.",
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dict[str, bool | str]:
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        if len(value) > MAX_CHECKLIST_ITEMS:
            raise self.make_error("too_many")
        key_pattern = validate.Regexp(CHECKLIST_KEY)
        for key, answer in value.items():
            try:
                key_pattern(key)
            except ValidationError:
                raise self.make_error("key") from None
            if isinstance(answer, str):
                if len(answer) > MAX_CHECKLIST_TEXT:
                    raise self.make_error("too_long")
                _no_nul(answer, self.error_messages["invalid"])
            elif not isinstance(answer, bool):
                raise self.make_error("invalid")
        return dict(value)


def _no_nul(value: str, message: str) -> None:
    # PostgreSQL text cannot hold NUL; refuse it here rather than fail on insert.
    if "\x00" in value:
        raise ValidationError(message)


def _every_error(message: str) -> dict[str, str]:
    return dict.fromkeys(("required", "null", "invalid", "validator_failed"), message)


def text_field(message: str, *, required: bool = True, max_length: int | None = None,
               too_long: str | None = None, pattern: str | None = None) -> fields.String:
    """A string field whose every error, of any kind, is the given Dutch message (or ``too_long``)."""
    validators: list[Callable[[str], Any]] = [lambda v: _no_nul(v, message)]
    if pattern:
        validators.append(validate.Regexp(pattern, error=message))
    if max_length:
        validators.append(validate.Length(max=max_length, error=too_long or message))

    def not_blank(value: str) -> None:
        if not value.strip():
            raise ValidationError(message)

    validators.append(not_blank)
    return fields.String(required=required, allow_none=not required, validate=validators,
                         error_messages=_every_error(message))


def identifier(message: str, *, required: bool = True) -> fields.String:
    return text_field(message, required=required, pattern=IDENTIFIER)


def choice_field(choices: Iterable[str], message: str) -> fields.String:
    return fields.String(required=True, validate=validate.OneOf(tuple(choices), error=message),
                         error_messages=_every_error(message))


def integer_field(low: int, high: int, message: str) -> fields.Integer:
    # strict: "30" and 30.0 are not integers here (and bool never is).
    return fields.Integer(required=True, strict=True, validate=validate.Range(min=low, max=high, error=message),
                          error_messages=_every_error(message))


class PayloadSchema(Schema):
    # Unknown keys are refused (marshmallow's default RAISE): a field the server would
    # silently drop is worse than a clear error.
    error_messages = {"unknown": UNKNOWN_FIELD, "type": "De inhoud (payload) moet een JSON-object zijn."}


# -- the payload schemas of issue 6 ----------------------------------------------------------

VISIT_ID = "De id van het huisbezoek ontbreekt of klopt niet."


class NoteCreateSchema(PayloadSchema):
    client_id = identifier("Kies de cliënt bij wie deze notitie hoort.")
    visit_id = identifier("Het huisbezoek bij deze notitie is niet herkend.", required=False)
    kind = choice_field(NOTE_KINDS, "Kies een soort notitie: observatie, afspraak of incident.")
    text = text_field("Vul de tekst van de notitie in.", max_length=MAX_NOTE_LENGTH,
                      too_long=f"De notitie is te lang: maximaal {MAX_NOTE_LENGTH:,} tekens.".replace(",", "."))
    supersedes = identifier("De notitie die je verbetert is niet herkend.", required=False)
    written_at = UtcTimestamp(f"Het tijdstip van de notitie ontbreekt of klopt niet ({TIMESTAMP_EXAMPLE}).",
                              required=True)


class VisitPlanSchema(PayloadSchema):
    visit_id = identifier(VISIT_ID)
    client_id = identifier("Kies de cliënt voor dit huisbezoek.")
    planned_at = UtcTimestamp(f"Vul in wanneer het huisbezoek gepland is ({TIMESTAMP_EXAMPLE}).", required=True)
    checklist = Checklist(load_default=dict)


class VisitCheckinSchema(PayloadSchema):
    visit_id = identifier(VISIT_ID)
    at = UtcTimestamp(f"Het tijdstip van binnenkomst ontbreekt of klopt niet ({TIMESTAMP_EXAMPLE}).",
                      required=True)
    expected_minutes = integer_field(5, 480, "Kies een verwachte duur tussen 5 en 480 minuten.")


class VisitCheckoutSchema(PayloadSchema):
    visit_id = identifier(VISIT_ID)
    at = UtcTimestamp(f"Het tijdstip van vertrek ontbreekt of klopt niet ({TIMESTAMP_EXAMPLE}).", required=True)


# -- the payload schema of issue 7: an incident ------------------------------------------------

INCIDENT_SETTINGS = ("klinisch", "ambulant")
INCIDENT_SITUATIONS = ("acuut", "planbaar", "strafbaar_feit", "geen")
POLICE_CALLED = ("112", "wijkagent", "0900-8844", "niet")
AANGIFTE_STATUSES = ("te_doen", "gedaan", "niet_gedaan")
MAX_INCIDENT_TEXT = 10_000
MAX_INCIDENT_NOTE = 2_000
MAX_REFERENCE = 40
# A flow or step id (a slug): where in the stappenplan the incident was registered from.
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def optional_choice(choices: Iterable[str], message: str) -> fields.String:
    return fields.String(required=False, allow_none=True, validate=validate.OneOf(tuple(choices), error=message),
                         error_messages=_every_error(message))


class StrictBoolean(fields.Field):
    """Only JSON true and false: "ja", 1 or "true" are not answers to a yes/no question here."""

    def __init__(self, message: str, **kwargs: Any):
        super().__init__(error_messages=_every_error(message), **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class IncidentCreateSchema(PayloadSchema):
    client_id = identifier("Kies de cliënt bij wie dit incident hoort.")
    occurred_at = UtcTimestamp(f"Vul in wanneer het incident was ({TIMESTAMP_EXAMPLE}).", required=True)
    setting = choice_field(INCIDENT_SETTINGS, "Kies waar het was: klinisch (in de instelling) of ambulant.")
    location = text_field("Beschrijf de plek in maximaal 200 tekens.", required=False, max_length=200)
    situation = choice_field(INCIDENT_SITUATIONS, "Kies wat voor situatie het was: acute noodsituatie, "
                                                  "planbare noodsituatie, strafbaar feit, of geen van drieën.")
    police_called = choice_field(POLICE_CALLED, "Kies of en hoe de politie is gebeld: 112, wijkagent, "
                                                "0900-8844 of niet.")
    description = text_field("Beschrijf wat er gebeurde: wat werd er gezegd en gedaan.",
                             max_length=MAX_INCIDENT_TEXT,
                             too_long=f"De beschrijving is te lang: maximaal {_thousands(MAX_INCIDENT_TEXT)} tekens.")
    injuries = text_field(f"Beschrijf het letsel in maximaal {_thousands(MAX_INCIDENT_NOTE)} tekens.", required=False,
                          max_length=MAX_INCIDENT_NOTE)
    police_reference = text_field(f"Het nummer van de politie is te lang: maximaal {MAX_REFERENCE} tekens.",
                                  required=False, max_length=MAX_REFERENCE)
    aangifte_status = optional_choice(AANGIFTE_STATUSES, "Kies de stand van de aangifte: te doen, gedaan of niet gedaan.")
    aangifte_reason = text_field(f"Schrijf de reden in maximaal {_thousands(MAX_INCIDENT_NOTE)} tekens.",
                                 required=False, max_length=MAX_INCIDENT_NOTE)
    aangifte_domicilie = StrictBoolean("Kies ja of nee: aangifte op het adres van de organisatie.", load_default=False)
    aangifte_reference = text_field(f"Het nummer van de aangifte is te lang: maximaal {MAX_REFERENCE} tekens.",
                                    required=False, max_length=MAX_REFERENCE)
    flow_id = text_field("Het stappenplan bij dit incident is niet herkend.", required=False, max_length=60,
                         pattern=SLUG)
    step_id = text_field("De stap van het stappenplan bij dit incident is niet herkend.", required=False,
                         max_length=60, pattern=SLUG)
    written_at = UtcTimestamp(f"Het tijdstip van vastleggen ontbreekt of klopt niet ({TIMESTAMP_EXAMPLE}).",
                              required=True)

    @validates_schema(skip_on_field_errors=False)  # say it together with the other fields' errors
    def reason_when_not_done(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("aangifte_status") == "niet_gedaan" and not data.get("aangifte_reason"):
            raise ValidationError("Schrijf op waarom er geen aangifte is gedaan.", "aangifte_reason")


# -- the registry ----------------------------------------------------------------------------

DEFAULT_CONFLICT = "Dit item is al eerder met andere inhoud ontvangen."
DEFAULT_INVALID = "Dit item is niet goed ingevuld."
ITEM_TOO_OLD = ("Dit item is gemaakt met een te oude versie van de app en kan niet meer worden verwerkt. "
                "Het blijft op je telefoon bewaard.")
ITEM_TOO_NEW = "Dit item is gemaakt met een nieuwere versie van de app dan de server kent. Probeer het later opnieuw."


@dataclass(frozen=True)
class MutationType:
    """A kind of mutation: its payload schema per schema_version, its apply, and its Dutch reasons."""

    name: str
    schemas: Mapping[int, type[Schema]]
    apply: ApplyFn
    invalid_reason: str = DEFAULT_INVALID
    conflict_reason: str = DEFAULT_CONFLICT

    def load(self, mutation: Mutation) -> dict[str, Any]:
        """The payload, validated for the mutation's schema_version; raises Rejected."""
        schema = self.schemas.get(mutation.schema_version)
        if schema is None:
            raise Rejected(ITEM_TOO_OLD if mutation.schema_version < max(self.schemas) else ITEM_TOO_NEW)
        try:
            # A fresh instance per load: schema instances keep state while loading.
            return schema().load(mutation.payload)
        except ValidationError as exc:
            raise Rejected(self.invalid_reason, flatten_errors(exc.messages)) from None


class Registry:
    def __init__(self, types: Iterable[MutationType] = ()):
        self._types: dict[str, MutationType] = {}
        for mutation_type in types:
            self.register(mutation_type)

    def register(self, mutation_type: MutationType) -> None:
        if mutation_type.name in self._types:
            raise ValueError(f"mutation type {mutation_type.name!r} is registered twice")
        if not mutation_type.schemas:
            raise ValueError(f"mutation type {mutation_type.name!r} has no schema")
        self._types[mutation_type.name] = mutation_type

    def get(self, name: str) -> MutationType | None:
        return self._types.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._types

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._types)


@dataclass(frozen=True)
class ShippedType:
    schemas: Mapping[int, type[Schema]]
    invalid_reason: str
    conflict_reason: str


SHIPPED_TYPES: Mapping[str, ShippedType] = {
    "note.create": ShippedType(
        {1: NoteCreateSchema},
        "De notitie is niet goed ingevuld.",
        "Deze notitie is al eerder met andere inhoud ontvangen."),
    "visit.plan": ShippedType(
        {1: VisitPlanSchema},
        "Het geplande huisbezoek is niet goed ingevuld.",
        "Dit geplande huisbezoek is al eerder met andere inhoud ontvangen."),
    "visit.checkin": ShippedType(
        {1: VisitCheckinSchema},
        "De melding 'binnen' is niet goed ingevuld.",
        "Deze melding 'binnen' is al eerder met andere inhoud ontvangen."),
    "visit.checkout": ShippedType(
        {1: VisitCheckoutSchema},
        "De melding 'buiten' is niet goed ingevuld.",
        "Deze melding 'buiten' is al eerder met andere inhoud ontvangen."),
    "incident.create": ShippedType(
        {1: IncidentCreateSchema},
        "Het incident is niet goed ingevuld.",
        "Dit incident is al eerder met andere inhoud ontvangen."),
}


def build_registry(apply: Mapping[str, ApplyFn]) -> Registry:
    """The shipped types that the web app gives an apply function for; other types are unknown to the server."""
    unknown = set(apply) - set(SHIPPED_TYPES)
    if unknown:
        raise ValueError(f"no shipped schema for mutation type(s) {sorted(unknown)}; use Registry.register")
    return Registry(
        MutationType(name, shipped.schemas, apply[name], shipped.invalid_reason, shipped.conflict_reason)
        for name, shipped in SHIPPED_TYPES.items() if name in apply
    )


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested errors as ``{"field": ["message", ...]}``, nested names joined by dots."""
    flat: dict[str, list[str]] = {}

    def add(name: str, text: str) -> None:
        # Several validators of one field may share its message; say it once.
        texts = flat.setdefault(name, [])
        if text not in texts:
            texts.append(text)

    def walk(node: Any, name: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{name}.{key}" if name else str(key))
        elif isinstance(node, list):
            for item in node:
                walk(item, name)
        else:
            add(name or "_schema", str(node))

    walk(messages, prefix)
    return flat
