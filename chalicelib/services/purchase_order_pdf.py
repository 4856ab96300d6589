"""A purchase order as a PDF (S13), in the vendor's language: what we buy, at what cost, delivered where.

Rendered on each request and not kept: a draft still changes, and a sent one is fixed in its record.
Reads the vendor, the customer order it supplies and the two addresses (one batch).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.adapters.pdf import PdfRenderer
from chalicelib.config import Settings
from chalicelib.domain.document_format import DocumentFormat
from chalicelib.domain.document_labels import document_locale, labels
from chalicelib.domain.purchase_orders import PurchaseOrder
from chalicelib.services.document_parties import address_lines, customer_party, logo_uri, our_company

TEMPLATE = "documents/purchase_order.html"


def purchase_order_filename(po: PurchaseOrder) -> str:
    return f"purchase-order-{po.number or 'draft-' + po.id[:8]}.pdf"


def purchase_order_pdf(
    po: PurchaseOrder, *, renderer: PdfRenderer, today: date, settings: Settings | None = None
) -> bytes:
    return renderer.render(purchase_order_html(po, today=today, settings=settings))


def purchase_order_html(po: PurchaseOrder, *, today: date, settings: Settings | None = None) -> str:
    from chalicelib.store import addresses, customers, orders
    from chalicelib.web.render import render

    if settings is None:
        from chalicelib import bootstrap

        settings = bootstrap.settings()
    vendor = customers.get(po.vendor_id)
    order = orders.get(po.order_id) if po.order_id else None
    sites = addresses.get_many([vendor.address_id or "", po.deliver_to_id])
    locale = document_locale(vendor.locale)
    words = labels(locale)
    fmt = DocumentFormat(locale, po.currency)
    site = sites.get(po.deliver_to_id)
    facts = [(words["date"], fmt.day(po.sent_at.date() if po.sent_at else today))]
    if po.expected_date:
        facts.append((words["expected_date"], fmt.day(po.expected_date)))
    if order is not None:
        facts.append((words["customer_order"], order.number))
    view: dict[str, Any] = {
        "lang": locale,
        "labels": words,
        "title": words["purchase_order"],
        "subtitle": "",
        "draft": po.is_draft,
        "number": po.number,
        "logo": logo_uri(settings.company_logo),
        "supplier": our_company(settings, words),
        "customer": customer_party(vendor, sites.get(vendor.address_id or ""), words, fmt),
        "facts": facts,
        "lines": [
            {
                "description": line.description,
                "quantity": f"{fmt.quantity(line.quantity)} {line.unit}".strip(),
                "unit_cost": fmt.money(line.unit_cost_minor),
                "amount": fmt.money(line.amount_minor),
            }
            for line in po.lines
        ],
        "total": fmt.money(po.total_minor),
        "deliver_to": ([site.label] if site and site.label else []) + list(address_lines(site, fmt)),
        "delivery_notes": po.delivery_notes,
    }
    return render(TEMPLATE, **view)
