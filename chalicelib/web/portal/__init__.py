"""The customer portal (HTML): pages opened by a link's token, without an account (B6-B11).

Each route names the link scopes that open it; the page modules load on first use (cold starts of
the admin and API do not pay for them). What each page shows comes from the link, never from the URL
or the form: /portal/<token>/pay pays the link's invoice and no other.
"""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.links import Scope
from chalicelib.web.portal.access import bp, serve, serve_renewal

__all__ = ["bp"]

ANY = ["*/*"]  # forms are parsed (and anything else refused with a 415) by chalicelib.web.forms
CARD_SCOPES = (Scope.CARD_UPDATE, Scope.PORTAL)
PAY_SCOPES = (Scope.INVOICE_PAYMENT,)
HOME_SCOPES = (Scope.PORTAL, Scope.CARD_UPDATE, Scope.INVOICE_PAYMENT)


@bp.route("/{token}", methods=["GET"], content_types=ANY)
def portal_home(token: str) -> Response:
    return serve(token, HOME_SCOPES, "chalicelib.web.portal.home", "home")


@bp.route("/{token}/card", methods=["GET"], content_types=ANY)
def portal_card(token: str) -> Response:
    return serve(token, CARD_SCOPES, "chalicelib.web.portal.card", "show")


@bp.route("/{token}/card", methods=["POST"], content_types=ANY)
def portal_card_save(token: str) -> Response:
    return serve(token, CARD_SCOPES, "chalicelib.web.portal.card", "submit")


@bp.route("/{token}/pay", methods=["GET"], content_types=ANY)
def portal_pay(token: str) -> Response:
    return serve(token, PAY_SCOPES, "chalicelib.web.portal.pay", "show")


@bp.route("/{token}/pay", methods=["POST"], content_types=ANY)
def portal_pay_submit(token: str) -> Response:
    return serve(token, PAY_SCOPES, "chalicelib.web.portal.pay", "submit")


@bp.route("/{token}/renew", methods=["POST"], content_types=ANY)
def portal_renew(token: str) -> Response:
    return serve_renewal(token)
