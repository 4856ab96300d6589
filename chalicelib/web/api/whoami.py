"""Lets an integration check its key and scopes."""

from __future__ import annotations

from typing import Any

from chalicelib.web.api import schemas
from chalicelib.web.api.routing import ApiContext, endpoint


@endpoint(
    "/whoami", "GET", summary="The calling key and its scopes", scope=None, response_schema=schemas.WHOAMI
)
def whoami(ctx: ApiContext) -> dict[str, Any]:
    assert ctx.key is not None
    return {"key_id": ctx.key.id, "name": ctx.key.name, "scopes": sorted(s.value for s in ctx.key.scopes)}
