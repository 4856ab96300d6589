"""multipart/form-data bodies: text fields and uploaded files, with the size limit checked first.

Locally (chalice local, the test client) the body arrives as raw bytes. Behind API Gateway the
body is passed through as bytes only if "multipart/form-data" is in app.api.binary_types;
Chalice then base64-decodes it and `request.raw_body` is the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalice.app import Request

if TYPE_CHECKING:
    from email.message import Message

from chalicelib.domain.documents import MAX_DOCUMENT_BYTES, MAX_DOCUMENT_LABEL, TYPES
from chalicelib.domain.errors import DomainError, ValidationError

MULTIPART = "multipart/form-data"
# What app.py adds to app.api.binary_types: upload bodies, and the document types Chalice does not
# already treat as binary. Text types stay out: other pages answer text/csv with str bodies, which
# Chalice cannot base64-encode; text documents are downloaded as application/octet-stream instead.
BINARY_TYPES = [MULTIPART, *sorted({t for t, _ in TYPES.values() if not t.startswith("text/")})]
# Room for the other fields and the part headers around one file of the maximum size.
MAX_MULTIPART_BYTES = MAX_DOCUMENT_BYTES + 64 * 1024


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


@dataclass(frozen=True)
class UploadedFile:
    field: str
    filename: str
    content_type: str
    data: bytes


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"the upload is larger than the {MAX_DOCUMENT_LABEL} limit; nothing was stored")


def check_declared_length(request: Request, limit: int = MAX_MULTIPART_BYTES) -> None:
    """Refuses on the Content-Length header alone, before the body is touched."""
    declared = (request.headers.get("content-length") or "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise too_large()


def parse_multipart(request: Request) -> tuple[dict[str, str], list[UploadedFile]]:
    check_declared_length(request)
    content_type = request.headers.get("content-type") or ""
    if "boundary=" not in content_type:
        raise ValidationError("the upload has no multipart boundary; send it from the form")
    raw = request.raw_body or b""
    body = raw.encode() if isinstance(raw, str) else raw
    if len(body) > MAX_MULTIPART_BYTES:
        raise too_large()
    return parse_body(content_type, body)


def parse_body(content_type: str, body: bytes) -> tuple[dict[str, str], list[UploadedFile]]:
    # The email parser reads MIME multiparts; prefixing the Content-Type header makes the body one.
    # The email package parses multipart; imported here, as only uploads need it.
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise ValidationError("the upload is not a valid multipart form")
    fields: dict[str, str] = {}
    files: list[UploadedFile] = []
    for part in message.iter_parts():
        name = _param(part, "name")
        if not name:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = _param(part, "filename")
        if filename is not None:
            if filename or data:  # an empty file input sends filename="" and no bytes
                files.append(UploadedFile(name, filename, part.get_content_type(), data))
            continue
        try:
            value = data.decode(part.get_content_charset() or "utf-8")
        except (UnicodeDecodeError, LookupError):
            raise ValidationError(f"the field {name} is not valid UTF-8", field=name) from None
        # Repeated names (checkbox groups) are joined with commas, as for url-encoded forms.
        fields[name] = f"{fields[name]},{value}" if name in fields else value
    return fields, files


def _param(part: Message, name: str) -> str | None:
    value = part.get_param(name, header="content-disposition")
    if value is None:
        return None
    if isinstance(value, tuple):  # RFC 2231 encoded (charset, language, text)
        from email.utils import collapse_rfc2231_value

        return collapse_rfc2231_value(value)
    return str(value)
