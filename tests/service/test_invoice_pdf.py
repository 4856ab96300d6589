"""Invoice, credit note, pro-forma and delivery note PDFs: real WeasyPrint, read back with pdftotext.

The customer and its address come from DynamoDB Local; the PDFs are checked for what a reader sees:
the number, the customer, the amounts and dates in the customer's language.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.adapters.blobs import LocalBlobStore
from chalicelib.adapters.pdf import PdfRenderer
from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.billing import InvoiceLine
from chalicelib.domain.contracts import Line
from chalicelib.domain.customer import Customer
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.orders import Order
from chalicelib.domain.periods import Period
from chalicelib.domain.tax import REVERSE_CHARGE_NOTE, TaxGroup
from chalicelib.services.delivery_note_pdf import delivery_note_pdf
from chalicelib.services.invoice_pdf import blob_key, invoice_html, invoice_pdf, pdf_filename
from chalicelib.services.manage_addresses import create_address
from chalicelib.services.manage_catalogue import create_product
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_items import register_item
from chalicelib.store import invoices, orders, records

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class CountingRenderer(PdfRenderer):
    """The real renderer, counting how often it runs."""

    def __init__(self) -> None:
        super().__init__()
        self.renders = 0

    def render(self, html: str, *, base_url: str | None = None) -> bytes:
        self.renders += 1
        return super().render(html, base_url=base_url)


def pdf_text(pdf: bytes) -> str:
    """What a reader sees, with babel's narrow and no-break spaces made plain and runs of space folded.

    Small headings are set in capitals by the stylesheet: compare labels with `sees`."""
    assert pdf.startswith(b"%PDF-")
    raw = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return re.sub(r"[ \t\u00a0\u202f]+", " ", raw)


def sees(text: str, *expected: str) -> bool:
    return all(e.casefold() in text.casefold() for e in expected)


@pytest.fixture
def blobs(store: Path) -> LocalBlobStore:
    return LocalBlobStore(store / "blobs")


@pytest.fixture
def renderer() -> CountingRenderer:
    return CountingRenderer()


def make_customer(locale: str = "sk", name: str = "Acme s.r.o.", tax_id: str = "") -> Customer:
    address = create_address(
        {"line1": "Mlynské nivy 5", "postcode": "821 09", "city": "Bratislava", "country": "SK"},
        actor=SYSTEM,
        now=NOW,
    )
    data = {"name": name, "country": "SK", "currency": "EUR", "locale": locale, "address_id": address.id}
    return create_customer({**data, "tax_id": tax_id} if tax_id else data, actor=SYSTEM, now=NOW)


def make_invoice(customer: Customer, **changes: object) -> Invoice:
    """1,028.80 net + 20 % VAT = 1,234.56, for November 2026."""
    lines = (
        InvoiceLine(
            "Boiler care",
            Decimal(1),
            102880,
            102880,
            "recurring",
            service_start=date(2026, 11, 1),
            service_end=date(2026, 12, 1),
            detail="Serial VX-2231 · boiler room, Mlynské nivy 5",
        ),
    )
    invoice = Invoice(
        id=f"contract-{customer.id[:8]}:2026-11-01",
        customer_id=customer.id,
        contract_id=f"contract-{customer.id[:8]}",
        currency="EUR",
        series="default",
        status="issued",
        period=Period(date(2026, 11, 1), date(2026, 12, 1)),
        lines=lines,
        created_at=NOW,
        issue_date=date(2026, 11, 23),
        due_date=date(2026, 12, 7),
        number="INV-2026-000042",
        taxes=(TaxGroup(2000, "VAT 20 %", 102880, 20576),),
        reference="PO-7781",
    )
    return replace(invoice, **changes)  # type: ignore[arg-type]


def stored(invoice: Invoice) -> Invoice:
    records.commit(records.Change().save(invoices.to_item(invoice)))
    return invoice


def test_an_issued_slovak_invoice_reads_in_slovak_and_is_rendered_once(blobs, renderer) -> None:
    invoice = make_invoice(make_customer("sk"))
    first = invoice_pdf(invoice, blobs=blobs, renderer=renderer)
    text = pdf_text(first)
    for expected in (
        "Faktúra",
        "INV-2026-000042",
        "Acme s.r.o.",
        "Mlynské nivy 5",
        "821 09 Bratislava",
        "Slovensko",
        "Dátum vystavenia",
        "23. 11. 2026",
        "7. 12. 2026",
        "1. 11. 2026 – 30. 11. 2026",
        "PO-7781",
        "Serial VX-2231",
        "Rekapitulácia DPH",
        "20 %",
        "1 028,80 €",
        "205,76 €",
        "Celkom k úhrade",
        "1 234,56 €",
        "SK31 1200 0000 1987 4263 7541",
        "Referencia platby",
        "Strana 1 / 1",
    ):
        assert sees(text, expected), expected
    assert "DRAFT" not in text and "NÁVRH" not in text
    # A repeat download (page, API, email) reads the kept file: the same bytes, no second render.
    assert invoice_pdf(invoice, blobs=blobs, renderer=renderer) == first
    assert renderer.renders == 1
    assert blobs.get(blob_key(invoice.id)) == first
    assert blob_key(invoice.id) == f"documents/invoices/{invoice.id}.pdf"
    # The renderer keeps fonts and images between renders; the file is what plain WeasyPrint makes.
    from weasyprint import HTML

    assert HTML(string=invoice_html(invoice)).write_pdf() == first


@pytest.mark.parametrize(
    ("locale", "title", "total_label", "total"),
    [
        ("fr", "Facture", "Total à payer", "1 234,56 €"),
        ("en", "Invoice", "Total due", "€1,234.56"),
        ("ru", "Счёт-фактура", "Итого к оплате", "1 234,56 €"),
        ("uk", "Рахунок-фактура", "Разом до сплати", "1 234,56 EUR"),
    ],
)
def test_labels_amounts_and_dates_follow_the_customers_locale(
    blobs, renderer, locale: str, title: str, total_label: str, total: str
) -> None:
    name = "ООО Ясень" if locale in ("ru", "uk") else "Acme SARL"
    text = pdf_text(invoice_pdf(make_invoice(make_customer(locale, name)), blobs=blobs, renderer=renderer))
    assert sees(text, title, total_label, total, name)


def test_a_reverse_charge_invoice_prints_the_note_in_the_customers_language(blobs, renderer) -> None:
    note = REVERSE_CHARGE_NOTE.format(tax_id="CZ12345678")
    zero = (TaxGroup(0, "Reverse charge", 102880, 0),)
    english = make_invoice(make_customer("en", "Prague Boilers", "CZ12345678"), taxes=zero, note=note)
    text = pdf_text(invoice_pdf(english, blobs=blobs, renderer=renderer))
    assert note in text and "Tax ID: CZ12345678" in text and "€1,028.80" in text and "0%" in text
    slovak = replace(
        english, id="other:2026-11-01", customer_id=make_customer("sk", "Pražské kotly", "CZ1").id
    )
    text = pdf_text(invoice_pdf(slovak, blobs=blobs, renderer=renderer))
    assert "Prenesenie daňovej povinnosti: DPH odvedie odberateľ (IČ DPH CZ12345678)." in text


def test_a_draft_is_marked_and_rendered_afresh_each_time_never_kept(blobs, renderer) -> None:
    draft = make_invoice(make_customer("en"), status="draft", number="", issue_date=None, due_date=None)
    text = pdf_text(invoice_pdf(draft, blobs=blobs, renderer=renderer))
    assert "DRAFT" in text and "Boiler care" in text and "€1,234.56" in text
    invoice_pdf(draft, blobs=blobs, renderer=renderer)
    assert renderer.renders == 2
    assert not blobs.exists(blob_key(draft.id))
    assert pdf_filename(draft) == f"draft-{draft.id.replace(':', '-')}.pdf"


def test_a_credit_note_names_the_invoice_it_corrects_and_asks_for_no_payment(blobs, renderer) -> None:
    customer = make_customer("en")
    corrected = stored(make_invoice(customer))
    credit = make_invoice(
        customer,
        id="credit-1",
        kind="credit_note",
        number="CN-2026-000001",
        credits_id=corrected.id,
        due_date=None,
        reference=corrected.number,  # as domain.invoice_documents.credit_note makes it
    )
    text = pdf_text(invoice_pdf(credit, blobs=blobs, renderer=renderer))
    assert "Credit note" in text and "CN-2026-000001" in text
    assert "Corrects invoice INV-2026-000042" in text and "Total credited" in text and "€1,234.56" in text
    assert not sees(text, "Payment details") and "IBAN" not in text
    assert pdf_filename(credit) == "CN-2026-000001.pdf"


def test_a_pro_forma_says_it_is_not_a_tax_document(blobs, renderer) -> None:
    proforma = make_invoice(make_customer("en"), kind="proforma", number="PF-2026-000007")
    text = pdf_text(invoice_pdf(proforma, blobs=blobs, renderer=renderer))
    assert "Pro-forma invoice" in text and "Not a tax document" in text and "PF-2026-000007" in text
    assert sees(text, "Payment details", "Payment reference")


def test_an_unknown_locale_falls_back_to_english(store) -> None:
    customer = replace(make_customer("en"), locale="de")
    html = invoice_html(make_invoice(customer), customer=customer)
    assert 'lang="en"' in html and "Total due" in html and "€1,234.56" in html and "Nov 23, 2026" in html


def test_a_delivery_note_lists_serial_numbers_and_installation_sites(renderer) -> None:
    customer = make_customer("sk", "Kotolňa s.r.o.")
    product = create_product({"code": "BOIL", "name": "Boiler"}, actor=SYSTEM, now=NOW)
    site = create_address(
        {"label": "Kotolňa", "line1": "Hlavná 3", "postcode": "040 01", "city": "Košice", "country": "SK"},
        actor=SYSTEM,
        now=NOW,
    )
    items = [
        register_item(
            {
                "product_id": product.id,
                "serial": serial,
                "owner_id": customer.id,
                "install_address_id": site.id,
            },
            actor=SYSTEM,
            now=NOW,
        )
        for serial in ("SN-0001", "SN-0002")
    ]
    order = Order(
        id="0123456789abcdef",
        customer_id=customer.id,
        quote_id="quote-1",
        currency="EUR",
        lines=(
            Line(
                "l1",
                product.id,
                "Condensing boiler 24 kW",
                Decimal(2),
                150000,
                item_ids=tuple(i.id for i in items),
            ),
            Line("l2", product.id, "Installation", Decimal(1), 30000, unit="h"),
        ),
        created_at=NOW,
    )
    orders.save(None, order, SYSTEM.entry("order", order.id, "order.created", NOW))
    text = pdf_text(delivery_note_pdf(orders.get(order.id), renderer=renderer, today=date(2026, 11, 23)))
    for expected in (
        "Dodací list",
        "O-01234567",
        "Kotolňa s.r.o.",
        "23. 11. 2026",
        "Condensing boiler 24 kW",
        "SN-0001",
        "SN-0002",
        "Kotolňa: Hlavná 3, 040 01 Košice, Slovensko",
        "Výrobné čísla",
        "Miesto inštalácie",
        "Prevzal",
    ):
        assert sees(text, expected), expected
    assert "1 500,00" not in text  # a delivery note carries no prices
