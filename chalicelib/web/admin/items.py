"""Installed items (S1): search by serial, a customer's items, register, edit and transfer."""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.domain.errors import DomainError, NotFound
from chalicelib.domain.items import Item
from chalicelib.domain.roles import Permission
from chalicelib.services.manage_items import register_item, transfer_item, update_item
from chalicelib.store import addresses, customers, items, products
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

NOTICES = {"created": "Item registered.", "saved": "Changes saved.", "transferred": "Item transferred."}
FORM_ERRORS = (400, 409)


def _rows(found: list[Item]) -> list[dict[str, Any]]:
    """Each item with its product and owner: two batch reads for the whole list, not one per row."""
    product_of = products.get_many([i.product_id for i in found])
    owner_of = {c.id: c for c in customers.get_many([i.owner_id for i in found])}
    return [
        {"item": i, "product": product_of.get(i.product_id), "owner": owner_of.get(i.owner_id)} for i in found
    ]


def _list(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    serial = ctx.query.get("serial", "").strip()
    owner_id = ctx.query.get("owner_id", "").strip()
    owner = None
    if owner_id:
        try:
            owner = customers.get(owner_id)
        except NotFound:
            owner = None
    if serial:
        found = items.by_serial(serial)
    elif owner is not None:
        found = items.of_owner(owner.id)
    else:
        found = []
    form = ctx.form if error else {"owner_id": owner_id}
    return ctx.render(
        "admin/items.html",
        status,
        rows=_rows(found),
        serial=serial,
        owner=owner,
        owner_id=owner_id,
        searched=bool(serial or owner_id),
        error=error,
        form=form,
    )


@admin_page("/items", permission=Permission.VIEW_CATALOGUE)
def item_list(ctx: PageContext) -> Response:
    return _list(ctx)


@admin_page("/items", permission=Permission.EDIT_ITEMS, methods=("POST",))
def item_create(ctx: PageContext) -> Response:
    try:
        item = register_item(ctx.form, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _list(ctx, error.status, error)
    return redirect(f"{PREFIX}/items/{item.id}?notice=created")


def _detail(ctx: PageContext, item_id: str, status: int = 200, error: DomainError | None = None) -> Response:
    item = items.get(item_id)
    [row] = _rows([item])
    address = addresses.get_many([item.install_address_id or ""]).get(item.install_address_id or "")
    editing = error is not None and ctx.form.get("form") == "item"
    stored = {k: v or "" for k, v in item.fields().items()}
    stored["product_code"] = row["product"].code if row["product"] else ""
    return ctx.render(
        "admin/item.html",
        status,
        item=item,
        product=row["product"],
        owner=row["owner"],
        address=address,
        form=ctx.form if editing else stored,
        transfer_form=ctx.form if error is not None and not editing else {},
        error=error,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


@admin_page("/items/{item_id}", permission=Permission.VIEW_CATALOGUE)
def item_detail(ctx: PageContext, item_id: str) -> Response:
    return _detail(ctx, item_id)


@admin_page("/items/{item_id}", permission=Permission.EDIT_ITEMS, methods=("POST",))
def item_update(ctx: PageContext, item_id: str) -> Response:
    try:
        update_item(item_id, ctx.form, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _detail(ctx, item_id, error.status, error)
    return redirect(f"{PREFIX}/items/{item_id}?notice=saved")


@admin_page("/items/{item_id}/transfer", permission=Permission.EDIT_ITEMS, methods=("POST",))
def item_transfer(ctx: PageContext, item_id: str) -> Response:
    address = ctx.form.get("install_address_id")
    try:
        transfer_item(
            item_id,
            ctx.form.get("owner_id", ""),
            install_address_id=address if address is not None else None,
            actor=ctx.actor,
            now=ctx.now,
        )
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _detail(ctx, item_id, error.status, error)
    return redirect(f"{PREFIX}/items/{item_id}?notice=transferred")
