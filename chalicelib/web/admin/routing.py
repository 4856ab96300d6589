"""The admin page decorator: sign-in, role, CSRF and error pages, on every admin route."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib import bootstrap
from chalicelib.config import Settings
from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import DomainError
from chalicelib.domain.roles import Permission
from chalicelib.domain.staff import StaffUser
from chalicelib.services.sign_in import SessionExpired, current_user
from chalicelib.web import security
from chalicelib.web.forms import parse_form
from chalicelib.web.responses import html_error, page, redirect

bp = Blueprint(__name__)
PREFIX = "/admin"

CSRF_FAILED = "This form has expired or did not come from this site. Go back, reload the page and try again."


@dataclass
class PageContext:
    request: Request
    user: StaffUser
    now: datetime
    settings: Settings
    csrf: str
    form: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        return Actor(self.user.id, self.user.email)

    def can(self, permission: Permission) -> bool:
        return permission.allows(self.user.role)

    def allowed_permission_names(self) -> set[str]:
        return {p.name for p in Permission if p.allows(self.user.role)}

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        return page(template, status, ctx=self, **context)


View = Callable[..., Response]


def admin_page(
    path: str, *, permission: Permission, methods: tuple[str, ...] = ("GET",)
) -> Callable[[View], View]:
    """Registers `view(ctx, **path_params)` under /admin`path`, allowed to `permission`'s roles."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def handler(**params: str) -> Response:
            return _serve(view, permission, params)

        _declare(path, methods, view, handler, permission.name)
        return view

    return decorator


def _serve(view: View, permission: Permission, params: dict[str, str]) -> Response:
    request = bp.current_request
    settings = bootstrap.settings()
    now = bootstrap.utcnow()
    cookies = security.read_cookies(request.headers.get("cookie"))
    session_id = security.unsign_session(settings.secret_key, cookies.get(security.SESSION_COOKIE, ""))
    if session_id is None:
        return _to_sign_in(request, settings, expired=False)
    try:
        user = current_user(session_id, now)
    except SessionExpired:
        return _to_sign_in(request, settings, expired=True)
    if not permission.allows(user.role):
        return html_error(403, f"Your role ({user.role.value}) does not allow this page.")
    ctx = PageContext(
        request=request,
        user=user,
        now=now,
        settings=settings,
        csrf=security.csrf_token(settings.secret_key, session_id),
        query={k: v for k, v in (request.query_params or {}).items()},
    )
    try:
        if request.method not in ("GET", "HEAD"):
            ctx.form = parse_form(request)
            if not security.csrf_valid(settings.secret_key, session_id, ctx.form.get("csrf_token")):
                return html_error(403, CSRF_FAILED)
        return view(ctx, **params)
    except DomainError as error:
        return html_error(error.status, error.message, ctx=ctx)


def _to_sign_in(request: Request, settings: Settings, *, expired: bool) -> Response:
    target = request.context.get("path", PREFIX) if request.method == "GET" else PREFIX
    location = f"{PREFIX}/login?next={quote(target, safe='/')}" + ("&expired=1" if expired else "")
    clear = security.expired_cookie(security.SESSION_COOKIE, secure=settings.cookie_secure)
    return redirect(location, headers={"Set-Cookie": clear})


def safe_next(target: str | None) -> str:
    """Only local admin paths: an attacker's ?next=https://evil.example must not redirect away."""
    if target and target.startswith(PREFIX) and not target.startswith("//") and "\\" not in target:
        return target
    return PREFIX


def public_page(path: str, *, methods: tuple[str, ...] = ("GET",)) -> Callable[[View], View]:
    """Pages reachable without a session (sign-in, invitations): each one is listed as public."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def handler(**params: str) -> Response:
            try:
                return view(bp.current_request, **params)
            except DomainError as error:
                return html_error(error.status, error.message)

        _declare(path, methods, view, handler, None)
        return view

    return decorator


# Pages are loaded on first use: importing every page module (and the services behind it) on each
# cold start grows with every page. The decorators above only record handlers; the routes are
# registered from routes_manifest.py (generated from these records, checked by a test) with stubs
# that import their page module when first called.
HANDLERS: dict[tuple[str, str], Callable[..., Response]] = {}
DECLARED: list[tuple[str, str, str, str, str | None]] = []  # (path, method, module, view, permission)


def _declare(path: str, methods: tuple[str, ...], view: View, handler: View, permission: str | None) -> None:
    for method in methods:
        HANDLERS[(path, method)] = handler
        DECLARED.append((path, method, view.__module__, view.__name__, permission))


def register_pages(routes: list[tuple[str, str, str, str, str | None]]) -> None:
    for path, method, module, name, permission in routes:
        stub = _stub(path, method, module)
        stub.__name__ = name
        if permission is None:
            stub.public = True  # type: ignore[attr-defined]
        else:
            stub.permission = Permission[permission]  # type: ignore[attr-defined]  # read by the route audit
        bp.route(path, methods=[method], content_types=["*/*"], name=f"admin_{name}_{method.lower()}")(stub)


def _stub(path: str, method: str, module: str) -> View:
    def handler(**params: str) -> Response:
        if (path, method) not in HANDLERS:
            importlib.import_module(module)
        return HANDLERS[(path, method)](**params)

    return handler
