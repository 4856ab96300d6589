"""Payments received by hand (S14): the list, recording one, its detail with allocations and cheque
settling, a customer's statement and the outstanding invoices."""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.domain.errors import DomainError
from chalicelib.domain.payments import MANUAL_METHODS, Payment, open_for
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

FORM_ERRORS = (400, 404, 409)
ALLOCATION_PREFIX = "alloc_"  # form fields alloc_<invoice id>: the amount typed for that invoice
NOTICES = {
    "recorded": "Payment recorded.",
    "allocated": "Allocation saved.",
    "unallocated": "Allocation taken back: the invoice owes that amount again.",
    "cleared": "Cheque cleared: its allocations now pay their invoices.",
    "bounced": "Cheque marked as bounced: what it paid is owed again.",
    "refunded": "Refunded through Stripe, with a credit note for the invoice.",
}


def _names(customer_ids: list[str]) -> dict[str, str]:
    from chalicelib.store import customers

    return {c.id: c.name for c in customers.get_many(list(dict.fromkeys(customer_ids)))}


@admin_page("/payments", permission=Permission.VIEW_INVOICES)
def payment_list(ctx: PageContext) -> Response:
    from chalicelib.store import payments

    customer_id = ctx.query.get("customer_id", "")
    found = payments.of_customer(customer_id, limit=200) if customer_id else payments.recent(limit=200)
    held = [] if customer_id else payments.held()
    return ctx.render(
        "admin/payments.html",
        payments=found,
        held=held,
        names=_names([p.customer_id for p in [*found, *held]] + ([customer_id] if customer_id else [])),
        customer_id=customer_id,
    )


def _open_invoices(customer_id: str, currency: str = "") -> list[Any]:
    """The customer's invoices with something open (in `currency` when given), the earliest due first."""
    from chalicelib.store import invoices

    if not customer_id:
        return []
    found = [i for i in invoices.of_customer(customer_id) if i.open_minor > 0]
    found = [i for i in found if not currency or i.currency == currency]
    return sorted(found, key=lambda i: (i.due_date or i.created_at.date(), i.id))


def _form_page(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    from chalicelib.domain.errors import NotFound
    from chalicelib.store import customers
    from chalicelib.web.admin.customer_picker import customer_choices

    found, search, chosen = customer_choices(ctx)
    try:
        customer = customers.get(chosen) if chosen else None
    except NotFound:
        customer = None
    from chalicelib.domain.periods import local_date

    today = local_date(ctx.now, customer.timezone or "UTC") if customer else ctx.now.date()
    form = ctx.form if error else {"customer_id": chosen, "received_on": today.isoformat()}
    return ctx.render(
        "admin/payment_new.html",
        status,
        customers=found,
        customer_q=search,
        customer=customer,
        open_invoices=_open_invoices(customer.id) if customer else [],
        methods=MANUAL_METHODS,
        form=form,
        error=error,
        prefix=ALLOCATION_PREFIX,
    )


@admin_page("/payments/new", permission=Permission.MANAGE_PAYMENTS)
def payment_new(ctx: PageContext) -> Response:
    return _form_page(ctx)


def _typed_allocations(form: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"invoice_id": name[len(ALLOCATION_PREFIX) :], "amount": value}
        for name, value in form.items()
        if name.startswith(ALLOCATION_PREFIX) and value.strip()
    ]


