"""/portal/<token> for a portal link: the customer's contracts, offers, orders, invoices, payments and
equipment with its service visits (B8, B10, S4). Read by services.portal_overview; shaped here into
rows in the customer's language (amounts by format_amount, dates ISO like the other portal pages)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from chalice import Response

from chalicelib.domain.money import format_amount
from chalicelib.web.portal.access import PortalContext

if TYPE_CHECKING:
    from chalicelib.domain.addresses import Address
    from chalicelib.domain.card_payments import SavedCard
    from chalicelib.domain.contracts import Contract, Line
    from chalicelib.domain.customer import Customer
    from chalicelib.domain.invoices import Invoice
    from chalicelib.domain.orders import Order
    from chalicelib.domain.payments import Payment
    from chalicelib.services.portal_overview import ContractSummary, ItemVisits

_PERIODS = {
    "weekly": "ov_weekly",
    "monthly": "ov_monthly",
    "quarterly": "ov_quarterly",
    "yearly": "ov_yearly",
}
_CONTRACT_BADGE = {"active": "ok", "draft": "warn", "suspended": "warn", "cancelled": "bad"}
_ORDER_BADGE = {"open": "warn", "fulfilled": "ok", "cancelled": "bad"}
_DOCUMENT_BADGE = {
    "paid": "ok",
    "credited": "ok",
    "part paid": "warn",
    "part credited": "warn",
    "open": "warn",
}


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def customer_of(ctx: PortalContext) -> Customer:
    """The link's customer; a link whose customer is gone shows nothing (the same 404 as a stranger's id)."""
    from chalicelib.web.portal.owned import NotYours

    if ctx.customer is None:  # read by the link's customer id: never anyone else
        raise NotYours("not found")
    return ctx.customer


def period_text(period: str, t: dict[str, str]) -> str:
    """ "every month", "every 6 months" in the customer's language."""
    if period in _PERIODS:
        return t[_PERIODS[period]]
    parts = period.split("_")
    if len(parts) == 3 and parts[1].isdigit():
        return t["ov_every_months"].format(count=parts[1])
    return period


def address_text(address: Address | None, t: dict[str, str], locale: str) -> str:
    """One line, the country named in the customer's language: "Hlavná 12, 040 01 Košice, Slovensko"."""
    from chalicelib.domain.document_format import DocumentFormat
    from chalicelib.services.document_parties import address_lines

    if address is None:
        return t["ov_no_address"]
    return ", ".join(address_lines(address, DocumentFormat(locale, "EUR")))


def payment_text(card: SavedCard | None, t: dict[str, str]) -> str:
    """The saved card when invoices are charged to it, else bank transfer (the invoice's bank details)."""
    from chalicelib.web.portal.card import card_text

    if card is not None and card.charges_automatically:
        return card_text(card, t)
    return t["ov_method_bank_transfer"]


def contract_status(contract: Contract, t: dict[str, str]) -> dict[str, str]:
    status = contract.status.value
    text = t.get(f"ov_contract_{status}", status)
    if contract.cancellation is not None and status == "active":
        text += " · " + t["ov_cancel_pending"].format(date=day(contract.cancellation.effective))
        return {"text": text, "badge": "warn"}
    return {"text": text, "badge": _CONTRACT_BADGE.get(status, "")}


def line_row(line: Line, currency: str, ctx: PortalContext) -> dict[str, str]:
    from chalicelib.services.quote_summary import line_row as priced

    row = priced(line, currency, ctx.locale)
    when = []
    if line.start is not None:
        when.append(ctx.t["ov_from"].format(date=day(line.start)))
    if line.end is not None:
        when.append(ctx.t["ov_until"].format(date=day(line.end)))
    return {**row, "when": ", ".join(when)}


def contract_row(summary: ContractSummary, ctx: PortalContext, address: str, payment: str) -> dict[str, Any]:
    contract = summary.contract
    t = ctx.t
    upcoming = summary.next_invoice
    next_text = (
        t["ov_next_invoice_value"].format(
            date=day(upcoming.day), amount=format_amount(upcoming.amount_minor, contract.currency, ctx.locale)
        )
        if upcoming
        else t["ov_none"]
    )
    return {
        "id": contract.id,
        "number": contract.number,
        "plan": contract.template_name,
        "status": contract_status(contract, t),
        "address": address,
        "recurrence": period_text(contract.terms.period, t),
        "next_invoice": next_text,
        "has_next": upcoming is not None,
        "lines": [line_row(line, contract.currency, ctx) for line in summary.lines],
        "options": [line.description for line in summary.options],
        "payment": payment,
        "url": ctx.url(f"contracts/{contract.id}"),
    }


