"""The API endpoint decorator: key and scope check, JSON parsing, one error format, OpenAPI entry."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib import bootstrap
from chalicelib.domain.api_keys import ApiKey
from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import DomainError, TooManyRequests, UnsupportedMediaType, ValidationError
from chalicelib.domain.roles import ApiScope
from chalicelib.services.api_keys import authenticate
from chalicelib.web.responses import json_error, json_response

bp = Blueprint(__name__)
PREFIX = "/api/v1"
MAX_BODY_BYTES = 256 * 1024


@dataclass(frozen=True)
class Endpoint:
    """What the OpenAPI document says about one route."""

    path: str
    method: str
    summary: str
    scope: ApiScope | None
    public: bool
    request_schema: dict[str, Any] | None = None
    response_schema: dict[str, Any] | None = None
    status: int = 200
    query: tuple[tuple[str, str], ...] = field(default_factory=tuple)


ENDPOINTS: list[Endpoint] = []


@dataclass
class ApiContext:
    request: Request
    key: ApiKey | None
    now: datetime
    body: dict[str, Any]

    @property
    def actor(self) -> Actor:
        assert self.key is not None
        return Actor(f"api:{self.key.id}", f"API key {self.key.name}")

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.query_params or {})


View = Callable[..., Any]


def endpoint(
    path: str,
    method: str,
    *,
    summary: str,
    scope: ApiScope | None,
    public: bool = False,
    request_schema: dict[str, Any] | None = None,
    response_schema: dict[str, Any] | None = None,
    status: int = 200,
    query: tuple[tuple[str, str], ...] = (),
) -> Callable[[View], View]:
    """Registers `view(ctx, **path_params) -> payload` under /api/v1`path`.

    A key with `scope` is required unless `public`; scope=None accepts any valid key.
    """
    ENDPOINTS.append(
        Endpoint(path, method, summary, scope, public, request_schema, response_schema, status, query)
    )

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def handler(**params: str) -> Response:
            return _serve(view, scope, public, status, params)

        handler.scope = scope  # type: ignore[attr-defined]
        handler.public = public  # type: ignore[attr-defined]
        bp.route(path, methods=[method], content_types=["*/*"], name=f"api_{view.__name__}")(handler)
        return view

    return decorator


def _serve(view: View, scope: ApiScope | None, public: bool, status: int, params: dict[str, str]) -> Response:
    request = bp.current_request
    now = bootstrap.utcnow()
    try:
        bootstrap.settings()
        key = None if public else authenticate(request.headers.get("authorization"), scope, now)
        body = _json_body(request) if request.method in ("POST", "PUT", "PATCH") else {}
        payload = view(ApiContext(request=request, key=key, now=now, body=body), **params)
    except TooManyRequests as error:
        return json_error(
            error.status, error.code, error.message, headers={"Retry-After": str(error.retry_after)}
        )
    except DomainError as error:
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return json_error(error.status, error.code, error.message, error.field, headers)
    return json_response(payload, status)


def _json_body(request: Request) -> dict[str, Any]:
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType(f"send the body as application/json, not {content_type or 'nothing'}")
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise ValidationError(f"the body is larger than {MAX_BODY_BYTES // 1024} KiB")
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(f"the body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise ValidationError("the body must be a JSON object")
    return body


def string_fields(body: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """Takes the named fields, each a string if present: a number where text belongs is a 400."""
    out: dict[str, str] = {}
    for name in names:
        if name in body and body[name] is not None:
            if not isinstance(body[name], str):
                raise ValidationError(f"{name} must be a string", field=name)
            out[name] = body[name]
    return out
