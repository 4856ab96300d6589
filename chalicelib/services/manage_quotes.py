"""Writing quotes (C14) and moving them through draft -> sent -> viewed -> declined; audited.

Acceptance has its own use case (accept_quote.py): it creates the contract and the order.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.money import check_currency
from chalicelib.domain.periods import local_date, parse_day
from chalicelib.domain.quotes import (
    Quote,
    QuoteLine,
    QuoteStatus,
    check_lines,
    check_notes,
    check_valid_until,
    next_status,
)
from chalicelib.services.contract_lines import (
    Pricing,
    check_price_list,
    check_salesperson,
    parse_lines,
)
from chalicelib.store import quotes

DEFAULT_VALIDITY = timedelta(days=30)
MARKS = ("send", "view", "decline")  # accept: accept_quote.py


def _recurring(raw_lines: Any) -> list[bool]:
    flags = []
    for index, raw in enumerate(raw_lines if isinstance(raw_lines, list) else []):
        value = raw.get("recurring", False) if isinstance(raw, dict) else False
        if not isinstance(value, bool):
            where = f"lines[{index}].recurring"
            raise ValidationError(f"{where} must be true (every period) or false (once)", field=where)
        flags.append(value)
    return flags


def _template(template_id: str) -> tuple[str, str, str]:
    """(id, name, billing period) of the contract template; empty when the quote has none."""
    if not template_id:
        return "", "", ""
    from chalicelib.store import contract_templates

    try:
        template = contract_templates.get(template_id)
    except NotFound:
        raise ValidationError(f"no contract template {template_id}", field="template_id") from None
    if not template.active:
        raise ValidationError(f"template {template.name} is no longer offered", field="template_id")
    return template.id, template.name, template.period


def build_quote(data: dict[str, Any], *, now: datetime) -> Quote:
    """A new draft quote from `data`, every field checked; not saved. Errors name the field."""
    from chalicelib.store import customers

    try:
        customer = customers.get(str(data.get("customer_id") or ""))
    except NotFound:
        raise ValidationError(f"no customer {data.get('customer_id') or ''!r}", field="customer_id") from None
    currency = check_currency(str(data.get("currency") or customer.currency))
    today = local_date(now, customer.timezone or "UTC")
    valid_until = check_valid_until(
        parse_day(data.get("valid_until"), "valid_until") or today + DEFAULT_VALIDITY, today
    )
    template_id, template_name, period = _template(str(data.get("template_id") or ""))
    price_list_id = check_price_list(str(data.get("price_list_id") or ""), currency, "quote")
    raw_lines = data.get("lines")
    flags = _recurring(raw_lines)
    lines = parse_lines(raw_lines, Pricing(currency, price_list_id), customer.id, required=True)
    quote_lines = [QuoteLine(line, recurring) for line, recurring in zip(lines, flags, strict=True)]
    check_lines(quote_lines, template_id)
    return Quote(
        id=new_id(),
        customer_id=customer.id,
        currency=currency,
        timezone=customer.timezone or "UTC",
        lines=tuple(quote_lines),
        valid_until=valid_until,
        created_at=now,
        template_id=template_id,
        template_name=template_name,
        period=period,
        price_list_id=price_list_id,
        salesperson_id=check_salesperson(data.get("salesperson_id")),
        notes=check_notes(str(data.get("notes") or "").strip()),
    )


def audited(quote: Quote) -> dict[str, Any]:
    return {
        "status": quote.status.value,
        "recurring_total_minor": quote.recurring_total,
        "one_off_total_minor": quote.one_off_total,
        "currency": quote.currency,
        "valid_until": quote.valid_until.isoformat(),
    }


def create_quote(data: dict[str, Any], *, actor: Actor, now: datetime) -> Quote:
    quote = build_quote(data, now=now)
    entry = actor.entry("quote", quote.id, "quote.created", now, after=audited(quote))
    return quotes.save(None, quote, entry)


def today_of(quote: Quote, now: datetime) -> date:
    return local_date(now, quote.timezone)


def mark(quote_id: str, action: str, *, actor: Actor, now: datetime) -> Quote:
    """Staff record what happened: sent (by hand), viewed, declined. Conflict naming both statuses."""
    if action not in MARKS:
        raise ValidationError(f"action must be one of {', '.join(MARKS)}", field="action")
    before = quotes.get(quote_id, consistent=True)
    status = next_status(before, action, today_of(before, now))
    after = replace(before, status=status, sent_at=now if status is QuoteStatus.SENT else before.sent_at)
    entry = actor.entry("quote", quote_id, f"quote.{status.value}", now, audited(before), audited(after))
    return quotes.save(before, after, entry)
