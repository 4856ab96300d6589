"""Cross-cutting HTTP: one error format for every error (Chalice's own included), security headers."""

from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint, Response

from chalicelib.web.responses import SECURITY_HEADERS, html_error, json_error, redirect

bp = Blueprint(__name__)
log = logging.getLogger(__name__)

_CHALICE_CODES = {
    "BadRequestError": "bad_request",
    "BadRequest": "bad_request",
    "NotFoundError": "not_found",
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
    "InternalServerError": "internal_error",
}


def is_api_path(path: str) -> bool:
    """JSON errors: the API, and the webhook endpoints that Stripe calls."""
    return path.startswith(("/api/", "/webhooks/"))


def _chalice_error(response: Response) -> tuple[str, str] | None:
    body = response.body
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        return str(body["Code"]), str(body["Message"])
    return None


def _unified(path: str, response: Response) -> Response:
    """Chalice answers 405, 415 and unhandled exceptions in its own shape: restate them in ours."""
    found = _chalice_error(response)
    if found is None:
        return response
    code, message = found
    status = response.status_code
    if status >= 500:
        message = "an internal error occurred; it has been logged"
    extra = {k: v for k, v in response.headers.items() if k.lower() == "allow"}
    if is_api_path(path):
        return json_error(status, _CHALICE_CODES.get(code, "error"), message, headers=extra)
    return html_error(status, message, headers=extra)


@bp.middleware("http")
def unify_errors_and_secure(event: Any, get_response: Any) -> Response:
    path = getattr(event, "path", "") or ""
    try:
        response = get_response(event)
    except Exception:
        log.exception("unhandled error for %s", path)
        response = Response(body={"Code": "InternalServerError", "Message": ""}, status_code=500)
    response = _unified(path, response)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@bp.route("/", methods=["GET"])
def root() -> Response:
    return redirect("/admin")
