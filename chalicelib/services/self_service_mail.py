"""Emails after a customer changes something in the portal (B9, B12, B23): templates/email/portal_<kind>_staff
to the responsible staff member (notify_staff) and portal_<kind>_done to the customer in their language (to
the old address as well when the email changed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.domain.customer import Customer


def _money(currency: str, locale: str) -> Callable[[int], str]:
    from chalicelib.domain.money import format_amount

    return lambda minor: format_amount(minor, currency, locale) if currency else str(minor)


def tell(
    kind: str,
    customer: Customer,
    values: dict[str, Any],
    *,
    now: datetime,
    salesperson_id: str = "",
    also_to: str = "",
) -> None:
    """Staff first, then the customer's address (and `also_to`); a "currency" in `values` sets money()."""
    from chalicelib import bootstrap
    from chalicelib.domain.portal_labels import labels, portal_locale
    from chalicelib.services.notify_staff import notify_staff
    from chalicelib.services.send_mail import send_templated

    currency = str(values.get("currency") or "")
    common = {"customer_name": customer.name, "customer_id": customer.id, **values}
    staff = {**common, "money": _money(currency, "en")}
    notify_staff(f"portal_{kind}_staff", staff, salesperson_id=salesperson_id, now=now)
    locale = portal_locale(customer.locale)
    company = bootstrap.settings().company_name
    mine = {
        **common,
        "t": labels(locale),
        "locale": locale,
        "company": company,
        "money": _money(currency, locale),
    }
    for to in dict.fromkeys(a for a in (customer.email, also_to) if a):
        send_templated(to, f"portal_{kind}_done", mine, now=now)
