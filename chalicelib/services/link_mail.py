"""Emailing links to customers: a card-update link sent by staff, and a fresh link the customer asks for
on the expiry page. Links go only to the email address on file, in the customer's language."""

from __future__ import annotations

from datetime import datetime

from chalicelib import bootstrap
from chalicelib.domain import links as rules
from chalicelib.domain.audit import Actor
from chalicelib.domain.customer import Customer
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.links import Link, LinkRevoked, Scope
from chalicelib.domain.portal_labels import labels, portal_locale
from chalicelib.services import manage_links

NO_EMAIL = "no_email"


def link_url(link: Link, token: str) -> str:
    return bootstrap.settings().base_url + rules.path(link.scope, token)


def send_card_update_link(customer_id: str, *, actor: Actor, now: datetime) -> Link:
    """Staff send the customer a link to save or replace their card (refused without an email address)."""
    from chalicelib.store import customers

    customer = customers.get(customer_id)
    if not customer.email:
        raise ValidationError(f"{customer.name} has no email address to send the link to", field="email")
    link, token = manage_links.customer_link(Scope.CARD_UPDATE, customer.id, actor=actor, now=now)
    _send("link_card_update", customer, link, token, now)
    return link


def send_fresh_link(old: Link, *, now: datetime) -> str:
    """A new link like `old` (expired) emailed to the address on file; returns that address, masked.

    ValidationError(field=NO_EMAIL) when there is no address to send to; LinkRevoked for a withdrawn
    link (staff took it back on purpose); TooManyRequests after a few fresh links in an hour.
    """
    from chalicelib.store import customers

    state = old.state(now)
    if state == "revoked":
        raise LinkRevoked("this link has been withdrawn", old)
    if state == "active":
        raise Conflict("this link still works")
    customer = customers.get(old.customer_id) if old.customer_id else None
    if customer is None or not customer.email:
        raise ValidationError("there is no email address on file", field=NO_EMAIL)
    manage_links.renewal_allowed(old, now)
    link, token = manage_links.create_link(
        old.scope,
        old.subject_id,
        customer_id=customer.id,
        subject_type=old.subject_type,
        actor=rules.customer_actor(customer.id),
        now=now,
    )
    _send("link_fresh", customer, link, token, now)
    return rules.mask_email(customer.email)


def _send(template: str, customer: Customer, link: Link, token: str, now: datetime) -> None:
    from chalicelib.services.send_mail import send_templated

    values = {
        "t": labels(customer.locale),
        "locale": portal_locale(customer.locale),
        "customer_name": customer.name,
        "company": bootstrap.settings().company_name,
        "link": link_url(link, token),
        "valid_until": link.expires_at.date().isoformat(),
    }
    send_templated(customer.email, template, values, now=now)
