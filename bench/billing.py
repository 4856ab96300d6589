"""Billing 10,000 due contracts in one run: contracts billed per second, DynamoDB requests per contract.

The fixture (10,000 active monthly contracts, 2 lines each, every one due today and not yet
invoiced) is written as model items with batch writes. Then the real billing run bills them:
due contracts from the next-billing index (paged queries), about 22 contracts per transaction
(invoice, contract, version, audit each, plus the series counter). The figure is its rate as a
ratio to raw put_item throughput measured in the same bench run (raw_writes.py).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

CONTRACTS = 10_000


def _fixture(now: datetime) -> dict[str, Any]:
    from chalicelib.domain.contract_lifecycle import Status
    from chalicelib.domain.contracts import Contract, Line, Terms
    from chalicelib.domain.ids import new_id
    from chalicelib.store import contracts
    from chalicelib.store.bulk import BulkWriter

    start = date(now.year, now.month, 1)
    made = [
        contracts.to_item(
            Contract(
                id=new_id(),
                customer_id=f"bench-customer-{i % 1000:04d}",
                template_id="bench-template",
                template_name="Bench monthly",
                currency="EUR",
                timezone="UTC",
                start_date=start,
                anchor=start,
                billed_until=start,  # nothing invoiced yet: this month is due today
                end_date=None,
                terms=Terms(period="monthly"),
                status=Status.ACTIVE,
                created_at=now,
                lines=(
                    Line(new_id(), "bench-p1", "Maintenance", Decimal(1), 4900 + i % 100),
                    Line(new_id(), "bench-p2", "Hotline", Decimal(2), 900),
                ),
            ),
            1,
        )
        for i in range(CONTRACTS)
    ]
    from chalicelib.domain.audit import SYSTEM
    from chalicelib.domain.tax import check_rate
    from chalicelib.store import tax_rates

    # The bench customers are not stored: they are billed in our own country at its standard rate.
    entry = SYSTEM.entry("tax_rate", "SK/standard", "tax_rate.set", now)
    tax_rates.set_rate(check_rate("SK", "standard", "20"), entry, now)
    started = time.perf_counter()
    with BulkWriter() as writer:
        writer.write_async(made)
    return {"seconds": round(time.perf_counter() - started, 3), "requests": writer.requests}


def measure(counter: Any, put_item_rows_per_s: float) -> dict[str, Any]:
    from chalicelib.services.run_billing import BATCH_ACTIONS, run_billing

    now = datetime.now(UTC)
    fixture = _fixture(now)
    with counter.counting():
        started = time.perf_counter()
        counts = run_billing(now)
        seconds = time.perf_counter() - started
        requests = counter.snapshot()
    if counts["invoices"] != CONTRACTS:
        raise RuntimeError(f"the bench billing run billed {counts}, not {CONTRACTS} contracts")
    rate = counts["contracts"] / seconds
    return {
        "figure": round(rate / put_item_rows_per_s, 3),
        "requests_per_contract": round(requests["requests"] / counts["contracts"], 3),
        "raw": {
            "contracts": CONTRACTS,
            "fixture_batch_write_seconds": fixture["seconds"],
            "run_seconds": round(seconds, 3),
            "contracts_per_s": round(rate, 1),
            "put_item_rows_per_s": put_item_rows_per_s,
            "requests": requests,
            "transaction_actions_at_most": BATCH_ACTIONS,
            "counts": counts,
        },
    }
