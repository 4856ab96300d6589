"""Emailing links to customers: any scope's link sent by staff (portal, quote, payment, card update,
signup from a quote), a portal link after a quote is accepted or a signup is done, a signup link for a
prospect, and a fresh link the customer asks for on the expiry page.

Links go to the email address on file, in the customer's language; only a prospect's signup link (no
customer yet) goes to an address staff type in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib import bootstrap
from chalicelib.config import MAX_LINK_DAYS
from chalicelib.domain import links as rules
from chalicelib.domain.audit import Actor
from chalicelib.domain.customer import Customer
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.domain.links import Link, LinkRevoked, Scope
from chalicelib.domain.portal_labels import labels, portal_locale
from chalicelib.services import manage_links

NO_EMAIL = "no_email"
# Staff send these from the customer's links page; feedback links go out after a service visit only.
SENDABLE = (Scope.PORTAL, Scope.QUOTE, Scope.INVOICE_PAYMENT, Scope.CARD_UPDATE, Scope.SIGNUP)


def link_url(link: Link, token: str) -> str:
    return bootstrap.settings().base_url + rules.path(link.scope, token)


def lifetime(scope: Scope, days: int | str | None = None) -> timedelta:
    """`days` as typed by staff (1 to MAX_LINK_DAYS), or the scope's default when empty."""
    if days is None or (isinstance(days, str) and not days.strip()):
        return timedelta(days=manage_links.default_days(scope))
    text = str(days).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_LINK_DAYS:
        raise ValidationError(f"days must be a whole number from 1 to {MAX_LINK_DAYS}", field="days")
    return timedelta(days=int(text))


def _open_quote(quote_id: str, customer_id: str, now: datetime) -> Any:
    """A quote the customer can still accept: sent or viewed, not expired, and theirs."""
    from chalicelib.domain.quotes import AWAITING_ANSWER
    from chalicelib.services.manage_quotes import today_of
    from chalicelib.store import quotes

    try:
        quote = quotes.get(quote_id)
    except NotFound:
        raise ValidationError(f"no quote {quote_id!r}", field="subject_id") from None
    if customer_id and quote.customer_id != customer_id:
        raise ValidationError(f"quote {quote.number} is not this customer's", field="subject_id")
    status = quote.status_on(today_of(quote, now))
    if status not in AWAITING_ANSWER:
        raise ValidationError(
            f"quote {quote.number} is {status.value}: only a sent quote can be linked", field="subject_id"
        )
    return quote


def _subject(scope: Scope, customer: Customer, subject_id: str, now: datetime) -> tuple[str, str, str]:
    """(subject type, subject id, what the email names: a quote or invoice number) of a new link."""
    if scope in (Scope.PORTAL, Scope.CARD_UPDATE):
        return "customer", customer.id, ""
    if scope in (Scope.QUOTE, Scope.SIGNUP):
        quote = _open_quote(subject_id.strip(), customer.id, now)
        return "quote", quote.id, quote.number
    if scope is Scope.INVOICE_PAYMENT:
        from chalicelib.store import invoices

        try:
            invoice = invoices.get(subject_id.strip())
        except NotFound:
            raise ValidationError(f"no invoice {subject_id!r}", field="subject_id") from None
        if invoice.customer_id != customer.id or invoice.is_draft:
            raise ValidationError(f"invoice {invoice.number} is not this customer's", field="subject_id")
        if invoice.open_minor <= 0:  # open only on an issued invoice (not a credit note or pro-forma)
            raise ValidationError(f"invoice {invoice.number} has nothing left to pay", field="subject_id")
        return "invoice", invoice.id, invoice.number
    raise ValidationError(f"{scope.value} links are not sent by hand", field="scope")


def send_link(
    customer_id: str,
    scope: Scope | str,
    subject_id: str = "",
    *,
    days: int | str | None = None,
    actor: Actor,
    now: datetime,
) -> Link:
    """Staff (or the system, after a signup or acceptance) email the customer a link of `scope`.

    Everything is checked before the link is made: no email address, a subject that is not the
    customer's or no longer open, or bad `days` raise ValidationError naming the field."""
    from chalicelib.store import customers

    scope = Scope.parse(scope) if isinstance(scope, str) else scope
    if scope not in SENDABLE:
        raise ValidationError(f"{scope.value} links are not sent by hand", field="scope")
    customer = customers.get(customer_id)
    if not customer.email:
        raise ValidationError(f"{customer.name} has no email address to send the link to", field="email")
    subject_type, subject, number = _subject(scope, customer, subject_id, now)
    return _issue(customer, scope, subject_type, subject, days=days, actor=actor, now=now, number=number)[0]


