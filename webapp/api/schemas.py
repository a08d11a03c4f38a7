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
    html = fields.Dict(keys=fields.String(), values=fields.String(),
                       metadata={"description": "Server-rendered views for offline use: card, briefing"})


class CaseloadSchema(Schema):
    version = fields.String(required=True, metadata={"description": "Changes when anything below would change"})
    unchanged = fields.Boolean(metadata={"description": "True when `known` was the current version: no clients sent"})
    generated_at = fields.DateTime(required=True)
    max_age_hours = fields.Integer(required=True, metadata={"description": "Delete the copy after this long without a sync"})
    clients = fields.List(fields.Nested(CaseloadClientSchema))
