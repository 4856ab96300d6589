"""Webhooks other services call: POST /webhooks/stripe.

No session, no CSRF, no API key: Stripe proves itself by signing the raw body with the endpoint's
secret (Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256 of "t.body">). Anything unsigned, wrongly
signed, older than five minutes or not an event gets a 400 and changes nothing. The route accepts
any content type, so a wrong one gets this clear 400 instead of Chalice's 415. Behind API Gateway an
application/json body arrives as text and Chalice's raw_body re-encodes it as UTF-8: the same bytes
Stripe signed.
"""

from __future__ import annotations

import logging

from chalice import Blueprint, Response

from chalicelib.web.responses import json_error, json_response

bp = Blueprint(__name__)
log = logging.getLogger(__name__)

SIGNATURE_HEADER = "stripe-signature"
TOLERANCE_SECONDS = 300


class BadWebhook(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def verified_body(body: bytes, header: str | None, secret: str) -> bytes:
    """The body, once its Stripe signature is checked with `secret` (stripe.WebhookSignature)."""
    if not secret.strip():
        log.error("a Stripe webhook arrived but CRM_STRIPE_WEBHOOK_SECRET is not set")
        raise BadWebhook(
            "webhook_not_configured",
            "no webhook signing secret is configured (CRM_STRIPE_WEBHOOK_SECRET): the event was not accepted",
        )
    if not header:
        raise BadWebhook("missing_signature", "the Stripe-Signature header is missing")
    from stripe import SignatureVerificationError, WebhookSignature  # ~0.3 s: only when a webhook comes

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadWebhook("invalid_body", "the body is not UTF-8 text") from None
    try:
        WebhookSignature.verify_header(text, header, secret, tolerance=TOLERANCE_SECONDS)
    except SignatureVerificationError as error:
        raise BadWebhook("invalid_signature", _reason(str(error))) from None
    return body


def _reason(library_message: str) -> str:
    if "tolerance" in library_message:
        return f"the signature is more than {TOLERANCE_SECONDS} s old: a replayed or delayed request"
    if "expected signature" in library_message:
        return "the signature does not match the body: a wrong secret, or the body was changed"
    return "the Stripe-Signature header cannot be read (expected t=<time>,v1=<signature>)"


@bp.route("/stripe", methods=["POST"], content_types=["*/*"])
def stripe_webhook() -> Response:
    from chalicelib import bootstrap
    from chalicelib.domain.errors import ValidationError
    from chalicelib.domain.stripe_event_log import parse_event
    from chalicelib.services.receive_stripe_event import receive

    request = bp.current_request
    now = bootstrap.utcnow()
    raw = request.raw_body or b""
    body = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    secret = bootstrap.settings().stripe_webhook_secret
    try:
        event = parse_event(verified_body(body, request.headers.get(SIGNATURE_HEADER), secret))
    except BadWebhook as error:
        log.warning("refused a Stripe webhook: %s", error.message)
        return json_error(400, error.code, error.message)
    except ValidationError as error:
        return json_error(400, "invalid_event", error.message, field=error.field)
    try:
        receipt = receive(event, now=now)
    except Exception:
        log.exception("storing or processing Stripe event %s failed", event["id"])
        return json_error(500, "internal_error", "the event could not be stored; Stripe will send it again")
    if receipt.failed:
        message = "processing the event failed; it is recorded and Stripe will send it again"
        return json_error(500, "event_failed", message)
    if receipt.status == "in_progress":
        # 409: Stripe retries on its own, so an event whose first delivery dies is taken over later.
        return json_response({"status": receipt.status, "event": receipt.event_id}, 409)
    return json_response({"status": receipt.status, "event": receipt.event_id})
