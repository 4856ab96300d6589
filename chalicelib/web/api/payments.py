"""Payments received by hand over JSON (S14), customers' balances and statements, outstanding invoices.

Reading is under invoices:read; recording, allocating and settling cheques need payments:write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.routing import ApiContext, endpoint, string_fields

if TYPE_CHECKING:
    from chalicelib.domain.payments import Payment
    from chalicelib.domain.statements import Statement

_ALLOCATIONS: dict[str, Any] = {
    "type": "array",
    "maxItems": 30,
    "items": {
        "type": "object",
        "required": ["invoice_id", "amount_minor"],
        "properties": {
            "invoice_id": {"type": "string"},
            "amount_minor": {
                "type": "integer",
                "minimum": 1,
                "description": "at most the invoice's open amount",
            },
        },
    },
}
PAYMENT_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["customer_id", "amount_minor", "method"],
    "properties": {
        "customer_id": {"type": "string"},
        "amount_minor": {"type": "integer", "minimum": 1},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "default: the customer's"},
        "method": {"type": "string", "enum": ["bank_transfer", "cash", "cheque", "post_dated_cheque"]},
        "received_on": {"type": "string", "format": "date", "description": "default: today"},
        "cheque_date": {"type": "string", "format": "date", "description": "post-dated cheques only"},
        "reference": {"type": "string", "maxLength": 100, "description": "bank reference or cheque number"},
        "bank": {"type": "string", "maxLength": 100},
        "note": {"type": "string", "maxLength": 1000},
        "allocations": _ALLOCATIONS,
    },
}
ALLOCATE_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["allocations"],
    "properties": {"allocations": _ALLOCATIONS},
}
BOUNCE_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["reason"],
    "properties": {"reason": {"type": "string", "maxLength": 500}},
}
PAYMENT: dict[str, Any] = {
    "type": "object",
    "description": "A payment with its allocations (amounts in minor units); status held | cleared | bounced",
}


def payment_json(payment: Payment) -> dict[str, Any]:
    def day(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": payment.id,
        "customer_id": payment.customer_id,
        "currency": payment.currency,
        "amount_minor": payment.amount_minor,
        "allocated_minor": payment.allocated_minor,
        "unallocated_minor": payment.unallocated_minor,
        "method": payment.method.value,
        "status": payment.status.value,
        "received_on": payment.received_on.isoformat(),
        "cheque_date": day(payment.cheque_date),
        "cleared_on": day(payment.cleared_on),
        "bounced_on": day(payment.bounced_on),
        "bounce_reason": payment.bounce_reason or None,
        "reference": payment.reference,
        "bank": payment.bank,
        "note": payment.note,
        "allocations": [
            {"invoice_id": a.invoice_id, "number": a.number, "amount_minor": a.amount_minor}
            for a in payment.allocations
        ],
        "version": payment.version,
    }


@endpoint(
    "/payments",
    "GET",
    summary="Payments, newest received first: a customer's, or everyone's latest",
    scope=ApiScope.INVOICES_READ,
    query=(("customer_id", "a customer's payments"),),
)
def list_payments(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import payments

    customer_id = ctx.query.get("customer_id", "")
    found = payments.of_customer(customer_id, limit=200) if customer_id else payments.recent(limit=200)
    return {"items": [payment_json(p) for p in found]}


@endpoint(
    "/payments",
    "POST",
    summary="Record a payment received (bank transfer, cash, cheque, post-dated cheque), "
    "optionally allocated to invoices",
    scope=ApiScope.PAYMENTS_WRITE,
    request_schema=PAYMENT_INPUT,
    response_schema=PAYMENT,
    status=201,
)
def post_payment(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.record_payment import record_payment

    return payment_json(record_payment(ctx.body, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/payments/{payment_id}",
    "GET",
    summary="One payment",
    scope=ApiScope.INVOICES_READ,
    response_schema=PAYMENT,
)
def get_payment(ctx: ApiContext, payment_id: str) -> dict[str, Any]:
    from chalicelib.store import payments

    return payment_json(payments.get(payment_id))


@endpoint(
    "/payments/{payment_id}/allocations",
    "POST",
    summary="Allocate more of a payment to invoices of its customer",
    scope=ApiScope.PAYMENTS_WRITE,
    request_schema=ALLOCATE_INPUT,
    response_schema=PAYMENT,
)
def post_allocations(ctx: ApiContext, payment_id: str) -> dict[str, Any]:
    from chalicelib.services.allocate_payment import allocate_payment

    return payment_json(
        allocate_payment(payment_id, ctx.body.get("allocations"), actor=ctx.actor, now=ctx.now)
    )


@endpoint(
    "/payments/{payment_id}/allocations/{invoice_id}",
    "DELETE",
    summary="Take back a payment's allocation to an invoice (the invoice owes it again)",
    scope=ApiScope.PAYMENTS_WRITE,
    response_schema=PAYMENT,
)
def delete_allocation(ctx: ApiContext, payment_id: str, invoice_id: str) -> dict[str, Any]:
    from chalicelib.services.allocate_payment import unallocate_payment

    return payment_json(unallocate_payment(payment_id, invoice_id, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/payments/{payment_id}/clear",
    "POST",
    summary="Mark a held post-dated cheque cleared (on or after its date)",
    scope=ApiScope.PAYMENTS_WRITE,
    response_schema=PAYMENT,
)
def post_clear(ctx: ApiContext, payment_id: str) -> dict[str, Any]:
    from chalicelib.services.settle_cheque import clear_cheque

    return payment_json(clear_cheque(payment_id, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/payments/{payment_id}/bounce",
    "POST",
    summary="Mark a cheque bounced: what it paid is owed again",
    scope=ApiScope.PAYMENTS_WRITE,
    request_schema=BOUNCE_INPUT,
    response_schema=PAYMENT,
)
def post_bounce(ctx: ApiContext, payment_id: str) -> dict[str, Any]:
    from chalicelib.services.settle_cheque import bounce_cheque

    reason = string_fields(ctx.body, ("reason",)).get("reason", "")
    return payment_json(bounce_cheque(payment_id, reason, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/customers/{customer_id}/balance",
    "GET",
    summary="What a customer owes per currency: issued invoices less credit notes and cleared payments",
    scope=ApiScope.INVOICES_READ,
)
def get_balance(ctx: ApiContext, customer_id: str) -> dict[str, Any]:
    from chalicelib.services.customer_statement import customer_balance
    from chalicelib.store import customers

    balances = customer_balance(customers.get(customer_id))
    return {
        "customer_id": customer_id,
        "balances": [{"currency": c, "balance_minor": b} for c, b in balances.items()],
    }


def statement_json(statement: Statement) -> dict[str, Any]:
    return {
        "currency": statement.currency,
        "opening_minor": statement.opening_minor,
        "closing_minor": statement.closing_minor,
        "lines": [
            {
                "date": line.entry.day.isoformat(),
                "kind": line.entry.kind,
                "id": line.entry.record_id,
                "label": line.entry.label,
                "amount_minor": line.entry.amount_minor,
                "note": line.entry.note or None,
                "balance_minor": line.balance_minor,
            }
            for line in statement.lines
        ],
    }


@endpoint(
    "/customers/{customer_id}/statement",
    "GET",
    summary="A customer's statement: opening balance, invoices, credit notes and payments, running balance",
    scope=ApiScope.INVOICES_READ,
    query=(("from", "first day (default: 90 days before `to`)"), ("to", "last day (default: today)")),
)
def get_statement(ctx: ApiContext, customer_id: str) -> dict[str, Any]:
    from chalicelib.services.customer_statement import customer_statement

    found = customer_statement(customer_id, ctx.query.get("from", ""), ctx.query.get("to", ""), now=ctx.now)
    return {
        "customer_id": customer_id,
        "from": found.start.isoformat(),
        "to": found.end.isoformat(),
        "statements": [statement_json(s) for s in found.statements],
    }


@endpoint(
    "/outstanding-invoices",
    "GET",
    summary="Invoices with something still open, the earliest due first, with days overdue",
    scope=ApiScope.INVOICES_READ,
    query=(
        ("overdue", "1: only those past their due date"),
        ("after", "the next_cursor of the previous page"),
    ),
)
def list_outstanding(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.outstanding_invoices import outstanding

    found = outstanding(
        ctx.now, overdue_only=ctx.query.get("overdue") == "1", after=ctx.query.get("after", "")
    )
    return {
        "items": [
            {
                "invoice_id": row.invoice.id,
                "number": row.invoice.number,
                "customer_id": row.invoice.customer_id,
                "customer_name": row.customer_name,
                "currency": row.invoice.currency,
                "due_date": row.invoice.due_date.isoformat() if row.invoice.due_date else None,
                "days_overdue": row.days_overdue,
                "total_minor": row.invoice.total_minor,
                "open_minor": row.invoice.open_minor,
            }
            for row in found.rows
        ],
        "next_cursor": found.next_cursor,
    }
