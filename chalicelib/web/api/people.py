"""People and addresses over JSON, for integrations."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.addresses import Address
from chalicelib.domain.people import TEXT_FIELDS, Person
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api import schemas
from chalicelib.web.api.record_body import record_body
from chalicelib.web.api.routing import ApiContext, endpoint, string_fields

ADDRESS_FIELDS = ("label", "line1", "line2", "city", "postcode", "region", "country", "latitude", "longitude")


def person_json(person: Person) -> dict[str, Any]:
    from chalicelib.store import people

    return {
        "id": person.id,
        "created_at": person.created_at.isoformat(),
        **person.fields(),
        "address_id": person.address_id,
        "custom": person.custom,
        "categories": sorted(person.categories),
        "organisations": [
            {
                "customer_id": m.customer_id,
                "role": m.role,
                "email": m.email,
                "phone": m.phone,
                "primary": m.primary,
            }
            for m in people.memberships_of(person.id)
        ],
    }


def address_json(address: Address) -> dict[str, Any]:
    return {"id": address.id, **address.fields(), "text": address.one_line()}


@endpoint(
    "/people",
    "GET",
    summary="People by last name, or exact email or phone",
    scope=ApiScope.PEOPLE_READ,
    response_schema=schemas.LIST,
    query=(("q", "last name prefix"), ("email", "exact"), ("phone", "exact")),
)
def list_people(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import people

    for kind in ("email", "phone"):
        if ctx.query.get(kind):
            return {"items": [person_json(p) for p in people.find(kind, ctx.query[kind])]}
    return {"items": [person_json(p) for p in people.page(prefix=ctx.query.get("q", ""))]}


@endpoint(
    "/people",
    "POST",
    summary="Create a person",
    scope=ApiScope.PEOPLE_WRITE,
    request_schema=schemas.PERSON_INPUT,
    status=201,
)
def post_person(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.manage_people import create_person

    return person_json(create_person(record_body(ctx.body, TEXT_FIELDS), actor=ctx.actor, now=ctx.now))


@endpoint(
    "/people/{person_id}", "GET", summary="One person with their organisations", scope=ApiScope.PEOPLE_READ
)
def get_person(ctx: ApiContext, person_id: str) -> dict[str, Any]:
    from chalicelib.store import people

    return person_json(people.get(person_id))


@endpoint(
    "/people/{person_id}",
    "PATCH",
    summary="Change some fields of a person",
    scope=ApiScope.PEOPLE_WRITE,
    request_schema=schemas.PERSON_INPUT,
)
def patch_person(ctx: ApiContext, person_id: str) -> dict[str, Any]:
    from chalicelib.services.manage_people import update_person

    return person_json(
        update_person(person_id, record_body(ctx.body, TEXT_FIELDS), actor=ctx.actor, now=ctx.now)
    )


@endpoint(
    "/people/{person_id}/organisations/{customer_id}",
    "PUT",
    summary="Link a person to an organisation with a role and contact details there",
    scope=ApiScope.PEOPLE_WRITE,
    request_schema=schemas.MEMBERSHIP_INPUT,
)
def put_membership(ctx: ApiContext, person_id: str, customer_id: str) -> dict[str, Any]:
    from chalicelib.services.manage_people import link_to_customer
    from chalicelib.store import people

    data = string_fields(ctx.body, ("role", "email", "phone"))
    if "primary" in ctx.body:
        data["primary"] = "1" if ctx.body["primary"] is True else ""
    link_to_customer(person_id, customer_id, data, actor=ctx.actor, now=ctx.now)
    return person_json(people.get(person_id))


@endpoint(
    "/addresses",
    "POST",
    summary="Create an address",
    scope=ApiScope.PEOPLE_WRITE,
    request_schema=schemas.ADDRESS_INPUT,
    status=201,
)
def post_address(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.manage_addresses import create_address

    return address_json(create_address(string_fields(ctx.body, ADDRESS_FIELDS), actor=ctx.actor, now=ctx.now))


@endpoint(
    "/addresses/{address_id}", "GET", summary="One address and what uses it", scope=ApiScope.PEOPLE_READ
)
def get_address(ctx: ApiContext, address_id: str) -> dict[str, Any]:
    from chalicelib.store import addresses

    return {**address_json(addresses.get(address_id)), "used_by": addresses.used_by(address_id)}


@endpoint(
    "/addresses/{address_id}",
    "PATCH",
    summary="Change an address everywhere it is used",
    scope=ApiScope.PEOPLE_WRITE,
    request_schema=schemas.ADDRESS_INPUT,
)
def patch_address(ctx: ApiContext, address_id: str) -> dict[str, Any]:
    from chalicelib.services.manage_addresses import update_address

    data = string_fields(ctx.body, ADDRESS_FIELDS)
    return address_json(update_address(address_id, data, actor=ctx.actor, now=ctx.now))
