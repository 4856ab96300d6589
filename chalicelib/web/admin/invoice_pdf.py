"""An invoice, credit note or pro-forma as a PDF, from its admin page."""

from __future__ import annotations

from chalice import Response

from chalicelib import bootstrap
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PageContext, admin_page
from chalicelib.web.pdf_response import pdf_response


@admin_page("/invoices/{invoice_id}/pdf", permission=Permission.VIEW_INVOICES)
def invoice_pdf_download(ctx: PageContext, invoice_id: str) -> Response:
    # WeasyPrint, babel and the document code load only when a PDF is asked for.
    from chalicelib.services.invoice_pdf import invoice_pdf, pdf_filename
    from chalicelib.store import invoices

    invoice = invoices.get(invoice_id)
    data = invoice_pdf(
        invoice, blobs=bootstrap.blobs(), renderer=bootstrap.pdf_renderer(), settings=ctx.settings
    )
    return pdf_response(data, pdf_filename(invoice))
