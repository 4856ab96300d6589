"""Customers: list with search (name prefix, email, phone, code, tax id) and category filter,
create, view and edit with custom fields, categories, address and sensitive fields (C1, C5, C12)."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.customer import LOCALES, TEXT_FIELDS
from chalicelib.domain.errors import DomainError
from chalicelib.domain.roles import Permission
from chalicelib.services.manage_customers import create_customer, update_customer
from chalicelib.services.manage_people import link_to_customer, unlink_from_customer
from chalicelib.store import addresses, customers, fields, people
from chalicelib.web.admin.record_forms import record_data
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

SEARCH_KINDS = {
    "name": "Name starts with",
    "email": "Email",
    "phone": "Phone",
    "code": "Customer code",
    "tax": "Tax id",
    "ext": "External id",
}


def _search(ctx: PageContext) -> tuple[list, str | None]:
    query, kind, tag = ctx.query.get("q", ""), ctx.query.get("by", "name"), ctx.query.get("category", "")
    if tag:
        return customers.in_category(tag), None
    if kind != "name" and query.strip():
        if kind == "tax" and not ctx.can(Permission.VIEW_SENSITIVE_FIELDS):
            return [], None
        return customers.find(kind, query), None
    return customers.page(prefix=query, after=ctx.query.get("after") or None)


def _list(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    found, next_cursor = _search(ctx)
    return ctx.render(
        "admin/customers.html",
        status,
        customers=found,
        next_cursor=next_cursor,
        q=ctx.query.get("q", ""),
        by=ctx.query.get("by", "name"),
        category=ctx.query.get("category", ""),
        kinds=SEARCH_KINDS,
        error=error,
        form=ctx.form if error else {},
        locales=LOCALES,
        categories=fields.categories(),
        field_defs=fields.field_defs("customer"),
        sensitive=ctx.can(Permission.VIEW_SENSITIVE_FIELDS),
    )


def _data(ctx: PageContext) -> dict:
    # Sensitive fields are not on the form of roles that may not see them; if one is sent anyway,
    # the service refuses it with a 403 naming the field rather than dropping it silently.
    return record_data(ctx.form, TEXT_FIELDS)


@admin_page("/customers", permission=Permission.VIEW_CUSTOMERS)
def customer_list(ctx: PageContext) -> Response:
    return _list(ctx)


@admin_page("/customers", permission=Permission.EDIT_CUSTOMERS, methods=("POST",))
def customer_create(ctx: PageContext) -> Response:
    try:
        customer = create_customer(
            _data(ctx),
            actor=ctx.actor,
            now=ctx.now,
            may_edit_sensitive=ctx.can(Permission.VIEW_SENSITIVE_FIELDS),
        )
    except DomainError as error:
        if error.status not in (400, 409):
            raise
        return _list(ctx, error.status, error)
    return redirect(f"{PREFIX}/customers/{customer.id}?notice=created")


def detail_page(
    ctx: PageContext, customer_id: str, status: int = 200, error: DomainError | None = None
) -> Response:
    customer = customers.get(customer_id)
    if customer.merged_into:
        return redirect(f"{PREFIX}/customers/{customer.merged_into}?notice=merged")
    notices = {
        "created": "Customer created.",
        "saved": "Changes saved.",
        "merged": "That record was merged here.",
    }
    form = (
        ctx.form if error else {**customer.fields(), **{f"custom.{k}": v for k, v in customer.custom.items()}}
    )
    address = addresses.get(customer.address_id) if customer.address_id else None
    return ctx.render(
        "admin/customer.html",
        status,
        customer=customer,
        form=form,
        error=error,
        address=address,
        notice=notices.get(ctx.query.get("notice", ""), ""),
        locales=LOCALES,
        categories=fields.categories(),
        field_defs=fields.field_defs("customer"),
        sensitive=ctx.can(Permission.VIEW_SENSITIVE_FIELDS),
        tab="details",
        # The balance itself is on the statement page: it takes two more queries than this page's budget.
        money_links=ctx.can(Permission.VIEW_INVOICES),
    )


@admin_page("/customers/{customer_id}", permission=Permission.VIEW_CUSTOMERS)
def customer_detail(ctx: PageContext, customer_id: str) -> Response:
    return detail_page(ctx, customer_id)


@admin_page("/customers/{customer_id}", permission=Permission.EDIT_CUSTOMERS, methods=("POST",))
def customer_update(ctx: PageContext, customer_id: str) -> Response:
    try:
        update_customer(
            customer_id,
            _data(ctx),
            actor=ctx.actor,
            now=ctx.now,
            may_edit_sensitive=ctx.can(Permission.VIEW_SENSITIVE_FIELDS),
        )
    except DomainError as error:
        if error.status not in (400, 409):
            raise
        return detail_page(ctx, customer_id, error.status, error)
    return redirect(f"{PREFIX}/customers/{customer_id}?notice=saved")


@admin_page("/customers/{customer_id}/people", permission=Permission.VIEW_CUSTOMERS)
def customer_people(ctx: PageContext, customer_id: str) -> Response:
    customer = customers.get(customer_id)
    members = people.members_of(customer_id)
    persons = {p.id: p for p in people.get_many([m.person_id for m in members])}
    return ctx.render(
        "admin/customer_people.html",
        customer=customer,
        members=members,
        persons=persons,
        tab="people",
        error=None,
        notice="",
    )


@admin_page("/customers/{customer_id}/people", permission=Permission.EDIT_PEOPLE, methods=("POST",))
def customer_link_person(ctx: PageContext, customer_id: str) -> Response:
    person_id = ctx.form.get("person_id", "").strip()
    if ctx.form.get("remove") == "1":
        unlink_from_customer(person_id, customer_id, actor=ctx.actor, now=ctx.now)
    else:
        link_to_customer(person_id, customer_id, ctx.form, actor=ctx.actor, now=ctx.now)
    return redirect(f"{PREFIX}/customers/{customer_id}/people")
