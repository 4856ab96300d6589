"""What a contract owes for a billing period (issue 5, B2): pure, from its lines over time.

A period is billed once, in advance (on its first day) or in arrears (on the day after it ends).
A contract that missed runs gets every missed period, oldest first, each as its own invoice. A line
that runs part of a period is prorated by day; a contract's first and last periods are clipped to
its start and end. Adjustments (prorated credits and charges, setup fees) go on the next invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.domain.contract_lifecycle import Status, ensure_billable
from chalicelib.domain.contracts import FAR, Contract, unbilled_adjustments
from chalicelib.domain.periods import Period, period_containing
from chalicelib.domain.proration import prorate

MAX_PERIODS_PER_RUN = 36  # a contract years behind is billed over several runs, not in one burst


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: Decimal
    unit_price_minor: int
    amount_minor: int  # after discount and proration; negative for credits
    kind: str  # recurring | adjustment | discount
    source_id: str = ""  # the contract line or adjustment it comes from
    product_id: str = ""
    service_start: date | None = None
    service_end: date | None = None
    detail: str = ""  # installation details: serial number, site, date (S13)
    tax_category: str = ""  # for a line without a product; else the product's category


@dataclass(frozen=True)
class PeriodBill:
    """One period's invoice content and the contract as it is once that invoice exists."""

    contract_id: str
    period: Period
    lines: tuple[InvoiceLine, ...]
    contract_after: Contract

    @property
    def total_minor(self) -> int:
        return sum(line.amount_minor for line in self.lines)

    @property
    def key(self) -> str:
        """One invoice per contract and period: the key a second attempt collides with."""
        return f"{self.contract_id}:{self.period.start.isoformat()}"


def billing_day(contract: Contract, period: Period) -> date:
    return period.start if contract.terms.timing == "advance" else period.end


def periods_due(contract: Contract, today: date) -> list[Period]:
    """Every not yet invoiced period whose billing day has come, oldest first."""
    if contract.status is not Status.ACTIVE:
        return []
    due: list[Period] = []
    start = contract.billed_until
    end = contract.end_date or FAR
    while start < end and len(due) < MAX_PERIODS_PER_RUN:
        period = contract.period_of(start)
        day = billing_day(contract, period)
        brought_forward = not due and contract.bill_now is not None and contract.bill_now <= today
        if day > today and not brought_forward:
            break
        due.append(period)
        start = period.end
    return due


def _recurring(contract: Contract, period: Period) -> list[InvoiceLine]:
    full = period_containing(contract.anchor, contract.cadence, period.start)
    lines = []
    for line in contract.lines:
        start = max(period.start, line.start or contract.start_date)
        end = min(period.end, line.end or FAR)
        if end <= start:
            continue
        amount = prorate(line.period_amount, full, start, end)
        lines.append(
            InvoiceLine(
                description=line.description,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                amount_minor=amount,
                kind="recurring",
                source_id=line.id,
                product_id=line.product_id,
                service_start=start,
                service_end=end,
            )
        )
    return lines


def _contract_discount(contract: Contract, period: Period, subtotal: int) -> list[InvoiceLine]:
    """The contract's own discount: a percentage of the period, or its amount prorated to the days."""
    discount = contract.discount
    if not discount.percent and not discount.amount_minor:
        return []
    full = period_containing(contract.anchor, contract.cadence, period.start)
    off = Decimal(subtotal) * discount.percent / 100
    off += prorate(discount.amount_minor, full, period.start, period.end)
    amount = -min(int(off.quantize(Decimal(1), ROUND_HALF_UP)), subtotal)
    label = f"{discount.percent}%" if discount.percent else "contract discount"
    return [InvoiceLine(f"Discount ({label})", Decimal(1), amount, amount, "discount")] if amount else []


def bill_period(contract: Contract, period: Period, now: datetime, invoice_id: str) -> PeriodBill:
    """The invoice for `period` and the contract advanced past it (adjustments marked as invoiced)."""
    ensure_billable(contract.status)
    if period.start != contract.billed_until:
        raise ValueError(f"period {period.start} is not the next one to bill ({contract.billed_until})")
    recurring = _recurring(contract, period)
    subtotal = sum(line.amount_minor for line in recurring)
    pending = unbilled_adjustments(contract)
    adjustments = [
        InvoiceLine(
            a.description,
            Decimal(1),
            a.amount_minor,
            a.amount_minor,
            "adjustment",
            a.id,
            service_start=a.start,
            service_end=a.end,
        )
        for a in pending
    ]
    marked = tuple(replace(a, invoice_id=invoice_id) if a in pending else a for a in contract.adjustments)
    after = replace(contract, billed_until=period.end, adjustments=marked, bill_now=None)
    lines = (*recurring, *_contract_discount(contract, period, subtotal), *adjustments)
    return PeriodBill(contract.id, period, lines, after)
