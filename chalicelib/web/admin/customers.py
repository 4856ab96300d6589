"""Customers: list with name search, create, view and edit."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.customer import LOCALES
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import Permission
from chalicelib.services.manage_customers import create_customer, update_customer
from chalicelib.store import customers
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect


def _list(ctx: PageContext, status: int = 200, error: ValidationError | None = None) -> Response:
    query = ctx.query.get("q", "")
    found, next_cursor = customers.page(prefix=query, after=ctx.query.get("after") or None)
    return ctx.render(
        "admin/customers.html",
        status,
        customers=found,
        next_cursor=next_cursor,
        q=query,
        error=error,
        form=ctx.form if error else {},
        locales=LOCALES,
    )


@admin_page("/customers", permission=Permission.VIEW_CUSTOMERS)
def customer_list(ctx: PageContext) -> Response:
    return _list(ctx)


@admin_page("/customers", permission=Permission.EDIT_CUSTOMERS, methods=("POST",))
def customer_create(ctx: PageContext) -> Response:
    try:
        customer = create_customer(ctx.form, actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _list(ctx, 400, error)
    return redirect(f"{PREFIX}/customers/{customer.id}?notice=created")


def _detail(
    ctx: PageContext, customer_id: str, status: int = 200, error: ValidationError | None = None
) -> Response:
    customer = customers.get(customer_id)
    notice = {"created": "Customer created.", "saved": "Changes saved."}.get(ctx.query.get("notice", ""), "")
    form = ctx.form if error else customer.fields()
    return ctx.render(
        "admin/customer.html",
        status,
        customer=customer,
        form=form,
        error=error,
        notice=notice,
        locales=LOCALES,
    )


@admin_page("/customers/{customer_id}", permission=Permission.VIEW_CUSTOMERS)
def customer_detail(ctx: PageContext, customer_id: str) -> Response:
    return _detail(ctx, customer_id)


@admin_page("/customers/{customer_id}", permission=Permission.EDIT_CUSTOMERS, methods=("POST",))
def customer_update(ctx: PageContext, customer_id: str) -> Response:
    try:
        update_customer(customer_id, ctx.form, actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _detail(ctx, customer_id, 400, error)
    return redirect(f"{PREFIX}/customers/{customer_id}?notice=saved")
