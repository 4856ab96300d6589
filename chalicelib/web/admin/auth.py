"""Sign-in, sign-out and accepting an invitation."""

from __future__ import annotations

from chalice import Response
from chalice.app import Request

from chalicelib import bootstrap
from chalicelib.domain.errors import TooManyRequests, Unauthorized, ValidationError
from chalicelib.services import invitations
from chalicelib.services.sign_in import SESSION_LIFETIME, sign_in, sign_out
from chalicelib.web import security
from chalicelib.web.admin.routing import CSRF_FAILED, PREFIX, public_page, safe_next
from chalicelib.web.forms import parse_form
from chalicelib.web.responses import html_error, page, redirect


def _anon(request: Request) -> tuple[str, list[str]]:
    """The anonymous CSRF binding, and the Set-Cookie needed if the browser has none yet."""
    settings = bootstrap.settings()
    value = security.read_cookies(request.headers.get("cookie")).get(security.ANON_COOKIE)
    if value:
        return value, []
    value = security.new_anon_value()
    return value, [security.cookie(security.ANON_COOKIE, value, secure=settings.cookie_secure)]


def _login_page(request: Request, status: int = 200, error: str = "", email: str = "") -> Response:
    settings = bootstrap.settings()
    anon, cookies = _anon(request)
    query: dict[str, str] = dict(request.query_params or {})
    return page(
        "admin/login.html",
        status,
        {"Set-Cookie": cookies} if cookies else None,
        csrf=security.csrf_token(settings.secret_key, anon),
        error=error,
        email=email,
        next=safe_next(query.get("next")),
        expired=query.get("expired") == "1",
        signed_out=query.get("signed_out") == "1",
    )


@public_page("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@public_page("/login", methods=("POST",))
def login_submit(request: Request) -> Response:
    settings = bootstrap.settings()
    form = parse_form(request)
    anon = security.read_cookies(request.headers.get("cookie")).get(security.ANON_COOKIE)
    if not security.csrf_valid(settings.secret_key, anon, form.get("csrf_token")):
        return html_error(403, CSRF_FAILED)
    email = form.get("email", "")
    address = (request.context.get("identity") or {}).get("sourceIp", "unknown")
    try:
        _user, session_id = sign_in(email, form.get("password", ""), address, bootstrap.utcnow())
    except TooManyRequests as error:
        response = _login_page(request, 429, error.message, email)
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    except Unauthorized as error:
        return _login_page(request, 401, error.message, email)
    value = security.sign_session(settings.secret_key, session_id)
    cookie = security.cookie(
        security.SESSION_COOKIE,
        value,
        secure=settings.cookie_secure,
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )
    return redirect(safe_next(form.get("next")), headers={"Set-Cookie": cookie})


@public_page("/logout", methods=("POST",))
def logout(request: Request) -> Response:
    settings = bootstrap.settings()
    form = parse_form(request)
    value = security.read_cookies(request.headers.get("cookie")).get(security.SESSION_COOKIE, "")
    session_id = security.unsign_session(settings.secret_key, value)
    if not security.csrf_valid(settings.secret_key, session_id, form.get("csrf_token")):
        return html_error(403, CSRF_FAILED)
    if session_id:
        sign_out(session_id)
    clear = security.expired_cookie(security.SESSION_COOKIE, secure=settings.cookie_secure)
    return redirect(f"{PREFIX}/login?signed_out=1", headers={"Set-Cookie": clear})


def _invite_page(request: Request, token: str, status: int = 200, error: str = "") -> Response:
    settings = bootstrap.settings()
    user = invitations.read_invitation(settings.secret_key, token)
    anon, cookies = _anon(request)
    return page(
        "admin/invite.html",
        status,
        {"Set-Cookie": cookies} if cookies else None,
        user=user,
        token=token,
        error=error,
        csrf=security.csrf_token(settings.secret_key, anon),
    )


@public_page("/invitation/{token}")
def invitation_form(request: Request, token: str) -> Response:
    return _invite_page(request, token)


@public_page("/invitation/{token}", methods=("POST",))
def invitation_accept(request: Request, token: str) -> Response:
    settings = bootstrap.settings()
    form = parse_form(request)
    anon = security.read_cookies(request.headers.get("cookie")).get(security.ANON_COOKIE)
    if not security.csrf_valid(settings.secret_key, anon, form.get("csrf_token")):
        return html_error(403, CSRF_FAILED)
    if form.get("password", "") != form.get("password_repeat", ""):
        return _invite_page(request, token, 400, "the two passwords differ")
    try:
        invitations.accept_invitation(
            settings.secret_key, token, form.get("password", ""), bootstrap.utcnow()
        )
    except ValidationError as error:
        return _invite_page(request, token, 400, error.message)
    return redirect(f"{PREFIX}/login?next={PREFIX}")
