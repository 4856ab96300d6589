"""PDF rendering: real WeasyPrint output, looked at through pdftoppm."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

from chalicelib.adapters.pdf import PdfRenderer

REPO = Path(__file__).resolve().parents[2]

INVOICE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><style>
  @page { size: A4; margin: 2cm; }
  body { font-family: sans-serif; font-size: 11pt; }
  table { width: 100%; border-collapse: collapse; }
  td, th { border: 1px solid #333; padding: 4px; }
  td.amount { text-align: right; }
</style></head><body>
  <h1>Счёт № INV-2027-0001</h1>
  <p>Покупатель: ООО «Ромашка», Москва</p>
  <table>
    <tr><th>Description</th><th>Period</th><th>Amount</th></tr>
    <tr><td>Service contract “Gold”</td><td>2027-01</td><td class="amount">1 200,00 €</td></tr>
    <tr><td>Обслуживание</td><td>2027-01</td><td class="amount">300,00 €</td></tr>
    <tr><th colspan="2">Total</th><td class="amount">1 500,00 €</td></tr>
  </table>
</body></html>"""


def test_importing_the_renderer_does_not_load_weasyprint() -> None:
    # WeasyPrint costs ~0.6 s of Lambda cold start; only requests that render a PDF should pay it.
    result = subprocess.run(
        [sys.executable, "-c", "import chalicelib.adapters.pdf, sys; print('weasyprint' in sys.modules)"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "False"


def test_invoice_html_renders_to_a_one_page_pdf(tmp_path: Path) -> None:
    pdf = PdfRenderer().render(INVOICE)

    assert pdf.startswith(b"%PDF-")
    (tmp_path / "invoice.pdf").write_bytes(pdf)
    subprocess.run(
        ["/usr/bin/pdftoppm", "-png", "-r", "50", str(tmp_path / "invoice.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert [p.name for p in pages] == ["page-1.png"]
    with Image.open(pages[0]) as image:
        # A4 at 50 dpi is about 413 x 585 pixels.
        assert abs(image.width - 413) <= 1 and abs(image.height - 585) <= 1
        grey = image.convert("L")
        inked = sum(grey.histogram()[:128])
    # Heading, table borders and text leave dark pixels; a blank or failed page would have none.
    assert inked > 1000


def test_cyrillic_text_is_embedded_as_text() -> None:
    pdf = PdfRenderer().render(INVOICE)

    text = _pdf_text(pdf)

    assert "Счёт № INV-2027-0001" in text
    assert "Обслуживание" in text
    assert "1 500,00 €" in text


def test_identical_html_renders_to_identical_bytes() -> None:
    # Stored invoices can then be checked against a re-render, and caches keyed by content hash work.
    renderer = PdfRenderer()

    assert renderer.render(INVOICE) == renderer.render(INVOICE)


def _pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())
