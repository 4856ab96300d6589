"""Benchmarks against the local engines: writes bench/results.json and prints a summary.

Run it with `make bench` (infra/local/stack.py bench), which starts DynamoDB Local and
localstripe and passes their endpoints in CRM_TEST_DYNAMODB_ENDPOINT and
CRM_TEST_STRIPE_API_BASE. Tables get their own prefix (bench-<pid>-) and are deleted
at the end, so a test run on the same engines is not disturbed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for folder in (str(ROOT), str(BENCH)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

import billing  # noqa: E402
import bulk_price  # noqa: E402
import csv_import  # noqa: E402
import import_time  # noqa: E402
import pages  # noqa: E402
import pdf  # noqa: E402
import raw_writes  # noqa: E402
from ddb_counter import DynamoDBCounter  # noqa: E402

RESULTS = BENCH / "results.json"
SECRET = "bench-secret-key-that-is-long-enough-0123456789"

# The table of DESIGN.md "Benchmarks", in its order: figure -> target.
TARGETS: dict[str, str] = {
    "import_ratio_app_vs_boto3": "<= 1.5",
    "ddb_requests_per_page": "constant, <= 5",
    "csv_import_ratio_vs_batch_write": ">= 0.5",
    "bulk_price_update_writes_per_contract": "<= 1",
    "billing_ratio_vs_put": ">= 0.3",
    "ddb_requests_per_billed_contract": "<= 4",
    "pdf_render_ratio_vs_bare": "<= 1.2",
    "pdf_renders_on_repeat_download": "0",
}

NOT_BUILT: dict[str, str] = {}


def _env(endpoint: str, prefix: str, data_dir: str) -> dict[str, str]:
    """As tests/conftest.py's _env: a local stage bound to the bench's own tables."""
    env = {
        "CRM_STAGE": "local",
        "CRM_DYNAMODB_ENDPOINT": endpoint,
        "CRM_TABLE_PREFIX": prefix,
        "CRM_SECRET_KEY": SECRET,
        "CRM_DATA_DIR": data_dir,
        "CRM_BASE_URL": "http://testserver",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    stripe = os.environ.get("CRM_TEST_STRIPE_API_BASE")
    if stripe:
        env["CRM_STRIPE_API_BASE"] = stripe
    return env


def _meets(figure: str, value: float | None, raw: dict[str, Any]) -> bool | None:
    if value is None:
        return None
    checks = {
        "import_ratio_app_vs_boto3": lambda: value <= 1.5,
        "ddb_requests_per_page": lambda: value <= 5 and bool(raw.get("constant_50_vs_200")),
        "csv_import_ratio_vs_batch_write": lambda: value >= 0.5,
        "bulk_price_update_writes_per_contract": lambda: value <= 1,
        "billing_ratio_vs_put": lambda: value >= 0.3,
        "ddb_requests_per_billed_contract": lambda: value <= 4,
        "pdf_render_ratio_vs_bare": lambda: pdf.meets(figure, value),
        "pdf_renders_on_repeat_download": lambda: pdf.meets(figure, value),
    }
    check = checks.get(figure)
    return check() if check else None


def measure_engines(endpoint: str, prefix: str, counter: DynamoDBCounter) -> dict[str, Any]:
    from chalicelib import bootstrap
    from chalicelib.store import registry

    bootstrap.reset()
    settings = bootstrap.settings()
    registry.delete_tables(settings)  # leftovers of an interrupted run with the same prefix
    registry.create_tables(settings)
    try:
        page_counts = pages.measure(ROOT, counter)
        baseline = raw_writes.measure(endpoint, settings.region, f"{prefix}raw-writes")
        csv_figures = csv_import.measure()
        bulk_figures = bulk_price.measure(counter)
        billing_figures = billing.measure(counter, baseline["put_item_rows_per_s"])
        pdf_figures = pdf.measure(counter)
        page_counts["raw"].update(pages.measure_portal(ROOT, counter))
    finally:
        registry.delete_tables(settings)
        bootstrap.reset()
    return {
        "pages": page_counts,
        "baseline": baseline,
        "csv_import": csv_figures,
        "bulk_price": bulk_figures,
        "billing": billing_figures,
        "pdf": pdf_figures,
    }


def summary(results: dict[str, Any]) -> str:
    lines = [f"{'figure':40} {'value':>8}  {'target':16} status", "-" * 76]
    for figure, target in TARGETS.items():
        value = results[figure]
        meets = results["raw"].get(figure, {}).get("meets_target")
        status = "not built" if value is None else {True: "ok", False: "MISSED", None: "-"}[meets]
        shown = "null" if value is None else f"{value:g}"
        lines.append(f"{figure:40} {shown:>8}  {target:16} {status}")
    baseline = results["raw"]["baseline_raw_writes"]
    lines.append("")
    lines.append(f"baseline: put_item {baseline['put_item_rows_per_s']:g} rows/s, "
                 f"batch_write {baseline['batch_write_rows_per_s']:g} rows/s ({baseline['rows']} rows each)")
    return "\n".join(lines)


def main() -> int:
    endpoint = os.environ.get("CRM_TEST_DYNAMODB_ENDPOINT")
    if not endpoint:
        print("bench/run.py needs the local engines: run it with `make bench` "
              "(infra/local/stack.py bench starts DynamoDB Local and sets CRM_TEST_DYNAMODB_ENDPOINT)",
              file=sys.stderr)
        return 2
    started = time.perf_counter()
    prefix = f"bench-{os.getpid()}-"
    data_dir = tempfile.mkdtemp(prefix="crm-bench-")
    os.environ.update(_env(endpoint, prefix, data_dir))

    print("import app vs import boto3 in fresh interpreters…", flush=True)
    imports = import_time.measure(ROOT)
    imports["raw"]["largest_imports_of_app"] = import_time.profile_app_import(ROOT)

    print("DynamoDB requests per admin page, raw write baselines, CSV import, bulk price update…", flush=True)
    counter = DynamoDBCounter()
    counter.install()
    try:
        engines = measure_engines(endpoint, prefix, counter)
    finally:
        counter.uninstall()
        shutil.rmtree(data_dir, ignore_errors=True)

    figures: dict[str, float | None] = {name: None for name in TARGETS}
    figures["import_ratio_app_vs_boto3"] = imports["figure"]
    figures["ddb_requests_per_page"] = engines["pages"]["figure"]
    figures["csv_import_ratio_vs_batch_write"] = engines["csv_import"]["figure"]
    figures["bulk_price_update_writes_per_contract"] = engines["bulk_price"]["figure"]
    figures["billing_ratio_vs_put"] = engines["billing"]["figure"]
    figures["ddb_requests_per_billed_contract"] = engines["billing"]["requests_per_contract"]
    figures["pdf_render_ratio_vs_bare"] = engines["pdf"]["figure"]
    figures["pdf_renders_on_repeat_download"] = engines["pdf"]["renders_on_repeat"]
    raw: dict[str, Any] = {
        "import_ratio_app_vs_boto3": imports["raw"],
        "ddb_requests_per_page": engines["pages"]["raw"],
        "csv_import_ratio_vs_batch_write": engines["csv_import"]["raw"],
        "bulk_price_update_writes_per_contract": engines["bulk_price"]["raw"],
        "billing_ratio_vs_put": dict(engines["billing"]["raw"]),
        "ddb_requests_per_billed_contract": dict(engines["billing"]["raw"]),
        "pdf_render_ratio_vs_bare": dict(engines["pdf"]["raw"]),
        "pdf_renders_on_repeat_download": dict(engines["pdf"]["raw"]),
        "baseline_raw_writes": engines["baseline"],
    }
    for figure, target in TARGETS.items():
        entry = raw.setdefault(figure, {})
        entry["target"] = target
        entry["meets_target"] = _meets(figure, figures[figure], entry)
    raw["run"] = {"table_prefix": prefix, "seconds": round(time.perf_counter() - started, 1),
                  "python": sys.version.split()[0]}
    notes = {
        **NOT_BUILT,
        **pdf.NOTES,
        "import_ratio_app_vs_boto3": (
            "median of per-child perf_counter time around `import app` / around `import boto3`; "
            f"{imports['raw']['rounds']} rounds alternating the two, after one discarded warm-up each; "
            "child env is only PATH and CRM_STAGE=local"
        ),
        "ddb_requests_per_page": (
            "max(list page with 200 customers, customer detail page) of DynamoDB requests per GET through "
            "chalice.test.Client with a signed-in admin; counted by wrapping "
            "botocore.client.BaseClient._make_api_call (service 'dynamodb' only), which every PynamoDB "
            "connection's client goes through; http_sends (a per-client 'before-send.dynamodb' handler) "
            "would show retries"
        ),
        "csv_import_ratio_vs_batch_write": (
            "20,000 generated organisation rows (name, email, phone, country, currency, tax id, external id, "
            "notes; semicolons, UTF-8) through import_csv.upload + import_csv.run (inline), against "
            "CustomerModel.batch_write of the same 20,000 customers, measured before and after the import "
            "(mean rate); each imported row writes 6 items (record, 4 lookup keys, 1 claim) where the "
            "baseline writes 1 (raw.import_items_per_row), so the import runs its BatchWriteItem requests "
            "8 at a time; DynamoDB Local's item throughput is then the ceiling (raw.import_items_per_s)"
        ),
        "bulk_price_update_writes_per_contract": (
            "TransactWriteItems requests during apply / contracts updated, for +5% effective now on 10,000 "
            "lines (2,000 active contracts x 5 lines, inside a month already invoiced, so each contract is "
            "also settled); fixture written with BatchWriteItem as model items; preview, apply and undo run "
            "through the services with their request counts (raw.*_requests); apply plans again (one scan) "
            "before writing, then commits 8 contracts at a time, each with ONE transaction of 4 puts "
            "(contract, version, audit, bulk-operation part), plus 2 puts of the operation header"
        ),
        "billing_ratio_vs_put": (
            "contracts billed per second by run_billing (one run, inline, 10,000 active monthly contracts "
            "due today, fixture written as model items) / put_item rows per second of the same bench run"
        ),
        "ddb_requests_per_billed_contract": (
            "every DynamoDB request during that run (paged index queries, series reads, transactions) / "
            "contracts billed"
        ),
        "baseline_raw_writes": (
            "plain botocore client, one thread, 2,000 items each way into a bench table: the denominators "
            "of csv_import_ratio_vs_batch_write and billing_ratio_vs_put"
        ),
    }
    results: dict[str, Any] = {**figures, "raw": raw, "notes": notes}
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print(summary(results))
    print(f"\nwrote {RESULTS.relative_to(ROOT)} in {raw['run']['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
