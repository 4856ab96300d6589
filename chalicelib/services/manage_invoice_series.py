"""Invoice number series (X3, S15): e.g. one per company or tax regime, each with its own format."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.numbering import check_format, check_series_id
from chalicelib.store import invoices
from chalicelib.store.models_billing import InvoiceSeriesModel


def create_series(data: dict[str, Any], *, actor: Actor, now: datetime) -> InvoiceSeriesModel:
    series_id = check_series_id(str(data.get("id") or ""))
    name = str(data.get("name") or "").strip()[:80]
    if not name:
        raise ValidationError("name is required", field="name")
    item = InvoiceSeriesModel(
        id=series_id,
        name=name,
        format=check_format(str(data.get("format") or "")),
        last_seq=0,
        created_at=now,
    )
    entry = actor.entry(
        "invoice_series",
        series_id,
        "invoice_series.created",
        now,
        after={"name": name, "format": item.format},
    )
    invoices.create_series(item, entry)
    return item


def check_series_exists(series_id: str, now: datetime) -> str:
    """For templates: their contracts' invoices must have a series to be numbered in."""
    if series_id in invoices.NOT_FOR_INVOICES:
        raise ValidationError(f"the {series_id} series is not for invoices", field="invoice_series")
    try:
        invoices.series(series_id, now)
    except NotFound:
        raise ValidationError(
            f"no invoice series {series_id}: create it first", field="invoice_series"
        ) from None
    return series_id
