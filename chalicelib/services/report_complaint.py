"""A customer reports a problem with an item from the portal: it becomes a ticket (issue 7, item 7).

The ticket gets the next number (T-000123) in the transaction that saves it, with its audit entry. It
is linked to the customer, the item and the contract servicing the item (if any). Then staff are told
(the contract's salesperson, else the company address) and the customer gets the number by email.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.customer import Customer
from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.items import Item
from chalicelib.domain.periods import local_date
from chalicelib.domain.tickets import Ticket, servicing_contract, validate_complaint


def report_complaint(
    customer: Customer, item: Item, data: dict[str, Any], *, actor: Actor, now: datetime
) -> Ticket:
    """ValidationError (naming the field) before anything is written; NotFound for an item that is not
    the customer's. `customer` and `item` as the caller read them (the portal has both already)."""
    from chalicelib.store import contracts, tickets

    complaint = validate_complaint(data)
    if item.owner_id != customer.id:
        raise NotFound("not found", field="item_id")
    today = local_date(now, customer.timezone or "UTC")
    contract = servicing_contract(contracts.of_customer(customer.id), item.id, today)

    def build(number: str) -> Ticket:
        return Ticket(
            id=new_id(),
            number=number,
            customer_id=customer.id,
            item_id=item.id,
            contract_id=contract.id if contract else "",
            description=complaint.description,
            urgency=complaint.urgency,
            status="open",
            created_at=now,
            updated_at=now,
            created_by=actor.id,
        )

    def audit_of(ticket: Ticket) -> Any:
        return actor.entry("ticket", ticket.id, "ticket.opened", now, after=ticket.audited())

    ticket = tickets.create_numbered(build, audit_of, today, now)
    _tell_staff(ticket, customer.name, item.serial, contract, now)
    _tell_customer(ticket, customer, item.serial, now)
    return ticket


def _tell_staff(ticket: Ticket, customer_name: str, serial: str, contract: Any, now: datetime) -> None:
    from chalicelib.services.notify_staff import notify_staff

    values = {
        "number": ticket.number,
        "ticket_id": ticket.id,
        "customer_name": customer_name,
        "serial": serial,
        "urgency": ticket.urgency,
        "description": ticket.description,
        "contract_number": contract.number if contract else "",
        "contract_id": contract.id if contract else "",
    }
    notify_staff(
        "ticket_opened_staff", values, salesperson_id=contract.salesperson_id if contract else "", now=now
    )


def _tell_customer(ticket: Ticket, customer: Customer, serial: str, now: datetime) -> None:
    if not customer.email:
        return
    from chalicelib import bootstrap
    from chalicelib.domain.portal_labels import labels
    from chalicelib.services.send_mail import send_templated

    values = {
        "t": labels(customer.locale),
        "customer_name": customer.name,
        "company": bootstrap.settings().company_name,
        "number": ticket.number,
        "serial": serial,
        "description": ticket.description,
    }
    send_templated(customer.email, "ticket_opened", values, now=now)
