"""Building responses: HTML pages, redirects, JSON, and the one error format."""

from __future__ import annotations

import json
from typing import Any

from chalice import Response

from chalicelib.web.render import render

HTML = "text/html; charset=utf-8"
JSON = "application/json"

# Sent with every response: no framing, no sniffing, no referrer leaking tokens in URLs.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
}


def html(body: str, status_code: int = 200, headers: dict[str, Any] | None = None) -> Response:
    return Response(
        body=body,
        status_code=status_code,
        headers={"Content-Type": HTML, "Cache-Control": "no-store", **(headers or {})},
    )


def page(
    template: str, status_code: int = 200, headers: dict[str, Any] | None = None, **context: Any
) -> Response:
    return html(render(template, **context), status_code, headers)


def redirect(location: str, headers: dict[str, Any] | None = None) -> Response:
    return Response(body="", status_code=303, headers={"Location": location, **(headers or {})})


def json_response(payload: Any, status: int = 200, headers: dict[str, Any] | None = None) -> Response:
    return Response(
        body=json.dumps(payload, ensure_ascii=False, default=str),
        status_code=status,
        headers={"Content-Type": JSON, "Cache-Control": "no-store", **(headers or {})},
    )


def error_body(status: int, code: str, message: str, field: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "code": code, "message": message}
    if field:
        error["field"] = field
    return {"error": error}


def json_error(
    status: int, code: str, message: str, field: str | None = None, headers: dict[str, Any] | None = None
) -> Response:
    return json_response(error_body(status, code, message, field), status, headers)


def html_error(status: int, message: str, headers: dict[str, Any] | None = None, **context: Any) -> Response:
    """The error page; with `ctx` (a signed-in page) it keeps the navigation."""
    return page(
        "error.html",
        status,
        headers,
        error_status=status,
        message=message,
        title=_TITLES.get(status, "Error"),
        **context,
    )


_TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported content type",
    429: "Too many attempts",
    500: "Something went wrong",
}
