"""The catalogue (C17): products with name search, a product's prices per price list, price lists."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.catalogue import KINDS, UNITS
from chalicelib.domain.errors import DomainError, ValidationError
from chalicelib.domain.money import format_amount, plain_amount
from chalicelib.domain.roles import Permission
from chalicelib.services.manage_catalogue import (
    create_price_list,
    create_product,
    set_price,
    set_product_active,
    update_product,
)
from chalicelib.store import price_lists, products
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

NOTICES = {
    "created": "Product created.",
    "saved": "Changes saved.",
    "price": "Price saved.",
    "deactivated": "Product deactivated: it is no longer offered for new items.",
    "reactivated": "Product is offered again.",
}


def _list(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    query = ctx.query.get("q", "")
    found, next_cursor = products.page(prefix=query, after=ctx.query.get("after") or None)
    return ctx.render(
        "admin/products.html",
        status,
        products=found,
        next_cursor=next_cursor,
        q=query,
        error=error,
        form=ctx.form if error else {},
        kinds=KINDS,
        units=UNITS,
    )


@admin_page("/products", permission=Permission.VIEW_CATALOGUE)
def product_list(ctx: PageContext) -> Response:
    return _list(ctx)


@admin_page("/products", permission=Permission.EDIT_CATALOGUE, methods=("POST",))
def product_create(ctx: PageContext) -> Response:
    try:
        product = create_product(ctx.form, actor=ctx.actor, now=ctx.now)
    except DomainError as error:  # 400 bad field, 409 code taken: the form again, with the message
        if error.status not in (400, 409):
            raise
        return _list(ctx, error.status, error)
    return redirect(f"{PREFIX}/products/{product.id}?notice=created")


def _detail(
    ctx: PageContext, product_id: str, status: int = 200, error: DomainError | None = None
) -> Response:
    product = products.get(product_id)
    lists = price_lists.list_all()
    prices = {p.price_list_id: p for p in price_lists.prices_of(product_id)}
    rows = [
        {
            "list": price_list,
            "shown": format_amount(prices[price_list.id].amount_minor, price_list.currency)
            if price_list.id in prices
            else "",
            "plain": plain_amount(prices[price_list.id].amount_minor, price_list.currency)
            if price_list.id in prices
            else "",
        }
        for price_list in lists
    ]
    editing = error is not None and ctx.form.get("form") == "product"
    form = ctx.form if editing else {**product.fields(), "stocked": "yes" if product.stocked else "no"}
    return ctx.render(
        "admin/product.html",
        status,
        product=product,
        rows=rows,
        form=form,
        price_form=ctx.form if error is not None and ctx.form.get("form") == "price" else {},
        error=error,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
        kinds=KINDS,
        units=UNITS,
    )


@admin_page("/products/{product_id}", permission=Permission.VIEW_CATALOGUE)
def product_detail(ctx: PageContext, product_id: str) -> Response:
    return _detail(ctx, product_id)


@admin_page("/products/{product_id}", permission=Permission.EDIT_CATALOGUE, methods=("POST",))
def product_update(ctx: PageContext, product_id: str) -> Response:
    try:
        update_product(product_id, ctx.form, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in (400, 409):
            raise
        return _detail(ctx, product_id, error.status, error)
    return redirect(f"{PREFIX}/products/{product_id}?notice=saved")


@admin_page("/products/{product_id}/active", permission=Permission.EDIT_CATALOGUE, methods=("POST",))
def product_active(ctx: PageContext, product_id: str) -> Response:
    active = ctx.form.get("active") == "yes"
    set_product_active(product_id, active, actor=ctx.actor, now=ctx.now)
    return redirect(f"{PREFIX}/products/{product_id}?notice={'reactivated' if active else 'deactivated'}")


@admin_page("/products/{product_id}/prices", permission=Permission.EDIT_CATALOGUE, methods=("POST",))
def product_price(ctx: PageContext, product_id: str) -> Response:
    try:
        set_price(
            product_id,
            ctx.form.get("price_list_id", ""),
            amount=ctx.form.get("amount", ""),
            actor=ctx.actor,
            now=ctx.now,
        )
    except DomainError as error:
        if error.status not in (400, 404) or error.field == "product_id":
            raise
        return _detail(ctx, product_id, 400, error)
    return redirect(f"{PREFIX}/products/{product_id}?notice=price")


def _price_lists(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    return ctx.render(
        "admin/price_lists.html",
        status,
        price_lists=price_lists.list_all(),
        error=error,
        form=ctx.form if error else {},
        notice="Price list created." if ctx.query.get("notice") == "created" else "",
    )


@admin_page("/price-lists", permission=Permission.VIEW_CATALOGUE)
def price_list_index(ctx: PageContext) -> Response:
    return _price_lists(ctx)


@admin_page("/price-lists", permission=Permission.EDIT_CATALOGUE, methods=("POST",))
def price_list_create(ctx: PageContext) -> Response:
    try:
        create_price_list(ctx.form, actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _price_lists(ctx, 400, error)
    return redirect(f"{PREFIX}/price-lists?notice=created")
