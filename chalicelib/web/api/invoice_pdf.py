"""An invoice's PDF over the API: base64 in JSON, as document contents are (web/api/documents.py).

The API answers JSON only; a binary body would need the client's Accept header to name PDF.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.routing import ApiContext, endpoint

PDF_CONTENT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "filename": {"type": "string", "examples": ["INV-2027-000001.pdf"]},
        "content_type": {"type": "string", "const": "application/pdf"},
        "content_base64": {"type": "string", "contentEncoding": "base64"},
    },
}


@endpoint(
    "/invoices/{invoice_id}/pdf",
    "GET",
    summary="An invoice, credit note or pro-forma as a PDF in the customer's language, base64 in JSON. "
    "An issued document is rendered once and the same file returned after that",
    scope=ApiScope.INVOICES_READ,
    response_schema=PDF_CONTENT,
)
def get_invoice_pdf(ctx: ApiContext, invoice_id: str) -> dict[str, Any]:
    import base64

    from chalicelib import bootstrap
    from chalicelib.services.invoice_pdf import PDF, invoice_pdf, pdf_filename
    from chalicelib.store import invoices

    invoice = invoices.get(invoice_id)
    data = invoice_pdf(invoice, blobs=bootstrap.blobs(), renderer=bootstrap.pdf_renderer())
    return {
        "filename": pdf_filename(invoice),
        "content_type": PDF,
        "content_base64": base64.b64encode(data).decode("ascii"),
    }
