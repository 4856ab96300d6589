"""Tax rates: a small table read whole (one scan) by each billing batch and the settings page."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.tax import TaxRate
from chalicelib.store import records
from chalicelib.store.models_billing import TaxRateModel


def all_rates() -> dict[tuple[str, str], TaxRate]:
    return {
        (i.region, i.category): TaxRate(i.region, i.category, int(i.rate_bp), i.name)
        for i in TaxRateModel.scan()
    }


def set_rate(rate: TaxRate, entry: AuditEntry, now: datetime) -> None:
    item = TaxRateModel(
        region=rate.region, category=rate.category, rate_bp=rate.rate_bp, name=rate.name, updated_at=now
    )
    records.commit(records.Change(audit=entry).save(item))
