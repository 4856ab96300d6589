"""Changes on the contract screen (S6, X1): price, quantity, discount, lines, items, bill now, cancel.

Each change is planned first (what it does, from which day, which credits and charges it settles)
so the screen can show its prorated effect before it is confirmed; confirming saves exactly that
plan, provided the contract is still the version the plan was made from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contract_lifecycle import ensure_changeable
from chalicelib.domain.contract_pricing import parse_quantity
from chalicelib.domain.contracts import (
    Adjustment,
    Contract,
    Line,
    add_line,
    cancel,
    change_line,
    effective_day,
    remove_line,
    settle_invoiced_time,
)
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.money import plain_amount
from chalicelib.domain.periods import local_date, parse_day
from chalicelib.services.contract_lines import Pricing, check_items, discount_of, option_lines, parse_lines
from chalicelib.services.manage_contracts import check_version, persist
from chalicelib.store import contracts

if TYPE_CHECKING:
    from chalicelib.domain.contract_templates import ContractTemplate

KINDS = ("price", "quantity", "discount", "add_line", "remove_line", "items", "bill_now", "cancel")


@dataclass(frozen=True)
class Plan:
    before: Contract
    after: Contract
    day: date
    adjustments: tuple[Adjustment, ...]
    summary: str

    @property
    def net_minor(self) -> int:
        return sum(a.amount_minor for a in self.adjustments)


def _day(contract: Contract, data: dict[str, Any], today: date) -> date:
    on = parse_day(data.get("effective_date"), "effective_date")
    return effective_day(contract, str(data.get("when") or "template"), today, on)


def _price(raw: Any) -> int:
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise ValidationError(
            "unit_price_minor must be whole minor units, not negative", field="unit_price_minor"
        )
    return raw


def plan(
    contract: Contract,
    kind: str,
    data: dict[str, Any],
    now: datetime,
    *,
    template: ContractTemplate | None = None,
) -> Plan:
    """What `kind` would do to the contract now; nothing is saved.

    With the template's "upgrades_now", a change that lowers the period price waits for the period end.
    `template`: the contract's, when the caller has read it (adding an option prices it from there).
    """
    planned = _plan(contract, kind, data, now, template)
    downgrade_waits = (
        contract.terms.proration == "upgrades_now"
        and str(data.get("when") or "template") == "template"
        and kind in ("price", "quantity", "discount", "remove_line")
        and planned.after.period_amount(planned.day) < contract.period_amount(planned.day)
    )
    if not downgrade_waits:
        return planned
    return _plan(contract, kind, {**data, "when": "period_end"}, now, template)


def _plan(
    contract: Contract, kind: str, data: dict[str, Any], now: datetime, template: ContractTemplate | None
) -> Plan:
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}", field="kind")
    ensure_changeable(contract.status)
    today = local_date(now, contract.timezone)
    money = contract.currency
    if kind == "bill_now":
        summary = "bill now: the next invoice is brought forward to today"
        return Plan(contract, replace(contract, bill_now=today), today, (), summary)
    if kind == "cancel":
        day = _day(contract, data, today)
        after = cancel(contract, str(data.get("reason") or ""), str(data.get("note") or ""), day, today, now)
        return _settled(contract, after, day, now, f"cancelled from {day} ({data.get('reason')})")
    if kind == "items":
        line = contract.line(str(data.get("line_id") or ""))
        wanted = check_items(data.get("item_ids") or [], contract.customer_id, "item_ids")
        lines = tuple(replace(x, item_ids=wanted) if x.id == line.id else x for x in contract.lines)
        summary = f"items of {line.description}: {', '.join(wanted) or 'none'}"
        return Plan(contract, replace(contract, lines=lines), today, (), summary)
    day = _day(contract, data, today)
    if kind == "add_line":
        raw = data.get("line") or {}
        if isinstance(raw, dict) and raw.get("option_code"):
            new = _option_line(contract, raw, template)
        else:
            pricing = Pricing(money, contract.price_list_id)
            new = parse_lines([raw], pricing, contract.customer_id, field="line")[0]
        after = replace(contract, lines=add_line(contract, new, day))
        return _settled(contract, after, day, now, f"added {new.description} x {new.quantity} from {day}")
    line = contract.line(str(data.get("line_id") or ""))
    if kind == "remove_line":
        after = replace(contract, lines=remove_line(contract, line.id, day))
        return _settled(contract, after, day, now, f"removed {line.description} from {day}")
    if kind == "price":
        price = _price(data.get("unit_price_minor"))
        values: dict[str, Any] = {"unit_price_minor": price}
        old_price = plain_amount(line.unit_price_minor, money)
        summary = f"{line.description}: price {old_price} -> {plain_amount(price, money)}"
    elif kind == "quantity":
        quantity = parse_quantity(str(data.get("quantity", "")))
        values = {"quantity": quantity}
        summary = f"{line.description}: quantity {line.quantity} -> {quantity}"
    else:
        discount = discount_of(data, "discount")
        values = {"discount": discount}
        off = f"{discount.percent}%" if discount.percent else plain_amount(discount.amount_minor, money)
        summary = f"{line.description}: discount -> {off}"
    if all(getattr(line, name) == value for name, value in values.items()):
        raise ValidationError("that is what the line already has", field=next(iter(values)))
    after = replace(contract, lines=change_line(contract, line.id, day, new_id(), **values))
    return _settled(contract, after, day, now, f"{summary} from {day}")


def _option_line(contract: Contract, raw: dict[str, Any], template: ContractTemplate | None) -> Line:
    """One of the template's options (B23), priced as the template offers it now."""
    from chalicelib.store import contract_templates

    template = template or contract_templates.get(contract.template_id)
    line = option_lines(template, [str(raw["option_code"])], contract.currency)[0]
    return replace(line, quantity=parse_quantity(str(raw.get("quantity", "1")), field="line.quantity"))


def _settled(before: Contract, after: Contract, day: date, now: datetime, summary: str) -> Plan:
    adjustments = settle_invoiced_time(before, after, day, new_id, now, summary)
    after = replace(after, adjustments=(*after.adjustments, *adjustments))
    return Plan(before, after, day, adjustments, summary)


def change_contract(
    contract_id: str, kind: str, data: dict[str, Any], *, version: int, actor: Actor, now: datetime
) -> Plan:
    before = contracts.get(contract_id, consistent=True)
    check_version(before, version)
    planned = plan(before, kind, data, now)
    change = contracts.Saved(before, planned.after, f"contract.{kind}", planned.summary)
    saved = persist([change], actor, now)[0]
    return replace(planned, after=saved)
