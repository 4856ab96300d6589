"""A customer answers a quote through the portal (issue 7, B8, C14): accept (once, with the terms),
decline with a reason, ask the salesperson a question; staff are emailed each time; an expired quote
cannot be accepted."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain import links as rules
from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.lookups import ref
from chalicelib.domain.quotes import QuoteStatus
from chalicelib.services import portal_quote
from chalicelib.store import contracts, interactions, mail, quotes, tasks
from tests.portal_world import Catalogue, now, portal_world


@pytest.fixture
def salesperson() -> Any:
    from chalicelib.services.manage_staff import create_staff

    return create_staff(
        email="sam@example.com", name="Sam Seller", role="sales", password=None, actor=SYSTEM, now=now()
    )


def _quote(shop: Catalogue, salesperson: Any = None, *, valid_days: int = 20) -> Any:
    """A sent quote of a fresh customer (the world's own quote has no salesperson)."""
    from chalicelib.services.manage_quotes import create_quote, mark

    world = portal_world(shop, "Gamma Garage", "gamma@gamma.example", "SN-G-1")
    made = create_quote(
        {
            "customer_id": world.customer.id,
            "template_id": shop.template.id,
            "price_list_id": shop.eur.id,
            "salesperson_id": salesperson.id if salesperson else "",
            "valid_until": (now() + timedelta(days=valid_days)).date().isoformat(),
            "lines": [
                {"product_id": shop.care.id, "quantity": "2", "recurring": True},
                {"product_id": shop.install.id, "quantity": "1", "recurring": False},
            ],
        },
        actor=SYSTEM,
        now=now(),
    )
    return mark(made.id, "send", actor=SYSTEM, now=now())


def _actor(quote: Any) -> Any:
    return rules.customer_actor(quote.customer_id)


def test_accepting_makes_one_contract_and_tells_the_salesperson(shop: Catalogue, salesperson: Any) -> None:
    quote = _quote(shop, salesperson)
    before = len(contracts.of_customer(quote.customer_id))
    accepted = portal_quote.accept(quote, accept_terms=True, actor=_actor(quote), now=now())
    assert accepted.contract is not None and accepted.contract.status.value == "active"
    assert accepted.order is not None and accepted.order.total_minor == 25000
    assert quotes.get(quote.id).status is QuoteStatus.ACCEPTED
    [notice] = [m for m in mail.recent() if m.to == "sam@example.com"]
    assert "Quote accepted" in notice.subject and quote.number in notice.subject
    assert accepted.contract.number in notice.text
    with pytest.raises(Conflict):  # a second accept (a double click, a second tab) makes nothing
        portal_quote.accept(quotes.get(quote.id), accept_terms=True, actor=_actor(quote), now=now())
    assert len(contracts.of_customer(quote.customer_id)) == before + 1


def test_accepting_needs_the_terms_ticked(shop: Catalogue) -> None:
    quote = _quote(shop)
    with pytest.raises(ValidationError) as error:
        portal_quote.accept(quote, accept_terms=False, actor=_actor(quote), now=now())
    assert error.value.field == "accept_terms"
    assert quotes.get(quote.id).status is QuoteStatus.SENT


def test_an_expired_quote_cannot_be_accepted(shop: Catalogue) -> None:
    quote = _quote(shop, valid_days=1)
    later = now() + timedelta(days=3)
    before = len(contracts.of_customer(quote.customer_id))
    with pytest.raises(Conflict):
        portal_quote.accept(quote, accept_terms=True, actor=_actor(quote), now=later)
    with pytest.raises(Conflict):
        portal_quote.decline(quote, "", actor=_actor(quote), now=later)
    assert len(contracts.of_customer(quote.customer_id)) == before
    assert quotes.get(quote.id).status is QuoteStatus.SENT


def test_declining_keeps_the_reason_and_tells_staff(shop: Catalogue, salesperson: Any) -> None:
    quote = _quote(shop, salesperson)
    portal_quote.decline(quote, "Too expensive for us this year", actor=_actor(quote), now=now())
    assert quotes.get(quote.id).status is QuoteStatus.DECLINED
    [logged] = interactions.for_subject(ref("customer", quote.customer_id))
    assert "declined" in logged.title and logged.notes == "Too expensive for us this year"
    [notice] = [m for m in mail.recent() if m.to == "sam@example.com"]
    assert "Quote declined" in notice.subject and "Too expensive for us this year" in notice.text


def test_a_question_becomes_an_interaction_and_a_task_for_the_salesperson(
    shop: Catalogue, salesperson: Any
) -> None:
    quote = _quote(shop, salesperson)
    portal_quote.ask(quote, "  Can the visit be on a Saturday?  ", actor=_actor(quote), now=now())
    subject = ref("customer", quote.customer_id)
    [logged] = interactions.for_subject(subject)
    assert logged.title == f"Question about quote {quote.number}"
    assert logged.notes == "Can the visit be on a Saturday?"
    [task] = tasks.for_subject(subject)
    assert task.assignee_id == salesperson.id and quote.number in task.title and task.is_open
    [notice] = [m for m in mail.recent() if m.to == "sam@example.com"]
    assert "Question from the customer" in notice.subject and "Saturday" in notice.text
    assert quotes.get(quote.id).status is QuoteStatus.SENT  # a question answers nothing yet


def test_a_question_without_a_salesperson_goes_to_the_company_address(shop: Catalogue) -> None:
    quote = _quote(shop)
    portal_quote.ask(quote, "Hello?", actor=_actor(quote), now=now())
    assert [m.to for m in mail.recent()] == ["billing@example.com"]
    assert tasks.for_subject(ref("customer", quote.customer_id)) == []


@pytest.mark.parametrize(("message", "why"), [("", "empty"), ("   ", "blank"), ("x" * 2001, "too long")])
def test_a_bad_question_stores_and_sends_nothing(shop: Catalogue, message: str, why: str) -> None:
    quote = _quote(shop)
    with pytest.raises(ValidationError) as error:
        portal_quote.ask(quote, message, actor=_actor(quote), now=now())
    assert error.value.field == "message", why
    assert interactions.for_subject(ref("customer", quote.customer_id)) == []
    assert mail.recent() == []


def test_totals_show_the_tax_an_invoice_would_charge(shop: Catalogue) -> None:
    from chalicelib.services.manage_tax_rates import set_tax_rate

    quote = _quote(shop)
    untaxed, _one_off = portal_quote.totals(quote, "SK", "en")
    assert untaxed is not None and untaxed.tax == "" and "62.00" in untaxed.net
    set_tax_rate({"region": "SK", "category": "standard", "rate": "20"}, actor=SYSTEM, now=now())
    taxed, _one_off = portal_quote.totals(quote, "SK", "en")
    assert taxed is not None
    assert "62.00" in taxed.net and "12.40" in taxed.tax and "74.40" in taxed.gross
    only_once = replace(quote, lines=tuple(q for q in quote.lines if not q.recurring))
    assert portal_quote.totals(only_once, "SK", "en")[0] is None  # no recurring lines: no recurring total


def test_opening_a_sent_quote_marks_it_viewed_once(shop: Catalogue) -> None:
    quote = _quote(shop)
    viewed = portal_quote.mark_viewed(quote, actor=_actor(quote), now=now())
    assert viewed.status is QuoteStatus.VIEWED
    assert portal_quote.mark_viewed(viewed, actor=_actor(quote), now=now()) == viewed
