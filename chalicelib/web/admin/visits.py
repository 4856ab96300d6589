"""Service visits (S10) on the contract's visits tab: "Mark done", which may ask the customer for
feedback by email (B3) when the contract's template has the "visit_done" email."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Response

from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect


@admin_page("/contracts/{contract_id}/visits/done", permission=Permission.EDIT_ITEMS, methods=("POST",))
def visit_mark_done(ctx: PageContext, contract_id: str) -> Response:
    from chalicelib.services.visit_done import mark_visit_done

    done = mark_visit_done(contract_id, ctx.form.get("visit_key", ""), actor=ctx.actor, now=ctx.now)
    notice = "visit_done_mailed" if done.feedback_link else "visit_done"
    return redirect(f"{PREFIX}/contracts/{quote(contract_id, safe='')}?tab=visits&notice={notice}")
