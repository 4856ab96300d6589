"""Contracts in the admin page (S6): the list, a new contract, and one screen with tabs for changes.

Every change is shown first with its prorated effect (credit and charge) and applied only when
confirmed; the form carries the version it was made on, so a concurrent edit gets a clear 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalice import Response

from chalicelib.domain.contract_lifecycle import Status, allowed_actions
from chalicelib.domain.contracts import CANCEL_REASONS, Contract
from chalicelib.domain.errors import DomainError, ValidationError
from chalicelib.domain.money import parse_amount
from chalicelib.domain.periods import local_date
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.admin.typed_lines import by_typed_line
from chalicelib.web.responses import redirect

TABS = ("overview", "change", "history", "visits")
NOTICES = {
    "created": "Contract created.",
    "changed": "Change saved.",
    "activate": "Contract started.",
    "suspend": "Contract suspended.",
    "resume": "Contract resumed.",
    "renewed": "Renewal created.",
    "visit_done": "Visit marked done.",
    "visit_done_mailed": "Visit marked done; the customer was emailed a link to rate it.",
}


def _lines_from_text(
    text: str, currency: str, customer_id: str, field: str = "lines"
) -> tuple[list[dict[str, Any]], list[int]]:
    """ "code | quantity | unit price | discount % | serials" per line -> API-style lines, line numbers."""
    from chalicelib.store import items
    from chalicelib.web.admin.typed_lines import catalogue_line, typed_rows

    lines, numbers = [], []
    for number, parts in typed_rows(text):
        where = f"{field} line {number}"
        line = catalogue_line(parts, currency, where)
        serials = [s.strip() for s in (parts + [""] * 5)[4].split(",") if s.strip()]
        line["item_ids"] = [_item_id(serial, customer_id, where, field, items) for serial in serials]
        lines.append(line)
        numbers.append(number)
    return lines, numbers


def _item_id(serial: str, customer_id: str, where: str, field: str, items: Any) -> str:
    owned = [i for i in items.by_serial(serial) if i.owner_id == customer_id]
    if not owned:
        raise ValidationError(f"{where}: the customer has no item with the serial {serial!r}", field=field)
    return str(owned[0].id)


@admin_page("/contracts", permission=Permission.VIEW_CONTRACTS)
def contract_list(ctx: PageContext) -> Response:
    from chalicelib.store import contracts, customers

    status = ctx.query.get("status", "")
    if status and status not in {s.value for s in Status}:
        raise ValidationError("unknown status", field="status")
    customer_id = ctx.query.get("customer_id", "")
    if customer_id:
        found = [c for c in contracts.of_customer(customer_id) if not status or c.status.value == status]
    else:
        found = contracts.recent(100, status)
    names = {c.id: c.name for c in customers.get_many(list({c.customer_id for c in found}))}
    return ctx.render(
        "admin/contracts.html",
        200,
        contracts=found,
        names=names,
        statuses=[s.value for s in Status],
        chosen=status,
        customer_id=customer_id,
        today=ctx.now.date(),
    )


def _new_form(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    from chalicelib.store import contract_templates, price_lists, staff
    from chalicelib.web.admin.customer_picker import customer_choices

    found, search, chosen = customer_choices(ctx)
    return ctx.render(
        "admin/contract_new.html",
        status,
        form=ctx.form if error else {"customer_id": chosen, "salesperson_id": ctx.user.id},
        customers=found,
        customer_q=search,
        error=error,
        templates=[t for t in contract_templates.list_all() if t.active],
        price_lists=price_lists.list_all(),
        salespeople=[u for u in staff.list_all() if u.active],
    )


@admin_page("/contracts/new", permission=Permission.MANAGE_CONTRACTS)
def contract_new(ctx: PageContext) -> Response:
    return _new_form(ctx)


@admin_page("/contracts", permission=Permission.MANAGE_CONTRACTS, methods=("POST",))
def contract_create(ctx: PageContext) -> Response:
    from chalicelib.services.manage_contracts import create_contract
    from chalicelib.store import contract_templates

    form = ctx.form
    try:
        template = contract_templates.get(form.get("template_id", ""))
        currency = template.currency
        if form.get("price_list_id"):
            from chalicelib.store import price_lists

            currency = price_lists.get(form["price_list_id"]).currency
        data: dict[str, Any] = {
            **{
                k: form.get(k, "")
                for k in (
                    "customer_id",
                    "template_id",
                    "price_list_id",
                    "start_date",
                    "end_date",
                    "anchor_day",
                    "billed_until",
                    "salesperson_id",
                    "discount_percent",
                )
            },
            "currency": currency,
            "options": [o for o in form.get("options", "").split(",") if o],
            "activate": form.get("activate") == "1",
        }
        data["lines"], numbers = _lines_from_text(
            form.get("lines", ""), currency, form.get("customer_id", "")
        )
        try:
            contract = create_contract(data, actor=ctx.actor, now=ctx.now)
        except ValidationError as error:
            raise by_typed_line(error, numbers) from None
    except DomainError as error:
        if error.status not in (400, 404, 409):
            raise
        return _new_form(ctx, 400 if error.status == 404 else error.status, error)
    return redirect(f"{PREFIX}/contracts/{contract.id}?notice=created")


def _screen(
    ctx: PageContext,
    contract: Contract,
    tab: str,
    status: int = 200,
    error: DomainError | None = None,
    preview: Any = None,
) -> Response:
    from chalicelib.store import contracts, customers, products, visits

    today = local_date(ctx.now, contract.timezone)
    day = max(today, contract.start_date)
    as_of = None
    if tab == "history" and ctx.query.get("as_of"):
        as_of = _as_of(contract, ctx.query["as_of"], ctx.now)
    named = products.get_many([line.product_id for line in contract.lines if line.product_id])
    planned = visits.of_contract(contract.id) if tab == "visits" else []
    return ctx.render(
        "admin/contract.html",
        status,
        contract=contract,
        customer=customers.get(contract.customer_id),
        tab=tab,
        tabs=TABS,
        today=today,
        running=contract.lines_on(day),
        period=contract.period_of(day),
        period_amount=contract.period_amount(day),
        products=named,
        actions=_actions(contract),
        reasons=CANCEL_REASONS,
        history=contracts.versions(contract.id) if tab == "history" else [],
        dunning=_dunning(contract.id) if tab == "history" else None,
        as_of=as_of,
        visits=planned,
        ratings=_ratings(contract.id) if tab == "visits" else {},
        serials=_serials(contract, planned),
        preview=preview,
        form=ctx.form,
        error=error,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


def _serials(contract: Contract, planned: list[Any]) -> dict[str, str]:
    """Item id -> serial number, for the lines and visits shown: one batch read, none without items."""
    from chalicelib.store import items

    wanted = [i for line in contract.lines for i in line.item_ids] + [v.item_id for v in planned]
    return {item.id: item.serial for item in items.get_many(wanted)} if wanted else {}


def _ratings(contract_id: str) -> dict[str, int]:
    """Visit key -> the rating the customer gave that visit (B3): one query, on the visits tab only."""
    from chalicelib.store import feedback

    return {f.visit_key: f.rating for f in feedback.of_contract(contract_id)}


def _dunning(contract_id: str) -> Any:
    """The contract's dunning steps (B25), for its history: one read, on the history tab only."""
    from chalicelib.store import dunning

    return dunning.get(contract_id, consistent=False)


