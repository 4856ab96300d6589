"""Admin pages for card payments (B5, B11, B25): a customer's card and automatic payment, charging an
invoice now, refunds of card payments, and the dunning overview."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Response

from chalicelib.domain.errors import DomainError
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

FORM_ERRORS = (400, 404, 409, 503)


def _back(path: str, notice: str) -> Response:
    return redirect(f"{path}?notice={quote(notice)}")


@admin_page("/customers/{customer_id}/card", permission=Permission.VIEW_INVOICES)
def customer_card(ctx: PageContext, customer_id: str) -> Response:
    from chalicelib.store import cards, collections, customers, dunning

    customer = customers.get(customer_id)
    history = collections.of_customer(customer.id, limit=50)
    owners = {collections.owner_key(c) for c in history}
    return ctx.render(
        "admin/customer_card.html",
        customer=customer,
        profile=cards.profile(customer.id),
        collections=history,
        dunning=[d for d in dunning.of_contracts(sorted(owners)).values() if d.active],
        notice=ctx.query.get("notice", "")[:200],
        error=None,
    )


@admin_page("/customers/{customer_id}/autopay", permission=Permission.MANAGE_PAYMENTS, methods=("POST",))
def customer_autopay(ctx: PageContext, customer_id: str) -> Response:
    from chalicelib.services.card_setup import set_autopay

    on = ctx.form.get("autopay") == "1"
    set_autopay(customer_id, on, actor=ctx.actor, now=ctx.now)
    notice = "Automatic card payment is on." if on else "Automatic card payment is off."
    return _back(f"{PREFIX}/customers/{customer_id}/card", notice)


@admin_page("/invoices/{invoice_id}/charge", permission=Permission.MANAGE_PAYMENTS, methods=("POST",))
def invoice_charge(ctx: PageContext, invoice_id: str) -> Response:
    from chalicelib.services.charge_invoice import pay_now
    from chalicelib.web.admin.invoices import detail_page

    try:
        outcome = pay_now(invoice_id, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS or (error.status == 404 and error.field == "invoice_id"):
            raise
        return detail_page(ctx, invoice_id, error.status, error)
    return redirect(f"{PREFIX}/invoices/{invoice_id}?notice=charge_{outcome.status}")


@admin_page("/payments/{payment_id}/refund", permission=Permission.MANAGE_PAYMENTS, methods=("POST",))
def payment_refund(ctx: PageContext, payment_id: str) -> Response:
    from chalicelib.services.refund_payment import refund_payment
    from chalicelib.web.admin.payments import _detail

    data = {
        "full": ctx.form.get("full", ""),
        "amount": ctx.form.get("amount", ""),
        "reason": ctx.form.get("reason", ""),
    }
    try:
        refund_payment(payment_id, data, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS or (error.status == 404 and error.field == "payment_id"):
            raise
        return _detail(ctx, payment_id, error.status, error)
    return redirect(f"{PREFIX}/payments/{payment_id}?notice=refunded")


@admin_page("/dunning", permission=Permission.VIEW_INVOICES)
def dunning_overview(ctx: PageContext) -> Response:
    from chalicelib.store import collections, customers, dunning, invoices

    records = dunning.active()
    failing = collections.failing(limit=500)
    due = collections.due(ctx.now.replace(year=ctx.now.year + 1), limit=200)
    ids = {d.customer_id for d in records} | {c.customer_id for c in failing} | {c.customer_id for c in due}
    names = {c.id: c.name for c in customers.get_many(sorted(ids))}
    return ctx.render(
        "admin/dunning.html",
        records=sorted(records, key=lambda d: d.since or ctx.now),
        failing=failing,
        retries=[c for c in due if c.first_failed_at and c.open_attempt is None],
        names=names,
        numbers={i.id: i.number for i in invoices.get_many([c.invoice_id for c in failing]).values()},
    )
