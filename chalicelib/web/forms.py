"""Reading form posts: url-encoded only for now; anything else is a clear 415."""

from __future__ import annotations

from urllib.parse import parse_qsl

from chalice.app import Request

from chalicelib.domain.errors import DomainError, UnsupportedMediaType, ValidationError

MAX_FORM_BYTES = 64 * 1024


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


def parse_form(request: Request) -> dict[str, str]:
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise UnsupportedMediaType(
            f"forms must be sent as application/x-www-form-urlencoded, not {content_type or 'nothing'}"
        )
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
