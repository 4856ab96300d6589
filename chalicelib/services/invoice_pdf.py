"""An invoice, credit note or pro-forma as a PDF in the customer's language.

An issued document never changes (X2), so it is rendered once and kept in the blob store; every
later download (admin page, API, the invoice email) reads those bytes and renders nothing. A
draft is rendered on each request and never kept: it still changes.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.adapters.blobs import BlobNotFound, BlobStore
from chalicelib.adapters.pdf import PdfRenderer
from chalicelib.config import Settings
from chalicelib.domain.addresses import Address
from chalicelib.domain.customer import Customer
from chalicelib.domain.document_format import DocumentFormat
from chalicelib.domain.document_labels import document_locale, labels, translated_note
from chalicelib.domain.invoices import Invoice
from chalicelib.services.document_parties import customer_party, logo_uri, our_company

PDF = "application/pdf"
TEMPLATE = "documents/invoice.html"


def blob_key(invoice_id: str) -> str:
    return f"documents/invoices/{invoice_id}.pdf"


def pdf_filename(invoice: Invoice) -> str:
    """ "INV-2027-000001.pdf"; a draft has no number yet: "draft-<id>.pdf"."""
    name = invoice.number or f"draft-{invoice.id}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") + ".pdf"


def invoice_pdf(
    invoice: Invoice,
    *,
    blobs: BlobStore,
    renderer: PdfRenderer,
    settings: Settings | None = None,
    customer: Customer | None = None,
) -> bytes:
    """The document's PDF: an issued one from the blob store once rendered, a draft rendered afresh."""
    keep = invoice.status == "issued"
    if keep:
        try:
            return blobs.get(blob_key(invoice.id))
        except BlobNotFound:
            pass
    pdf = renderer.render(invoice_html(invoice, settings=settings, customer=customer))
    if keep:
        blobs.put(blob_key(invoice.id), pdf, PDF)
    return pdf


def invoice_html(
    invoice: Invoice,
    *,
    settings: Settings | None = None,
    customer: Customer | None = None,
    address: Address | None = None,
) -> str:
    """The document's HTML, self-contained (stylesheet and logo inline). Reads the customer and its
    address unless given, and for a credit note the number of the invoice it corrects."""
    from chalicelib.web.render import render

    if settings is None:
        from chalicelib import bootstrap

        settings = bootstrap.settings()
    if customer is None:
        from chalicelib.store import customers

        customer = customers.get(invoice.customer_id)
    if address is None and customer.address_id:
        from chalicelib.store import addresses

        address = addresses.get_many([customer.address_id]).get(customer.address_id)
    return render(TEMPLATE, **_view(invoice, customer, address, settings))


def _corrected_number(invoice: Invoice) -> str:
    """A credit note carries the number of the invoice it corrects as its reference (no read)."""
    if invoice.kind != "credit_note" or not invoice.credits_id:
        return ""
    return invoice.reference or invoice.credits_id


def _view(
    invoice: Invoice, customer: Customer, address: Address | None, settings: Settings
) -> dict[str, Any]:
    locale = document_locale(customer.locale)
    words = labels(locale)
    fmt = DocumentFormat(locale, invoice.currency)
    kind = invoice.kind if invoice.kind in ("credit_note", "proforma") else "invoice"
    subtitle = ""
    if kind == "credit_note" and (corrected := _corrected_number(invoice)):
        subtitle = words["corrects"].format(number=corrected)
    elif kind == "proforma":
        subtitle = words["not_tax_document"]
    facts = [
        (words["number"], invoice.number or words["draft"]),
        (words["issue_date"], fmt.day(invoice.issue_date)),
        (words["due_date"], fmt.day(invoice.due_date) if kind != "credit_note" else ""),
        (words["period"], fmt.span(invoice.period.start, invoice.period.end) if invoice.period else ""),
        (words["reference"], invoice.reference if kind != "credit_note" else ""),
    ]
    payable = kind != "credit_note" and invoice.total_minor > 0 and bool(settings.bank_iban)
    return {
        "lang": locale,
        "labels": words,
        "title": words[kind],
        "subtitle": subtitle,
        "draft": invoice.is_draft,
        "number": invoice.number,
        "logo": logo_uri(settings.company_logo),
        "supplier": our_company(settings, words),
        "customer": customer_party(customer, address, words, fmt),
        "facts": [(label, value) for label, value in facts if value],
        "lines": [
            {
                "description": line.description,
                "detail": line.detail,
                "dates": fmt.span(line.service_start, line.service_end),
                "quantity": fmt.quantity(line.quantity),
                "unit_price": fmt.money(line.unit_price_minor),
                "amount": fmt.money(line.amount_minor),
            }
            for line in invoice.lines
        ],
        "taxes": [
            {"rate": fmt.percent(g.rate_bp), "net": fmt.money(g.net_minor), "tax": fmt.money(g.tax_minor)}
            for g in invoice.taxes
        ],
        "tax_inclusive": invoice.tax_inclusive,
        "totals": [
            (words["total_net"], fmt.money(invoice.net_minor)),
            (words["total_tax"], fmt.money(invoice.tax_minor)),
        ],
        "total": (
            words["total_credited" if kind == "credit_note" else "total_due"],
            fmt.money(invoice.total_minor),
        ),
        "payment": _payment(settings, words, invoice.number) if payable else [],
        "note": translated_note(invoice.note, locale),
    }


def _payment(settings: Settings, words: dict[str, str], number: str) -> list[tuple[str, str]]:
    rows = [
        (words["bank"], settings.bank_name),
        (words["iban"], settings.bank_iban),
        (words["bic"], settings.bank_bic),
        (words["payment_reference"], number or words["draft"]),
    ]
    return [(label, value) for label, value in rows if value]