@admin_page("/payments", permission=Permission.MANAGE_PAYMENTS, methods=("POST",))
def payment_record(ctx: PageContext) -> Response:
    from chalicelib.services.record_payment import record_payment

    names = ("customer_id", "amount", "currency", "method", "received_on", "cheque_date", "reference", "bank")
    data: dict[str, Any] = {name: ctx.form.get(name, "") for name in (*names, "note")}
    data["allocations"] = _typed_allocations(ctx.form)
    try:
        payment = record_payment(data, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _form_page(ctx, error.status, error)
    return redirect(f"{PREFIX}/payments/{payment.id}?notice=recorded")


def _detail(
    ctx: PageContext, payment_id: str, status: int = 200, error: DomainError | None = None
) -> Response:
    from chalicelib.domain.periods import local_date
    from chalicelib.store import audit, customers, payments

    payment = payments.get(payment_id)
    customer = customers.get_many([payment.customer_id])
    timezone = customer[0].timezone if customer and customer[0].timezone else "UTC"
    allocatable = []
    if payment.unallocated_minor > 0 and payment.status.value != "bounced":
        # A held cheque's own allocations are not in the invoices' paid amounts yet: open_for counts them.
        allocatable = [
            i for i in _open_invoices(payment.customer_id, payment.currency) if open_for(payment, i)
        ]
    return ctx.render(
        "admin/payment.html",
        status,
        payment=payment,
        customer=customer[0] if customer else None,
        open_invoices=allocatable,
        today=local_date(ctx.now, timezone),
        history=audit.for_entity("payment", payment.id, limit=20),
        error=error,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
        prefix=ALLOCATION_PREFIX,
        form=ctx.form if error else {},
    )


@admin_page("/payments/{payment_id}", permission=Permission.VIEW_INVOICES)
def payment_detail(ctx: PageContext, payment_id: str) -> Response:
    return _detail(ctx, payment_id)


def _act(ctx: PageContext, payment_id: str, notice: str, action: Any) -> Response:
    """Runs one change of the payment; a refused one shows the payment again with the reason."""
    try:
        payment: Payment = action()
    except DomainError as error:
        if error.status not in FORM_ERRORS or (error.status == 404 and error.field == "payment_id"):
            raise
        return _detail(ctx, payment_id, error.status, error)
    return redirect(f"{PREFIX}/payments/{payment.id}?notice={notice}")


@admin_page("/payments/{payment_id}/allocate", permission=Permission.MANAGE_PAYMENTS, methods=("POST",))
def payment_allocate(ctx: PageContext, payment_id: str) -> Response:
    from chalicelib.services.allocate_payment import allocate_payment

    typed = _typed_allocations(ctx.form)
    return _act(
        ctx,
        payment_id,
        "allocated",
        lambda: allocate_payment(payment_id, typed, actor=ctx.actor, now=ctx.now),
    )


@admin_page("/payments/{payment_id}/unallocate", permission=Permission.MANAGE_PAYMENTS, methods=("POST",))
def payment_unallocate(ctx: PageContext, payment_id: str) -> Response:
    from chalicelib.services.allocate_payment import unallocate_payment

    invoice_id = ctx.form.get("invoice_id", "")
    return _act(
        ctx,
        payment_id,
        "unallocated",
        lambda: unallocate_payment(payment_id, invoice_id, actor=ctx.actor, now=ctx.now),
    )


@admin_page("/payments/{payment_id}/clear", permission=Permission.MANAGE_PAYMENTS, methods=("POST",))
def payment_clear(ctx: PageContext, payment_id: str) -> Response:
    from chalicelib.services.settle_cheque import clear_cheque

    return _act(ctx, payment_id, "cleared", lambda: clear_cheque(payment_id, actor=ctx.actor, now=ctx.now))


@admin_page("/payments/{payment_id}/bounce", permission=Permission.MANAGE_PAYMENTS, methods=("POST",))
def payment_bounce(ctx: PageContext, payment_id: str) -> Response:
    from chalicelib.services.settle_cheque import bounce_cheque

    reason = ctx.form.get("reason", "")
    return _act(
        ctx, payment_id, "bounced", lambda: bounce_cheque(payment_id, reason, actor=ctx.actor, now=ctx.now)
    )


@admin_page("/customers/{customer_id}/statement", permission=Permission.VIEW_INVOICES)
def customer_statement_page(ctx: PageContext, customer_id: str) -> Response:
    from chalicelib.services.customer_statement import customer_statement

    found = customer_statement(customer_id, ctx.query.get("from", ""), ctx.query.get("to", ""), now=ctx.now)
    return ctx.render("admin/statement.html", found=found, customer=found.customer)


@admin_page("/outstanding", permission=Permission.VIEW_INVOICES)
def outstanding_list(ctx: PageContext) -> Response:
    from chalicelib.services.outstanding_invoices import outstanding

    overdue = ctx.query.get("overdue") == "1"
    found = outstanding(ctx.now, overdue_only=overdue, after=ctx.query.get("after", ""))
    return ctx.render("admin/outstanding.html", found=found, overdue=overdue)
