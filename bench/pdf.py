"""Invoice PDFs: our whole download path against a bare WeasyPrint render of the same HTML.

For each of 10 fresh issued invoices (one stored customer with an address), in alternating order:
  ours: invoice_pdf(invoice) with an empty blob store: read customer and address, build the HTML,
        render, keep the file;
  bare: weasyprint.HTML(string=<the same HTML>).write_pdf().
The figure is the median of the 10 per-invoice ratios ours / bare: each pair runs back to back, so
load from other processes on a shared machine hits both sides alike (raw also has median(ours) /
median(bare)). Then every invoice is downloaded again: the renders
that triggers (and the DynamoDB requests) must be 0.

    python bench/pdf.py   (needs CRM_TEST_DYNAMODB_ENDPOINT; merges its figures into results.json)
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

INVOICES = 10
FIGURES = ("pdf_render_ratio_vs_bare", "pdf_renders_on_repeat_download")
NOTES = {
    "pdf_render_ratio_vs_bare": (
        "median over 10 invoices of: seconds of services.invoice_pdf.invoice_pdf for a fresh issued invoice "
        "(customer and address read from DynamoDB Local, HTML built, rendered, kept in a local blob store) / "
        "seconds of a bare weasyprint.HTML(string=same_html).write_pdf() run right before or after it "
        "(order alternating); invoices of 6 lines, after two warm-ups of each (fonts, babel, Jinja, "
        "DynamoDB clients). Our PdfRenderer keeps WeasyPrint's FontConfiguration and image cache between "
        "renders (the bare call makes new ones, WeasyPrint's default), which pays for the two reads and the "
        "blob write; the bytes are identical (tests/service/test_invoice_pdf.py)"
    ),
    "pdf_renders_on_repeat_download": (
        "renderer calls while downloading each of the 10 issued invoices a second time (raw also has the "
        "DynamoDB requests of those downloads: invoice_pdf reads nothing when the file is kept)"
    ),
}


def _invoice(customer_id: str, n: int, now: datetime) -> Any:
    from chalicelib.domain.billing import InvoiceLine
    from chalicelib.domain.invoices import Invoice
    from chalicelib.domain.periods import Period
    from chalicelib.domain.tax import TaxGroup

    start, end = date(2026, 11, 1), date(2026, 12, 1)
    lines = tuple(
        InvoiceLine(
            f"Service line {i + 1}: boiler care, filters and call-outs",
            Decimal(i % 3 + 1),
            4900 + 100 * i,
            (i % 3 + 1) * (4900 + 100 * i),
            "recurring",
            service_start=start,
            service_end=end,
            detail=f"Serial SN-{n:04d}-{i} · boiler room, Mlynské nivy 5, Bratislava" if i % 2 else "",
        )
        for i in range(6)
    )
    net = sum(line.amount_minor for line in lines)
    return Invoice(
        id=f"bench-contract-{n:04d}:2026-11-01",
        customer_id=customer_id,
        contract_id=f"bench-contract-{n:04d}",
        currency="EUR",
        series="default",
        status="issued",
        period=Period(start, end),
        lines=lines,
        created_at=now,
        issue_date=date(2026, 11, 23),
        due_date=date(2026, 12, 7),
        number=f"INV-2026-{n:06d}",
        taxes=(TaxGroup(2000, "VAT 20 %", net, net // 5),),
    )


def measure(counter: Any) -> dict[str, Any]:
    """Needs bound, existing tables (bench/run.py's measure_engines, or main below)."""
    from weasyprint import HTML

    from chalicelib.adapters.blobs import LocalBlobStore
    from chalicelib.adapters.pdf import PdfRenderer
    from chalicelib.domain.audit import SYSTEM
    from chalicelib.services.invoice_pdf import invoice_html, invoice_pdf
    from chalicelib.services.manage_addresses import create_address
    from chalicelib.services.manage_customers import create_customer

    class CountingRenderer(PdfRenderer):
        renders = 0

        def render(self, html: str, *, base_url: str | None = None) -> bytes:
            self.renders += 1
            return super().render(html, base_url=base_url)

    now = datetime.now(UTC)
    address = create_address(
        {"line1": "Mlynské nivy 5", "postcode": "821 09", "city": "Bratislava", "country": "SK"},
        actor=SYSTEM,
        now=now,
    )
    customer = create_customer(
        {
            "name": "Bench s.r.o.",
            "country": "SK",
            "currency": "EUR",
            "locale": "sk",
            "address_id": address.id,
        },
        actor=SYSTEM,
        now=now,
    )
    renderer = CountingRenderer()
    with tempfile.TemporaryDirectory(prefix="crm-bench-pdf-") as folder:
        blobs = LocalBlobStore(Path(folder))
        for n in (901, 902):  # warm-ups: fonts, babel, Jinja, the DynamoDB clients
            warm = _invoice(customer.id, n, now)
            invoice_pdf(warm, blobs=blobs, renderer=renderer)
            HTML(string=invoice_html(warm)).write_pdf()
        invoices = [_invoice(customer.id, n, now) for n in range(1, INVOICES + 1)]
        ours: list[float] = []
        bare: list[float] = []
        fresh_requests = 0
        for n, invoice in enumerate(invoices):
            html = invoice_html(invoice)  # the same HTML invoice_pdf builds (not timed)

            def run_ours(invoice: Any = invoice) -> None:
                nonlocal fresh_requests
                with counter.counting():
                    started = time.perf_counter()
                    invoice_pdf(invoice, blobs=blobs, renderer=renderer)
                    ours.append(time.perf_counter() - started)
                    fresh_requests += counter.snapshot()["requests"]

            def run_bare(html: str = html) -> None:
                started = time.perf_counter()
                HTML(string=html).write_pdf()
                bare.append(time.perf_counter() - started)

            first, second = (run_ours, run_bare) if n % 2 == 0 else (run_bare, run_ours)
            first()
            second()
        renders_before = renderer.renders
        with counter.counting():
            for invoice in invoices:
                invoice_pdf(invoice, blobs=blobs, renderer=renderer)
            repeat_requests = counter.snapshot()["requests"]
        repeat_renders = renderer.renders - renders_before
    ratio = statistics.median(o / b for o, b in zip(ours, bare, strict=True))
    return {
        "figure": round(ratio, 3),
        "renders_on_repeat": repeat_renders,
        "raw": {
            "invoices": INVOICES,
            "ours_median_s": round(statistics.median(ours), 4),
            "bare_median_s": round(statistics.median(bare), 4),
            "ours_s": [round(t, 4) for t in ours],
            "bare_s": [round(t, 4) for t in bare],
            "ratio_of_medians": round(statistics.median(ours) / statistics.median(bare), 3),
            "ddb_requests_per_fresh_pdf": round(fresh_requests / INVOICES, 2),
            "ddb_requests_on_repeat_downloads": repeat_requests,
            "renders_on_repeat_downloads": repeat_renders,
        },
    }


def meets(figure: str, value: float) -> bool:
    return value <= 1.2 if figure == "pdf_render_ratio_vs_bare" else value == 0


def merge(results: dict[str, Any], measured: dict[str, Any]) -> dict[str, Any]:
    """Puts this module's figures, raw data and notes into a results.json document."""
    values = {
        "pdf_render_ratio_vs_bare": measured["figure"],
        "pdf_renders_on_repeat_download": measured["renders_on_repeat"],
    }
    targets = {"pdf_render_ratio_vs_bare": "<= 1.2", "pdf_renders_on_repeat_download": "0"}
    raw = results.setdefault("raw", {})
    notes = results.setdefault("notes", {})
    for figure in FIGURES:
        results[figure] = values[figure]
        raw[figure] = {
            **measured["raw"],
            "target": targets[figure],
            "meets_target": meets(figure, values[figure]),
        }
        notes[figure] = NOTES[figure]
    return results


def main() -> int:
    """This module alone, on engines started by infra/local/stack.py: its own tables, then results.json."""
    bench = Path(__file__).resolve().parent
    for folder in (str(bench.parent), str(bench)):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    import run
    from ddb_counter import DynamoDBCounter

    from chalicelib import bootstrap
    from chalicelib.store import registry

    endpoint = os.environ.get("CRM_TEST_DYNAMODB_ENDPOINT")
    if not endpoint:
        print("bench/pdf.py needs CRM_TEST_DYNAMODB_ENDPOINT (start the engines with infra/local/stack.py)")
        return 2
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as data_dir:
        os.environ.update(run._env(endpoint, f"bench-pdf-{os.getpid()}-", data_dir))
        bootstrap.reset()
        settings = bootstrap.settings()
        registry.create_tables(settings)
        counter = DynamoDBCounter()
        counter.install()
        try:
            measured = measure(counter)
        finally:
            counter.uninstall()
            registry.delete_tables(settings)
            bootstrap.reset()
    results = json.loads(run.RESULTS.read_text()) if run.RESULTS.exists() else {}
    results = merge(results, measured)
    run.RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: results[k] for k in FIGURES} | {"raw": measured["raw"]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
