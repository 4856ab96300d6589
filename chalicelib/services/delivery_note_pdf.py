"""A delivery note for an order (S13): what was delivered, with serial numbers and installation sites.

Rendered on each request and not kept: unlike an issued invoice, the items it lists (serials,
sites) may still be corrected. Reads the customer, the order's items and their addresses (one
batch each).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.adapters.pdf import PdfRenderer
from chalicelib.config import Settings
from chalicelib.domain.addresses import Address
from chalicelib.domain.document_format import DocumentFormat
from chalicelib.domain.document_labels import document_locale, labels
from chalicelib.domain.items import Item
from chalicelib.domain.orders import Order
from chalicelib.services.document_parties import address_lines, customer_party, logo_uri, our_company

TEMPLATE = "documents/delivery_note.html"


def delivery_note_filename(order: Order) -> str:
    return f"delivery-note-{order.number}.pdf"


def delivery_note_pdf(
    order: Order, *, renderer: PdfRenderer, today: date, settings: Settings | None = None
) -> bytes:
    return renderer.render(delivery_note_html(order, today=today, settings=settings))


def delivery_note_html(order: Order, *, today: date, settings: Settings | None = None) -> str:
    from chalicelib.store import addresses, customers, items
    from chalicelib.web.render import render

    if settings is None:
        from chalicelib import bootstrap

        settings = bootstrap.settings()
    customer = customers.get(order.customer_id)
    found = {i.id: i for i in items.get_many([i for line in order.lines for i in line.item_ids])}
    sites = addresses.get_many(
        [customer.address_id or "", *(i.install_address_id or "" for i in found.values())]
    )
    locale = document_locale(customer.locale)
    words = labels(locale)
    fmt = DocumentFormat(locale, order.currency)
    view: dict[str, Any] = {
        "lang": locale,
        "labels": words,
        "title": words["delivery_note"],
        "subtitle": "",
        "draft": False,
        "number": order.number,
        "logo": logo_uri(settings.company_logo),
        "supplier": our_company(settings, words),
        "customer": customer_party(customer, sites.get(customer.address_id or ""), words, fmt),
        "facts": [(words["order"], order.number), (words["date"], fmt.day(today))],
        "lines": [
            {
                "description": line.description,
                "quantity": f"{fmt.quantity(line.quantity)} {line.unit}".strip(),
                "items": [_item_row(found[i], sites, fmt) for i in line.item_ids if i in found],
            }
            for line in order.lines
        ],
    }
    return render(TEMPLATE, **view)


def _item_row(item: Item, sites: dict[str, Address], fmt: DocumentFormat) -> dict[str, str]:
    site = sites.get(item.install_address_id or "")
    where = ", ".join(address_lines(site, fmt)) if site else ""
    return {
        "serial": item.serial,
        "model": item.model,
        "site": f"{site.label}: {where}" if site and site.label else where,
    }
