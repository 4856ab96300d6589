"""Addresses kept once (C3): edit one and every record using it shows the change."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain import lookups
from chalicelib.domain.errors import DomainError, Forbidden, ValidationError
from chalicelib.domain.roles import Permission
from chalicelib.services.manage_addresses import create_address, update_address
from chalicelib.services.manage_customers import update_customer
from chalicelib.services.manage_people import update_person
from chalicelib.store import addresses
from chalicelib.web.admin.customers import detail_page as customer_page
from chalicelib.web.admin.people import detail_page as person_page
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

_PAGES = {"customer": "customers", "person": "people"}


@admin_page("/addresses", permission=Permission.EDIT_PEOPLE, methods=("POST",))
def address_attach(ctx: PageContext) -> Response:
    """Creates an address (or takes an existing one by id) and attaches it to a customer or person."""
    entity, record_id = lookups.split_ref(ctx.form.get("attach_to", ""))
    if entity not in _PAGES or not record_id:
        raise ValidationError("attach_to must be customer#<id> or person#<id>", field="attach_to")
    if entity == "customer" and not ctx.can(Permission.EDIT_CUSTOMERS):
        raise Forbidden(f"Your role ({ctx.user.role.value}) may not change customers.")
    existing = ctx.form.get("existing_id", "").strip()
    try:
        address_id = (
            addresses.get(existing).id
            if existing
            else create_address(ctx.form, actor=ctx.actor, now=ctx.now).id
        )
    except DomainError as error:
        if error.status not in (400, 404):
            raise
        # Shown on the customer's or person's page, where the form was.
        detail = customer_page if entity == "customer" else person_page
        return detail(ctx, record_id, 400, ValidationError(f"address: {error.message}", field=error.field))
    update = update_customer if entity == "customer" else update_person
    update(record_id, {"address_id": address_id}, actor=ctx.actor, now=ctx.now)
    return redirect(f"{PREFIX}/{_PAGES[entity]}/{record_id}?notice=saved")


def _detail(
    ctx: PageContext, address_id: str, status: int = 200, error: DomainError | None = None
) -> Response:
    address = addresses.get(address_id)
    users = [lookups.split_ref(r) for r in addresses.used_by(address_id)]
    return ctx.render(
        "admin/address.html",
        status,
        address=address,
        users=users,
        pages=_PAGES,
        form=ctx.form if error else address.fields(),
        error=error,
        notice="Address saved: every record using it shows the change."
        if ctx.query.get("notice") == "saved"
        else "",
    )


@admin_page("/addresses/{address_id}", permission=Permission.VIEW_CUSTOMERS)
def address_detail(ctx: PageContext, address_id: str) -> Response:
    return _detail(ctx, address_id)


@admin_page("/addresses/{address_id}", permission=Permission.EDIT_PEOPLE, methods=("POST",))
def address_update(ctx: PageContext, address_id: str) -> Response:
    try:
        update_address(address_id, ctx.form, actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _detail(ctx, address_id, 400, error)
    return redirect(f"{PREFIX}/addresses/{address_id}?notice=saved")
