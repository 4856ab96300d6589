"""Issue 5, done when: the billing job over a seeded month, run by CLI and from the admin page,
gives each demo customer the invoices, PDFs and emails they would get, once, with gapless numbers."""

import email
import json
import subprocess
import sys
from datetime import UTC, datetime
from email import policy
from pathlib import Path

from chalicelib import bootstrap
from chalicelib.services.seed_demo import seed_demo
from chalicelib.store import invoices
from chalicelib.store.models_billing import InvoiceModel
from tests.browser_client import Browser

ROOT = Path(__file__).resolve().parents[2]
SUBJECTS = {  # one per demo customer, in its language
    "billing@acme.example": "Faktúra",
    "compta@dupont.example": "Facture",
    "office@kyiv-service.example": "Рахунок",
    "ap@northwind.example": "Invoice",
    "finance@pacificlabs.example": "Invoice",
}


def _cli(at: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "run-job", "run_billing", "--at", at],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _emails(outbox: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for p in sorted(outbox.glob("*.eml"))
    ]


def _numbers() -> list[str]:
    return sorted(i.number for i in InvoiceModel.scan())


def test_a_seeded_month_billed_by_cli_once_with_pdfs_and_emails(store: Path) -> None:
    seed_demo(
        admin_password="demo password long enough", now=datetime(2027, 2, 1, 9, tzinfo=UTC)
    )  # contracts from January 1
    first = _cli("2027-02-01T12:00Z")  # January (from the seed's start) and February, in advance
    assert first["result"] == "ok" and first["counts"]["emails_sent"] == 10, first
    assert _numbers() == [f"INV-2027-{n:06d}" for n in range(1, 11)]
    again = _cli("2027-02-01T12:30Z")  # the run again (or a retry): nothing billed or sent twice
    assert again["counts"]["contracts_due"] == 0 and again["counts"]["emails_sent"] == 0
    assert _cli("2027-03-01T12:00Z")["counts"]["emails_sent"] == 5
    assert _numbers() == [f"INV-2027-{n:06d}" for n in range(1, 16)]
    sent = _emails(store / "outbox")
    assert len(sent) == 15
    for message in sent:
        assert message["Subject"].startswith(SUBJECTS[message["To"]]), message["Subject"]
        [pdf] = list(message.iter_attachments())
        assert pdf.get_content_type() == "application/pdf" and pdf.get_content().startswith(b"%PDF")
        number = pdf.get_filename().removesuffix(".pdf")
        assert number in message["Subject"]
        # The PDF sent is the one kept: downloading it later gives the same bytes, not a new render.
        [invoice] = [i for i in invoices.recent(100) if i.number == number]
        assert bootstrap.blobs().get(f"documents/invoices/{invoice.id}.pdf") == pdf.get_content()
    kyiv = [i for i in invoices.recent(100) if i.currency == "UAH"]
    assert len(kyiv) == 3 and {i.total_minor for i in kyiv} == {540000}  # 4,500.00 UAH + 20 %


def test_a_seeded_month_billed_from_the_admin_jobs_page(admin: Browser, store: Path) -> None:
    seed_demo(admin_password="demo password long enough", now=datetime.now(UTC))
    admin.get("/admin/jobs")
    response = admin.post("/admin/jobs/run_billing/run", {})
    assert response.status_code in (302, 303)
    assert len(_numbers()) == 10 and len(set(_numbers())) == 10
    assert len(_emails(store / "outbox")) == 10
    admin.get("/admin/jobs")
    admin.post("/admin/jobs/run_billing/run", {})  # again: nothing more
    assert len(_numbers()) == 10 and len(_emails(store / "outbox")) == 10
    listing = admin.get("/admin/invoices").body.decode()
    assert "Acme Facilities" in listing and "Pacific Labs" in listing
