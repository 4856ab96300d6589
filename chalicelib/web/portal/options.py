"""/portal/<token>/contracts/<id>/options: add or remove options, change quantities (B9, B23).

Form fields: qty_<option code> (0 removes), main_quantity (the main line), action=preview shows the
prorated effect; the confirm form posts the same quantities with action=confirm and the contract's
version (a contract changed meanwhile gives a 409 page with the contract as it is now).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Response

from chalicelib.domain.errors import Conflict, DomainError, ValidationError
from chalicelib.domain.money import format_amount
from chalicelib.web.portal.access import PortalContext, redirect

if TYPE_CHECKING:
    from chalicelib.domain.contracts import Contract
    from chalicelib.services.portal_options import OptionsPlan

PREVIEW, CONFIRM = "preview", "confirm"


def _here(ctx: PortalContext, contract: Contract) -> str:
    return ctx.url(f"contracts/{contract.id}/options")


def _page(
    ctx: PortalContext,
    contract: Contract,
    status: int = 200,
    *,
    error: DomainError | None = None,
    preview: OptionsPlan | None = None,
) -> Response:
    from chalicelib.domain.option_access import MAIN_FIELD, MAX_QUANTITY, open_for_changes, quantity_text
    from chalicelib.services.portal_options import options_view

    view = preview.view if preview is not None else options_view(contract)

    def money(minor: int) -> str:
        return format_amount(minor, contract.currency, ctx.locale)

    values: dict[str, Any] = {row.field: quantity_text(row.quantity) for row in view.rows}
    if view.main is not None:
        values[MAIN_FIELD] = quantity_text(view.main.quantity)
    if error is not None:  # keep what the customer typed
        values.update({k: v for k, v in ctx.form.items() if k in values})
    return ctx.render(
        "portal/options.html",
        status,
        nav="overview",
        contract=contract,
        view=view,
        values=values,
        money=money,
        qty=quantity_text,
        most=MAX_QUANTITY,
        changeable=open_for_changes(contract) and view.level.allows_changes,
        closed=not open_for_changes(contract),
        lowering=view.level.allows_lowering,
        error=error.message if error else "",
        error_field=(error.field or "") if error else "",
        preview=preview,
        notice=ctx.t["ss_options_saved"] if ctx.query.get("saved") == "1" and not error else "",
        action=_here(ctx, contract),
        cancel_url=ctx.url(f"contracts/{contract.id}/cancel"),
    )


def show(ctx: PortalContext) -> Response:
    from chalicelib.web.portal import owned

    return _page(ctx, owned.contract(ctx, ctx.params["contract_id"]))


def form_version(ctx: PortalContext) -> int:
    """The contract version the form was made from (the options and cancel forms carry it)."""
    raw = ctx.form.get("version", "")
    if not raw.isdigit():
        raise ValidationError("the form lost the contract's version: reload the page", field="version")
    return int(raw)


def submit(ctx: PortalContext) -> Response:
    from chalicelib.services.portal_options import change_options, plan_options
    from chalicelib.web.portal import owned

    contract = owned.contract(ctx, ctx.params["contract_id"], consistent=True)
    action = ctx.form.get("action", "")
    if action not in (PREVIEW, CONFIRM):
        raise ValidationError("unknown action", field="action")
    quantities = {k: v for k, v in ctx.form.items() if k.startswith("qty_") or k == "main_quantity"}
    try:
        if action == PREVIEW:
            return _page(ctx, contract, preview=plan_options(contract, quantities, ctx.now))
        change_options(contract, quantities, version=form_version(ctx), actor=ctx.actor, now=ctx.now)
    except Conflict as error:  # the contract read above is the current one, unless a save won the race
        fresh = owned.contract(ctx, contract.id, consistent=True)
        return _page(ctx, fresh, error.status, error=error)
    except ValidationError as error:
        return _page(ctx, contract, error.status, error=error)
    return redirect(_here(ctx, contract) + "?saved=1")
