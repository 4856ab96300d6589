"""/portal/<token>: the page the link was issued for (the portal overview replaces this for the
portal scope when it exists)."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.links import PAGE
from chalicelib.web.portal.access import PortalContext, redirect


def home(ctx: PortalContext) -> Response:
    return redirect(ctx.url(PAGE[ctx.link.scope]))