def send_card_update_link(customer_id: str, *, actor: Actor, now: datetime) -> Link:
    """Staff send the customer a link to save or replace their card (refused without an email address)."""
    return send_link(customer_id, Scope.CARD_UPDATE, actor=actor, now=now)


def send_portal_link(customer_id: str, *, actor: Actor, now: datetime) -> str:
    """A portal link to the address on file (after an accepted quote); returns the address, masked, or
    "" when the customer has none (then nothing is made)."""
    from chalicelib.store import customers

    customer = customers.get(customer_id)
    if not customer.email:
        return ""
    issue_portal_link(customer, actor=actor, now=now)
    return rules.mask_email(customer.email)


def issue_portal_link(customer: Customer, *, actor: Actor, now: datetime) -> str:
    """A new portal link for `customer` (just signed up), emailed to them when they have an address;
    returns its token, for the page that takes them there at once."""
    return _issue(customer, Scope.PORTAL, "customer", customer.id, actor=actor, now=now)[1]


def _issue(
    customer: Customer,
    scope: Scope,
    subject_type: str,
    subject_id: str,
    *,
    actor: Actor,
    now: datetime,
    days: int | str | None = None,
    number: str = "",
    template: str = "",
) -> tuple[Link, str]:
    """A new link of the customer's valid for `days` (else the scope's default), emailed to the address
    on file when there is one (templates/email/link_<scope>, or `template`); returns it and its token."""
    valid_for = lifetime(scope, days)
    link, token = manage_links.create_link(
        scope,
        subject_id,
        customer_id=customer.id,
        subject_type=subject_type,
        actor=actor,
        now=now,
        expires_in=valid_for,
    )
    if customer.email:
        url = link_url(link, token)
        template = template or f"link_{scope.value}"
        _mail(customer.email, template, customer.locale, customer.name, link, url, now, number=number)
    return link, token


def create_signup_link(
    subject_type: str,
    subject_id: str,
    *,
    email: str = "",
    days: int | str | None = None,
    actor: Actor,
    now: datetime,
) -> tuple[Link, str]:
    """A signup link for a prospect: a contract template's offer (no customer yet) or a quote (its
    customer). Returns the link and its URL, which staff see once; emailed to `email` when given."""
    from chalicelib.domain.staff import normalise_email

    to = normalise_email(email) if email.strip() else ""
    expires_in = lifetime(Scope.SIGNUP, days)
    customer_id, locale, number = "", "en", ""
    if subject_type == "template":
        template = signup_template(subject_id)
        subject_id, number = template.id, template.name
    elif subject_type == "quote":
        from chalicelib.store import customers

        quote = _open_quote(subject_id.strip(), "", now)
        customer = customers.get(quote.customer_id)
        subject_id, customer_id, locale, number = quote.id, customer.id, customer.locale, quote.number
    else:
        raise ValidationError("a signup link is for a contract template or a quote", field="subject_type")
    link, token = manage_links.create_link(
        Scope.SIGNUP,
        subject_id,
        customer_id=customer_id,
        subject_type=subject_type,
        actor=actor,
        now=now,
        expires_in=expires_in,
    )
    url = link_url(link, token)
    if to:
        _mail(to, "link_signup", locale, "", link, url, now, number=number)
    return link, url


def signup_template(template_id: str) -> Any:
    """A template a prospect can sign up for: offered, with a plan or options (its contract's lines)."""
    from chalicelib.store import contract_templates

    try:
        template = contract_templates.get(template_id.strip())
    except NotFound:
        raise ValidationError(f"no contract template {template_id!r}", field="subject_id") from None
    if not template.active:
        raise ValidationError(f"template {template.name} is no longer offered", field="subject_id")
    if not template.has_offer:
        raise ValidationError(
            f"template {template.name} has no plan price or options to sign up for: send a quote instead",
            field="subject_id",
        )
    return template


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
    _issue(
        customer,
        old.scope,
        old.subject_type,
        old.subject_id,
        actor=rules.customer_actor(customer.id),
        now=now,
        template="link_fresh",
    )
    return rules.mask_email(customer.email)


def _mail(
    to: str,
    template: str,
    locale: str | None,
    name: str,
    link: Link,
    url: str,
    now: datetime,
    *,
    number: str = "",
) -> None:
    from chalicelib.services.send_mail import send_templated

    values = {
        "t": labels(locale),
        "locale": portal_locale(locale),
        "customer_name": name,
        "company": bootstrap.settings().company_name,
        "link": url,
        "valid_until": link.expires_at.date().isoformat(),
        "number": number,
    }
    send_templated(to, template, values, now=now)
