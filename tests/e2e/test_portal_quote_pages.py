"""The portal's quote page over HTTP (issue 7, B8, C14): a quote link and a portal link show the quote
with its lines, totals and terms; the customer accepts (once), declines or asks a question; an expired
quote shows its state and cannot be accepted; B's quote is never reachable with A's link."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from chalicelib.domain import links as rules
from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.links import Scope
from chalicelib.domain.lookups import ref
from chalicelib.store import contracts, interactions, mail, quotes
from tests.browser_client import Browser
from tests.portal_world import Catalogue, PortalWorld, now, portal_csrf, portal_world


def _body(response: Any) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else str(response.body)


def test_a_quote_link_shows_the_quote_and_accepting_emails_a_portal_link(
    browser: Browser, alpha: PortalWorld
) -> None:
    token = alpha.link(Scope.QUOTE, alpha.quote.id)
    page = browser.get(f"/portal/{token}/quote")
    assert page.status_code == 200
    html = _body(page)
    assert alpha.quote.number in html and "Boiler care" in html and "Installation" in html
    assert "every month" in html and "once" in html
    assert "Minimum term" in html and "12 × month" in html
    assert "Accept quote" in html and 'name="accept_terms"' in html
    assert "starts your contract today; one-off items become an order" in html  # both kinds of line
    assert quotes.get(alpha.quote.id).status.value == "viewed"  # staff see the customer opened it
    before = len(contracts.of_customer(alpha.customer.id))

    refused = browser.post(f"/portal/{token}/quote", {"action": "accept"})
    assert refused.status_code == 400 and "Please tick the box" in _body(refused)
    assert len(contracts.of_customer(alpha.customer.id)) == before

    done = browser.post(f"/portal/{token}/quote", {"action": "accept", "accept_terms": "1"})
    assert done.status_code == 303
    shown = _body(browser.get(done.headers["Location"]))
    assert "The quote is accepted" in shown and "a•••@a•••.example" in shown
    contract = contracts.get(quotes.get(alpha.quote.id).contract_id)
    assert contract.number in shown and "Accept quote" not in shown
    [portal_mail] = [m for m in mail.recent() if m.to == "alpha@alpha.example"]
    path = re.search(r"http://testserver(/portal/[A-Za-z0-9_-]{43})\s", portal_mail.text)
    assert path, portal_mail.text
    assert rules.hash_token(path.group(1).split("/")[2]) != rules.hash_token(token)
    assert any("Quote accepted" in m.subject for m in mail.recent() if m.to == "billing@example.com")

    again = browser.post(
        f"/portal/{token}/quote", {"action": "accept", "accept_terms": "1"}, csrf=portal_csrf(token)
    )
    assert again.status_code == 409 and "can no longer be answered" in _body(again)
    assert len(contracts.of_customer(alpha.customer.id)) == before + 1


def test_a_portal_link_declines_with_a_reason(browser: Browser, alpha: PortalWorld) -> None:
    token = alpha.link()
    path = f"/portal/{token}/quotes/{alpha.quote.id}"
    assert browser.get(path).status_code == 200
    done = browser.post(path, {"action": "decline", "reason": "We chose <b>another</b> offer"})
    assert done.status_code == 303
    html = _body(browser.get(done.headers["Location"]))
    assert "This quote was declined" in html and "Accept quote" not in html
    assert 'aria-current="page"' in html  # the portal navigation is there
    assert quotes.get(alpha.quote.id).status.value == "declined"
    [logged] = interactions.for_subject(ref("customer", alpha.customer.id))
    assert logged.notes == "We chose <b>another</b> offer"
    assert any("Quote declined" in m.subject for m in mail.recent())


def test_a_question_is_sent_and_a_long_one_is_refused_with_the_text_kept(
    browser: Browser, alpha: PortalWorld
) -> None:
    token = alpha.link()
    path = f"/portal/{token}/quotes/{alpha.quote.id}"
    browser.get(path)
    too_long = "Why? " * 401
    refused = browser.post(path, {"action": "question", "message": too_long})
    assert refused.status_code == 400 and "at most 2000 characters" in _body(refused)
    assert "Why? Why?" in _body(refused)  # the text is kept in the form
    assert interactions.for_subject(ref("customer", alpha.customer.id)) == []
    empty = browser.post(path, {"action": "question", "message": "  "})
    assert empty.status_code == 400 and "Please write your question" in _body(empty)
    done = browser.post(path, {"action": "question", "message": "Is the hotline included?"})
    assert done.status_code == 303
    assert "your question has been sent" in _body(browser.get(done.headers["Location"]))
    [logged] = interactions.for_subject(ref("customer", alpha.customer.id))
    assert logged.notes == "Is the hotline included?"
    assert any("Is the hotline included?" in m.text for m in mail.recent())


def test_an_expired_quote_shows_its_state_and_cannot_be_accepted(
    browser: Browser, shop: Catalogue, alpha: PortalWorld
) -> None:
    from chalicelib.services.manage_quotes import create_quote, mark

    made = create_quote(
        {
            "customer_id": alpha.customer.id,
            "template_id": shop.template.id,
            "price_list_id": shop.eur.id,
            "valid_until": (now() - timedelta(days=2)).date().isoformat(),
            "lines": [{"product_id": shop.care.id, "quantity": "1", "recurring": True}],
        },
        actor=SYSTEM,
        now=now() - timedelta(days=3),
    )
    # Sent three days ago, valid until two days ago: expired today (before the nightly job says so).
    old = mark(made.id, "send", actor=SYSTEM, now=now() - timedelta(days=3))
    token = alpha.link(Scope.QUOTE, old.id)
    html = _body(browser.get(f"/portal/{token}/quote"))
    assert "This quote expired" in html and "Accept quote" not in html
    before = len(contracts.of_customer(alpha.customer.id))
    refused = browser.post(
        f"/portal/{token}/quote", {"action": "accept", "accept_terms": "1"}, csrf=portal_csrf(token)
    )
    assert refused.status_code == 409 and "expired" in _body(refused)
    assert len(contracts.of_customer(alpha.customer.id)) == before


def test_junk_actions_get_a_400_page_and_other_customers_quotes_a_404(
    browser: Browser, shop: Catalogue, alpha: PortalWorld
) -> None:
    other = portal_world(shop, "Beta Bakery", "beta@beta.example", "SN-BETA-9")
    token = alpha.link()
    path = f"/portal/{token}/quotes/{alpha.quote.id}"
    bogus = browser.post(path, {"action": "bogus"}, csrf=portal_csrf(token))
    assert bogus.status_code == 400 and "action" in _body(bogus)
    theirs = browser.post(
        f"/portal/{token}/quotes/{other.quote.id}",
        {"action": "accept", "accept_terms": "1"},
        csrf=portal_csrf(token),
    )
    assert theirs.status_code == 404 and other.quote.number not in _body(theirs)
    assert quotes.get(other.quote.id).status.value == "sent"
    # A quote link opens only its own quote, and no portal page.
    quote_token = alpha.link(Scope.QUOTE, alpha.quote.id)
    assert browser.get(f"/portal/{quote_token}/quotes/{alpha.quote.id}").status_code == 404
    assert browser.get(f"/portal/{quote_token}/card").status_code == 404
