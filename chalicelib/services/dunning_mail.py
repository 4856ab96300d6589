"""The emails of card payments and dunning: to the customer with a pay-now and an update-card link,
and notices to staff (the contract's salesperson, else the company address)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.card_payments import Attempt, Collection
from chalicelib.domain.dunning import Dunning
from chalicelib.domain.errors import NotFound
from chalicelib.domain.money import format_amount

log = logging.getLogger(__name__)
MAILER = Actor("job:run_dunning", "Dunning")


def _send(to: str, template: str, values: dict[str, Any], now: datetime) -> bool:
    from chalicelib import bootstrap
    from chalicelib.services.send_mail import send_templated

    if not to:
        return False
    send_templated(to, template, {"company": bootstrap.settings().company_name, **values}, now=now)
    return True


def _customer(customer_id: str) -> Any:
    from chalicelib.store import customers

    try:
        return customers.get(customer_id)
    except NotFound:
        return None


def _links(customer_id: str, invoice_id: str | None, now: datetime) -> dict[str, str]:
    from chalicelib.services.payment_links import card_update_url, pay_url

    links = {"card_url": card_update_url(customer_id, now=now, actor=MAILER)}
    links["pay_url"] = pay_url(invoice_id, now=now, actor=MAILER) if invoice_id else ""
    return links


def _invoice_rows(unpaid: list[Collection]) -> list[dict[str, str]]:
    from chalicelib.store import invoices

    found = invoices.get_many([c.invoice_id for c in unpaid])
    return [
        {"number": i.number or i.id, "amount": format_amount(i.open_minor, i.currency)}
        for i in found.values()
        if i.open_minor > 0
    ]


def payment_failed(collection: Collection, attempt: Attempt, *, now: datetime) -> bool:
    from chalicelib.store import invoices

    customer = _customer(collection.customer_id)
    if customer is None:
        return False
    invoice = invoices.get(collection.invoice_id)
    values = {
        "customer_name": customer.name,
        "invoice_number": invoice.number or invoice.id,
        "amount": format_amount(invoice.open_minor, invoice.currency),
        "reason": attempt.message or attempt.decline_code.replace("_", " "),
        "next_try": collection.next_try_at.date().isoformat() if collection.next_try_at else "",
        "stopped": collection.stop_reason,
        **_links(customer.id, invoice.id, now),
    }
    return _send(customer.email, "payment_failed", values, now)


def warning(record: Dunning, unpaid: list[Collection], days: tuple[int, int, int], *, now: datetime) -> bool:
    from chalicelib.domain.dunning import suspend_on

    customer = _customer(record.customer_id)
    if customer is None or record.since is None:
        return False
    values = {
        "customer_name": customer.name,
        "invoices": _invoice_rows(unpaid),
        "suspend_on": suspend_on(record.since, days).date().isoformat(),
        **_links(customer.id, unpaid[0].invoice_id if unpaid else None, now),
    }
    return _send(customer.email, "dunning_warning", values, now)


def customer_notice(record: Dunning, unpaid: list[Collection], *, now: datetime) -> bool:
    """Suspended or cancelled: what happened and how to put it right."""
    customer = _customer(record.customer_id)
    if customer is None:
        return False
    values = {
        "customer_name": customer.name,
        "level": record.level.value,
        "invoices": _invoice_rows(unpaid),
        **_links(customer.id, unpaid[0].invoice_id if unpaid else None, now),
    }
    return _send(customer.email, "dunning_" + record.level.value, values, now)


def restored(record: Dunning, *, now: datetime) -> bool:
    customer = _customer(record.customer_id)
    if customer is None:
        return False
    return _send(customer.email, "payment_restored", {"customer_name": customer.name}, now)


def staff_notice(record: Dunning, contract: Any, unpaid: list[Collection], *, now: datetime) -> bool:
    from chalicelib import bootstrap
    from chalicelib.services.notify_staff import staff_address

    to = staff_address(contract.salesperson_id if contract is not None else "")
    customer = _customer(record.customer_id)
    values = {
        "customer_name": customer.name if customer else record.customer_id,
        "contract_number": contract.number if contract is not None else "",
        "level": record.level.label,
        "note": record.steps[-1].note if record.steps else "",
        "invoices": _invoice_rows(unpaid),
        "admin_url": f"{bootstrap.settings().base_url}/admin/dunning",
    }
    return _send(to, "dunning_staff_notice", values, now)
