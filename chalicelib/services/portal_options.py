"""The customer adds or removes options and changes quantities of their contract (B9, B23).

Each row of the form is planned with change_contract.plan (the same proration as a change staff make
on the contract screen), one after the other on the contract as the previous step left it; the preview
shows those plans, and confirming saves them as one new version of the contract, provided it is still
the version the customer saw (else 409).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contract_templates import ContractTemplate
from chalicelib.domain.contracts import Adjustment, Contract, Line
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.option_access import (
    MAIN_FIELD,
    Level,
    Wanted,
    check_allowed,
    field_of,
    parse_wanted,
    quantity_text,
)
from chalicelib.domain.periods import local_date


@dataclass(frozen=True)
class OptionRow:
    code: str
    label: str
    price_minor: int  # per period: the line's price when the contract has it, else the template's
    setup_fee_minor: int
    quantity: Decimal  # now (0: not on the contract)
    line_id: str = ""
    offered: bool = True  # False: staff put it on, the template no longer offers it

    @property
    def field(self) -> str:
        return field_of(self.code)


@dataclass(frozen=True)
class OptionsView:
    contract: Contract
    level: Level
    rows: tuple[OptionRow, ...]
    main: Line | None  # the first line that is not an option: its quantity may change too
    template: ContractTemplate | None  # read once: an added option is priced from it


@dataclass(frozen=True)
class Step:
    change: Wanted
    summary: str
    day: date


@dataclass(frozen=True)
class OptionsPlan:
    view: OptionsView  # the contract before, as the form showed it
    after: Contract
    steps: tuple[Step, ...]
    adjustments: tuple[Adjustment, ...]  # prorated credits and charges, then setup fees
    wanted: dict[str, str]  # the form values that make this plan (the confirm form carries them)

    @property
    def before(self) -> Contract:
        return self.view.contract

    @property
    def day(self) -> date:
        """From this day every change is in effect."""
        return max(step.day for step in self.steps)

    @property
    def net_minor(self) -> int:
        return sum(a.amount_minor for a in self.adjustments)

    @property
    def amount_before(self) -> int:
        return self.before.period_amount(self.day)

    @property
    def amount_after(self) -> int:
        return self.after.period_amount(self.day)

    @property
    def summary(self) -> str:
        return "; ".join(step.summary for step in self.steps)


def _ongoing(contract: Contract) -> list[Line]:
    """The lines the contract runs on with: not ended before the contract ends (pending ones included)."""
    end = contract.end_date
    return [line for line in contract.lines if line.end is None or (end is not None and line.end >= end)]


def _template(contract: Contract) -> ContractTemplate | None:
    from chalicelib.store import contract_templates

    try:
        return contract_templates.get(contract.template_id)
    except NotFound:
        return None


def options_view(contract: Contract) -> OptionsView:
    lines = _ongoing(contract)
    by_code = {line.option_code: line for line in lines if line.option_code}
    template = _template(contract)
    if template is not None and template.currency != contract.currency:
        template = None  # its options are priced in another currency: none offered
    offered = template.options if template else ()
    rows = []
    for option in offered:
        line = by_code.pop(option.code, None)
        rows.append(
            OptionRow(
                code=option.code,
                label=option.label,
                price_minor=line.unit_price_minor if line else option.price_minor,
                setup_fee_minor=option.setup_fee_minor,
                quantity=line.quantity if line else Decimal(0),
                line_id=line.id if line else "",
            )
        )
    for code, line in by_code.items():
        rows.append(
            OptionRow(code, line.description, line.unit_price_minor, 0, line.quantity, line.id, False)
        )
    main = next((line for line in lines if not line.option_code), None)
    return OptionsView(contract, Level(contract.terms.access_level), tuple(rows), main, template)


def _wanted(view: OptionsView, form: dict[str, str]) -> tuple[list[Wanted], dict[str, str]]:
    """Every row of the form; a row the form leaves out keeps its quantity."""
    rows: list[Wanted] = []
    values: dict[str, str] = {}
    for row in view.rows:
        raw = form.get(row.field)
        new = row.quantity if raw is None else parse_wanted(raw, row.field, row.quantity)
        if not row.offered and new > row.quantity:
            raise ValidationError(f"{row.label} is no longer offered: it cannot be raised", field=row.field)
        rows.append(Wanted(row.field, row.label, row.quantity, new))
        values[row.field] = str(new)
    if view.main is not None and form.get(MAIN_FIELD) is not None:
        new = parse_wanted(form.get(MAIN_FIELD), MAIN_FIELD, view.main.quantity, removable=False)
        rows.append(Wanted(MAIN_FIELD, view.main.description, view.main.quantity, new))
        values[MAIN_FIELD] = str(new)
    unknown = sorted(k for k in form if k.startswith("qty_") and k not in values)
    if unknown:
        raise ValidationError(f"{unknown[0]}: the contract has no such option", field=unknown[0])
    return rows, values


def _step(view: OptionsView, change: Wanted) -> tuple[str, dict[str, Any]]:
    if change.field == MAIN_FIELD:
        assert view.main is not None
        return "quantity", {"line_id": view.main.id, "quantity": str(change.new)}
    row = next(r for r in view.rows if r.field == change.field)
    if not row.line_id:
        return "add_line", {"line": {"option_code": row.code, "quantity": str(change.new)}}
    if change.new == 0:
        return "remove_line", {"line_id": row.line_id}
    return "quantity", {"line_id": row.line_id, "quantity": str(change.new)}


def _setup_fees(view: OptionsView, changes: list[Wanted], day: date, now: datetime) -> list[Adjustment]:
    """A one-off fee for each option added (as when a contract starts with it)."""
    added = {c.field for c in changes if c.old == 0}
    return [
        Adjustment(new_id(), f"Setup fee: {row.label}", row.setup_fee_minor, day, day, now)
        for row in view.rows
        if row.field in added and row.setup_fee_minor
    ]


def plan_options(contract: Contract, form: dict[str, str], now: datetime) -> OptionsPlan:
    """What the form would do, with its prorated effect; nothing is saved."""
    from chalicelib.domain.contract_lifecycle import ensure_changeable
    from chalicelib.services.change_contract import plan

    ensure_changeable(contract.status)
    if contract.cancellation is not None:
        raise ValidationError(
            f"the contract is cancelled from {contract.cancellation.effective}: it can no longer change",
            field="status",
        )
    view = options_view(contract)
    wanted, values = _wanted(view, form)
    changes = check_allowed(view.level, wanted)
    current, steps = contract, []
    adjustments: list[Adjustment] = []
    for change in changes:
        kind, data = _step(view, change)
        try:
            planned = plan(current, kind, data, now, template=view.template)
        except ValidationError as error:  # name the row, not change_contract's own field
            raise ValidationError(f"{change.label}: {error.message}", field=change.field) from None
        current = planned.after
        steps.append(Step(change, planned.summary, planned.day))
        adjustments += planned.adjustments
    today = max(local_date(now, contract.timezone), contract.start_date)
    fees = _setup_fees(view, changes, max(today, min(s.day for s in steps)), now)
    after = replace(current, adjustments=(*current.adjustments, *fees))
    return OptionsPlan(view, after, tuple(steps), (*adjustments, *fees), values)


def change_options(
    contract: Contract, form: dict[str, str], *, version: int, actor: Actor, now: datetime
) -> OptionsPlan:
    """The plan made on the stored contract (read consistently by the caller) and saved as one version,
    provided it is still `version` (else Conflict); staff and customer told."""
    from chalicelib.services.manage_contracts import check_version, persist
    from chalicelib.store import contracts

    check_version(contract, version)
    planned = plan_options(contract, form, now)
    change = contracts.Saved(contract, planned.after, "contract.portal_options", planned.summary)
    done = replace(planned, after=persist([change], actor, now)[0])
    _tell(done, now)
    return done


def _tell(done: OptionsPlan, now: datetime) -> None:
    from chalicelib.services.self_service_mail import tell
    from chalicelib.store import customers

    contract = done.after
    values = {
        "contract_number": contract.number,
        "summary": [step.summary for step in done.steps],
        "changes": [
            {"label": s.change.label, "old": quantity_text(s.change.old), "new": quantity_text(s.change.new)}
            for s in done.steps
        ],
        "currency": contract.currency,
        "amount_before": done.amount_before,
        "amount_after": done.amount_after,
        "net_minor": done.net_minor,
        "day": done.day.isoformat(),
    }
    customer = customers.get(contract.customer_id)
    tell("options", customer, values, now=now, salesperson_id=contract.salesperson_id)
