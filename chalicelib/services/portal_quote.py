"""A customer's answer to a quote through the portal (B8, C14): read it (with tax as the invoice will
show it), accept it (contract and order, B1), decline it with a reason, or ask the salesperson a
question (an interaction on the customer, a follow-up task for the salesperson). Staff are told each time.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import Conflict, DomainError, ValidationError
from chalicelib.domain.money import format_amount
from chalicelib.domain.quotes import Quote, QuoteStatus
from chalicelib.services.accept_quote import Accepted
from chalicelib.services.manage_quotes import today_of

if TYPE_CHECKING:
    from chalicelib.domain.contracts import Line
    from chalicelib.services.invoice_tax import Taxer

MAX_MESSAGE = 2000
MAX_REASON = 1000
ANSWER_WITHIN = timedelta(days=2)  # the salesperson's follow-up task is due this soon


@dataclass(frozen=True)
class Totals:
    """A group of lines (recurring or one-off) as the invoice will show it: net, tax, gross."""

    net: str
    tax: str  # "" when no tax rate is known for the customer (the note says tax is added)
    gross: str


def _taxer(quote: Quote, our_country: str) -> tuple[Taxer, bool]:
    """What taxing the quote's lines needs, read once: the rates for its customer and products, and
    whether its price list's prices include tax."""
    from chalicelib.services.invoice_tax import Taxer
    from chalicelib.store import price_lists

    inclusive = False
    if quote.price_list_id:
        with contextlib.suppress(DomainError):
            inclusive = price_lists.get(quote.price_list_id).tax_inclusive
    products = {q.line.product_id for q in quote.lines if q.line.product_id}
    return Taxer.of([quote.customer_id], products, our_country, {}), inclusive


def _group(quote: Quote, lines: list[Line], taxer: Taxer, inclusive: bool, locale: str) -> Totals | None:
    from chalicelib.domain.billing import InvoiceLine

    if not lines:
        return None

    def money(minor: int) -> str:
        return format_amount(minor, quote.currency, locale)

    rows = [
        InvoiceLine(
            description=line.description,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            amount_minor=line.period_amount,
            kind="recurring",
            product_id=line.product_id,
        )
        for line in lines
    ]
    try:
        taxed = taxer.tax_lines(quote.customer_id, rows, inclusive)
    except ValidationError:  # no rate for the customer's region yet: the page says tax is added
        amount = sum((row.amount_minor for row in rows), 0)
        return Totals(net=money(amount), tax="", gross=money(amount))
    net = sum((g.net_minor for g in taxed.groups), 0)
    tax = sum((g.tax_minor for g in taxed.groups), 0)
    return Totals(net=money(net), tax=money(tax), gross=money(net + tax))


def totals(quote: Quote, our_country: str, locale: str) -> tuple[Totals | None, Totals | None]:
    """The recurring and the one-off lines' totals (None for a group without lines), taxed as an
    invoice would tax them; the rates, products and price list are read once for both."""
    taxer, inclusive = _taxer(quote, our_country)
    return (
        _group(quote, quote.recurring_lines, taxer, inclusive, locale),
        _group(quote, quote.one_off_lines, taxer, inclusive, locale),
    )


def mark_viewed(quote: Quote, *, actor: Actor, now: datetime) -> Quote:
    """The first time the customer opens a sent quote, staff see it as viewed (a lost race is fine)."""
    from chalicelib.services.manage_quotes import mark

    if quote.status_on(today_of(quote, now)) is not QuoteStatus.SENT:
        return quote
    try:
        return mark(quote.id, "view", actor=actor, now=now)
    except Conflict:
        return quote


def accept(quote: Quote, *, accept_terms: bool, actor: Actor, now: datetime) -> Accepted:
    """The customer accepts: terms must be ticked; accept_quote refuses an expired, declined or already
    accepted quote (and of two concurrent accepts exactly one wins). Staff are notified."""
    from chalicelib.services.accept_quote import accept_quote

    if not accept_terms:
        raise ValidationError("please confirm that you accept the terms", field="accept_terms")
    accepted = accept_quote(quote.id, actor=actor, now=now)
    _notify(accepted.quote, "Quote accepted", now, accepted=accepted)
    return accepted


def decline(quote: Quote, reason: str, *, actor: Actor, now: datetime) -> Quote:
    """The customer declines, optionally saying why: the reason is kept as an interaction."""
    from chalicelib.services.manage_quotes import mark

    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError(f"the reason is at most {MAX_REASON} characters", field="reason")
    declined = mark(quote.id, "decline", actor=actor, now=now)
    if reason:
        _log(declined, f"Quote {declined.number} declined in the portal", reason, actor, now, task=False)
    _notify(declined, "Quote declined", now, message=reason, message_label="Reason")
    return declined


def ask(quote: Quote, message: str, *, actor: Actor, now: datetime) -> None:
    """A question about the quote: stored on the customer, a task for the salesperson, who is emailed."""
    message = (message or "").strip()
    if not message:
        raise ValidationError("please write your question", field="message")
    if len(message) > MAX_MESSAGE:
        raise ValidationError(f"the question is at most {MAX_MESSAGE} characters", field="message")
    _log(quote, f"Question about quote {quote.number}", message, actor, now, task=True)
    _notify(quote, "Question from the customer", now, message=message, message_label="Question")


def _log(quote: Quote, title: str, notes: str, actor: Actor, now: datetime, *, task: bool) -> None:
    from chalicelib.domain.lookups import ref
    from chalicelib.services.log_interaction import log_interaction

    tasks = []
    if task and _active_staff(quote.salesperson_id):
        tasks.append(
            {
                "title": f"Answer the question on quote {quote.number}",
                "assignee_id": quote.salesperson_id,
                "due_date": (today_of(quote, now) + ANSWER_WITHIN).isoformat(),
            }
        )
    data = {"kind": "email", "title": title, "notes": notes}
    log_interaction(ref("customer", quote.customer_id), data, tasks, actor=actor, now=now)


def _active_staff(staff_id: str) -> bool:
    if not staff_id:
        return False
    from chalicelib.domain.errors import NotFound
    from chalicelib.store import staff

    try:
        return staff.get(staff_id).active
    except NotFound:
        return False


def _notify(
    quote: Quote, headline: str, now: datetime, *, accepted: Accepted | None = None, **extra: str
) -> None:
    from chalicelib.services.notify_staff import notify_staff
    from chalicelib.store import customers

    contract = accepted.contract if accepted else None
    order = accepted.order if accepted else None
    values = {
        "headline": headline,
        "customer_name": customers.get(quote.customer_id).name,
        "number": quote.number,
        "quote_id": quote.id,
        "contract_number": contract.number if contract else "",
        "contract_id": contract.id if contract else "",
        "order_number": order.number if order else "",
        "order_id": order.id if order else "",
        "message": "",
        "message_label": "",
        **extra,
    }
    notify_staff("portal_quote_staff", values, salesperson_id=quote.salesperson_id, now=now)
