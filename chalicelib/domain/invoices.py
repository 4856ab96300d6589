"""Invoices (issue 5): what a customer is asked to pay; issued ones carry a number and never change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib.domain.billing import InvoiceLine, PeriodBill
from chalicelib.domain.contracts import Contract
from chalicelib.domain.periods import Period
from chalicelib.domain.tax import TaxGroup


@dataclass(frozen=True)
class Invoice:
    id: str
    customer_id: str
    contract_id: str
    currency: str
    series: str
    status: str  # draft | issued
    period: Period | None  # the contract period billed; none for manual invoices
    lines: tuple[InvoiceLine, ...]
    created_at: datetime
    issue_date: date | None = None
    due_date: date | None = None
    number: str = ""
    taxes: tuple[TaxGroup, ...] = ()
    tax_inclusive: bool = False  # line amounts include the tax
    note: str = ""  # e.g. the reverse charge note
    kind: str = "invoice"  # invoice | credit_note | proforma
    credits_id: str = ""  # the invoice a credit note corrects, or the pro-forma an invoice follows
    line_rates: tuple[int, ...] = ()  # the tax rate (basis points) of each line, for credit notes
    paid_minor: int = 0  # allocated from cleared payments
    credited_minor: int = 0  # the totals of its credit notes
    reference: str = ""  # the customer's order or PO reference, printed on the document
    sent_at: datetime | None = None  # emailed to the customer
    send_error: str = ""  # why it could not be emailed
    mail_id: str = ""  # the email in the mail log (its delivery status and retries)
    payment_days: int = 14  # a draft's terms: due this many days after it is issued
    version: int = 1

    @property
    def lines_minor(self) -> int:
        return sum(line.amount_minor for line in self.lines)

    @property
    def tax_minor(self) -> int:
        return sum(group.tax_minor for group in self.taxes)

    @property
    def net_minor(self) -> int:
        return self.lines_minor - self.tax_minor if self.tax_inclusive else self.lines_minor

    @property
    def total_minor(self) -> int:
        """What the customer pays (for a credit note: what is taken off)."""
        return self.lines_minor if self.tax_inclusive else self.lines_minor + self.tax_minor

    @property
    def issue_key(self) -> str:
        """Orders documents by issue date (a draft by the day it was made), then id."""
        day = self.issue_date or self.created_at.date()
        return f"{day.isoformat()}#{self.id}"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def owes(self) -> bool:
        """Only issued invoices are owed: not drafts, credit notes or pro-formas."""
        return self.kind == "invoice" and self.status == "issued"

    @property
    def creditable_minor(self) -> int:
        """What credit notes may still take off this invoice."""
        return self.total_minor - self.credited_minor if self.owes else 0

    @property
    def open_minor(self) -> int:
        """What the customer still has to pay on it."""
        return max(0, self.total_minor - self.credited_minor - self.paid_minor) if self.owes else 0

    @property
    def payment_status(self) -> str:
        if not self.owes:
            return ""
        if self.open_minor == 0:
            return "paid" if self.paid_minor else "credited"
        if self.paid_minor:
            return "part paid"
        return "part credited" if self.credited_minor else "open"


def issued_from(
    bill: PeriodBill,
    contract: Contract,
    series: str,
    number: str,
    today: date,
    now: datetime,
    taxed: Taxed | None = None,
) -> Invoice:
    """The invoice of one billed period, issued today and due after the contract's payment terms."""
    taxed = taxed or Taxed()
    return Invoice(
        id=bill.key,
        customer_id=contract.customer_id,
        contract_id=contract.id,
        currency=contract.currency,
        series=series,
        status="issued",
        period=bill.period,
        lines=bill.lines,
        created_at=now,
        issue_date=today,
        due_date=today + timedelta(days=contract.terms.payment_terms_days),
        number=number,
        taxes=taxed.groups,
        tax_inclusive=taxed.inclusive,
        note=taxed.note,
        line_rates=taxed.line_rates,
    )


@dataclass(frozen=True)
class Taxed:
    """The tax of one invoice: its groups per rate, whether prices include it, and any note."""

    groups: tuple[TaxGroup, ...] = ()
    inclusive: bool = False
    note: str = ""
    line_rates: tuple[int, ...] = ()  # basis points per line, in line order


def group_json(group: TaxGroup) -> dict[str, Any]:
    return {
        "rate_bp": group.rate_bp,
        "name": group.name,
        "net_minor": group.net_minor,
        "tax_minor": group.tax_minor,
    }


def group_from_json(data: dict[str, Any]) -> TaxGroup:
    return TaxGroup(int(data["rate_bp"]), data["name"], int(data["net_minor"]), int(data["tax_minor"]))


def line_json(line: InvoiceLine) -> dict[str, Any]:
    return {
        "description": line.description,
        "quantity": str(line.quantity),
        "unit_price_minor": line.unit_price_minor,
        "amount_minor": line.amount_minor,
        "kind": line.kind,
        "source_id": line.source_id,
        "product_id": line.product_id,
        "service_start": line.service_start.isoformat() if line.service_start else None,
        "service_end": line.service_end.isoformat() if line.service_end else None,
        **({"detail": line.detail} if line.detail else {}),
        **({"tax_category": line.tax_category} if line.tax_category else {}),
    }


def line_from_json(data: dict[str, Any]) -> InvoiceLine:
    return InvoiceLine(
        description=data["description"],
        quantity=Decimal(data["quantity"]),
        unit_price_minor=int(data["unit_price_minor"]),
        amount_minor=int(data["amount_minor"]),
        kind=data["kind"],
        source_id=data.get("source_id", ""),
        product_id=data.get("product_id", ""),
        service_start=date.fromisoformat(data["service_start"]) if data.get("service_start") else None,
        service_end=date.fromisoformat(data["service_end"]) if data.get("service_end") else None,
        detail=data.get("detail", ""),
        tax_category=data.get("tax_category", ""),
    )
