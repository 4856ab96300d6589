"""/portal/<token>: a portal link opens the overview; any other link goes to the page it was issued for."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.links import PAGE, Scope
from chalicelib.web.portal.access import PortalContext, redirect


def home(ctx: PortalContext) -> Response:
    if ctx.link.scope == Scope.PORTAL:
        from chalicelib.web.portal.overview import show

        return show(ctx)
    return redirect(ctx.url(PAGE[ctx.link.scope]))
