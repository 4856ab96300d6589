"""Records a portal page may show: the link's customer's, and nothing else (invariant 5).

Every id in a portal URL goes through one of these. Another customer's record and a record that does
not exist get the same answer (404, "not found"), so a link cannot even learn that an id exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.domain.errors import NotFound

if TYPE_CHECKING:
    from chalicelib.domain.contracts import Contract
    from chalicelib.domain.invoices import Invoice
    from chalicelib.domain.items import Item
    from chalicelib.domain.orders import Order
    from chalicelib.domain.quotes import Quote
    from chalicelib.web.portal.access import PortalContext


class NotYours(NotFound):
    """Shown exactly like a missing record."""


def _owned[T](ctx: PortalContext, record_id: str, load: Callable[[str], T], owner: Callable[[T], str]) -> T:
    customer_id = ctx.link.customer_id
    if not customer_id or not record_id:
        raise NotYours("not found")
    try:
        record = load(record_id)
    except NotFound:
        raise NotYours("not found") from None
    if owner(record) != customer_id:
        raise NotYours("not found")
    return record


def _customer_of(record: Any) -> str:
    return str(record.customer_id)


def contract(ctx: PortalContext, contract_id: str, *, consistent: bool = False) -> Contract:
    from chalicelib.store import contracts

    return _owned(ctx, contract_id, lambda i: contracts.get(i, consistent=consistent), _customer_of)


def invoice(ctx: PortalContext, invoice_id: str, *, consistent: bool = False) -> Invoice:
    """An issued document of the customer: invoice, credit note or pro-forma (drafts are staff work in
    progress: never shown)."""
    from chalicelib.store import invoices

    found = _owned(ctx, invoice_id, lambda i: invoices.get(i, consistent=consistent), _customer_of)
    if found.is_draft:
        raise NotYours("not found")
    return found


def quote(ctx: PortalContext, quote_id: str, *, consistent: bool = False) -> Quote:
    from chalicelib.store import quotes

    return _owned(ctx, quote_id, lambda i: quotes.get(i, consistent=consistent), _customer_of)


def order(ctx: PortalContext, order_id: str, *, consistent: bool = False) -> Order:
    from chalicelib.store import orders

    return _owned(ctx, order_id, lambda i: orders.get(i, consistent=consistent), _customer_of)


def item(ctx: PortalContext, item_id: str) -> Item:
    from chalicelib.store import items

    return _owned(ctx, item_id, items.get, lambda found: found.owner_id)
