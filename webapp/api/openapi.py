"""The OpenAPI document of /api/v1, generated from the marshmallow schemas with apispec."""
from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from webapp.api.schemas import CaseloadSchema, DeviceShareSchema, ErrorSchema, PullSchema, PushResultSchema, PushSchema, SessionSchema

_SPEC: dict | None = None

ERRORS = {400: "Invalid request (field errors in Dutch)", 401: "Not logged in: log in again; nothing on the phone is lost",
          403: "Not allowed for this role", 413: "Too large: more than 100 mutations or a body over the limit",
          426: "This version of the app is too old: reload it", 503: "Busy: send the same batch again later"}


def _errors(*codes: int) -> dict:
    return {str(c): {"description": ERRORS[c], "content": {"application/json": {"schema": "ErrorSchema"}}} for c in codes}


def _json(description: str, schema: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def build_spec() -> dict:
    global _SPEC
    if _SPEC is None:
        spec = APISpec(title="Veldwijzer API", version="1", openapi_version="3.0.3",
                       info={"description": "Sync and offline data for the Veldwijzer app. Session cookie "
                                            "authentication; POST requests need the X-CSRFToken header from /session."},
                       servers=[{"url": "/api/v1"}], plugins=[MarshmallowPlugin()])
        spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
        for name, schema in (("ErrorSchema", ErrorSchema), ("Caseload", CaseloadSchema), ("Session", SessionSchema),
                             ("Push", PushSchema), ("PushResult", PushResultSchema), ("Pull", PullSchema), ("DeviceShare", DeviceShareSchema)):
            spec.components.schema(name, schema=schema)
        secured = [{"session": []}]
        spec.path(path="/session", operations={"get": {
            "summary": "Who is logged in, and a fresh CSRF token", "security": secured,
            "responses": {"200": _json("The session", "Session"), **_errors(401)}}})
        spec.path(path="/caseload", operations={"get": {
            "summary": "The hulpverlener's caseload for offline use", "security": secured,
            "parameters": [{"name": "known", "in": "query", "required": False, "schema": {"type": "string"},
                            "description": "The version the phone holds; an unchanged copy is not sent again"}],
            "responses": {"200": _json("The copy, or `unchanged`", "Caseload"), **_errors(401, 403)}}})
        spec.path(path="/device/share", operations={"post": {
            "summary": "The server's half of this phone's data key, while the device is not revoked", "security": secured,
            "parameters": [{"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _json("The share and the offline-unlock rules", "DeviceShare"), **_errors(401, 403)}}})
        spec.path(path="/sync/push", operations={"post": {
            "summary": "Send a batch of mutations; each is applied at most once", "security": secured,
            "parameters": [{"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": "Push"}}},
            "responses": {"200": _json("One result per mutation, in order", "PushResult"),
                          **_errors(400, 401, 403, 413, 426, 503)}}})
        spec.path(path="/sync/pull", operations={"get": {
            "summary": "Changes after a cursor, in pages, with tombstones", "security": secured,
            "parameters": [
                {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                {"name": "schema_version", "in": "query", "required": False, "schema": {"type": "integer"}}],
            "responses": {"200": _json("A page of changes", "Pull"), **_errors(400, 401, 403, 426)}}})
        spec.path(path="/openapi.json", operations={"get": {
            "summary": "This document", "responses": {"200": {"description": "OpenAPI 3 document"}}}})
        _SPEC = spec.to_dict()
    return _SPEC
