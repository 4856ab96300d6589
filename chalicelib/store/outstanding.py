"""Invoices with something still open, by due date: one query of the sparse `outstanding` index."""

from __future__ import annotations

import base64
import binascii
from datetime import date, timedelta

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.invoices import Invoice
from chalicelib.store.invoices import from_item
from chalicelib.store.models_billing import InvoiceModel


def page(
    *, due_by: date | None = None, after: str = "", limit: int = 100
) -> tuple[list[Invoice], str | None]:
    """One page, the earliest due first; `due_by`: only those due on or before that day.
    Returns the cursor of the next page (None on the last)."""
    condition = InvoiceModel.due_key < (due_by + timedelta(days=1)).isoformat() if due_by else None
    found = InvoiceModel.outstanding.query(
        "open",
        range_key_condition=condition,
        limit=limit,
        last_evaluated_key=_decode(after) if after else None,
    )
    invoices = [from_item(i) for i in found]
    last = found.last_evaluated_key
    return invoices, _encode(last["due_key"]["S"]) if last else None


def _encode(due_key: str) -> str:
    return base64.urlsafe_b64encode(due_key.encode()).decode()


def _decode(cursor: str) -> dict[str, dict[str, str]]:
    """The cursor is the due key "<due date>#<id>", which holds the table key too."""
    try:
        due_key = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationError(
            "the page cursor is not valid: start from the first page", field="after"
        ) from None
    _due, sep, invoice_id = due_key.partition("#")
    if not sep or not invoice_id:
        raise ValidationError("the page cursor is not valid: start from the first page", field="after")
    return {"id": {"S": invoice_id}, "owing": {"S": "open"}, "due_key": {"S": due_key}}
