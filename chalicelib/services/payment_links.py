"""Absolute URLs for payment emails (dunning, card expiry): each call creates a new link."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.links import Scope
from chalicelib.services import manage_links
from chalicelib.services.link_mail import link_url


def card_update_url(customer_id: str, *, now: datetime, actor: Actor) -> str:
    """A card-update link (valid 14 days) for the customer's saved card."""
    from chalicelib.store import customers

    customer = customers.get(customer_id)  # NotFound for an unknown customer: no link to nowhere
    link, token = manage_links.customer_link(Scope.CARD_UPDATE, customer.id, actor=actor, now=now)
    return link_url(link, token)


def pay_url(invoice_id: str, *, now: datetime, actor: Actor) -> str:
    """A pay-now link (valid 7 days) for one issued invoice; the page shows only that invoice."""
    from chalicelib.store import invoices

    invoice = invoices.get(invoice_id)
    if not invoice.owes:
        raise ValidationError(f"{invoice.number or invoice.id} is not an issued invoice", field="invoice_id")
    link, token = manage_links.create_link(
        Scope.INVOICE_PAYMENT, invoice.id, customer_id=invoice.customer_id, actor=actor, now=now
    )
    return link_url(link, token)
