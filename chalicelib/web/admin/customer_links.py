"""A customer's links (B7): send a card-update link by email, see each link's use, revoke one.

Its own page (a tab of the customer): the customer page keeps its DynamoDB request budget.
"""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

NOTICES = {
    "sent": "Card-update link emailed to the customer.",
    "revoked": "Link revoked: it now shows the customer a 'no longer valid' page.",
}


def _page(
    ctx: PageContext, customer_id: str, status: int = 200, error: ValidationError | None = None
) -> Response:
    from chalicelib.services import manage_links
    from chalicelib.store import customers

    customer = customers.get(customer_id)
    return ctx.render(
        "admin/customer_links.html",
        status,
        customer=customer,
        links=manage_links.of_customer(customer.id),
        error=error,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
        tab="links",
    )


@admin_page("/customers/{customer_id}/links", permission=Permission.VIEW_INVOICES)
def customer_links(ctx: PageContext, customer_id: str) -> Response:
    return _page(ctx, customer_id)


@admin_page("/customers/{customer_id}/links", permission=Permission.MANAGE_PAYMENTS, methods=("POST",))
def customer_link_send(ctx: PageContext, customer_id: str) -> Response:
    from chalicelib.services.link_mail import send_card_update_link

    try:
        send_card_update_link(customer_id, actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _page(ctx, customer_id, 400, error)
    return redirect(f"{PREFIX}/customers/{customer_id}/links?notice=sent")


@admin_page(
    "/customers/{customer_id}/links/{link_id}/revoke",
    permission=Permission.MANAGE_PAYMENTS,
    methods=("POST",),
)
def customer_link_revoke(ctx: PageContext, customer_id: str, link_id: str) -> Response:
    from chalicelib.services.manage_links import revoke_link

    revoke_link(link_id, customer_id=customer_id, actor=ctx.actor, now=ctx.now)
    return redirect(f"{PREFIX}/customers/{customer_id}/links?notice=revoked")
