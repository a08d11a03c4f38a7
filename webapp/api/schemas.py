"""marshmallow schemas of the API's payloads; the OpenAPI document is generated from them."""
from marshmallow import Schema, fields


class ErrorDetailSchema(Schema):
    status = fields.Integer(required=True)
    title = fields.String(required=True)
    message = fields.String(required=True, metadata={"description": "For people, in Dutch"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Field name -> Dutch messages"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class CaseloadClientSchema(Schema):
    id = fields.String(required=True, metadata={"description": "The client's opaque public id"})
    name = fields.String(required=True)
    date_of_birth = fields.Date(required=True)
    postcode_area = fields.String(required=True)
    address = fields.String(required=True)
    team = fields.String(required=True)
    card_version = fields.Integer(allow_none=True)
    warnings = fields.List(fields.String())
    belkaart = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True),
                           metadata={"description": "The 112-belkaart's places from the crisiskaart: toegang, medicatie, "
                                                    "helpt (null: not on the card)"})
    html = fields.Dict(keys=fields.String(), values=fields.String(),
                       metadata={"description": "Server-rendered views for offline use: card, briefing"})


class CaseloadSchema(Schema):
    version = fields.String(required=True, metadata={"description": "Changes when anything below would change"})
    unchanged = fields.Boolean(metadata={"description": "True when `known` was the current version: no clients sent"})
    generated_at = fields.DateTime(required=True)
    max_age_hours = fields.Integer(required=True, metadata={"description": "Delete the copy after this long without a sync"})
    clients = fields.List(fields.Nested(CaseloadClientSchema))


class SessionUserSchema(Schema):
    username = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": ["hulpverlener", "wijkagent", "coordinator"]})


class SessionSchema(Schema):
    user = fields.Nested(SessionUserSchema, required=True)
    csrf_token = fields.String(required=True, metadata={"description": "Send as X-CSRFToken on POST; fetch it right before sending"})
    schema_version = fields.Integer(required=True)


class DeviceShareSchema(Schema):
    share = fields.String(required=True, metadata={"description": "The server's half of the phone's data key (hex)"})
    offline_unlock_hours = fields.Integer(required=True, metadata={
        "description": "How long after this unlock the phone may unlock without a connection"})
    offline_pin_attempts = fields.Integer(required=True, metadata={
        "description": "Wrong PINs allowed offline before the phone wipes its caseload copy"})


class MutationSchema(Schema):
    id = fields.UUID(required=True, metadata={"description": "Made by the phone, once; the server applies it at most once"})
    type = fields.String(required=True, metadata={"enum": ["note.create", "visit.plan", "visit.checkin", "visit.checkout",
                                                            "incident.create"]})
    schema_version = fields.Integer(required=True)
    hash = fields.String(required=True, metadata={"description": "sha256 hex of the canonical JSON of type, schema_version and payload",
                                                   "pattern": "^[0-9a-f]{64}$"})
    device_time = fields.DateTime(required=True)
    payload = fields.Dict(required=True)


class PushSchema(Schema):
    schema_version = fields.Integer(required=True)
    device_id = fields.UUID(required=True)
    mutations = fields.List(fields.Nested(MutationSchema), required=True, metadata={"maxItems": 100})


class ResultSchema(Schema):
    id = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["applied", "duplicate", "conflict", "rejected"]})
    reason = fields.String(metadata={"description": "Why, for people, in Dutch (conflict and rejected)"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class PushResultSchema(Schema):
    schema_version = fields.Integer(required=True)
    results = fields.List(fields.Nested(ResultSchema), required=True)
    cursor = fields.String(required=True, metadata={"description": "Informational; never use it as the pull cursor"})


class ChangeSchema(Schema):
    seq = fields.Integer(required=True)
    type = fields.String(required=True, metadata={"enum": ["note", "visit", "client"]})
    id = fields.String(required=True)
    op = fields.String(required=True, metadata={"enum": ["upsert", "delete"]})
    data = fields.Dict(allow_none=True)


class PullSchema(Schema):
    schema_version = fields.Integer(required=True)
    changes = fields.List(fields.Nested(ChangeSchema), required=True)
    cursor = fields.String(required=True)
    more = fields.Boolean(required=True)
