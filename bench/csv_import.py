"""CSV import throughput against raw PynamoDB batch_write of the same customer items, same run.

20,000 generated organisation rows (name, email, phone, country, currency, tax id, external id,
notes) go through the real import service: upload (read, detect, store the blob) and run (validate,
match by external id / tax id, write records, lookup keys and claims in batches, one audit per
chunk, progress after each chunk). The baseline writes the same 20,000 customers, as CustomerModel
items, with CustomerModel.batch_write and nothing else, once before and once after the import (the
machine is noisy: the denominator is the mean of the two rates). All write into the same table,
emptied between runs, after a warm-up of 1,000 rows so the JVM of DynamoDB Local is not cold.
"""

from __future__ import annotations

import csv
import io
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROWS = 20_000
COUNTRIES = (("SK", "EUR"), ("CZ", "CZK"), ("FR", "EUR"), ("UA", "UAH"), ("DE", "EUR"))
NAMES = ("Novák", "Kováč", "Dubois", "Іваненко", "Müller", "Horváth", "Ромашка", "García")


def rows(count: int) -> list[dict[str, str]]:
    generated = []
    for i in range(count):
        country, currency = COUNTRIES[i % len(COUNTRIES)]
        generated.append({
            "name": f"{NAMES[i % len(NAMES)]} {i:05d} s.r.o.",
            "email": f"office{i}@org{i % 997}.example",
            "phone": f"+421 2 {i:07d}",
            "country": country,
            "currency": currency,
            "tax_id": f"{country}{10_000_000 + i}",
            "external_id": f"ERP-{i:06d}",
            "notes": "imported; \"bench\"" if i % 10 == 0 else "",
        })
    return generated


def csv_bytes(data: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(data[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(data)
    return out.getvalue().encode("utf-8")


def _raw_batch_write(data: list[dict[str, str]], now: datetime, prefix: str = "raw") -> float:
    from chalicelib.domain.customer import Customer, validate_customer_fields
    from chalicelib.store.customers import to_item
    from chalicelib.store.models import CustomerModel

    items = [
        to_item(Customer(id=f"{prefix}{i:06d}", created_at=now, **validate_customer_fields(row)), 1)
        for i, row in enumerate(data)
    ]
    start = time.perf_counter()
    with CustomerModel.batch_write() as batch:
        for item in items:
            batch.save(item)
    return time.perf_counter() - start


def _clear_customers() -> None:
    from chalicelib.store.models import CustomerModel

    with CustomerModel.batch_write() as batch:
        for item in CustomerModel.scan(attributes_to_get=["id"]):
            batch.delete(item)


def _import(payload: bytes, now: datetime, blobs_dir: Path) -> tuple[float, Any]:
    from chalicelib.adapters.blobs import LocalBlobStore
    from chalicelib.domain.audit import Actor
    from chalicelib.services import import_csv

    blobs = LocalBlobStore(blobs_dir)
    actor = Actor("bench", "bench")
    start = time.perf_counter()
    job = import_csv.upload("customers", "bench.csv", payload, blobs=blobs, actor=actor, now=now)
    job = import_csv.run(job.id, blobs=blobs, clock=lambda: datetime.now(UTC))
    return time.perf_counter() - start, job


def _items_written(data: list[dict[str, str]], now: datetime, total: int) -> int:
    """Items the import writes: each record, its lookup keys and claims, and one audit per chunk."""
    from chalicelib.domain.customer import Customer, validate_customer_fields
    from chalicelib.services.import_csv import CHUNK

    per_row = 0
    for i, row in enumerate(data):
        customer = Customer(id=str(i), created_at=now, **validate_customer_fields(row))
        per_row += 1 + len(customer.lookup_keys()) + len(customer.claims())
    return per_row + -(-total // CHUNK)


def measure(count: int = ROWS) -> dict[str, Any]:
    from chalicelib.store import bulk

    data = rows(count)
    payload = csv_bytes(data)
    now = datetime.now(UTC)
    _raw_batch_write(data[:1000], now, "warm")
    _clear_customers()
    raw_before = _raw_batch_write(data, now)
    _clear_customers()
    with tempfile.TemporaryDirectory(prefix="crm-bench-import-") as folder:
        import_s, job = _import(payload, now, Path(folder))
    if (job.status, job.written_rows, job.failed_rows) != ("done", count, 0):
        raise RuntimeError(f"the bench import did not import every row: {job}")
    _clear_customers()
    raw_after = _raw_batch_write(data, now, "after")
    _clear_customers()
    items = _items_written(data, now, job.total_rows)
    raw_rate = (count / raw_before + count / raw_after) / 2
    raw_s = count / raw_rate
    return {
        "figure": round(raw_s / import_s, 3),
        "raw": {
            "batch_write_seconds_before_import": round(raw_before, 3),
            "batch_write_seconds_after_import": round(raw_after, 3),
            "rows": count,
            "csv_bytes": len(payload),
            "import_seconds": round(import_s, 3),
            "import_rows_per_s": round(count / import_s, 1),
            "batch_write_seconds": round(raw_s, 3),
            "batch_write_rows_per_s": round(count / raw_s, 1),
            "import_chunk_rows": 500,
            "import_write_threads": bulk.WORKERS,
            "import_created": job.created_rows,
            "import_items_written": items,
            "import_items_per_row": round(items / count, 3),
            "import_items_per_s": round(items / import_s, 1),
        },
    }
