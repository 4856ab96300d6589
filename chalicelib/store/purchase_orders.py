"""Purchase orders: versioned records, each write with its audit entry in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import iso_utc
from chalicelib.domain.purchase_orders import PurchaseLine, PurchaseOrder, PurchaseOrderStatus
from chalicelib.store import records
from chalicelib.store.models_purchasing import PurchaseOrderModel

CONFLICT = "this purchase order was changed by someone else since you opened it: reload it and try again"


def as_json(po: PurchaseOrder) -> dict[str, Any]:
    return {
        "id": po.id,
        "vendor_id": po.vendor_id,
        "currency": po.currency,
        "lines": [line.as_json() for line in po.lines],
        "order_id": po.order_id,
        "deliver_to_id": po.deliver_to_id,
        "delivery_notes": po.delivery_notes,
        "expected_date": po.expected_date.isoformat() if po.expected_date else None,
        "status": po.status.value,
        "number": po.number,
        "created_at": po.created_at.isoformat(),
        "sent_at": po.sent_at.isoformat() if po.sent_at else None,
        "send_error": po.send_error,
        "mail_id": po.mail_id,
    }


def from_item(item: Any) -> PurchaseOrder:
    data = item.body
    return PurchaseOrder(
        id=data["id"],
        vendor_id=data["vendor_id"],
        currency=data["currency"],
        lines=tuple(PurchaseLine.from_json(line) for line in data.get("lines", ())),
        created_at=datetime.fromisoformat(data["created_at"]),
        order_id=data.get("order_id") or "",
        deliver_to_id=data.get("deliver_to_id") or "",
        delivery_notes=data.get("delivery_notes") or "",
        expected_date=date.fromisoformat(data["expected_date"]) if data.get("expected_date") else None,
        status=PurchaseOrderStatus(data["status"]),
        number=data.get("number") or "",
        sent_at=datetime.fromisoformat(data["sent_at"]) if data.get("sent_at") else None,
        send_error=data.get("send_error") or "",
        mail_id=data.get("mail_id") or "",
        version=int(item.version),
    )


def to_item(po: PurchaseOrder, version: int) -> PurchaseOrderModel:
    return PurchaseOrderModel(
        id=po.id,
        vendor_id=po.vendor_id,
        order_id=po.order_id or None,
        status=po.status.value,
        number=po.number or None,
        created_key=f"{iso_utc(po.created_at)}#{po.id}",
        body=as_json(po),
        version=version,
    )


def add_save(change: records.Change, before: PurchaseOrder | None, after: PurchaseOrder) -> PurchaseOrder:
    """Adds `after` to `change`: new (the id must be free) or the next version of `before`."""
    item = records.save_version(change, lambda v: to_item(after, v), before.version if before else None)
    return replace(after, version=int(item.version))


def save(before: PurchaseOrder | None, after: PurchaseOrder, change: records.Change) -> PurchaseOrder:
    """Commits `after` with whatever `change` already holds (its audit entry)."""
    change.conflict_message = CONFLICT
    saved = add_save(change, before, after)
    records.commit(change)
    return saved


def get(po_id: str, *, consistent: bool = False) -> PurchaseOrder:
    try:
        return from_item(PurchaseOrderModel.get(po_id, consistent_read=consistent))
    except DoesNotExist:
        raise NotFound(f"no purchase order {po_id}", field="purchase_order_id") from None


def recent(limit: int = 100, status: str = "") -> list[PurchaseOrder]:
    condition = PurchaseOrderModel.status == status if status else None
    found = PurchaseOrderModel.recent.query(
        "purchase_order", scan_index_forward=False, filter_condition=condition, limit=limit
    )
    return [from_item(i) for i in found]


def of_order(order_id: str, limit: int = 100) -> list[PurchaseOrder]:
    if not order_id:
        return []
    found = PurchaseOrderModel.by_order.query(order_id, scan_index_forward=False, limit=limit)
    return [from_item(i) for i in found]