def _actions(contract: Contract) -> list[str]:
    """Buttons of the overview: cancelling has its own form; renewing needs an end and no renewal yet."""
    renewable = bool(contract.end_date) and not contract.renewed_to
    shown = [a for a in allowed_actions(contract.status) if a not in ("cancel", "expire")]
    return [a for a in shown if a != "renew" or renewable]


def _as_of(contract: Contract, raw: str, now: datetime) -> Any:
    from chalicelib.domain.periods import parse_day
    from chalicelib.services.contract_history import as_of

    day = parse_day(raw, "as_of")
    return as_of(contract, day, now) if day else None


@admin_page("/contracts/{contract_id}", permission=Permission.VIEW_CONTRACTS)
def contract_detail(ctx: PageContext, contract_id: str) -> Response:
    from chalicelib.store import contracts

    tab = ctx.query.get("tab", "overview")
    if tab not in TABS:
        tab = "overview"
    contract = contracts.get(contract_id, consistent=True)  # just after a change: show it
    try:
        return _screen(ctx, contract, tab)
    except DomainError as error:
        if error.status not in (400, 404):
            raise
        return _screen(ctx, contract, "history", 400, error)


def _change_data(ctx: PageContext, contract: Contract) -> dict[str, Any]:
    form = dict(ctx.form)
    data: dict[str, Any] = {k: v for k, v in form.items() if k not in ("csrf_token", "confirm", "version")}
    if form.get("unit_price"):
        data["unit_price_minor"] = parse_amount(form["unit_price"], contract.currency, field="unit_price")
    if form.get("discount_amount"):
        data["discount_minor"] = parse_amount(form["discount_amount"], contract.currency, field="discount")
    if "item_serials" in form:
        from chalicelib.store import items

        serials = [s.strip() for s in form["item_serials"].split(",") if s.strip()]
        data["item_ids"] = [_item_id(s, contract.customer_id, "items", "item_ids", items) for s in serials]
    if form.get("kind") == "add_line":
        lines, _numbers = _lines_from_text(
            form.get("line_text", ""), contract.currency, contract.customer_id, "line"
        )
        if len(lines) != 1:
            raise ValidationError("write one line: code | quantity | unit price | discount %", field="line")
        data["line"] = lines[0]
    return data


