"""Tax rates (B4): set per region and product tax category; setting one again replaces it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.tax import TaxRate, check_rate
from chalicelib.store import tax_rates


def set_tax_rate(data: dict[str, Any], *, actor: Actor, now: datetime) -> TaxRate:
    rate = check_rate(
        str(data.get("region") or ""),
        str(data.get("category") or "standard"),
        str(data.get("rate") if data.get("rate") is not None else ""),
        str(data.get("name") or ""),
    )
    entry = actor.entry(
        "tax_rate",
        f"{rate.region}/{rate.category}",
        "tax_rate.set",
        now,
        after={"rate_bp": rate.rate_bp, "name": rate.name},
    )
    tax_rates.set_rate(rate, entry, now)
    return rate
