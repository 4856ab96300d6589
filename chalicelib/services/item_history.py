"""One item as its owner sees it in the portal (S4): product, site, the contract servicing it, its
planned and done visits (with the rating given), and the customer's tickets about it.

Reads only: the contracts of the customer (one query), the visits and ratings of the contracts that
ever carried the item (one query each, usually one contract), the item's tickets (one query).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.errors import NotFound
from chalicelib.domain.items import Item
from chalicelib.domain.periods import local_date
from chalicelib.domain.tickets import Ticket, servicing_contract


@dataclass(frozen=True)
class VisitRow:
    visit: Any  # store.visits.Visit
    contract: Any  # domain Contract
    rating: int | None = None


@dataclass(frozen=True)
class ItemHistory:
    item: Item
    product: Any = None  # domain Product | None
    site: Any = None  # domain Address | None
    contract: Any = None  # the contract servicing the item today
    visits: list[VisitRow] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)


def item_history(item: Item, customer_id: str, *, timezone: str, now: datetime) -> ItemHistory:
    """`item` must be the customer's already (web.portal.owned checked it)."""
    from chalicelib.store import contracts, feedback, tickets, visits

    today = local_date(now, timezone or "UTC")
    own = contracts.of_customer(customer_id)
    carrying = [c for c in own if item.id in c.item_ids()]
    rows: list[VisitRow] = []
    for contract in carrying:
        ratings = {f.visit_key: f.rating for f in feedback.of_contract(contract.id) if f.item_id == item.id}
        rows += [
            VisitRow(v, contract, ratings.get(v.key))
            for v in visits.of_contract(contract.id)
            if v.item_id == item.id and v.status in ("planned", "done")
        ]
    rows.sort(key=lambda r: (r.visit.due, r.contract.id))
    return ItemHistory(
        item=item,
        product=_product(item.product_id),
        site=_site(item.install_address_id),
        contract=servicing_contract(own, item.id, today),
        visits=rows,
        tickets=[t for t in tickets.of_item(item.id) if t.customer_id == customer_id],
    )


def _product(product_id: str) -> Any:
    from chalicelib.store import products

    try:
        return products.get(product_id) if product_id else None
    except NotFound:
        return None


def _site(address_id: str | None) -> Any:
    from chalicelib.store import addresses

    try:
        return addresses.get(address_id) if address_id else None
    except NotFound:
        return None
