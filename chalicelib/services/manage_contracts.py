"""Creating contracts from a template and moving them through their lifecycle (issue 4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contract_lifecycle import Status, move
from chalicelib.domain.contract_schedule import check_dates, term_end
from chalicelib.domain.contract_templates import ContractTemplate
from chalicelib.domain.contracts import Adjustment, Contract, Line, Terms
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.periods import check_timezone, local_date, parse_day
from chalicelib.services.contract_lines import (
    Pricing,
    check_price_list,
    check_salesperson,
    discount_of,
    option_lines,
    parse_lines,
)
from chalicelib.store import contracts, records


def terms_of(template: ContractTemplate) -> Terms:
    return Terms(
        period=template.period,
        timing=template.timing,
        term_periods=template.term_periods,
        auto_renew=template.auto_renew,
        notice_days=template.notice_days,
        payment_terms_days=template.payment_terms_days,
        service_every_months=template.service_every_months,
        access_level=template.access_level,
        proration=template.proration,
        reminder_days=template.reminder_days,
        invoice_series=template.invoice_series,
    )


def _anchor(start: date, raw: Any) -> date:
    """The billing anchor day: periods start on that day of the month (clipped in short months)."""
    if raw in (None, ""):
        return start
    try:
        day = int(str(raw))
    except ValueError:
        day = 0
    if not 1 <= day <= 31:
        raise ValidationError("the billing anchor day must be 1 to 31", field="anchor_day")
    # The anchor is the last such day on or before the start: the first period is then a part period.
    month = (start.year, start.month) if day <= start.day else _previous_month(start)
    return _clipped(month[0], month[1], day)


def _previous_month(day: date) -> tuple[int, int]:
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def _clipped(year: int, month: int, day: int) -> date:
    import calendar

    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def build_contract(
    data: dict[str, Any], template: ContractTemplate, *, now: datetime, lines: list[Line] | None = None
) -> Contract:
    """A new contract from `data`, checked against the customer, catalogue and template; not saved."""
    from chalicelib.store import customers

    customer = customers.get(str(data.get("customer_id") or ""))
    if not template.active:
        raise ValidationError(f"template {template.name} is no longer offered", field="template_id")
    timezone = check_timezone(str(data.get("timezone") or customer.timezone or "UTC"))
    currency = str(data.get("currency") or template.currency).upper()
    price_list_id = check_price_list(str(data.get("price_list_id") or ""), currency)
    start = parse_day(data.get("start_date"), "start_date") or local_date(now, timezone)
    end = parse_day(data.get("end_date"), "end_date") or term_end(
        start, template.cadence, template.term_periods
    )
    check_dates(start, end)
    billed_until = parse_day(data.get("billed_until"), "billed_until") or start
    if billed_until < start or (end and billed_until > end):
        raise ValidationError("invoiced until must lie between the start and the end", field="billed_until")
    if lines is None:
        pricing = Pricing(currency, price_list_id)
        lines = parse_lines(data.get("lines") or [], pricing, customer.id)
        lines += option_lines(template, data.get("options") or [], currency)
    if not lines:
        raise ValidationError("add at least one line or option", field="lines")
    contract_id = new_id()
    fees = [
        Adjustment(new_id(), f"Setup fee: {o.label}", o.setup_fee_minor, start, start, now)
        for o in template.options
        if o.setup_fee_minor and o.code in {line.option_code for line in lines}
    ]
    return Contract(
        id=contract_id,
        customer_id=customer.id,
        template_id=template.id,
        template_name=template.name,
        currency=currency,
        timezone=timezone,
        start_date=start,
        anchor=_anchor(start, data.get("anchor_day")),
        billed_until=billed_until,
        end_date=end,
        terms=terms_of(template),
        status=Status.DRAFT,
        lines=tuple(lines),
        discount=discount_of(data, "discount"),
        price_list_id=price_list_id,
        salesperson_id=check_salesperson(data.get("salesperson_id")),
        adjustments=tuple(fees),
        quote_id=str(data.get("quote_id") or ""),
        created_at=now,
    )


def persist(
    saves: list[contracts.Saved], actor: Actor, now: datetime, also: records.Change | None = None
) -> list[Contract]:
    """One transaction for every contract changed together (and `also`); then visits and emails follow."""
    from chalicelib.services.contract_mail import send_stage_emails
    from chalicelib.services.service_schedule import after_save

    saved = contracts.commit(saves, actor, now, also)
    after_save([(s.before, after) for s, after in zip(saves, saved, strict=True)], now)
    send_stage_emails([(s.action, s.before, after) for s, after in zip(saves, saved, strict=True)], now)
    return saved


def create_contract(data: dict[str, Any], *, actor: Actor, now: datetime) -> Contract:
    from chalicelib.store import contract_templates

    template = contract_templates.get(str(data.get("template_id") or ""))
    contract = build_contract(data, template, now=now)
    if data.get("activate"):
        contract = replace(contract, status=move(contract.status, "activate"))
    summary = f"created from {template.name} with {len(contract.lines)} line(s)"
    return persist([contracts.Saved(None, contract, "contract.created", summary)], actor, now)[0]


def change_status(contract_id: str, action: str, *, version: int, actor: Actor, now: datetime) -> Contract:
    """activate, suspend or resume (cancel and renew have their own use cases)."""
    if action not in ("activate", "suspend", "resume"):
        raise ValidationError("action must be activate, suspend or resume", field="action")
    before = contracts.get(contract_id, consistent=True)
    check_version(before, version)
    after = replace(before, status=move(before.status, action))
    done = {"activate": "activated", "suspend": "suspended", "resume": "resumed"}[action]
    return persist([contracts.Saved(before, after, f"contract.{action}", done)], actor, now)[0]


def check_version(contract: Contract, version: int) -> None:
    """The edit was made on the version shown: a newer one means someone else changed it meanwhile."""
    if version != contract.version:
        from chalicelib.domain.errors import Conflict

        raise Conflict(
            f"this contract was changed by someone else since you opened it (version {version}, "
            f"now {contract.version}): reload it and try again",
            field="version",
        )
