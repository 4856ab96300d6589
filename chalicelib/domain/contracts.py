"""Contracts (issue 4): what a customer agreed to buy, for how long, at what price, and how it changed.

A line runs over [start, end) in the contract's local dates (None: from the contract start / until
the contract ends). A change effective on a day ends the old line that day and starts a new one,
so the contract as it was on any date is the set of lines running that day, and billing (issue 5)
can price any period from the lines alone. Time already invoiced (before `billed_until`) is
settled by adjustments: a credit for the unused part of what changed and a charge for the new part.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chalicelib.domain.contract_lifecycle import Status, move
from chalicelib.domain.contract_pricing import Discount, PricedLine, line_total
from chalicelib.domain.contract_schedule import check_dates, term_end
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.periods import Cadence, Period, period_containing, periods_between
from chalicelib.domain.proration import prorate

FAR = date(9999, 12, 31)
_ONE_DAY = timedelta(days=1)
WHEN = ("template", "now", "period_end", "date")  # when a change takes effect
CANCEL_REASONS = (
    "price",
    "service",
    "moved_to_competitor",
    "no_longer_needed",
    "business_closed",
    "non_payment",
    "other",
)


@dataclass(frozen=True)
class Terms:
    """The template's terms as they were when the contract started: later template edits leave it alone."""

    period: str
    timing: str = "advance"
    term_periods: int | None = None
    auto_renew: bool = True
    notice_days: int = 30
    payment_terms_days: int = 14
    service_every_months: int | None = None
    access_level: str = "restricted"
    proration: str = "now"
    reminder_days: tuple[int, ...] = (30, 7)
    invoice_series: str = "default"

    @property
    def cadence(self) -> Cadence:
        return Cadence.named(self.period)

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "reminder_days": list(self.reminder_days)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Terms:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**{**known, "reminder_days": tuple(known.get("reminder_days", (30, 7)))})


@dataclass(frozen=True)
class Line:
    id: str
    product_id: str
    description: str
    quantity: Decimal
    unit_price_minor: int  # per billing period
    unit: str = "pc"
    discount: Discount = Discount()
    item_ids: tuple[str, ...] = ()
    option_code: str = ""
    start: date | None = None
    end: date | None = None

    def runs_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    def ended_by(self, day: date) -> bool:
        return self.end is not None and self.end <= day

    @property
    def period_amount(self) -> int:
        return line_total(PricedLine(self.id, self.quantity, self.unit_price_minor, self.discount))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "product_id": self.product_id,
            "description": self.description,
            "quantity": str(self.quantity),
            "unit_price_minor": self.unit_price_minor,
            "unit": self.unit,
            "discount_percent": str(self.discount.percent) if self.discount.percent else "",
            "discount_minor": self.discount.amount_minor,
            "item_ids": list(self.item_ids),
            "option_code": self.option_code,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Line:
        return cls(
            id=data["id"],
            product_id=data["product_id"],
            description=data.get("description", ""),
            quantity=Decimal(data["quantity"]),
            unit_price_minor=int(data["unit_price_minor"]),
            unit=data.get("unit", "pc"),
            discount=Discount(Decimal(data.get("discount_percent") or 0), int(data.get("discount_minor", 0))),
            item_ids=tuple(data.get("item_ids", ())),
            option_code=data.get("option_code", ""),
            start=_day(data.get("start")),
            end=_day(data.get("end")),
        )


