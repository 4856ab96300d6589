"""The OpenAPI 3.1 document, built from the endpoints as registered: it cannot drift from the routes."""

from __future__ import annotations

from typing import Any

from chalicelib.web.api.routing import ENDPOINTS, PREFIX, endpoint
from chalicelib.web.api.schemas import ERROR

_ERROR_RESPONSES = {
    "400": "Invalid input: the message names the field",
    "401": "Missing, malformed, unknown or revoked API key",
    "403": "The key lacks the scope",
    "404": "No such record",
    "415": "The body is not application/json",
}


def _operation_id(method: str, path: str) -> str:
    words = path.strip("/").replace("{", "").replace("}", "").replace("/", "_").replace(".", "_")
    return f"{method.lower()}_{words}"


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for e in ENDPOINTS:
        operation: dict[str, Any] = {
            "summary": e.summary,
            "operationId": _operation_id(e.method, e.path),
            "responses": {
                str(e.status): {
                    "description": "OK",
                    "content": {"application/json": {"schema": e.response_schema or {"type": "object"}}},
                },
                **{
                    code: {"description": text, "content": {"application/json": {"schema": ERROR}}}
                    for code, text in _ERROR_RESPONSES.items()
                    if not e.public or code in ("400", "404")
                },
            },
        }
        parameters = [
            {"name": name.strip("{}"), "in": "path", "required": True, "schema": {"type": "string"}}
            for name in e.path.split("/")
            if name.startswith("{")
        ] + [
            {"name": n, "in": "query", "required": False, "description": d, "schema": {"type": "string"}}
            for n, d in e.query
        ]
        if parameters:
            operation["parameters"] = parameters
        if e.request_schema:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": e.request_schema}},
            }
        if not e.public:
            operation["security"] = [{"apiKey": [e.scope.value] if e.scope else []}]
        paths.setdefault(PREFIX + e.path, {})[e.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Service CRM API",
            "version": "1.0.0",
            "description": 'Errors always have the shape {"error": {status, code, message, field?}}.',
        },
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }


@endpoint("/openapi.json", "GET", summary="This document", scope=None, public=True)
def openapi(ctx: object) -> dict[str, Any]:
    return document()
