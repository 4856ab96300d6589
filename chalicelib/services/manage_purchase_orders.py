"""Purchase orders (S13) before and after sending: drafts written by hand or from a customer order,
edited until sent, then received or cancelled. Every write is audited. Sending is send_purchase_order.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.domain.addresses import Address
from chalicelib.domain.audit import Actor
from chalicelib.domain.customer import Customer
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.orders import Order
from chalicelib.domain.purchase_orders import (
    PurchaseOrder,
    PurchaseOrderFields,
    check_fields,
    ensure_draft,
    move,
    stock_lines,
)
from chalicelib.store import purchase_orders, records


def vendor(vendor_id: str) -> Customer:
    from chalicelib.store import customers

    found = customers.get_many([vendor_id]) if vendor_id else []
    if not found:
        raise ValidationError(f"no vendor {vendor_id}", field="vendor_id")
    return found[0]


def linked_order(order_id: str) -> Order:
    from chalicelib.store import orders

    try:
        return orders.get(order_id)
    except NotFound:
        raise ValidationError(f"no order {order_id}", field="order_id") from None


def _with_product_ids(lines: Any) -> Any:
    """Form rows name products by code (what staff know); the API and services use ids."""
    from chalicelib.store import products

    if not isinstance(lines, list):
        return lines
    resolved = []
    for index, line in enumerate(lines):
        code = str(line.get("product_code") or "").strip() if isinstance(line, dict) else ""
        if code:
            product = products.find_by_code(code)
            if product is None:
                raise ValidationError(
                    f"line {index + 1}: no product with code {code!r}", field=f"lines[{index}].product"
                )
            line = {**line, "product_id": product.id}
        resolved.append(line)
    return resolved


def checked(data: dict[str, Any]) -> PurchaseOrderFields:
    """The fields checked, and the vendor, products, order and address they name known (else 400)."""
    from chalicelib.store import addresses, products

    vendor_id = str(data.get("vendor_id") or "").strip()
    currency = vendor(vendor_id).currency if vendor_id else ""
    fields = check_fields({**data, "lines": _with_product_ids(data.get("lines"))}, currency)
    known = products.get_many([line.product_id for line in fields.lines if line.product_id])
    lines = []
    for index, line in enumerate(fields.lines):
        if not line.product_id:
            lines.append(replace(line, unit=line.unit or "pc"))
            continue
        product = known.get(line.product_id)
        if product is None:
            raise ValidationError(
                f"line {index + 1}: no product {line.product_id}", field=f"lines[{index}].product"
            )
        lines.append(
            replace(line, description=line.description or product.name, unit=line.unit or product.unit)
        )
    if fields.order_id:
        linked_order(fields.order_id)
    if fields.deliver_to_id and not addresses.get_many([fields.deliver_to_id]):
        raise ValidationError(f"no address {fields.deliver_to_id}", field="deliver_to_id")
    return replace(fields, lines=tuple(lines))


def _fields_of(po: PurchaseOrder, fields: PurchaseOrderFields) -> PurchaseOrder:
    return replace(
        po,
        vendor_id=fields.vendor_id,
        currency=fields.currency,
        lines=fields.lines,
        order_id=fields.order_id,
        deliver_to_id=fields.deliver_to_id,
        delivery_notes=fields.delivery_notes,
        expected_date=fields.expected_date,
    )


def create_draft(data: dict[str, Any], *, actor: Actor, now: datetime) -> PurchaseOrder:
    fields = checked(data)
    draft = _fields_of(PurchaseOrder(new_id(), fields.vendor_id, fields.currency, (), now), fields)
    return _save(
        None,
        draft,
        actor.entry("purchase_order", draft.id, "purchase_order.drafted", now, None, draft.audited()),
    )


def update_draft(
    po_id: str, data: dict[str, Any], *, version: int, actor: Actor, now: datetime
) -> PurchaseOrder:
    before = purchase_orders.get(po_id, consistent=True)
    ensure_draft(before)
    if version != before.version:
        raise Conflict(purchase_orders.CONFLICT, field="version")
    after = _fields_of(before, checked(data))
    entry = actor.entry(
        "purchase_order", po_id, "purchase_order.edited", now, before.audited(), after.audited()
    )
    return _save(before, after, entry)


def delivery_sites(order: Order) -> list[Address]:
    """Where an order's goods may go: its items' installation sites first, then the customer's address."""
    from chalicelib.store import addresses, customers, items

    customer = customers.get_many([order.customer_id])
    found = items.get_many([i for line in order.lines for i in line.item_ids])
    ids = [i.install_address_id or "" for i in found] + [customer[0].address_id or "" if customer else ""]
    sites = addresses.get_many(ids)
    return [sites[i] for i in dict.fromkeys(ids) if i in sites]


def draft_from_order(order_id: str, vendor_id: str, *, actor: Actor, now: datetime) -> PurchaseOrder:
    """A draft with the order's stock lines this vendor may supply, going to the customer's site."""
    from chalicelib.store import customers, products

    order = linked_order(order_id)
    supplier = vendor(vendor_id)
    known = products.get_many([line.product_id for line in order.lines])
    lines = stock_lines(order.lines, known, (supplier.name, supplier.code))
    if not lines:
        raise ValidationError(
            f"order {order.number} has no stock products that {supplier.name} supplies", field="vendor_id"
        )
    customer = customers.get_many([order.customer_id])
    sites = delivery_sites(order)
    notes = f"For customer order {order.number}" + (f", {customer[0].name}" if customer else "")
    draft = PurchaseOrder(
        id=new_id(),
        vendor_id=supplier.id,
        currency=supplier.currency,
        lines=tuple(lines),
        created_at=now,
        order_id=order.id,
        deliver_to_id=sites[0].id if sites else "",
        delivery_notes=notes,
    )
    entry = actor.entry("purchase_order", draft.id, "purchase_order.drafted", now, None, draft.audited())
    return _save(None, draft, entry)


def change_status(po_id: str, action: str, *, actor: Actor, now: datetime) -> PurchaseOrder:
    """Receive or cancel; sending takes a number and goes through send_purchase_order."""
    if action == "send":
        raise Conflict("send a purchase order with the Send button", field="action")
    before = purchase_orders.get(po_id, consistent=True)
    after = replace(before, status=move(before.status, action))
    entry = actor.entry(
        "purchase_order", po_id, f"purchase_order.{action}", now, before.audited(), after.audited()
    )
    return _save(before, after, entry)


def _save(before: PurchaseOrder | None, after: PurchaseOrder, entry: Any) -> PurchaseOrder:
    return purchase_orders.save(before, after, records.Change(audit=entry))
