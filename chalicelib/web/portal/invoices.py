"""/portal/<token>/invoices/<id>/pdf: an issued invoice, credit note or pro-forma of the link's customer
as a PDF download, from the stored rendering (rendered once on first download, never again).

A portal link downloads any of its customer's issued documents; a payment link only its own invoice.
The answer carries the portal's privacy headers (no-store, no-referrer, no framing). A client whose
Accept header admits no PDF (API Gateway passes binary bodies only then) gets a page with the link.
"""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.links import Scope
from chalicelib.web.portal import owned
from chalicelib.web.portal.access import PortalContext, portal_headers

PDF = "application/pdf"


def _accepts_pdf(accept: str) -> bool:
    kinds = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return bool(kinds & {PDF, "*/*", "application/*"})


def pdf(ctx: PortalContext) -> Response:
    from chalicelib import bootstrap
    from chalicelib.services.invoice_pdf import invoice_pdf, pdf_filename
    from chalicelib.web.pdf_response import pdf_response

    invoice_id = ctx.params.get("invoice_id", "")
    if ctx.link.scope is Scope.INVOICE_PAYMENT and (
        ctx.link.subject_type != "invoice" or invoice_id != ctx.link.subject_id
    ):
        raise owned.NotYours("not found")
    invoice = owned.invoice(ctx, invoice_id)
    if not _accepts_pdf(ctx.request.headers.get("accept") or ""):
        return ctx.render(
            "portal/invoice_pdf.html",
            title=ctx.t["ov_pdf_title"].format(number=invoice.number),
            download_url=ctx.url(f"invoices/{invoice.id}/pdf"),
            download_label=ctx.t["ov_pdf_download"],
        )
    data = invoice_pdf(
        invoice,
        blobs=bootstrap.blobs(),
        renderer=bootstrap.pdf_renderer(),
        settings=ctx.settings,
        customer=ctx.customer,
    )
    response = pdf_response(data, pdf_filename(invoice))
    disposition = str(response.headers["Content-Disposition"]).replace("inline;", "attachment;", 1)
    response.headers.update({**portal_headers(), "Content-Disposition": disposition})
    return response
