"""Customers with invoices to pay, for the payment tests: issued by the billing run, plus documents
of the other kinds (credit note, draft, pro-forma) written directly."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.billing import InvoiceLine
from chalicelib.domain.ids import new_id
from chalicelib.domain.invoices import Invoice

START = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
MONTHLY_TOTAL = 3720  # 31.00 + 20 % VAT


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Billed:
    customer: Any
    invoices: list[Invoice]  # oldest first


class Billing:
    """Makes customers with monthly contracts (EUR 37.20 a month, due after 14 days) and bills them."""

    def __init__(self, start: datetime = START) -> None:
        from chalicelib.services.manage_catalogue import create_product
        from chalicelib.services.manage_tax_rates import set_tax_rate
        from chalicelib.services.manage_templates import create_template

        self.start = start
        set_tax_rate(
            {"region": "SK", "category": "standard", "rate": "20", "name": "VAT"}, actor=SYSTEM, now=start
        )
        self.product = create_product({"code": "CARE", "name": "Boiler care"}, actor=SYSTEM, now=start)
        self.template = create_template(
            {"name": "Care", "currency": "EUR", "period": "monthly", "payment_terms_days": 14},
            actor=SYSTEM,
            now=start,
        )

    def customer(self, name: str = "Acme", currency: str = "EUR", timezone: str = "UTC") -> Any:
        from chalicelib.services.manage_contracts import create_contract
        from chalicelib.services.manage_customers import create_customer

        customer = create_customer(
            {"name": name, "country": "SK", "currency": currency, "timezone": timezone},
            actor=SYSTEM,
            now=self.start,
        )
        create_contract(
            {
                "customer_id": customer.id,
                "template_id": self.template.id,
                "start_date": self.start.date().isoformat(),
                "lines": [{"product_id": self.product.id, "quantity": "1", "unit_price_minor": 3100}],
                "activate": True,
            },
            actor=SYSTEM,
            now=self.start,
        )
        return customer

    def bill(self, now: datetime) -> None:
        """Runs billing on the first of each month up to `now`, as the hourly job would have."""
        from chalicelib.services.run_billing import run_billing

        month = self.start
        while month <= now:
            run_billing(month)
            month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)

    def billed(self, name: str, now: datetime) -> Billed:
        """A new customer billed up to `now`: one invoice per month since the start."""
        from chalicelib.store import invoices

        customer = self.customer(name)
        self.bill(now)
        return Billed(customer, sorted(invoices.of_customer(customer.id), key=lambda i: i.issue_key))


def store_document(
    customer_id: str,
    *,
    kind: str = "invoice",
    status: str = "issued",
    total: int = 5000,
    currency: str = "EUR",
    issued: date = date(2027, 1, 10),
    credits_id: str = "",
) -> Invoice:
    """An invoice, credit note or pro-forma written as it is stored (the paid tests need one of each)."""
    from chalicelib.store import invoices, records

    number = {"invoice": "M", "credit_note": "CN", "proforma": "PF"}[kind] + f"-{new_id()[:6]}"
    document = Invoice(
        id=new_id(),
        customer_id=customer_id,
        contract_id="",
        currency=currency,
        series="default",
        status=status,
        period=None,
        lines=(InvoiceLine("Manual", Decimal(1), total, total, "fee"),),
        created_at=START,
        issue_date=issued if status == "issued" else None,
        due_date=issued if status == "issued" else None,
        number=number if status == "issued" else "",
        kind=kind,
        credits_id=credits_id,
    )
    change = records.Change()
    saved = invoices.saved(None, document, change)
    records.commit(change)
    return saved


def credit_note_for(invoice: Invoice, total: int, issued: date) -> Invoice:
    """A credit note of `total` taking that much off `invoice` (whose credited amount grows with it)."""
    from chalicelib.store import invoices, records

    note = store_document(
        invoice.customer_id, kind="credit_note", total=total, issued=issued, credits_id=invoice.id
    )
    stored = invoices.get(invoice.id, consistent=True)
    change = records.Change()
    invoices.saved(stored, replace(stored, credited_minor=stored.credited_minor + total), change)
    records.commit(change)
    return note