def _version(ctx: PageContext) -> int:
    raw = ctx.form.get("version", "")
    if not raw.isdigit():
        raise ValidationError("the form lost the contract's version: reload the page", field="version")
    return int(raw)


@admin_page("/contracts/{contract_id}/change", permission=Permission.MANAGE_CONTRACTS, methods=("POST",))
def contract_change(ctx: PageContext, contract_id: str) -> Response:
    """Without `confirm`: the preview (nothing saved). With it: the change, if the version still holds."""
    from chalicelib.services.change_contract import change_contract, plan
    from chalicelib.services.manage_contracts import check_version
    from chalicelib.store import contracts

    contract = contracts.get(contract_id, consistent=True)
    kind = ctx.form.get("kind", "")
    try:
        version = _version(ctx)
        check_version(contract, version)
        data = _change_data(ctx, contract)
        if ctx.form.get("confirm") != "1":
            return _screen(ctx, contract, "change", preview=plan(contract, kind, data, ctx.now))
        change_contract(contract_id, kind, data, version=version, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in (400, 404, 409):
            raise
        return _screen(ctx, contracts.get(contract_id, consistent=True), "change", error.status, error)
    return redirect(f"{PREFIX}/contracts/{contract_id}?notice=changed")


@admin_page("/contracts/{contract_id}/status", permission=Permission.MANAGE_CONTRACTS, methods=("POST",))
def contract_status(ctx: PageContext, contract_id: str) -> Response:
    from chalicelib.services.manage_contracts import change_status
    from chalicelib.services.renew_contracts import renew
    from chalicelib.store import contracts

    action = ctx.form.get("action", "")
    try:
        version = _version(ctx)
        if action == "renew":
            new = renew(contract_id, version=version, actor=ctx.actor, now=ctx.now)
            return redirect(f"{PREFIX}/contracts/{new.id}?notice=renewed")
        change_status(contract_id, action, version=version, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in (400, 409):
            raise
        return _screen(ctx, contracts.get(contract_id, consistent=True), "overview", error.status, error)
    return redirect(f"{PREFIX}/contracts/{contract_id}?notice={action}")