def document_row(document: Invoice, ctx: PortalContext, today: date) -> dict[str, Any]:
    from chalicelib.domain.portal_labels import status_label

    status = document.payment_status
    overdue = bool(document.open_minor and document.due_date and document.due_date < today)
    kind = document.kind if document.kind in ("credit_note", "proforma") else "invoice"
    return {
        "id": document.id,
        "kind": ctx.t[f"ov_kind_{kind}"],
        "number": document.number,
        "issued": day(document.issue_date),
        "due": day(document.due_date) if document.owes else "",
        "total": format_amount(document.total_minor, document.currency, ctx.locale),
        "open": format_amount(document.open_minor, document.currency, ctx.locale) if document.owes else "",
        "status": status_label(status, ctx.locale) if status else "",
        "badge": "bad" if overdue else _DOCUMENT_BADGE.get(status, ""),
        "pdf_url": ctx.url(f"invoices/{document.id}/pdf"),
        "pay_url": ctx.url(f"invoices/{document.id}/pay")
        if document.owes and document.open_minor > 0
        else "",
    }


def order_row(order: Order, ctx: PortalContext) -> dict[str, Any]:
    status = order.status.value
    return {
        "number": order.number,
        "date": day(order.created_at.date()),
        "total": format_amount(order.total_minor, order.currency, ctx.locale),
        "status": ctx.t.get(f"ov_order_{status}", status),
        "badge": _ORDER_BADGE.get(status, ""),
        "url": ctx.url(f"orders/{order.id}"),
    }


def payment_row(payment: Payment, ctx: PortalContext) -> dict[str, Any]:
    method = payment.method.value
    notes = []
    if payment.status.value == "held":
        notes.append(ctx.t["ov_payment_held"])
    elif payment.status.value == "bounced":
        notes.append(ctx.t["ov_payment_bounced"])
    if payment.refunded_minor:
        refunded = format_amount(payment.refunded_minor, payment.currency, ctx.locale)
        notes.append(ctx.t["ov_payment_refunded"].format(amount=refunded))
    return {
        "date": day(payment.received_on),
        "amount": format_amount(payment.amount_minor, payment.currency, ctx.locale),
        "method": ctx.t.get(f"ov_method_{method}", method),
        "invoices": ", ".join(a.number for a in payment.allocations if a.number),
        "note": ", ".join(notes),
        "bad": payment.status.value == "bounced",
    }


def item_row(history: ItemVisits, ctx: PortalContext) -> dict[str, Any]:
    item = history.item
    return {
        "serial": item.serial,
        "model": " · ".join(part for part in (history.product_name, item.model) if part),
        "planned": [day(v.due) for v in history.planned],
        "more_planned": history.planned_total - len(history.planned),
        "done": [day(v.done_at.date() if v.done_at else v.due) for v in history.done],
        "url": ctx.url(f"items/{item.id}"),
    }


def show(ctx: PortalContext) -> Response:
    from chalicelib.domain.periods import local_date
    from chalicelib.services.portal_overview import overview

    customer = customer_of(ctx)
    seen = overview(customer, now=ctx.now)
    today = local_date(ctx.now, customer.timezone or "UTC")
    address = address_text(seen.address, ctx.t, ctx.locale)
    payment = payment_text(seen.card, ctx.t)
    return ctx.render(
        "portal/overview.html",
        nav="overview",
        name=customer.name,
        contracts=[contract_row(s, ctx, address, payment) for s in seen.contracts],
        any_next=any(s.next_invoice for s in seen.contracts),
        no_card=seen.card is None,
        card_url=ctx.url("card"),
        quotes=[
            {
                "number": q.number,
                "valid_until": day(q.valid_until),
                "recurring": ctx.t["ov_per_period"].format(
                    amount=format_amount(q.recurring_total, q.currency, ctx.locale),
                    period=period_text(q.period, ctx.t),
                )
                if q.recurring_lines
                else "",
                "one_off": ctx.t["ov_once"].format(
                    amount=format_amount(q.one_off_total, q.currency, ctx.locale)
                )
                if q.one_off_lines
                else "",
                "url": ctx.url(f"quotes/{q.id}"),
            }
            for q in seen.quotes
        ],
        orders=[order_row(o, ctx) for o in seen.orders],
        documents=[document_row(d, ctx, today) for d in seen.documents],
        payments=[payment_row(p, ctx) for p in seen.payments],
        items=[item_row(h, ctx) for h in seen.items],
    )
