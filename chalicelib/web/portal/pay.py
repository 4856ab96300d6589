"""/portal/<token>/pay: one invoice (the link's) with "Pay now" by the saved card; without a saved card
(or with ?new_card=1) the card form comes first and saving it pays the invoice in the same step.

A portal link pays any open invoice of its customer the same way, at /portal/<token>/invoices/<id>/pay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.links import LinkUnknown
from chalicelib.domain.money import format_amount
from chalicelib.domain.portal_labels import status_label
from chalicelib.web.portal.access import PortalContext, redirect
from chalicelib.web.portal.card import card_form, card_text, save_card_from_form, uses_stripe_js

if TYPE_CHECKING:
    from chalicelib.domain.invoices import Invoice

PAY = "pay"
CARD_AND_PAY = "card_and_pay"


def _here(ctx: PortalContext) -> str:
    invoice_id = ctx.params.get("invoice_id")
    return ctx.url(f"invoices/{invoice_id}/pay") if invoice_id else ctx.url(PAY)


def _invoice(ctx: PortalContext, consistent: bool = False) -> Invoice:
    """The link's invoice (a pay link), or the one in the URL (a portal link): always the customer's."""
    from chalicelib.domain.errors import NotFound
    from chalicelib.store import invoices
    from chalicelib.web.portal import owned

    if "invoice_id" in ctx.params:
        return owned.invoice(ctx, ctx.params["invoice_id"], consistent=consistent)

    try:
        invoice = invoices.get(ctx.link.subject_id, consistent=consistent)
    except NotFound:
        raise LinkUnknown("this link is not valid") from None
    if ctx.link.subject_type != "invoice" or invoice.customer_id != ctx.link.customer_id:
        raise LinkUnknown("this link is not valid")
    return invoice


def _page(
    ctx: PortalContext,
    status: int = 200,
    *,
    error: str = "",
    notice: str = "",
    invoice: Invoice | None = None,
) -> Response:
    from chalicelib.store import cards

    invoice = invoice or _invoice(ctx)
    amount = format_amount(invoice.open_minor, invoice.currency, ctx.locale)
    payable = invoice.owes and invoice.open_minor > 0
    saved = cards.get(ctx.link.customer_id) if payable else None
    form: dict[str, Any] = {}
    wants_card = payable and (
        saved is None or ctx.query.get("new_card") == "1" or ctx.form.get("action") == CARD_AND_PAY
    )
    if wants_card:
        label = ctx.t["save_and_pay"].format(amount=amount)
        page = _here(ctx).removeprefix(ctx.url() + "/")
        form = card_form(ctx, page, submit_label=label, action=CARD_AND_PAY)
    return ctx.render(
        "portal/pay.html",
        status,
        stripe=bool(form) and uses_stripe_js(form),
        invoice=invoice,
        amount_open=amount,
        total=format_amount(invoice.total_minor, invoice.currency, ctx.locale),
        status_text=status_label(invoice.payment_status, ctx.locale),
        payable=payable,
        saved_label=card_text(saved, ctx.t),
        show_card_form=wants_card,
        card=form,
        error=error,
        notice=notice,
        new_card_url=_here(ctx) + "?new_card=1",
        pay_action=_here(ctx),
    )


def show(ctx: PortalContext) -> Response:
    return _page(ctx)


def submit(ctx: PortalContext) -> Response:
    from chalicelib.services.charge_invoice import pay_now

    _invoice(ctx)  # another customer's invoice is "not found" whatever was posted
    action = ctx.form.get("action", PAY)
    if action not in (PAY, CARD_AND_PAY):
        raise ValidationError("unknown action", field="action")
    if action == CARD_AND_PAY:
        try:
            save_card_from_form(ctx)
        except ValidationError as error:
            return _page(ctx, 400, error=error.message)
    invoice = _invoice(ctx, consistent=True)
    if not (invoice.owes and invoice.open_minor > 0):
        return redirect(_here(ctx))  # paid meanwhile (a new card retries declined invoices at once)
    try:
        outcome = pay_now(invoice.id, actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _page(ctx, 400, error=error.message, invoice=invoice)
    if outcome.status == "paid":
        return redirect(_here(ctx))
    if outcome.status == "pending":
        return _page(ctx, 202, notice=ctx.t["payment_pending"])
    ctx.form = {}  # show "Pay now" again (or the card form if the card is gone), not the form just sent
    return _page(ctx, 402, error=ctx.t["payment_failed"].format(message=outcome.message))
