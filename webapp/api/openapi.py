"""The OpenAPI document of /api/v1, generated from the marshmallow schemas with apispec."""
from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from webapp.api.schemas import CaseloadSchema, ErrorSchema

_SPEC: dict | None = None


def _errors(*codes: int) -> dict:
    text = {400: "Invalid request", 401: "Not logged in (log in again; nothing on the phone is lost)",
            403: "Not allowed for this role", 413: "Request too large", 426: "App too old: reload it"}
    return {str(c): {"description": text[c], "content": {"application/json": {"schema": "ErrorSchema"}}} for c in codes}


def build_spec() -> dict:
    global _SPEC
    if _SPEC is None:
        spec = APISpec(title="Veldwijzer API", version="1", openapi_version="3.0.3",
                       info={"description": "Sync and offline data for the Veldwijzer app. Session cookie "
                                            "authentication; state-changing requests need the X-CSRFToken header."},
                       servers=[{"url": "/api/v1"}], plugins=[MarshmallowPlugin()])
        spec.components.schema("ErrorSchema", schema=ErrorSchema)
        spec.components.schema("Caseload", schema=CaseloadSchema)
        spec.path(path="/caseload", operations={"get": {
            "summary": "The hulpverlener's caseload for offline use",
            "parameters": [{"name": "known", "in": "query", "required": False, "schema": {"type": "string"},
                            "description": "The version the phone holds; an unchanged copy is not sent again"}],
            "responses": {"200": {"description": "The copy, or `unchanged`",
                                  "content": {"application/json": {"schema": "Caseload"}}}, **_errors(401, 403)},
        }})
        spec.path(path="/openapi.json", operations={"get": {
            "summary": "This document", "responses": {"200": {"description": "OpenAPI 3 document"}}}})
        _SPEC = spec.to_dict()
    return _SPEC
