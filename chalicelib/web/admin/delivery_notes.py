"""An order's delivery note as a PDF (S13), from the order page."""

from __future__ import annotations

from chalice import Response

from chalicelib import bootstrap
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PageContext, admin_page
from chalicelib.web.pdf_response import pdf_response


@admin_page("/orders/{order_id}/delivery-note", permission=Permission.VIEW_CONTRACTS)
def delivery_note_download(ctx: PageContext, order_id: str) -> Response:
    from chalicelib.services.delivery_note_pdf import delivery_note_filename, delivery_note_pdf
    from chalicelib.store import orders

    order = orders.get(order_id)
    data = delivery_note_pdf(
        order, renderer=bootstrap.pdf_renderer(), today=ctx.now.date(), settings=ctx.settings
    )
    return pdf_response(data, delivery_note_filename(order))
