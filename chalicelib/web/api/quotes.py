"""Quotes over JSON (C14): create, read, list, move through the workflow, accept (contract + order)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from chalicelib.domain.quotes import Quote, QuoteStatus
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.contracts import LINE
from chalicelib.web.api.routing import ApiContext, endpoint

QUOTE_LINE: dict[str, Any] = {
    **LINE,
    "properties": {
        **cast(dict[str, Any], LINE["properties"]),
        "recurring": {
            "type": "boolean",
            "description": "true: billed every period of the contract; false: once",
        },
    },
}
NEW_QUOTE = {
    "type": "object",
    "required": ["customer_id", "lines"],
    "properties": {
        "customer_id": {"type": "string"},
        "template_id": {"type": "string", "description": "needed when any line is recurring"},
        "price_list_id": {"type": "string", "description": "in the quote's currency"},
        "currency": {"type": "string", "description": "default: the customer's"},
        "valid_until": {"type": "string", "format": "date", "description": "default: in 30 days"},
        "salesperson_id": {"type": "string"},
        "notes": {"type": "string", "maxLength": 2000},
        "lines": {"type": "array", "items": QUOTE_LINE, "minItems": 1},
    },
}
MARK = {
    "type": "object",
    "required": ["action"],
    "properties": {"action": {"enum": ["send", "view", "decline"]}},
}
QUOTE = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "number": {"type": "string", "examples": ["Q-1A2B3C4D"]},
        "status": {"enum": [s.value for s in QuoteStatus], "description": "as of now: expired once past"},
        "recurring_total_minor": {"type": "integer", "description": "per billing period"},
        "one_off_total_minor": {"type": "integer"},
        "contract_id": {"type": "string"},
        "order_id": {"type": "string"},
    },
}


def quote_json(quote: Quote, now: datetime) -> dict[str, Any]:
    from chalicelib.services.manage_quotes import today_of
    from chalicelib.store.quotes import as_json

    return {
        **as_json(quote),
        "number": quote.number,
        "status": quote.status_on(today_of(quote, now)).value,
        "recurring_total_minor": quote.recurring_total,
        "one_off_total_minor": quote.one_off_total,
    }


@endpoint(
    "/quotes",
    "GET",
    summary="Quotes, newest first",
    scope=ApiScope.CONTRACTS_READ,
    query=(("customer_id", "only this customer's"), ("status", "only quotes in this status (as of now)")),
)
def list_quotes(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import quotes

    customer_id = ctx.query.get("customer_id", "")
    found = quotes.of_customer(customer_id) if customer_id else quotes.recent(limit=200)
    items = [quote_json(q, ctx.now) for q in found]
    wanted = ctx.query.get("status", "")
    return {"items": [q for q in items if not wanted or q["status"] == wanted]}


@endpoint(
    "/quotes",
    "POST",
    summary="Create a draft quote",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=NEW_QUOTE,
    response_schema=QUOTE,
    status=201,
)
def post_quote(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.manage_quotes import create_quote

    return quote_json(create_quote(ctx.body, actor=ctx.actor, now=ctx.now), ctx.now)


@endpoint(
    "/quotes/{quote_id}", "GET", summary="One quote", scope=ApiScope.CONTRACTS_READ, response_schema=QUOTE
)
def get_quote(ctx: ApiContext, quote_id: str) -> dict[str, Any]:
    from chalicelib.store import quotes

    return quote_json(quotes.get(quote_id), ctx.now)


@endpoint(
    "/quotes/{quote_id}/status",
    "POST",
    summary="Record that a quote was sent, viewed or declined (409 naming both statuses if it cannot)",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=MARK,
    response_schema=QUOTE,
)
def post_quote_status(ctx: ApiContext, quote_id: str) -> dict[str, Any]:
    from chalicelib.services.manage_quotes import mark

    action = ctx.body.get("action")
    return quote_json(mark(quote_id, str(action or ""), actor=ctx.actor, now=ctx.now), ctx.now)


@endpoint(
    "/quotes/{quote_id}/accept",
    "POST",
    summary="Accept a quote: recurring lines become an active contract, one-off lines an order, at once",
    scope=ApiScope.CONTRACTS_WRITE,
    response_schema={
        "type": "object",
        "properties": {"quote": QUOTE, "contract_id": {"type": "string"}, "order_id": {"type": "string"}},
    },
)
def post_accept(ctx: ApiContext, quote_id: str) -> dict[str, Any]:
    from chalicelib.services.accept_quote import accept_quote

    done = accept_quote(quote_id, actor=ctx.actor, now=ctx.now)
    return {
        "quote": quote_json(done.quote, ctx.now),
        "contract_id": done.contract.id if done.contract else "",
        "order_id": done.order.id if done.order else "",
    }
