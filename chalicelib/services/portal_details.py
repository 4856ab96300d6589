"""The customer edits their contact details and billing address in the portal (B9).

Everything the form sends is validated by the same rules as staff edits before anything is written, so
a bad field leaves every record as it was. The writes go through manage_customers / manage_people /
manage_addresses (each audited with the customer as actor). The billing address is edited in place when
only this customer uses it; one shared with other records is left alone and a new one is attached.
A changed email is confirmed to the old address too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.addresses import Address, validate_address
from chalicelib.domain.audit import Actor
from chalicelib.domain.customer import Customer, validate_customer_fields
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.people import Person, validate_person_fields

CUSTOMER_FIELDS = ("name", "email", "phone")
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone")  # posted as contact_<name>
ADDRESS_FIELDS = ("line1", "line2", "postcode", "city", "region", "country")  # posted as address_<name>


@dataclass(frozen=True)
class Details:
    customer: Customer
    contact: Person | None  # the main contact: the primary person of the organisation, else none
    address: Address | None  # the billing address (the customer's address)


def details_of(customer: Customer) -> Details:
    """The customer's main contact and billing address beside the customer record the caller has."""
    from chalicelib.domain.errors import NotFound
    from chalicelib.store import addresses, people

    primaries = [m for m in people.members_of(customer.id) if m.primary]
    primary = min(primaries, key=lambda m: m.person_id, default=None)
    contact = None
    if primary is not None:
        try:
            contact = people.get(primary.person_id)
        except NotFound:
            contact = None
    address = None
    if customer.address_id:
        try:
            address = addresses.get(customer.address_id)
        except NotFound:
            address = None
    return Details(customer, contact, address)


def _prefixed(prefix: str, check: Callable[[dict[str, str]], Any], data: dict[str, str]) -> Any:
    """The rule's error named as the form names the field (contact_email, address_city...)."""
    try:
        return check(data)
    except ValidationError as error:
        raise ValidationError(error.message, field=f"{prefix}{error.field or ''}") from None


def _posted(form: dict[str, str], prefix: str, names: tuple[str, ...]) -> dict[str, str]:
    return {name: form[prefix + name] for name in names if prefix + name in form}


def _address_wanted(form: dict[str, str], before: Address | None) -> dict[str, str] | None:
    """The address fields to save, or None when the form leaves the address as it is."""
    posted = _posted(form, "address_", ADDRESS_FIELDS)
    if not posted or (before is None and not any(v.strip() for v in posted.values())):
        return None  # not on the form, or no address yet and none typed in
    merged = {**(before.fields() if before else {}), **posted}
    clean = _prefixed("address_", validate_address, merged)
    if before is not None and all((clean.get(k) or "") == (getattr(before, k) or "") for k in ADDRESS_FIELDS):
        return None
    return merged


def update_details(customer_id: str, form: dict[str, str], *, actor: Actor, now: datetime) -> Details:
    """Saves what changed; a ValidationError naming the form's field leaves everything as it was."""
    from chalicelib.services.manage_addresses import create_address, update_address
    from chalicelib.services.manage_customers import update_customer
    from chalicelib.services.manage_people import update_person
    from chalicelib.store import addresses, customers

    before = details_of(customers.get(customer_id))
    customer_data = _posted(form, "", CUSTOMER_FIELDS)
    _prefixed("", validate_customer_fields, {**before.customer.fields(), **customer_data})
    contact_data = _posted(form, "contact_", CONTACT_FIELDS) if before.contact else {}
    if before.contact is not None:
        _prefixed("contact_", validate_person_fields, {**before.contact.fields(), **contact_data})
    address_data = _address_wanted(form, before.address)

    customer = update_customer(customer_id, customer_data, actor=actor, now=now, may_edit_sensitive=False)
    contact, address = before.contact, before.address
    if contact is not None and contact_data:
        contact = update_person(contact.id, contact_data, actor=actor, now=now)
    if address_data is not None:
        shared = address is not None and set(addresses.used_by(address.id)) - {customer.ref}
        if address is not None and not shared:
            address = update_address(address.id, address_data, actor=actor, now=now)
        else:
            address = create_address(address_data, actor=actor, now=now)
            customer = update_customer(customer_id, {"address_id": address.id}, actor=actor, now=now)
    after = Details(customer, contact, address)  # as stored: each update returns what it saved
    if after != before:
        _tell(before, after, now)
    return after


def _changes(before: Details, after: Details) -> list[tuple[str, str, str]]:
    """(what, was, now) for the staff notice and the confirmation."""
    rows = [(name, getattr(before.customer, name), getattr(after.customer, name)) for name in CUSTOMER_FIELDS]
    if before.contact is not None and after.contact is not None:
        rows += [
            (f"contact_{n}", getattr(before.contact, n), getattr(after.contact, n)) for n in CONTACT_FIELDS
        ]
    was = before.address.one_line() if before.address else ""
    rows.append(("address", was, after.address.one_line() if after.address else ""))
    return [row for row in rows if row[1] != row[2]]


def _tell(before: Details, after: Details, now: datetime) -> None:
    from chalicelib.services.self_service_mail import tell

    old_email = before.customer.email if before.customer.email != after.customer.email else ""
    tell("details", after.customer, {"changes": _changes(before, after)}, now=now, also_to=old_email)
