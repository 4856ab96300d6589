"""Emails after a customer changes something in the portal (B9, B12, B23): a notice to staff and a
confirmation to the customer in their language (to the old address as well when the email changed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.domain.errors import NotFound


def _money(currency: str, locale: str) -> Callable[[int], str]:
    from chalicelib.domain.money import format_amount

    return lambda minor: format_amount(minor, currency, locale) if currency else str(minor)


def tell_staff(
    template: str, customer_id: str, values: dict[str, Any], salesperson_id: str, now: datetime
) -> None:
    from chalicelib.services.notify_staff import notify_staff
    from chalicelib.store import customers

    try:
        name = customers.get(customer_id).name
    except NotFound:
        name = customer_id
    money = _money(str(values.get("currency") or ""), "en")
    context = {"customer_name": name, "customer_id": customer_id, "money": money, **values}
    notify_staff(template, context, salesperson_id=salesperson_id, now=now)


def confirm_to_customer(
    template: str, customer_id: str, values: dict[str, Any], now: datetime, *, also_to: str = ""
) -> list[str]:
    """Sends templates/email/<template> to the customer's address (and `also_to`); returns the addresses."""
    from chalicelib import bootstrap
    from chalicelib.domain.portal_labels import labels, portal_locale
    from chalicelib.services.send_mail import send_templated
    from chalicelib.store import customers

    customer = customers.get(customer_id)
    locale = portal_locale(customer.locale)
    context = {
        "t": labels(locale),
        "locale": locale,
        "customer_name": customer.name,
        "company": bootstrap.settings().company_name,
        "money": _money(str(values.get("currency") or ""), locale),
        **values,
    }
    sent = []
    for to in dict.fromkeys(a for a in (customer.email, also_to) if a):
        send_templated(to, template, context, now=now)
        sent.append(to)
    return sent
