"""Signing up through a signup link (B6, B1): the offer (a contract template's options, or a quote),
then the customer's details, billing address, contact person and chosen options become a customer (or
update the link's customer) and a contract that starts today; staff are notified and a portal link is
emailed.

Every field is checked before anything is written (bad input stores nothing). The link is used up
(revoked, conditionally) before the first write, so a second submit of the same link, even at the same
moment, cannot make a second customer or contract.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contract_templates import ContractTemplate, TemplateOption
from chalicelib.domain.contracts import Contract
from chalicelib.domain.customer import Customer, validate_customer_fields
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.domain.links import Link, LinkRevoked, LinkUnknown
from chalicelib.domain.orders import Order
from chalicelib.domain.quotes import Quote, QuoteStatus

TICKED = ("1", "on", "yes", "true")
OPTION_PREFIX = "option_"
# The form's fields, in the order the page shows them (errors name these).
FIELDS = (
    "company",
    "tax_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "city",
    "postcode",
    "country",
)
SIGNUP_ACTOR = Actor("portal:signup", "prospect via signup link")


@dataclass(frozen=True)
class Offer:
    """What a signup link offers: a template's options to choose from, or a quote's lines."""

    link: Link
    name: str
    currency: str
    period: str
    template: ContractTemplate | None  # None for a quote: its lines are the offer
    quote: Quote | None = None
    customer: Customer | None = None  # the link's customer (a quote signup), or None: a prospect

    @property
    def options(self) -> tuple[TemplateOption, ...]:
        return self.template.options if self.template else ()


@dataclass(frozen=True)
class Details:
    """The form, checked: what will be written."""

    customer: dict[str, Any]
    person: dict[str, str]
    address: dict[str, str]
    options: list[str]
    save_card: bool


@dataclass(frozen=True)
class SignedUp:
    customer: Customer
    contract: Contract | None
    order: Order | None
    portal_token: str
    save_card: bool


def load_offer(link: Link) -> Offer:
    """The link's offer; LinkUnknown when its template or quote is gone or is not the link's customer's."""
    from chalicelib.store import contract_templates, customers, quotes

    customer = None
    if link.customer_id:
        try:
            customer = customers.get(link.customer_id)
        except NotFound:
            raise LinkUnknown("this link is not valid") from None
    try:
        if link.subject_type == "template":
            template = contract_templates.get(link.subject_id)
            return Offer(link, template.name, template.currency, template.period, template, customer=customer)
        if link.subject_type == "quote":
            quote = quotes.get(link.subject_id)
            if customer is None or quote.customer_id != customer.id or quote.status is QuoteStatus.DRAFT:
                raise LinkUnknown("this link is not valid")
            name = quote.template_name or quote.number
            return Offer(link, name, quote.currency, quote.period, None, quote=quote, customer=customer)
    except NotFound:
        raise LinkUnknown("this link is not valid") from None
    raise LinkUnknown("this link is not valid")


def still_open(offer: Offer, now: datetime) -> bool:
    """A template still offered, or a quote that may still be accepted."""
    from chalicelib.services.manage_quotes import today_of

    if offer.quote is not None:
        return offer.quote.awaits_answer(today_of(offer.quote, now))
    template = offer.template
    return template is not None and template.active and template.has_offer


def prefill(offer: Offer) -> dict[str, str]:
    """The link's customer's details, for them to confirm (empty for a prospect)."""
    from chalicelib.store import addresses

    customer = offer.customer
    if customer is None:
        return {}
    values = {
        "company": customer.name,
        "tax_id": customer.tax_id,
        "email": customer.email,
        "phone": customer.phone,
        "country": customer.country,
    }
    if customer.address_id:
        with contextlib.suppress(NotFound):
            address = addresses.get(customer.address_id)
            values.update(street=address.line1, city=address.city, postcode=address.postcode)
            values["country"] = address.country
    return values


