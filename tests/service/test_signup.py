"""Signing up through a signup link (issue 7, B6, B1): a prospect becomes a customer with a contact,
a billing address and an active contract of the options they chose; staff are told, a portal link is
emailed; the link works once; bad input writes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain import links as rules
from chalicelib.domain.audit import SYSTEM, Actor
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.links import LinkRevoked
from chalicelib.services import signup
from chalicelib.services.link_mail import create_signup_link
from chalicelib.store import addresses, contracts, customers, links, mail, people
from tests.portal_world import Catalogue, now, portal_world

STAFF = Actor("u1", "staff@example.com")
FORM = {
    "company": "Delta Dental s.r.o.",
    "tax_id": "SK2020202020",
    "first_name": "Dana",
    "last_name": "Dvorak",
    "email": "Dana@Delta.example",
    "phone": "+421 900 123 456",
    "street": "Obchodná 5",
    "city": "Bratislava",
    "postcode": "811 06",
    "country": "sk",
    "option_hotline": "1",
    "accept_terms": "1",
}


def _link(url: str) -> Any:
    token = re.search(r"/portal/([A-Za-z0-9_-]{43})/signup$", url)
    assert token, url
    return links.get(rules.hash_token(token.group(1)))


def _prospect_link(shop: Catalogue, email: str = "") -> Any:
    _made, url = create_signup_link("template", shop.template.id, email=email, actor=STAFF, now=now())
    return _link(url)


def test_a_prospect_signs_up_and_gets_a_running_contract(shop: Catalogue) -> None:
    link = _prospect_link(shop, email="dana@delta.example")
    assert [m.to for m in mail.recent()] == ["dana@delta.example"]  # the signup link itself
    done = signup.sign_up(signup.load_offer(link), FORM, locale="sk", now=now())
    customer = customers.get(done.customer.id)
    assert (customer.name, customer.email, customer.country, customer.currency, customer.locale) == (
        "Delta Dental s.r.o.",
        "dana@delta.example",
        "SK",
        "EUR",
        "sk",
    )
    assert customer.tax_id == "SK2020202020"
    address = addresses.get(customer.address_id or "")
    assert (address.line1, address.city, address.postcode, address.country) == (
        "Obchodná 5",
        "Bratislava",
        "811 06",
        "SK",
    )
    [member] = people.members_of(customer.id)
    person = people.get(member.person_id)
    assert (person.first_name, person.last_name, member.primary) == ("Dana", "Dvorak", True)
    [contract] = contracts.of_customer(customer.id)
    assert contract.status.value == "active" and contract.template_id == shop.template.id
    assert [line.option_code for line in contract.lines] == ["hotline"]
    assert contract.start_date == now().date()
    sent = {m.to: m for m in mail.recent()}
    assert "New signup: Delta Dental s.r.o." in sent["billing@example.com"].subject
    assert "24/7 hotline" in sent["billing@example.com"].text
    to_dana = "\n".join(m.text for m in mail.recent() if m.to == "dana@delta.example")
    portal = re.findall(r"http://testserver/portal/([A-Za-z0-9_-]{43})\s", to_dana)
    assert portal == [done.portal_token]  # the portal link (the signup link ends in /signup)
    opened = links.get(rules.hash_token(done.portal_token))
    assert opened.scope.value == "portal" and opened.customer_id == customer.id
    assert links.get(link.token_hash).state(now()) == "revoked"  # the signup link is used up


def test_the_same_link_cannot_sign_up_twice(shop: Catalogue) -> None:
    link = _prospect_link(shop)
    signup.sign_up(signup.load_offer(link), FORM, locale="en", now=now())
    with pytest.raises(LinkRevoked):
        signup.sign_up(signup.load_offer(link), {**FORM, "company": "Delta Again"}, locale="en", now=now())
    assert [c.name for c in customers.page()[0]] == ["Delta Dental s.r.o."]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "dana-at-delta"}, "email"),
        ({"email": ""}, "email"),
        ({"company": " "}, "company"),
        ({"last_name": ""}, "last_name"),
        ({"street": ""}, "line1"),
        ({"country": "Slovakia"}, "country"),
        ({"phone": "call me"}, "phone"),
        ({"option_hotline": ""}, "options"),
        ({"option_caviar": "1"}, "options"),
        ({"accept_terms": ""}, "accept_terms"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    shop: Catalogue, change: dict[str, str], field: str
) -> None:
    link = _prospect_link(shop)
    with pytest.raises(ValidationError) as error:
        signup.sign_up(signup.load_offer(link), {**FORM, **change}, locale="en", now=now())
    assert error.value.field == field
    assert customers.page()[0] == []
    assert mail.recent() == []
    assert links.get(link.token_hash).state(now()) == "active"  # still usable once corrected


def test_a_quote_signup_confirms_the_customer_and_accepts_the_quote(shop: Catalogue) -> None:
    world = portal_world(shop, "Epsilon Energy", "eps@eps.example", "SN-E-1")
    _made, url = create_signup_link("quote", world.quote.id, actor=STAFF, now=now())
    link = _link(url)
    offer = signup.load_offer(link)
    assert offer.quote is not None and offer.options == ()
    assert signup.prefill(offer)["company"] == "Epsilon Energy"
    form = {**FORM, "company": "Epsilon Energy a.s.", "email": "eps@eps.example", "option_hotline": ""}
    done = signup.sign_up(offer, form, locale="en", now=now())
    assert done.customer.id == world.customer.id and done.customer.name == "Epsilon Energy a.s."
    assert done.contract is not None and done.contract.quote_id == world.quote.id
    assert len(contracts.of_customer(world.customer.id)) == 2  # the world's own, and this one


def test_a_quote_past_its_date_cannot_be_signed(shop: Catalogue) -> None:
    from chalicelib.domain.errors import Conflict

    world = portal_world(shop, "Zeta Zoo", "z@zeta.example", "SN-Z-1")
    _made, url = create_signup_link("quote", world.quote.id, actor=STAFF, now=now())
    link = _link(url)
    with pytest.raises(Conflict):
        signup.sign_up(signup.load_offer(link), FORM, locale="en", now=now() + timedelta(days=40))
    assert links.get(link.token_hash).state(now()) == "active"


def test_staff_cannot_make_a_signup_link_for_a_template_without_options(shop: Catalogue) -> None:
    from chalicelib.services.manage_templates import create_template

    bare = create_template({"name": "Bare", "currency": "EUR", "period": "monthly"}, actor=SYSTEM, now=now())
    with pytest.raises(ValidationError) as error:
        create_signup_link("template", bare.id, actor=STAFF, now=now())
    assert error.value.field == "subject_id"
    with pytest.raises(ValidationError) as error:
        create_signup_link("template", shop.template.id, email="not an email", actor=STAFF, now=now())
    assert error.value.field == "email"


def test_a_template_with_a_plan_starts_with_the_plan_and_options_are_optional(shop: Catalogue) -> None:
    from chalicelib.services.manage_templates import create_template

    planned = create_template(
        {
            "name": "Boiler care",
            "currency": "EUR",
            "period": "monthly",
            "plan": {"label": "Boiler maintenance", "price_minor": 4900},
            "options": [{"code": "parts", "label": "Spare parts", "price_minor": 1500}],
        },
        actor=SYSTEM,
        now=now(),
    )
    _made, url = create_signup_link("template", planned.id, actor=STAFF, now=now())
    plain = {k: v for k, v in FORM.items() if k != "option_hotline"}
    done = signup.sign_up(signup.load_offer(_link(url)), plain, locale="en", now=now())
    [contract] = contracts.of_customer(done.customer.id)
    assert [(ln.description, ln.unit_price_minor, ln.option_code) for ln in contract.lines] == [
        ("Boiler maintenance", 4900, "")
    ]
    _made, url = create_signup_link("template", planned.id, actor=STAFF, now=now())
    both = signup.sign_up(
        signup.load_offer(_link(url)),
        {**plain, "email": "e@epsilon.example", "option_parts": "1"},
        locale="en",
        now=now(),
    )
    [contract] = contracts.of_customer(both.customer.id)
    assert [ln.option_code for ln in contract.lines] == ["", "parts"]
    assert contract.period_amount(contract.start_date) == 4900 + 1500
    priced = create_template(
        {"name": "Plan only", "currency": "EUR", "period": "monthly", "plan": {"price_minor": 900}},
        actor=SYSTEM,
        now=now(),
    )
    assert create_signup_link("template", priced.id, actor=STAFF, now=now())[0].subject_id == priced.id
