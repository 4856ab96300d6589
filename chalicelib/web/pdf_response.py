"""A PDF download. application/pdf is among app.api.binary_types, so API Gateway passes it as bytes."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Response

PDF = "application/pdf"


def pdf_response(data: bytes, filename: str) -> Response:
    """Shown in the browser's viewer (inline); saved under `filename`."""
    disposition = f"inline; filename=\"{filename}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(
        body=data,
        status_code=200,
        headers={
            "Content-Type": PDF,
            "Content-Disposition": disposition,
            "Content-Length": str(len(data)),
            "Cache-Control": "private, no-store",
        },
    )
