"""API keys for integrations: created with scopes, the token shown once, revocable."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import ApiScope, Permission
from chalicelib.services.api_keys import issue_key, revoke_key
from chalicelib.store import api_keys
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect


def _list(ctx: PageContext, status: int = 200, **extra: object) -> Response:
    return ctx.render(
        "admin/api_keys.html",
        status,
        keys=api_keys.list_all(),
        scopes=list(ApiScope),
        **{"error": None, "token": None, "notice": "", **extra},
    )


@admin_page("/api-keys", permission=Permission.MANAGE_API_KEYS)
def api_key_list(ctx: PageContext) -> Response:
    notice = "Key revoked: calls with it now get 401." if ctx.query.get("notice") == "revoked" else ""
    return _list(ctx, notice=notice)


@admin_page("/api-keys", permission=Permission.MANAGE_API_KEYS, methods=("POST",))
def api_key_create(ctx: PageContext) -> Response:
    scopes = [s for s in ctx.form.get("scopes", "").split(",") if s]
    try:
        key, token = issue_key(ctx.form.get("name", ""), scopes, actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _list(ctx, 400, error=error)
    # The only time the token is shown: it is not stored, only its hash.
    return _list(ctx, 201, token=token, notice=f"Key {key.name} created.")


@admin_page("/api-keys/{key_id}/revoke", permission=Permission.MANAGE_API_KEYS, methods=("POST",))
def api_key_revoke(ctx: PageContext, key_id: str) -> Response:
    revoke_key(key_id, actor=ctx.actor, now=ctx.now)
    return redirect(f"{PREFIX}/api-keys?notice=revoked")
