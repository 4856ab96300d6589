"""Choosing a customer on a form (new quote, new contract): a name search and a short list."""

from __future__ import annotations

from typing import Any

from chalicelib.web.admin.routing import PageContext


def customer_choices(ctx: PageContext, limit: int = 100) -> tuple[list[Any], str, str]:
    """(customers to offer, the search typed, the chosen id): the chosen one is always offered."""
    search = ctx.query.get("customer_q", "").strip()
    chosen = ctx.form.get("customer_id") or ctx.query.get("customer_id", "")
    return customers_to_offer(search, chosen, limit), search, chosen


def customers_to_offer(search: str, chosen: str, limit: int = 100) -> list[Any]:
    """Customers whose name starts with `search`, and the chosen one (also a vendor) in any case."""
    from chalicelib.store import customers

    found, _cursor = customers.page(prefix=search.strip(), limit=limit)
    if chosen and chosen not in {c.id for c in found}:
        found = [*customers.get_many([chosen]), *found]
    return found
