"""Documents staff write by hand (X2, S13): draft invoices and pro-formas, their issue, credit notes.

A draft has no number and can be edited or deleted; issuing it fixes its lines, taxes and dates and
gives it the next number of its series. An issued invoice never changes again: a correction is a
credit note, full or partial, that takes off at most what the invoice still has to credit. A credit
note's lines are taxed at the rates of the invoice lines they correct.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chalicelib.domain.billing import InvoiceLine
from chalicelib.domain.contract_pricing import parse_quantity
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.invoices import Invoice, Taxed
from chalicelib.domain.money import check_currency, format_amount, parse_amount
from chalicelib.domain.periods import parse_day
from chalicelib.domain.tax import TaxRate, tax_groups

DRAFT_KINDS = ("invoice", "proforma")
MAX_LINES = 200
MAX_DUE_DAYS = 365
INVOICE_SERIES = "default"
CREDIT_NOTE_SERIES = "credit-notes"
PROFORMA_SERIES = "proformas"


@dataclass(frozen=True)
class DraftFields:
    """What a draft form or API body says, checked."""

    customer_id: str
    kind: str
    currency: str
    lines: tuple[InvoiceLine, ...]
    reference: str
    due_days: int
    tax_inclusive: bool
    series: str


def _text(data: dict[str, Any], name: str, limit: int, where: str = "") -> str:
    value = str(data.get(name) or "").strip()
    if len(value) > limit:
        raise ValidationError(f"{where}{name} must be at most {limit} characters", field=name)
    return value


def parse_line(data: dict[str, Any], currency: str, index: int) -> InvoiceLine:
    """One typed line: description, quantity, unit price, optional tax category, service dates, detail."""
    where, said = f"lines[{index}]", f"line {index + 1}"
    description = _text(data, "description", 300, f"{said}: ")
    if not description:
        raise ValidationError(f"{said}: a line needs a description", field=f"{where}.description")
    try:
        quantity = parse_quantity(str(data.get("quantity") or "1"), field=f"{where}.quantity")
    except ValidationError as error:
        raise ValidationError(f"{said}: {error.message}", field=error.field) from None
    raw_price = data.get("unit_price_minor")
    if raw_price is None or raw_price == "":
        price_text = str(data.get("unit_price") or "").strip()
        if not price_text:
            raise ValidationError(f"{said}: a line needs a unit price", field=f"{where}.unit_price")
        try:
            unit_price = parse_amount(price_text, currency, field=f"{where}.unit_price")
        except ValidationError as error:
            raise ValidationError(f"{said}: {error.message}", field=error.field) from None
    elif isinstance(raw_price, int) and not isinstance(raw_price, bool):
        unit_price = raw_price
    else:
        raise ValidationError(f"{said}: unit_price_minor is a whole number", field=f"{where}.unit_price")
    if abs(unit_price) > 10**12:
        raise ValidationError(f"{said}: the unit price is too large", field=f"{where}.unit_price")
    amount = int((quantity * unit_price).quantize(Decimal(1), ROUND_HALF_UP))
    start, end = (
        parse_day(data.get("service_start"), f"{where}.service_start"),
        parse_day(data.get("service_end"), f"{where}.service_end"),
    )
    if start and end and end < start:
        raise ValidationError(f"{said}: the service ends before it starts", field=f"{where}.service_end")
    category = _text(data, "tax_category", 32, f"{said}: ").lower()
    return InvoiceLine(
        description=description,
        quantity=quantity.normalize() if quantity == quantity.to_integral() else quantity,
        unit_price_minor=unit_price,
        amount_minor=amount,
        kind="manual",
        product_id=_text(data, "product_id", 40, f"{said}: "),
        service_start=start,
        service_end=end or start,
        detail=_text(data, "detail", 500, f"{said}: "),
        tax_category=category,
    )


def check_draft(data: dict[str, Any], default_currency: str = "") -> DraftFields:
    customer_id = _text(data, "customer_id", 40)
    if not customer_id:
        raise ValidationError("choose the customer", field="customer_id")
    kind = _text(data, "kind", 20) or "invoice"
    if kind not in DRAFT_KINDS:
        raise ValidationError("kind is invoice or proforma", field="kind")
    currency = check_currency(_text(data, "currency", 3).upper() or default_currency)
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise ValidationError("a draft needs at least one line", field="lines")
    if len(raw_lines) > MAX_LINES:
        raise ValidationError(f"a document has at most {MAX_LINES} lines", field="lines")
    lines = []
    for index, raw in enumerate(raw_lines):
        if not isinstance(raw, dict):
            raise ValidationError(f"lines[{index}] must be an object", field=f"lines[{index}]")
        lines.append(parse_line(raw, currency, index))
    try:
        due_days = int(str(data.get("due_days", 14) if data.get("due_days") not in (None, "") else 14))
    except ValueError:
        raise ValidationError("due_days is a whole number of days", field="due_days") from None
    if not 0 <= due_days <= MAX_DUE_DAYS:
        raise ValidationError(f"due_days is 0 to {MAX_DUE_DAYS}", field="due_days")
    inclusive = data.get("tax_inclusive") in (True, "1", "on", "true", "yes")
    default_series = PROFORMA_SERIES if kind == "proforma" else INVOICE_SERIES
    return DraftFields(
        customer_id=customer_id,
        kind=kind,
        currency=currency,
        lines=tuple(lines),
        reference=_text(data, "reference", 100),
        due_days=due_days,
        tax_inclusive=inclusive,
        series=_text(data, "series", 20).lower() or default_series,
    )


def new_draft(invoice_id: str, fields: DraftFields, now: datetime) -> Invoice:
    return Invoice(
        id=invoice_id,
        customer_id=fields.customer_id,
        contract_id="",
        currency=fields.currency,
        series=fields.series,
        status="draft",
        period=None,
        lines=fields.lines,
        created_at=now,
        tax_inclusive=fields.tax_inclusive,
        reference=fields.reference,
        kind=fields.kind,
        payment_days=fields.due_days,
    )


def edited(draft: Invoice, fields: DraftFields) -> Invoice:
    ensure_draft(draft)
    if fields.customer_id != draft.customer_id:
        raise ValidationError(
            "a draft keeps its customer: delete it and start a new one", field="customer_id"
        )
    return replace(
        draft,
        kind=fields.kind,
        currency=fields.currency,
        lines=fields.lines,
        reference=fields.reference,
        tax_inclusive=fields.tax_inclusive,
        series=fields.series,
        payment_days=fields.due_days,
    )


def ensure_draft(invoice: Invoice) -> None:
    if not invoice.is_draft:
        raise Conflict(
            f"{invoice.number} is issued and cannot change: correct it with a credit note", field="status"
        )


def issued(draft: Invoice, number: str, today: date, taxed: Taxed) -> Invoice:
    """The draft with its number, dates and taxes; from now on it never changes."""
    ensure_draft(draft)
    return replace(
        draft,
        status="issued",
        number=number,
        issue_date=today,
        due_date=today + timedelta(days=draft.payment_days),
        taxes=taxed.groups,
        tax_inclusive=taxed.inclusive,
        note=taxed.note,
        line_rates=taxed.line_rates,
    )


def credit_amounts(invoice: Invoice, data: dict[str, Any]) -> dict[int, int] | None:
    """None for a full credit note, else {line index: amount} from `amounts` (per line, typed money)."""
    if data.get("full") in (True, "1", "on", "true", "yes"):
        return None
    raw = data.get("amounts")
    if not isinstance(raw, dict | list):
        raise ValidationError("say full, or the amount to credit per line", field="amounts")
    items = raw.items() if isinstance(raw, dict) else enumerate(raw)
    amounts: dict[int, int] = {}
    for key, value in items:
        try:
            index = int(key)
        except (TypeError, ValueError):
            raise ValidationError(f"amounts: {key!r} is not a line number", field="amounts") from None
        if not 0 <= index < len(invoice.lines):
            raise ValidationError(f"amounts: the invoice has no line {index + 1}", field="amounts")
        if value in (None, ""):
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            amount = value
        else:
            amount = parse_amount(str(value), invoice.currency, field=f"amounts[{index}]")
        if amount < 0:
            raise ValidationError(f"line {index + 1}: credit a positive amount", field=f"amounts[{index}]")
        if amount:
            amounts[index] = amount
    if not amounts:
        raise ValidationError("enter the amount to credit on at least one line", field="amounts")
    return amounts


def credit_note(
    invoice: Invoice, amounts: dict[int, int] | None, *, note_id: str, reason: str, now: datetime
) -> Invoice:
    """A draft credit note for the whole invoice (None) or the given amounts per line.

    Amounts are what the lines said (net, or gross for tax-inclusive invoices); the tax follows the
    line's rate. Refused above the line's amount or above what the invoice may still be credited.
    """
    if not invoice.owes:
        why = {
            "proforma": "a pro-forma is not a tax document",
            "credit_note": "a credit note is not credited",
        }
        reason_not = "a draft is edited or deleted" if invoice.is_draft else why.get(invoice.kind, "")
        raise Conflict(f"only an issued invoice can be credited: {reason_not}", field="invoice_id")
    reason = reason.strip()[:300]
    if not reason:
        raise ValidationError("say why the invoice is credited", field="reason")
    if amounts is None and invoice.credited_minor:
        raise Conflict(
            "the invoice is already partly credited: credit the remaining amounts per line", field="amounts"
        )
    rates = _line_rates(invoice)
    lines: list[InvoiceLine] = []
    taxed: list[tuple[int, TaxRate]] = []
    for index, line in enumerate(invoice.lines):
        amount = line.amount_minor if amounts is None else amounts.get(index, 0)
        if not amount:
            continue
        if amounts is not None and amount > abs(line.amount_minor):
            limit = format_amount(abs(line.amount_minor), invoice.currency)
            raise ValidationError(
                f"line {index + 1}: {format_amount(amount, invoice.currency)} is more than its {limit}",
                field=f"amounts[{index}]",
            )
        partial = amounts is not None and amount != line.amount_minor
        lines.append(
            replace(
                line,
                quantity=Decimal(1) if partial else line.quantity,
                unit_price_minor=amount if partial else line.unit_price_minor,
                amount_minor=amount,
                kind="credit",
                source_id=str(index),
            )
        )
        taxed.append((amount, rates[index]))
    groups = tuple(tax_groups(taxed, inclusive=invoice.tax_inclusive))
    note = Invoice(
        id=note_id,
        customer_id=invoice.customer_id,
        contract_id=invoice.contract_id,
        currency=invoice.currency,
        series=CREDIT_NOTE_SERIES,
        status="draft",
        period=invoice.period,
        lines=tuple(lines),
        created_at=now,
        taxes=groups,
        tax_inclusive=invoice.tax_inclusive,
        note=reason,
        kind="credit_note",
        credits_id=invoice.id,
        line_rates=tuple(rate.rate_bp for _amount, rate in taxed),
        reference=invoice.number,
    )
    if note.total_minor > invoice.creditable_minor:
        raise ValidationError(
            f"the credit note of {format_amount(note.total_minor, invoice.currency)} is above the invoice "
            f"total still to credit, {format_amount(invoice.creditable_minor, invoice.currency)}",
            field="amounts",
        )
    return note


def _line_rates(invoice: Invoice) -> list[TaxRate]:
    """Each line's rate; an invoice from before rates were kept per line has a single rate or none."""
    names = {group.rate_bp: group.name for group in invoice.taxes}
    if len(invoice.line_rates) == len(invoice.lines):
        bps = list(invoice.line_rates)
    elif len(names) <= 1:
        bps = [next(iter(names), 0)] * len(invoice.lines)
    else:
        raise Conflict(
            "this invoice does not say which rate each line had: credit it in full", field="amounts"
        )
    return [TaxRate("", "", bp, names.get(bp, "")) for bp in bps]


def issued_credit_note(note: Invoice, number: str, today: date) -> Invoice:
    return replace(note, status="issued", number=number, issue_date=today, due_date=today)


def invoice_from_proforma(proforma: Invoice, invoice_id: str, now: datetime) -> Invoice:
    """The pro-forma's lines as a draft invoice, linked to it, once the customer has agreed or paid."""
    if proforma.kind != "proforma" or proforma.is_draft:
        raise Conflict("only an issued pro-forma becomes an invoice", field="invoice_id")
    return replace(
        proforma,
        id=invoice_id,
        kind="invoice",
        status="draft",
        series=INVOICE_SERIES,
        number="",
        issue_date=None,
        due_date=None,
        taxes=(),
        line_rates=(),
        credits_id=proforma.id,
        created_at=now,
        sent_at=None,
        send_error="",
        note="",
        version=1,
    )