@dataclass(frozen=True)
class Adjustment:
    """A prorated credit (negative) or charge for time already invoiced; billing picks it up once."""

    id: str
    description: str
    amount_minor: int
    start: date
    end: date
    created_at: datetime
    invoice_id: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "description": self.description,
            "amount_minor": self.amount_minor,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "created_at": self.created_at.isoformat(),
            "invoice_id": self.invoice_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Adjustment:
        return cls(
            id=data["id"],
            description=data["description"],
            amount_minor=int(data["amount_minor"]),
            start=date.fromisoformat(data["start"]),
            end=date.fromisoformat(data["end"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            invoice_id=data.get("invoice_id", ""),
        )


@dataclass(frozen=True)
class Cancellation:
    reason: str
    note: str
    effective: date
    requested_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "note": self.note,
            "effective": self.effective.isoformat(),
            "requested_at": self.requested_at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cancellation:
        return cls(
            reason=data["reason"],
            note=data.get("note", ""),
            effective=date.fromisoformat(data["effective"]),
            requested_at=datetime.fromisoformat(data["requested_at"]),
        )


@dataclass(frozen=True)
class Contract:
    id: str
    customer_id: str
    template_id: str
    template_name: str
    currency: str
    timezone: str
    start_date: date
    anchor: date  # billing periods are counted from this date (the billing anchor day)
    billed_until: date  # service before this date is invoiced
    end_date: date | None  # None: open-ended
    terms: Terms
    status: Status = Status.DRAFT
    lines: tuple[Line, ...] = ()
    discount: Discount = Discount()
    price_list_id: str = ""
    salesperson_id: str = ""
    adjustments: tuple[Adjustment, ...] = ()
    cancellation: Cancellation | None = None
    renewed_from: str = ""
    renewed_to: str = ""
    term_number: int = 1
    quote_id: str = ""
    reminders_sent: tuple[str, ...] = ()
    bill_now: date | None = None  # staff asked for the next invoice before its date
    created_at: datetime | None = None
    version: int = 0

    @property
    def number(self) -> str:
        """C-1A2B3C4D5E for the first term; its renewals are C-1A2B3C4D5E-2, -3... (their ids say so too)."""
        root, _, term = self.id.partition("-")
        return f"C-{root[:10].upper()}" + (f"-{term}" if term else "")

    @property
    def ref(self) -> str:
        return f"contract#{self.id}"

    def lookup_keys(self) -> set[str]:
        return set()

    @property
    def cadence(self) -> Cadence:
        return self.terms.cadence

    def period_of(self, day: date) -> Period:
        """The billing period holding `day`, clipped to the contract's start and end."""
        full = period_containing(self.anchor, self.cadence, day)
        return Period(max(full.start, self.start_date), min(full.end, self.end_date or FAR))

    def lines_on(self, day: date) -> list[Line]:
        return [line for line in self.lines if line.runs_on(day)]

    def period_amount(self, day: date) -> int:
        """One full period's price for the lines running on `day`, after discounts."""
        subtotal = sum((line.period_amount for line in self.lines_on(day)), 0)
        return int(self.discount.apply(subtotal, "discount").quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def next_billing_date(self) -> date | None:
        """When the next invoice is due: at the start of the next period (advance) or its end (arrears)."""
        if self.status not in (Status.ACTIVE, Status.DRAFT):
            return None
        if self.end_date is not None and self.billed_until >= self.end_date:
            return None
        due = self.billed_until if self.terms.timing == "advance" else self.period_of(self.billed_until).end
        return min(due, self.bill_now) if self.bill_now else due

    def item_ids(self, day: date | None = None) -> list[str]:
        lines = self.lines if day is None else self.lines_on(day)
        return sorted({item for line in lines for item in line.item_ids})

    def line(self, line_id: str) -> Line:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise ValidationError(f"the contract has no line {line_id}", field="line_id")


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def effective_day(contract: Contract, when: str, today: date, on: date | None = None) -> date:
    """The day a change takes effect: today, the end of the current period, or a given day."""
    if when not in WHEN:
        raise ValidationError(f"when must be one of {', '.join(WHEN)}", field="when")
    if when == "template":
        # "upgrades_now" is decided by the caller, who knows whether the change is a downgrade.
        when = "period_end" if contract.terms.proration == "period_end" else "now"
    if when == "date":
        if on is None:
            raise ValidationError("give the date the change takes effect", field="effective_date")
        day = on
    elif when == "period_end":
        day = contract.period_of(max(today, contract.start_date)).end
    else:
        day = today
    day = max(day, contract.start_date)
    if contract.end_date is not None and day > contract.end_date:
        raise ValidationError("the change would take effect after the contract ends", field="effective_date")
    return day


def end_line(line: Line, day: date, contract_start: date) -> Line | None:
    """The line as it runs until `day`; None when it had not started by then (it is removed)."""
    if (line.start or contract_start) >= day:
        return None
    if line.end is not None and line.end <= day:
        return line
    return replace(line, end=day)


def change_line(contract: Contract, line_id: str, day: date, new_id: str, **values: Any) -> tuple[Line, ...]:
    """Lines after changing one from `day`: in place if it starts then or later, else ended and restarted."""
    old = contract.line(line_id)
    if old.ended_by(day):
        raise ValidationError("this line has ended before the change would take effect", field="line_id")
    changed = replace(old, **values)
    if (old.start or contract.start_date) >= day:
        return tuple(changed if line.id == line_id else line for line in contract.lines)
    ended = replace(old, end=day, item_ids=())  # the items move on with the line that runs on
    restarted = replace(changed, id=new_id, start=day)
    lines = [ended if line.id == line_id else line for line in contract.lines]
    return (*lines, restarted)


def remove_line(contract: Contract, line_id: str, day: date) -> tuple[Line, ...]:
    old = contract.line(line_id)
    if old.ended_by(day):
        raise ValidationError("this line has already ended", field="line_id")
    ended = end_line(old, day, contract.start_date)
    lines = (ended if line.id == line_id else line for line in contract.lines)
    return tuple(line for line in lines if line is not None)


def add_line(contract: Contract, line: Line, day: date) -> tuple[Line, ...]:
    start = None if day <= contract.start_date else day
    return (*contract.lines, replace(line, start=start, end=None))


def _window_amount(contract: Contract, lines: set[Line], start: date, end: date) -> int:
    """What `lines` cost over [start, end) of this contract: prorated by day, percent discount applied."""
    stop = min(end, contract.end_date or FAR)
    total = 0
    for period in periods_between(contract.anchor, contract.cadence, start, stop):
        for line in lines:
            line_start = max(start, line.start or contract.start_date)
            line_end = min(stop, line.end or FAR)
            total += prorate(line.period_amount, period, line_start, line_end)
    kept = Decimal(100) - contract.discount.percent
    return int((Decimal(total) * kept / Decimal(100)).quantize(Decimal(1), ROUND_HALF_UP))


def settle_invoiced_time(
    before: Contract, after: Contract, day: date, make_id: Any, now: datetime, label: str
) -> tuple[Adjustment, ...]:
    """Adjustments for the part of a change that falls in time already invoiced ([day, billed_until)).

    Lines that changed: a credit for the old lines' unused part and a charge for the new lines.
    Lines that did not: the difference a moved end date makes (co-terming, cancelling).
    """
    until = before.billed_until
    if day >= until:
        return ()
    old, new = set(before.lines), set(after.lines)
    credit = _window_amount(before, old - new, day, until)
    charge = _window_amount(after, new - old, day, until)
    shift = _window_amount(after, old & new, day, until) - _window_amount(before, old & new, day, until)
    parts = [
        (f"Credit for unused time: {label}", -credit),
        (f"Charge for the rest of the period: {label}", charge),
        (f"End date moved: {label}", shift),
    ]
    return tuple(
        Adjustment(make_id(), description, amount, day, until, now) for description, amount in parts if amount
    )


def unbilled_adjustments(contract: Contract) -> list[Adjustment]:
    return [a for a in contract.adjustments if not a.invoice_id]


def cancel(contract: Contract, reason: str, note: str, day: date, today: date, now: datetime) -> Contract:
    """Cancelled on `day`: at once when that is today or earlier, else at that date (the job does it)."""
    if reason not in CANCEL_REASONS:
        raise ValidationError(f"reason must be one of {', '.join(CANCEL_REASONS)}", field="reason")
    if contract.cancellation is not None:
        raise ValidationError(
            f"the contract is already cancelled from {contract.cancellation.effective}", field="status"
        )
    status = move(contract.status, "cancel") if day <= today else contract.status
    if day > today:
        move(contract.status, "cancel")  # refuses now what could not happen later either
    lines = tuple(
        ended for line in contract.lines if (ended := end_line(line, day, contract.start_date)) is not None
    )
    return replace(
        contract,
        status=status,
        lines=lines,
        end_date=day,
        terms=replace(contract.terms, auto_renew=False),
        cancellation=Cancellation(reason, note[:500], day, now),
    )


def coterminate(contract: Contract, end: date) -> Contract:
    """Moves the end date (co-terming, B: S3); lines past the new end stop there."""
    check_dates(contract.start_date, end)
    if contract.renewed_to:
        raise ValidationError("a renewed contract's end is its renewal's start", field="end_date")
    lines = tuple(
        ended for line in contract.lines if (ended := end_line(line, end, contract.start_date)) is not None
    )
    # Lines that ended at the old end date run on to the new one.
    lines = tuple(
        replace(line, end=None) if contract.end_date and line.end == contract.end_date else line
        for line in lines
    )
    return replace(contract, end_date=end, lines=lines)


def renewal(contract: Contract, new_id: str, start: date, now: datetime) -> Contract:
    """The next term: same customer, terms and running lines, starting where this one ends."""
    if contract.end_date is None:
        raise ValidationError("an open-ended contract runs on: it needs no renewal", field="end_date")
    if contract.renewed_to:
        raise ValidationError(f"the contract is already renewed as {contract.renewed_to}", field="status")
    running = contract.lines_on(contract.end_date - _ONE_DAY)
    return replace(
        contract,
        id=new_id,
        status=Status.ACTIVE,
        start_date=start,
        billed_until=start,
        end_date=term_end(start, contract.cadence, contract.terms.term_periods),
        lines=tuple(replace(line, start=None, end=None) for line in running),
        adjustments=(),
        cancellation=None,
        renewed_from=contract.id,
        renewed_to="",
        term_number=contract.term_number + 1,
        reminders_sent=(),
        created_at=now,
        version=0,
    )


def email_stage(action: str, before: Contract | None, after: Contract) -> str | None:
    """The template email stage a saved change reaches, if any (bulk work and job chores send none)."""
    if action == "contract.created" and after.status is Status.ACTIVE:
        return "renewed" if after.renewed_from else "welcome"
    if before is None:
        return None
    if action == "contract.activate":
        return "welcome"
    if action == "contract.suspend":
        return "suspended"
    if action == "contract.cancel" and before.cancellation is None:
        return "cancelled"  # when it is asked for, with its date; not again when the job carries it out
    if action == "contract.expire":
        return "expired"
    return None
