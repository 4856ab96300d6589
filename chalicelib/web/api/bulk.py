"""Bulk contract work over JSON (S3): price update with preview and undo; move, co-term, split, merge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.routing import ApiContext, endpoint

_WHEN = {"enum": ["now", "period_end", "date"]}
_DATE = {"type": "string", "format": "date"}
_VERSIONS = {
    "type": "object",
    "description": "{contract id: version} as last read; an older version is a 409",
    "additionalProperties": {"type": "integer"},
}
PRICE_UPDATE: dict[str, Any] = {
    "type": "object",
    "description": "Filters combine (all must hold); give exactly one of percent and amount_minor",
    "properties": {
        "vendor": {"type": "string"},
        "distributor": {"type": "string"},
        "product_id": {"type": "string"},
        "price_list_id": {"type": "string", "description": "contracts priced from this list"},
        "currency": {"type": "string"},
        "percent": {"type": ["string", "number"], "examples": ["+5", "-3.5"], "description": ">= -100"},
        "amount_minor": {"type": "integer", "examples": [150, -200]},
        "when": {**_WHEN, "default": "period_end"},
        "effective_date": _DATE,
    },
}
APPLY: dict[str, Any] = {
    **PRICE_UPDATE,
    "required": ["fingerprint"],
    "properties": {
        **PRICE_UPDATE["properties"],
        "fingerprint": {
            "type": "string",
            "description": "from the preview: 409 if the contracts changed since",
        },
        "previewed_at": {"type": "string", "format": "date-time", "description": "from the preview"},
    },
}
PREVIEW_OUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "fingerprint": {"type": "string"},
        "previewed_at": {"type": "string", "format": "date-time"},
        "summary": {"type": "string"},
        "totals": {"type": "object", "additionalProperties": {"type": "object"}},
        "lines": {"type": "array", "items": {"type": "object"}},
    },
}
_PREVIEW_FLAG = {"type": "boolean", "description": "only show each contract's change and adjustments"}
MOVE: dict[str, Any] = {
    "type": "object",
    "required": ["target_contract_id", "lines"],
    "properties": {
        "target_contract_id": {"type": "string"},
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"contract_id": {"type": "string"}, "line_id": {"type": "string"}},
            },
        },
        "when": _WHEN,
        "effective_date": _DATE,
        "versions": _VERSIONS,
        "preview": _PREVIEW_FLAG,
    },
}
COTERM: dict[str, Any] = {
    "type": "object",
    "required": ["contract_ids"],
    "properties": {
        "contract_ids": {"type": "array", "items": {"type": "string"}, "maxItems": 30},
        "end_date": {**_DATE, "description": "default: the latest end among them"},
        "versions": _VERSIONS,
        "preview": _PREVIEW_FLAG,
    },
}
SPLIT: dict[str, Any] = {
    "type": "object",
    "required": ["contract_id", "line_ids"],
    "properties": {
        "contract_id": {"type": "string"},
        "line_ids": {"type": "array", "items": {"type": "string"}},
        "when": _WHEN,
        "effective_date": _DATE,
        "versions": _VERSIONS,
        "preview": _PREVIEW_FLAG,
    },
}
MERGE: dict[str, Any] = {
    "type": "object",
    "required": ["target_contract_id", "contract_ids"],
    "properties": {
        "target_contract_id": {"type": "string"},
        "contract_ids": {
            "type": "array",
            "items": {"type": "string"},
            "description": "cancelled, merged into the target",
        },
        "when": _WHEN,
        "effective_date": _DATE,
        "versions": _VERSIONS,
        "preview": _PREVIEW_FLAG,
    },
}
OPERATION_OUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "operation_id": {"type": "string"},
        "number": {"type": "string"},
        "status": {"type": "string"},
        "contracts": {"type": ["integer", "array"]},
        "lines": {"type": "integer"},
        "conflicts": {"type": "array", "items": {"type": "string"}},
        "skipped": {"type": "array", "items": {"type": "object"}},
    },
}


@endpoint(
    "/contracts/bulk/price-update/preview",
    "POST",
    summary="Preview a mass price update: every affected line and totals per currency (nothing saved)",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=PRICE_UPDATE,
    response_schema=PREVIEW_OUT,
)
def post_price_preview(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.mass_price_update import preview

    return preview(ctx.body, ctx.now).as_json()


@endpoint(
    "/contracts/bulk/price-update/apply",
    "POST",
    summary="Apply a previewed mass price update (one transaction per contract)",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=APPLY,
    response_schema=OPERATION_OUT,
)
def post_price_apply(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.apply_price_update import apply

    fingerprint = ctx.body.get("fingerprint")
    if not isinstance(fingerprint, str):
        raise ValidationError("fingerprint must be the preview's fingerprint", field="fingerprint")
    done = apply(
        ctx.body, fingerprint=fingerprint, previewed_at=_instant(ctx.body), actor=ctx.actor, now=ctx.now
    )
    return done.as_json()


def _instant(body: dict[str, Any]) -> datetime | None:
    raw = body.get("previewed_at")
    if raw in (None, ""):
        return None
    try:
        instant = datetime.fromisoformat(str(raw))
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise ValidationError("previewed_at must be the preview's previewed_at", field="previewed_at")
    return instant


@endpoint(
    "/bulk-operations/{operation_id}/undo",
    "POST",
    summary="Undo a mass price update: old prices back on lines not changed since",
    scope=ApiScope.CONTRACTS_WRITE,
    response_schema=OPERATION_OUT,
)
def post_bulk_undo(ctx: ApiContext, operation_id: str) -> dict[str, Any]:
    from chalicelib.services.undo_price_update import undo

    return undo(operation_id, actor=ctx.actor, now=ctx.now).as_json()


@endpoint("/bulk-operations", "GET", summary="Recent bulk operations", scope=ApiScope.CONTRACTS_READ)
def list_bulk_operations(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import bulk_operations

    return {"items": [_operation(op) for op in bulk_operations.recent()]}


@endpoint(
    "/bulk-operations/{operation_id}", "GET", summary="One bulk operation", scope=ApiScope.CONTRACTS_READ
)
def get_bulk_operation(ctx: ApiContext, operation_id: str) -> dict[str, Any]:
    from chalicelib.store import bulk_operations

    return _operation(bulk_operations.get(operation_id))


def _operation(op: Any) -> dict[str, Any]:
    return {
        "operation_id": op.id,
        "number": op.number,
        "kind": op.kind,
        "status": op.status,
        "summary": op.summary,
        "created_at": op.created_at.isoformat(),
        "actor": op.actor_label or op.actor,
        "request": op.request,
        "totals": op.totals,
        "report": op.report,
    }


def _structural(ctx: ApiContext, kind: str) -> dict[str, Any]:
    """With "preview": the plan; else the change, every contract in one transaction."""
    from chalicelib.services import bulk_contracts, coterminate_contracts, move_contract_lines
    from chalicelib.services import restructure_contracts as restructure

    planners = {
        "move": move_contract_lines.plan,
        "coterminate": coterminate_contracts.plan,
        "split": restructure.plan_split,
        "merge": restructure.plan_merge,
    }
    plan = planners[kind](ctx.body, ctx.now)
    if ctx.body.get("preview") is True:
        return {"preview": True, **plan.as_json()}
    op, saved = bulk_contracts.save(plan, ctx.actor, ctx.now)
    return {
        "preview": False,
        "operation_id": op.id,
        "number": op.number,
        **plan.as_json(),
        "saved": [{"contract_id": c.id, "number": c.number, "version": c.version} for c in saved],
    }


_STRUCTURAL_OUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "preview": {"type": "boolean"},
        "operation_id": {"type": "string"},
        "summary": {"type": "string"},
        "contracts": {"type": "array", "items": {"type": "object"}},
        "saved": {"type": "array", "items": {"type": "object"}},
    },
}


@endpoint(
    "/contracts/bulk/move-lines",
    "POST",
    summary="Move lines picked across contracts to another contract of the same customer and currency",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=MOVE,
    response_schema=_STRUCTURAL_OUT,
)
def post_move_lines(ctx: ApiContext) -> dict[str, Any]:
    return _structural(ctx, "move")


@endpoint(
    "/contracts/bulk/coterminate",
    "POST",
    summary="Co-term contracts to one end date, with prorated credits",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=COTERM,
    response_schema=_STRUCTURAL_OUT,
)
def post_coterminate_contracts(ctx: ApiContext) -> dict[str, Any]:
    return _structural(ctx, "coterminate")


@endpoint(
    "/contracts/bulk/split",
    "POST",
    summary="Split lines of a contract off into a new contract (same customer, template, terms)",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=SPLIT,
    response_schema=_STRUCTURAL_OUT,
)
def post_split_contract(ctx: ApiContext) -> dict[str, Any]:
    return _structural(ctx, "split")


@endpoint(
    "/contracts/bulk/merge",
    "POST",
    summary="Merge contracts into one: their running lines move, they are cancelled",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=MERGE,
    response_schema=_STRUCTURAL_OUT,
)
def post_merge_contracts(ctx: ApiContext) -> dict[str, Any]:
    return _structural(ctx, "merge")
