"""Invoices (issue 5): what a customer is asked to pay; issued ones carry a number and never change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib.domain.billing import InvoiceLine, PeriodBill
from chalicelib.domain.contracts import Contract
from chalicelib.domain.periods import Period


@dataclass(frozen=True)
class Invoice:
    id: str
    customer_id: str
    contract_id: str
    currency: str
    series: str
    status: str  # draft | issued
    period: Period
    lines: tuple[InvoiceLine, ...]
    created_at: datetime
    issue_date: date | None = None
    due_date: date | None = None
    number: str = ""

    @property
    def total_minor(self) -> int:
        return sum(line.amount_minor for line in self.lines)


def issued_from(
    bill: PeriodBill, contract: Contract, series: str, number: str, today: date, now: datetime
) -> Invoice:
    """The invoice of one billed period, issued today and due after the contract's payment terms."""
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
    )


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
    )
