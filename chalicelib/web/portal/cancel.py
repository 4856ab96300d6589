"""/portal/<token>/contracts/<id>/cancel: the customer cancels a contract with a reason (B12).

Form fields: reason (one of domain.cancel_notice.CUSTOMER_REASONS), note (optional comment), confirm=1
(the checkbox), version (the contract's), action=confirm. The page shows the notice period and the date
it gives; a cancelled contract shows its date and no form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Response

from chalicelib.domain.errors import Conflict, DomainError, ValidationError
from chalicelib.web.portal.access import PortalContext, redirect

if TYPE_CHECKING:
    from chalicelib.domain.contracts import Contract

CONFIRM = "confirm"


def _here(ctx: PortalContext, contract: Contract) -> str:
    return ctx.url(f"contracts/{contract.id}/cancel")


def _page(
    ctx: PortalContext, contract: Contract, status: int = 200, error: DomainError | None = None
) -> Response:
    from chalicelib.domain.cancel_notice import CUSTOMER_REASONS
    from chalicelib.domain.contract_lifecycle import CHANGEABLE
    from chalicelib.services.portal_cancel import MAX_NOTE, offer

    cancelled = contract.cancellation
    open_contract = cancelled is None and contract.status in CHANGEABLE
    form = ctx.form if error else {}
    return ctx.render(
        "portal/cancel.html",
        status,
        nav="overview",
        contract=contract,
        offer=offer(contract, ctx.now) if open_contract else None,
        cancelled_from=cancelled.effective.isoformat() if cancelled else "",
        just_cancelled=ctx.query.get("done") == "1" and cancelled is not None,
        reasons=CUSTOMER_REASONS,
        chosen=form.get("reason", ""),
        note=form.get("note", ""),
        max_note=MAX_NOTE,
        error=error.message if error else "",
        error_field=(error.field or "") if error else "",
        action=_here(ctx, contract),
    )


def show(ctx: PortalContext) -> Response:
    from chalicelib.web.portal import owned

    return _page(ctx, owned.contract(ctx, ctx.params["contract_id"]))


def submit(ctx: PortalContext) -> Response:
    from chalicelib.services.portal_cancel import cancel_contract
    from chalicelib.web.portal import owned
    from chalicelib.web.portal.options import form_version

    contract = owned.contract(ctx, ctx.params["contract_id"], consistent=True)
    if ctx.form.get("action", "") != CONFIRM:
        raise ValidationError("unknown action", field="action")
    try:
        cancel_contract(
            contract,
            reason=ctx.form.get("reason", ""),
            note=ctx.form.get("note", ""),
            confirmed=ctx.form.get("confirm") in ("1", "on", "yes"),
            version=form_version(ctx),
            actor=ctx.actor,
            now=ctx.now,
        )
    except Conflict as error:
        return _page(ctx, owned.contract(ctx, contract.id, consistent=True), error.status, error)
    except ValidationError as error:
        return _page(ctx, contract, error.status, error)
    return redirect(_here(ctx, contract) + "?done=1")
