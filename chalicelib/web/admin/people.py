"""People (C2): list and search, create, details with custom fields and categories, and the
organisations each person belongs to (role and contact details per organisation)."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.errors import DomainError
from chalicelib.domain.people import TEXT_FIELDS
from chalicelib.domain.roles import Permission
from chalicelib.services.manage_people import create_person, link_to_customer, update_person
from chalicelib.store import addresses, customers, fields, people
from chalicelib.web.admin.record_forms import record_data
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect


def _list(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    query, by, tag = ctx.query.get("q", ""), ctx.query.get("by", "name"), ctx.query.get("category", "")
    if tag:
        found = people.in_category(tag)
    elif by in ("email", "phone") and query.strip():
        found = people.find(by, query)
    else:
        found = people.page(prefix=query)
    return ctx.render(
        "admin/people.html",
        status,
        people=found,
        q=query,
        by=by,
        category=tag,
        error=error,
        form=ctx.form if error else {},
        categories=fields.categories(),
        field_defs=fields.field_defs("person"),
    )


@admin_page("/people", permission=Permission.VIEW_CUSTOMERS)
def people_list(ctx: PageContext) -> Response:
    return _list(ctx)


@admin_page("/people", permission=Permission.EDIT_PEOPLE, methods=("POST",))
def person_create(ctx: PageContext) -> Response:
    try:
        person = create_person(record_data(ctx.form, TEXT_FIELDS), actor=ctx.actor, now=ctx.now)
        if ctx.form.get("customer_id"):
            link_to_customer(
                person.id,
                ctx.form["customer_id"],
                {"role": ctx.form.get("role", "")},
                actor=ctx.actor,
                now=ctx.now,
            )
    except DomainError as error:
        if error.status not in (400, 404, 409):
            raise
        return _list(ctx, 400 if error.status == 404 else error.status, error)
    return redirect(f"{PREFIX}/people/{person.id}?notice=created")


def detail_page(
    ctx: PageContext, person_id: str, status: int = 200, error: DomainError | None = None
) -> Response:
    person = people.get(person_id)
    if person.merged_into:
        return redirect(f"{PREFIX}/people/{person.merged_into}?notice=merged")
    memberships = people.memberships_of(person_id)
    orgs = {c.id: c for c in customers.get_many([m.customer_id for m in memberships])}
    form = ctx.form if error else {**person.fields(), **{f"custom.{k}": v for k, v in person.custom.items()}}
    notices = {
        "created": "Person created.",
        "saved": "Changes saved.",
        "merged": "That record was merged here.",
    }
    return ctx.render(
        "admin/person.html",
        status,
        person=person,
        form=form,
        error=error,
        memberships=memberships,
        orgs=orgs,
        address=addresses.get(person.address_id) if person.address_id else None,
        categories=fields.categories(),
        field_defs=fields.field_defs("person"),
        tab="details",
        notice=notices.get(ctx.query.get("notice", ""), ""),
    )


@admin_page("/people/{person_id}", permission=Permission.VIEW_CUSTOMERS)
def person_detail(ctx: PageContext, person_id: str) -> Response:
    return detail_page(ctx, person_id)


@admin_page("/people/{person_id}", permission=Permission.EDIT_PEOPLE, methods=("POST",))
def person_update(ctx: PageContext, person_id: str) -> Response:
    try:
        update_person(person_id, record_data(ctx.form, TEXT_FIELDS), actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in (400, 409):
            raise
        return detail_page(ctx, person_id, error.status, error)
    return redirect(f"{PREFIX}/people/{person_id}?notice=saved")
