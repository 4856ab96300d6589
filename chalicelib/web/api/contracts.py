"""Contracts over JSON (issue 4): create, read, change with a prorated preview, lifecycle, history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.routing import ApiContext, endpoint

LINE = {
    "type": "object",
    "properties": {
        "product_id": {"type": "string"},
        "quantity": {"type": "string", "examples": ["2", "1.5"]},
        "unit_price_minor": {
            "type": "integer",
            "description": "per billing period; default: the price list's",
        },
        "discount_percent": {"type": "string"},
        "discount_minor": {"type": "integer"},
        "item_ids": {"type": "array", "items": {"type": "string"}},
        "description": {"type": "string"},
    },
    "required": ["product_id"],
}
NEW_CONTRACT = {
    "type": "object",
    "required": ["customer_id", "template_id"],
    "properties": {
        "customer_id": {"type": "string"},
        "template_id": {"type": "string"},
        "price_list_id": {"type": "string"},
        "currency": {"type": "string"},
        "timezone": {"type": "string", "description": "default: the customer's"},
        "start_date": {"type": "string", "format": "date"},
        "end_date": {"type": "string", "format": "date", "description": "default: the template's term"},
        "anchor_day": {"type": "integer", "minimum": 1, "maximum": 31},
        "billed_until": {"type": "string", "format": "date", "description": "already invoiced until"},
        "salesperson_id": {"type": "string"},
        "discount_percent": {"type": "string"},
        "discount_minor": {"type": "integer"},
        "lines": {"type": "array", "items": LINE},
        "options": {"type": "array", "items": {"type": "string"}},
        "activate": {"type": "boolean"},
    },
}
CHANGE = {
    "type": "object",
    "required": ["kind", "version"],
    "properties": {
        "kind": {
            "enum": [
                "price",
                "quantity",
                "discount",
                "add_line",
                "remove_line",
                "items",
                "bill_now",
                "cancel",
            ]
        },
        "version": {"type": "integer", "description": "the version the change was made on (409 if outdated)"},
        "preview": {"type": "boolean", "description": "only show the effect and the prorated amounts"},
        "line_id": {"type": "string"},
        "unit_price_minor": {"type": "integer"},
        "quantity": {"type": "string"},
        "discount_percent": {"type": "string"},
        "discount_minor": {"type": "integer"},
        "item_ids": {"type": "array", "items": {"type": "string"}},
        "line": LINE,
        "when": {"enum": ["template", "now", "period_end", "date"]},
        "effective_date": {"type": "string", "format": "date"},
        "reason": {"type": "string"},
        "note": {"type": "string"},
    },
}
ACTION = {
    "type": "object",
    "required": ["version"],
    "properties": {"version": {"type": "integer"}},
}
CONTRACT: dict[str, Any] = {"type": "object", "description": "A contract with its lines over time"}


def as_json(contract: Any, now: datetime) -> dict[str, Any]:
    from chalicelib.domain.contract_lifecycle import allowed_actions
    from chalicelib.domain.periods import local_date
    from chalicelib.store.contracts import as_json as stored

    next_billing = contract.next_billing_date
    day = local_date(now, contract.timezone)
    return {
        **stored(contract),
        "number": contract.number,
        "version": contract.version,
        "next_billing_date": next_billing.isoformat() if next_billing else None,
        "period_amount_minor": contract.period_amount(max(day, contract.start_date)),
        "actions": allowed_actions(contract.status),
    }


@endpoint("/contracts", "GET", summary="Contracts, newest first", scope=ApiScope.CONTRACTS_READ)
def list_contracts(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import contracts

    customer_id = ctx.query.get("customer_id", "")
    found = (
        contracts.of_customer(customer_id)
        if customer_id
        else contracts.recent(100, ctx.query.get("status", ""))
    )
    return {"items": [as_json(c, ctx.now) for c in found]}


@endpoint(
    "/contracts",
    "POST",
    summary="Create a contract from a template",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=NEW_CONTRACT,
    response_schema=CONTRACT,
    status=201,
)
def post_contract(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.manage_contracts import create_contract

    return as_json(create_contract(ctx.body, actor=ctx.actor, now=ctx.now), ctx.now)


@endpoint("/contracts/{contract_id}", "GET", summary="One contract", scope=ApiScope.CONTRACTS_READ)
def get_contract(ctx: ApiContext, contract_id: str) -> dict[str, Any]:
    from chalicelib.store import contracts

    return as_json(contracts.get(contract_id), ctx.now)


@endpoint(
    "/contracts/{contract_id}/changes",
    "POST",
    summary="Change a contract (or preview the change and its prorated credit and charge)",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=CHANGE,
)
def post_change(ctx: ApiContext, contract_id: str) -> dict[str, Any]:
    from chalicelib.services.change_contract import change_contract, plan
    from chalicelib.store import contracts

    body = ctx.body
    kind, version = str(body.get("kind") or ""), _version(body)
    if body.get("preview"):
        from chalicelib.services.manage_contracts import check_version

        current = contracts.get(contract_id, consistent=True)
        check_version(current, version)
        planned = plan(current, kind, body, ctx.now)
    else:
        planned = change_contract(contract_id, kind, body, version=version, actor=ctx.actor, now=ctx.now)
    return {
        "preview": bool(body.get("preview")),
        "summary": planned.summary,
        "effective_date": planned.day.isoformat(),
        "adjustments": [a.as_json() for a in planned.adjustments],
        "net_minor": planned.net_minor,
        "contract": as_json(planned.after, ctx.now),
    }


def _version(body: dict[str, Any]) -> int:
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationError("send the version of the contract the change was made on", field="version")
    return version


def _act(ctx: ApiContext, contract_id: str, action: str) -> dict[str, Any]:
    from chalicelib.services.manage_contracts import change_status

    version = _version(ctx.body)
    return as_json(change_status(contract_id, action, version=version, actor=ctx.actor, now=ctx.now), ctx.now)


def _action(summary: str) -> dict[str, Any]:
    return {
        "summary": summary,
        "scope": ApiScope.CONTRACTS_WRITE,
        "request_schema": ACTION,
        "response_schema": CONTRACT,
    }


@endpoint("/contracts/{contract_id}/activate", "POST", **_action("Start a draft contract"))
def post_activate(ctx: ApiContext, contract_id: str) -> dict[str, Any]:
    return _act(ctx, contract_id, "activate")


@endpoint("/contracts/{contract_id}/suspend", "POST", **_action("Suspend a contract"))
def post_suspend(ctx: ApiContext, contract_id: str) -> dict[str, Any]:
    return _act(ctx, contract_id, "suspend")


@endpoint("/contracts/{contract_id}/resume", "POST", **_action("Resume a suspended contract"))
def post_resume(ctx: ApiContext, contract_id: str) -> dict[str, Any]:
    return _act(ctx, contract_id, "resume")


@endpoint("/contracts/{contract_id}/renew", "POST", **_action("Renew: the next term starts at the end"))
def post_renew(ctx: ApiContext, contract_id: str) -> dict[str, Any]:
    from chalicelib.services.renew_contracts import renew

    return as_json(renew(contract_id, version=_version(ctx.body), actor=ctx.actor, now=ctx.now), ctx.now)


@endpoint(
    "/contracts/{contract_id}/versions", "GET", summary="A contract's history", scope=ApiScope.CONTRACTS_READ
)
def get_versions(ctx: ApiContext, contract_id: str) -> dict[str, Any]:
    from chalicelib.store import contracts

    contracts.get(contract_id)
    history = contracts.versions(contract_id)
    return {"items": [{**v, "recorded_at": v["recorded_at"].isoformat()} for v in history]}


@endpoint(
    "/contracts/{contract_id}/as-of",
    "GET",
    summary="The contract on a date (?date=YYYY-MM-DD): lines running then, the version on record then",
    scope=ApiScope.CONTRACTS_READ,
)
def get_as_of(ctx: ApiContext, contract_id: str) -> dict[str, Any]:
    from chalicelib.domain.periods import parse_day
    from chalicelib.store import contracts

    day = parse_day(ctx.query.get("date"), "date")
    if day is None:
        raise ValidationError("give ?date=YYYY-MM-DD", field="date")
    from chalicelib.services.contract_history import as_of

    then = as_of(contracts.get(contract_id), day, ctx.now)
    return {
        "date": day.isoformat(),
        "lines": [line.as_json() for line in then.lines],
        "period_amount_minor": then.period_amount_minor,
        "recorded_version": then.recorded.version if then.recorded else None,
        "recorded_status": then.recorded.status.value if then.recorded else None,
    }


@endpoint(
    "/contracts/{contract_id}/visits", "GET", summary="Planned service visits", scope=ApiScope.CONTRACTS_READ
)
def get_visits(ctx: ApiContext, contract_id: str) -> dict[str, Any]:
    from chalicelib.store import contracts, visits

    contracts.get(contract_id)
    return {
        "items": [
            {"item_id": v.item_id, "due": v.due.isoformat(), "status": v.status}
            for v in visits.of_contract(contract_id)
        ]
    }