def _text(form: dict[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def check(offer: Offer, form: dict[str, str], *, locale: str) -> Details:
    """Every field of the signup form; ValidationError names the first bad one. Writes nothing."""
    from chalicelib.domain.addresses import validate_address
    from chalicelib.domain.people import validate_person_fields
    from chalicelib.domain.staff import normalise_email
    from chalicelib.services.contract_lines import option_lines

    company = _text(form, "company")
    if not company:
        raise ValidationError("company name is required", field="company")
    email = normalise_email(_text(form, "email"))
    country = _text(form, "country").upper()
    address = validate_address(
        {
            "line1": _text(form, "street"),
            "city": _text(form, "city"),
            "country": country,
            "postcode": _text(form, "postcode")[:20],
        }
    )
    try:
        customer = validate_customer_fields(
            {
                "name": company,
                "email": email,
                "phone": _text(form, "phone"),
                "country": country,
                "currency": offer.currency,
                "locale": offer.customer.locale if offer.customer else locale,
                "timezone": offer.customer.timezone if offer.customer else "UTC",
                "tax_id": _text(form, "tax_id"),
            }
        )
    except ValidationError as error:
        raise ValidationError(
            error.message, field="company" if error.field == "name" else error.field
        ) from None
    person = validate_person_fields(
        {
            "first_name": _text(form, "first_name"),
            "last_name": _text(form, "last_name"),
            "email": email,
            "phone": _text(form, "phone"),
        }
    )
    codes = [
        key.removeprefix(OPTION_PREFIX)
        for key, value in form.items()
        if key.startswith(OPTION_PREFIX) and value.strip().lower() in TICKED
    ]
    if offer.quote is None:
        if offer.template is None:
            raise LinkUnknown("this link is not valid")
        if not codes and offer.template.plan is None:
            raise ValidationError("choose at least one option", field="options")
        option_lines(offer.template, codes, offer.currency)  # each code offered by the template
    else:
        codes = []
    if _text(form, "accept_terms").lower() not in TICKED:
        raise ValidationError("please accept the terms", field="accept_terms")
    return Details(
        customer=customer,
        person={k: str(v) for k, v in person.items()},
        address={k: str(v or "") for k, v in address.items()},
        options=codes,
        save_card=_text(form, "save_card").lower() in TICKED,
    )


def sign_up(offer: Offer, form: dict[str, str], *, locale: str, now: datetime) -> SignedUp:
    """The whole signup of `offer` (load_offer: the page has shown it); ValidationError (nothing
    written), Conflict (the quote or template is no longer open: nothing written), LinkRevoked (the link
    was used meanwhile: nothing written)."""
    details = check(offer, form, locale=locale)
    if not still_open(offer, now):
        raise Conflict("this offer is no longer open", field="offer")
    _use_up(offer.link, now)
    customer = _customer(offer, details, now)
    actor = Actor(f"customer:{customer.id}", "customer via signup link")
    _contact(customer, details, actor, now)
    contract, order = _contract(offer, customer, details, actor, now)
    _notify(offer, customer, details, contract, order, now)
    from chalicelib.services.link_mail import issue_portal_link

    token = issue_portal_link(customer, actor=actor, now=now)
    return SignedUp(customer, contract, order, token, details.save_card)


def _use_up(link: Link, now: datetime) -> None:
    from chalicelib.store import links

    entry = SIGNUP_ACTOR.entry("link", link.id, "link.used", now, {"revoked": False}, {"revoked": True})
    if not links.revoke(link.token_hash, now, entry):
        raise LinkRevoked("this signup link has been used already", link)


def _customer(offer: Offer, details: Details, now: datetime) -> Customer:
    from chalicelib.services.manage_addresses import create_address
    from chalicelib.services.manage_customers import create_customer, update_customer

    if offer.customer is None:
        address = create_address(details.address, actor=SIGNUP_ACTOR, now=now)
        return create_customer({**details.customer, "address_id": address.id}, actor=SIGNUP_ACTOR, now=now)
    actor = Actor(f"customer:{offer.customer.id}", "customer via signup link")
    address = create_address(details.address, actor=actor, now=now)
    data = {k: v for k, v in details.customer.items() if k in ("name", "email", "phone", "country", "tax_id")}
    return update_customer(offer.customer.id, {**data, "address_id": address.id}, actor=actor, now=now)


def _contact(customer: Customer, details: Details, actor: Actor, now: datetime) -> None:
    from chalicelib.services.manage_people import create_person, link_to_customer

    person = create_person(details.person, actor=actor, now=now)
    membership = {
        "role": "contact",
        "email": details.person["email"],
        "phone": details.person["phone"],
        "primary": "1",
    }
    link_to_customer(person.id, customer.id, membership, actor=actor, now=now)


def _contract(
    offer: Offer, customer: Customer, details: Details, actor: Actor, now: datetime
) -> tuple[Contract | None, Order | None]:
    from chalicelib.domain.contract_lifecycle import move
    from chalicelib.services.manage_contracts import build_contract, persist
    from chalicelib.store import contracts

    if offer.quote is not None:
        from chalicelib.services.accept_quote import accept_quote

        accepted = accept_quote(offer.quote.id, actor=actor, now=now)
        return accepted.contract, accepted.order
    assert offer.template is not None
    from chalicelib.services.contract_lines import option_lines, plan_lines

    template = offer.template
    lines = plan_lines(template, offer.currency) + option_lines(template, details.options, offer.currency)
    data = {"customer_id": customer.id, "timezone": customer.timezone}
    contract = build_contract(data, template, now=now, lines=lines)
    contract = replace(contract, status=move(contract.status, "activate"))
    summary = f"signed up for {template.name} with {len(details.options)} option(s)"
    saved = persist([contracts.Saved(None, contract, "contract.created", summary)], actor, now)[0]
    return saved, None


def _notify(
    offer: Offer,
    customer: Customer,
    details: Details,
    contract: Contract | None,
    order: Order | None,
    now: datetime,
) -> None:
    from chalicelib.services.notify_staff import notify_staff

    labels = {o.code: o.label for o in offer.template.options} if offer.template else {}
    person = details.person
    values = {
        "customer_name": customer.name,
        "customer_id": customer.id,
        "contact": " ".join(p for p in (person["first_name"], person["last_name"]) if p),
        "email": customer.email,
        "offer": offer.quote.number if offer.quote else offer.name,
        "contract_number": contract.number if contract else "",
        "contract_id": contract.id if contract else "",
        "start_date": contract.start_date.isoformat() if contract else "",
        "options": ", ".join(labels.get(code, code) for code in details.options),
        "order_number": order.number if order else "",
        "order_id": order.id if order else "",
    }
    salesperson = offer.quote.salesperson_id if offer.quote else ""
    notify_staff("portal_signup_staff", values, salesperson_id=salesperson, now=now)
