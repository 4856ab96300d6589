"""Co-terming contracts (S3): several contracts end on one common date, saved together.

An earlier end gives back the time already invoiced past it as a prorated credit; a later end lets
lines that ran to the old end run on to the new one (billing then invoices the extra time).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contracts import FAR, Contract, coterminate
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.periods import local_date
from chalicelib.services import bulk_contracts as bulk
from chalicelib.services.manage_contracts import parse_day
from chalicelib.store.bulk_operations import BulkOperation


def plan(data: dict[str, Any], now: datetime) -> bulk.BulkPlan:
    """What co-terming would do; nothing is saved. Without end_date: the latest end among them."""
    ids = bulk.id_list(data.get("contract_ids"), "contract_ids", minimum=2)
    chosen = parse_day(data.get("end_date"), "end_date")
    found = bulk.load(ids, bulk.versions_of(data))
    ends = [c.end_date for c in found if c.end_date is not None]
    end = chosen or (max(ends) if ends else None)
    if end is None:
        raise ValidationError("give the common end date (these contracts are open-ended)", field="end_date")
    steps = []
    for contract in found:
        if end < local_date(now, contract.timezone):
            raise ValidationError(f"{end} is already past for {contract.number}", field="end_date")
        if contract.end_date == end:
            continue
        after = coterminate(contract, end)
        day = min(end, contract.end_date or FAR)  # from here on the two versions differ
        summary = f"co-termed: ends {end} (was {contract.end_date or 'open-ended'})"
        steps.append(bulk.settled(contract, after, day, now, "contract.coterminated", summary))
    if not steps:
        raise ValidationError(f"every chosen contract already ends on {end}", field="end_date")
    request = {"contract_ids": ids, "end_date": end.isoformat()}
    return bulk.BulkPlan("coterminate", f"{len(found)} contracts co-termed to {end}", tuple(steps), request)


def coterminate_contracts(
    data: dict[str, Any], *, actor: Actor, now: datetime
) -> tuple[BulkOperation, list[Contract]]:
    return bulk.save(plan(data, now), actor, now)
