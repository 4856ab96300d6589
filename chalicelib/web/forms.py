"""Reading form posts: url-encoded, or multipart/form-data when the form uploads files.

Anything else is a clear 415. A multipart body is parsed once per request; the page gets the
text fields through `parse_form` (as for any form) and the files through `uploaded_files`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl
from weakref import WeakKeyDictionary

from chalice.app import Request

from chalicelib.domain.errors import UnsupportedMediaType, ValidationError
from chalicelib.web.uploads import MULTIPART, PayloadTooLarge, UploadedFile, parse_multipart

__all__ = ["PayloadTooLarge", "UploadedFile", "parse_form", "parse_form_with_files", "uploaded_files"]

MAX_FORM_BYTES = 64 * 1024
URLENCODED = "application/x-www-form-urlencoded"

_parsed: WeakKeyDictionary[Request, tuple[dict[str, str], list[UploadedFile]]] = WeakKeyDictionary()


def parse_form(request: Request) -> dict[str, str]:
    return parse_form_with_files(request)[0]


def uploaded_files(request: Request) -> list[UploadedFile]:
    return parse_form_with_files(request)[1]


def parse_form_with_files(request: Request) -> tuple[dict[str, str], list[UploadedFile]]:
    if request in _parsed:
        return _parsed[request]
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type == URLENCODED:
        result: tuple[dict[str, str], list[UploadedFile]] = (_parse_urlencoded(request), [])
    elif content_type == MULTIPART:
        result = parse_multipart(request)
    else:
        raise UnsupportedMediaType(
            f"forms must be sent as {URLENCODED} (or {MULTIPART} with files), not {content_type or 'nothing'}"
        )
    _parsed[request] = result
    return result


def _parse_urlencoded(request: Request) -> dict[str, str]:
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > MAX_FORM_BYTES:
        raise PayloadTooLarge(f"the form is larger than {MAX_FORM_BYTES // 1024} KiB")
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise ValidationError("the form is not valid UTF-8") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        # Repeated keys (checkbox groups) are joined with commas; single values stay as sent.
        form[key] = f"{form[key]},{value}" if key in form else value
    return form
