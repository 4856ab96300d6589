"""Mass price update of 10,000 contract lines: preview and apply time, DynamoDB requests per contract.

The fixture (2,000 active contracts x 5 lines, 400 customers, 5 products of one vendor) is written
fast, straight as model items with batch writes, not through the slow service path. Then the real
services run: the preview (every line, totals, customer names), the apply (one TransactWriteItems
per contract: contract, version, audit, bulk-operation part) and the undo. Requests are counted
per operation while each runs; the figure is TransactWriteItems per updated contract (target <= 1).
The change takes effect "now" in the middle of an invoiced month, so every contract is also
settled (credit and charge), the most work a contract can need.

Run alone: `python infra/local/stack.py bench` runs all of bench/ (see run.py); this module's
`measure(counter)` is what run.py calls.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

CONTRACTS = 2_000
LINES_PER_CONTRACT = 5
CUSTOMERS = 400
VENDOR = "Bench Vendor"
REQUEST = {"vendor": VENDOR, "percent": "+5", "when": "now"}
READS = ("GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems")
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")


def _fixture(now: datetime) -> dict[str, Any]:
    """Products, customers and contracts as items, written with batch writes (8 requests in flight)."""
    from chalicelib.domain.catalogue import Product
    from chalicelib.domain.contract_lifecycle import Status
    from chalicelib.domain.contracts import Contract, Line, Terms
    from chalicelib.domain.customer import Customer, validate_customer_fields
    from chalicelib.domain.ids import new_id
    from chalicelib.store import contracts, customers, products
    from chalicelib.store.bulk import BulkWriter

    today = now.date()
    start = date(today.year, today.month, 1)
    billed = date(start.year + start.month // 12, start.month % 12 + 1, 1)  # this month is invoiced
    catalogue = [
        Product(
            id=new_id(),
            code=f"BENCH-{j}",
            name=f"Bench service {j}",
            kind="service",
            specification="",
            unit="pc",
            vendor=VENDOR,
            distributor="Bench Distribution",
            stocked=False,
            tax_category="standard",
            external_id="",
            active=True,
            created_at=now,
        )
        for j in range(LINES_PER_CONTRACT)
    ]
    people = [
        Customer(
            id=new_id(),
            created_at=now,
            **validate_customer_fields(
                {"name": f"Bench customer {i:04d}", "country": "SK", "currency": "EUR"}
            ),
        )
        for i in range(CUSTOMERS)
    ]
    made = [
        Contract(
            id=new_id(),
            customer_id=people[i % CUSTOMERS].id,
            template_id="bench-template",
            template_name="Bench monthly",
            currency="EUR",
            timezone="Europe/Bratislava",
            start_date=start,
            anchor=start,
            billed_until=billed,
            end_date=date(start.year + 1, start.month, 1),
            terms=Terms(period="monthly"),
            status=Status.ACTIVE,
            created_at=now,
            lines=tuple(
                Line(new_id(), p.id, p.name, Decimal(1 + (i + j) % 3), 1000 + 37 * j + i % 100)
                for j, p in enumerate(catalogue)
            ),
        )
        for i in range(CONTRACTS)
    ]
    started = time.perf_counter()
    with BulkWriter() as writer:
        writer.write_async([products.to_item(p, 1) for p in catalogue])
        writer.write_async([customers.to_item(c, 1) for c in people])
        writer.write_async([contracts.to_item(c, 1) for c in made])
    return {"seconds": round(time.perf_counter() - started, 3), "requests": writer.requests}


def _split(snapshot: dict[str, Any]) -> dict[str, int]:
    ops = snapshot["by_operation"]
    return {
        "reads": sum(ops.get(o, 0) for o in READS),
        "writes": sum(ops.get(o, 0) for o in WRITES),
        "transact_write_items": ops.get("TransactWriteItems", 0),
    }


def measure(counter: Any) -> dict[str, Any]:
    from chalicelib.domain.audit import Actor
    from chalicelib.services.apply_price_update import WORKERS, apply
    from chalicelib.services.mass_price_update import preview
    from chalicelib.services.undo_price_update import undo

    now = datetime.now(UTC)
    actor = Actor("bench", "bench")
    fixture = _fixture(now)

    with counter.counting():
        started = time.perf_counter()
        found = preview(REQUEST, now)
        preview_s = time.perf_counter() - started
        preview_requests = counter.snapshot()
    if len(found.rows) != CONTRACTS * LINES_PER_CONTRACT:
        raise RuntimeError(
            f"the bench preview found {len(found.rows)} lines, not {CONTRACTS * LINES_PER_CONTRACT}"
        )

    with counter.counting():
        started = time.perf_counter()
        done = apply(REQUEST, fingerprint=found.fingerprint, actor=actor, now=now)
        apply_s = time.perf_counter() - started
        apply_requests = counter.snapshot()
    if (done.contracts, done.conflicts) != (CONTRACTS, ()):
        raise RuntimeError(f"the bench apply did not update every contract: {done.as_json()}")

    with counter.counting():
        started = time.perf_counter()
        undone = undo(done.operation.id, actor=actor, now=datetime.now(UTC))
        undo_s = time.perf_counter() - started
        undo_requests = counter.snapshot()

    applied, undo_split = _split(apply_requests), _split(undo_requests)
    return {
        "figure": round(applied["transact_write_items"] / done.contracts, 3),
        "raw": {
            "contracts": CONTRACTS,
            "lines": CONTRACTS * LINES_PER_CONTRACT,
            "customers": CUSTOMERS,
            "fixture_batch_write_seconds": fixture["seconds"],
            "fixture_batch_write_requests": fixture["requests"],
            "preview_seconds": round(preview_s, 3),
            "preview_lines_per_s": round(len(found.rows) / preview_s, 1),
            "preview_requests": preview_requests,
            "apply_seconds": round(apply_s, 3),
            "apply_contracts_per_s": round(done.contracts / apply_s, 1),
            "apply_lines_per_s": round(done.lines / apply_s, 1),
            "apply_requests": apply_requests,
            "apply_write_requests_per_contract": round(applied["writes"] / done.contracts, 4),
            "apply_read_requests_per_contract": round(applied["reads"] / done.contracts, 4),
            "apply_transactions_in_flight": WORKERS,
            "undo_seconds": round(undo_s, 3),
            "undo_contracts": undone.contracts,
            "undo_requests": undo_requests,
            "undo_transact_write_items_per_contract": round(
                undo_split["transact_write_items"] / max(1, undone.contracts), 3
            ),
        },
    }


if __name__ == "__main__":  # run alone against the engines of `infra/local/stack.py bench`-style env
    import json
    import os
    import sys
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run
    from ddb_counter import DynamoDBCounter

    prefix = f"bench-bulk-{os.getpid()}-"
    os.environ.update(run._env(os.environ["CRM_TEST_DYNAMODB_ENDPOINT"], prefix, tempfile.mkdtemp()))
    from chalicelib import bootstrap
    from chalicelib.store import registry

    settings = bootstrap.settings()
    registry.create_tables(settings)
    meter = DynamoDBCounter()
    meter.install()
    try:
        print(json.dumps(measure(meter), indent=2))
    finally:
        meter.uninstall()
        registry.delete_tables(settings)
