"""The customer portal (HTML): pages opened by a link's token, without an account (B6-B12, B23, S4).

Each route names the link scopes that open it; the page modules load on first use (cold starts of
the admin and API do not pay for them). What a page shows comes from the link: a scoped link opens
its own record only (/pay pays the link's invoice and no other), and every id in a portal URL is
loaded through web.portal.owned, which refuses anything that is not the link's customer's.
"""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.links import Scope
from chalicelib.web.portal.access import bp, serve, serve_renewal

__all__ = ["bp"]

ANY = ["*/*"]  # forms are parsed (and anything else refused with a 415) by chalicelib.web.forms
P = "chalicelib.web.portal."
PORTAL = (Scope.PORTAL,)
CARD_SCOPES = (Scope.CARD_UPDATE, Scope.PORTAL)
PAY_SCOPES = (Scope.INVOICE_PAYMENT,)
HOME_SCOPES = tuple(Scope)  # the overview for a portal link; any other link goes to its own page
PDF_SCOPES = (Scope.PORTAL, Scope.INVOICE_PAYMENT)  # a payment link may download its own invoice


@bp.route("/{token}", methods=["GET"], content_types=ANY)
def portal_home(token: str) -> Response:
    return serve(token, HOME_SCOPES, P + "home", "home")


@bp.route("/{token}/renew", methods=["POST"], content_types=ANY)
def portal_renew(token: str) -> Response:
    return serve_renewal(token)


# Card and payment (issue 6)
@bp.route("/{token}/card", methods=["GET"], content_types=ANY)
def portal_card(token: str) -> Response:
    return serve(token, CARD_SCOPES, P + "card", "show")


@bp.route("/{token}/card", methods=["POST"], content_types=ANY)
def portal_card_save(token: str) -> Response:
    return serve(token, CARD_SCOPES, P + "card", "submit")


@bp.route("/{token}/pay", methods=["GET"], content_types=ANY)
def portal_pay(token: str) -> Response:
    return serve(token, PAY_SCOPES, P + "pay", "show")


@bp.route("/{token}/pay", methods=["POST"], content_types=ANY)
def portal_pay_submit(token: str) -> Response:
    return serve(token, PAY_SCOPES, P + "pay", "submit")


# The overview's records (B8, B10)
@bp.route("/{token}/contracts/{contract_id}", methods=["GET"], content_types=ANY)
def portal_contract(token: str, contract_id: str) -> Response:
    return serve(token, PORTAL, P + "contract", "show", contract_id=contract_id)


@bp.route("/{token}/orders/{order_id}", methods=["GET"], content_types=ANY)
def portal_order(token: str, order_id: str) -> Response:
    return serve(token, PORTAL, P + "orders", "show", order_id=order_id)


@bp.route("/{token}/invoices/{invoice_id}/pdf", methods=["GET"], content_types=ANY)
def portal_invoice_pdf(token: str, invoice_id: str) -> Response:
    return serve(token, PDF_SCOPES, P + "invoices", "pdf", invoice_id=invoice_id)


@bp.route("/{token}/invoices/{invoice_id}/pay", methods=["GET"], content_types=ANY)
def portal_invoice_pay(token: str, invoice_id: str) -> Response:
    return serve(token, PORTAL, P + "pay", "show", invoice_id=invoice_id)


@bp.route("/{token}/invoices/{invoice_id}/pay", methods=["POST"], content_types=ANY)
def portal_invoice_pay_submit(token: str, invoice_id: str) -> Response:
    return serve(token, PORTAL, P + "pay", "submit", invoice_id=invoice_id)


# Self-service (B9, B12, B23)
@bp.route("/{token}/details", methods=["GET"], content_types=ANY)
def portal_details(token: str) -> Response:
    return serve(token, PORTAL, P + "details", "show")


@bp.route("/{token}/details", methods=["POST"], content_types=ANY)
def portal_details_save(token: str) -> Response:
    return serve(token, PORTAL, P + "details", "submit")


@bp.route("/{token}/contracts/{contract_id}/options", methods=["GET"], content_types=ANY)
def portal_options(token: str, contract_id: str) -> Response:
    return serve(token, PORTAL, P + "options", "show", contract_id=contract_id)


@bp.route("/{token}/contracts/{contract_id}/options", methods=["POST"], content_types=ANY)
def portal_options_submit(token: str, contract_id: str) -> Response:
    return serve(token, PORTAL, P + "options", "submit", contract_id=contract_id)


@bp.route("/{token}/contracts/{contract_id}/cancel", methods=["GET"], content_types=ANY)
def portal_cancel(token: str, contract_id: str) -> Response:
    return serve(token, PORTAL, P + "cancel", "show", contract_id=contract_id)


@bp.route("/{token}/contracts/{contract_id}/cancel", methods=["POST"], content_types=ANY)
def portal_cancel_submit(token: str, contract_id: str) -> Response:
    return serve(token, PORTAL, P + "cancel", "submit", contract_id=contract_id)


# Quotes (B8, C14) and signup (B6, B1)
@bp.route("/{token}/quote", methods=["GET"], content_types=ANY)
def portal_quote_link(token: str) -> Response:
    return serve(token, (Scope.QUOTE,), P + "quote", "show")


@bp.route("/{token}/quote", methods=["POST"], content_types=ANY)
def portal_quote_link_submit(token: str) -> Response:
    return serve(token, (Scope.QUOTE,), P + "quote", "submit")


@bp.route("/{token}/quotes/{quote_id}", methods=["GET"], content_types=ANY)
def portal_quote(token: str, quote_id: str) -> Response:
    return serve(token, PORTAL, P + "quote", "show", quote_id=quote_id)


@bp.route("/{token}/quotes/{quote_id}", methods=["POST"], content_types=ANY)
def portal_quote_submit(token: str, quote_id: str) -> Response:
    return serve(token, PORTAL, P + "quote", "submit", quote_id=quote_id)


@bp.route("/{token}/signup", methods=["GET"], content_types=ANY)
def portal_signup(token: str) -> Response:
    return serve(token, (Scope.SIGNUP,), P + "signup", "show")


@bp.route("/{token}/signup", methods=["POST"], content_types=ANY)
def portal_signup_submit(token: str) -> Response:
    return serve(token, (Scope.SIGNUP,), P + "signup", "submit")


# Items, complaints (S4) and feedback (B3)
@bp.route("/{token}/items/{item_id}", methods=["GET"], content_types=ANY)
def portal_item(token: str, item_id: str) -> Response:
    return serve(token, PORTAL, P + "items", "show", item_id=item_id)


@bp.route("/{token}/items/{item_id}/complaint", methods=["POST"], content_types=ANY)
def portal_item_complaint(token: str, item_id: str) -> Response:
    return serve(token, PORTAL, P + "items", "complaint", item_id=item_id)


@bp.route("/{token}/feedback", methods=["GET"], content_types=ANY)
def portal_feedback(token: str) -> Response:
    return serve(token, (Scope.FEEDBACK,), P + "feedback", "show")


@bp.route("/{token}/feedback", methods=["POST"], content_types=ANY)
def portal_feedback_submit(token: str) -> Response:
    return serve(token, (Scope.FEEDBACK,), P + "feedback", "submit")
