"""The item page of the portal with its complaint form, the feedback page a "visit done" email opens,
and the staff side of both: the ticket list with its status change, the visits tab's "Mark done" and
the ratings it shows."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chalicelib.domain.links import Scope
from chalicelib.store import feedback, mail, tickets, visits
from chalicelib.store.models_service import FeedbackModel, TicketModel
from tests.browser_client import Browser
from tests.portal_world import STAFF, PortalWorld, now


def _body(response: Any) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else str(response.body)


def _feedback_token(world: PortalWorld) -> tuple[str, Any]:
    from chalicelib.services.visit_done import mark_visit_done

    planned = visits.of_contract(world.contract.id)[0]
    visit = mark_visit_done(world.contract.id, planned.key, actor=STAFF, now=now()).visit
    return world.link(Scope.FEEDBACK, f"{world.contract.id}|{visit.key}"), visit


def test_the_item_page_shows_the_item_its_contract_and_visits(browser: Browser, alpha: PortalWorld) -> None:
    token = alpha.link()
    response = browser.get(f"/portal/{token}/items/{alpha.item.id}")
    assert response.status_code == 200
    page = _body(response)
    for shown in ("SN-ALPHA-1", "Boiler care", alpha.contract.number, f"/portal/{token}/contracts/"):
        assert shown in page, shown
    visit = visits.of_contract(alpha.contract.id)[0]
    assert visit.due.isoformat() in page and "planned" in page
    assert 'name="description"' in page and 'name="urgency"' in page
    assert 'aria-current="page"' in page  # the overview entry of the portal navigation


def test_a_complaint_from_the_item_page_opens_a_ticket(browser: Browser, alpha: PortalWorld) -> None:
    token = alpha.link()
    item_page = f"/portal/{token}/items/{alpha.item.id}"
    browser.get(item_page)
    response = browser.post(
        f"{item_page}/complaint", {"action": "complaint", "description": "Leaks at night", "urgency": "high"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"{item_page}?ticket=T-000001"
    page = _body(browser.get(response.headers["Location"]))
    assert "Ticket T-000001 opened" in page
    assert re.search(r"T-000001</td>\s*<td>[^<]+</td>\s*<td><span class=\"badge warn\">open", page)
    (ticket,) = tickets.of_customer(alpha.customer.id)
    assert (ticket.description, ticket.urgency, ticket.item_id) == ("Leaks at night", "high", alpha.item.id)
    assert any("T-000001" in m.subject for m in mail.recent(limit=20) if m.to == alpha.customer.email)
    # A made-up number in the address shows no notice.
    assert "opened" not in _body(browser.get(f"{item_page}?ticket=T-999999"))


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"description": "   ", "urgency": "normal"}, "field: description"),
        ({"description": "Noise", "urgency": "panic"}, "field: urgency"),
        ({"description": "x" * 4001}, "under 4000 characters"),
    ],
)
def test_a_bad_complaint_gets_a_400_naming_the_field_and_stores_nothing(
    browser: Browser, alpha: PortalWorld, form: dict[str, str], words: str
) -> None:
    token = alpha.link()
    item_page = f"/portal/{token}/items/{alpha.item.id}"
    browser.get(item_page)
    response = browser.post(f"{item_page}/complaint", form)
    assert response.status_code == 400
    assert words in _body(response) and 'aria-invalid="true"' in _body(response)
    assert list(TicketModel.scan()) == []


def test_an_unknown_action_is_a_400_and_junk_never_a_500(browser: Browser, alpha: PortalWorld) -> None:
    token = alpha.link()
    item_page = f"/portal/{token}/items/{alpha.item.id}"
    browser.get(item_page)
    csrf = browser.csrf()
    response = browser.post(f"{item_page}/complaint", {"action": "delete", "description": "x"}, csrf=csrf)
    assert response.status_code == 400 and "unknown action" in _body(response)
    twice = [("description", "a"), ("description", "b"), ("urgency", "\x00")]
    assert browser.post(f"{item_page}/complaint", twice, csrf=csrf).status_code < 500
    feedback_token, _visit = _feedback_token(alpha)
    browser.get(f"/portal/{feedback_token}/feedback")
    csrf = browser.csrf()
    for junk in ({"action": "bogus"}, {"rating": "\x00"}, {"rating": "99", "comment": "x" * 5000}):
        response = browser.post(f"/portal/{feedback_token}/feedback", junk, csrf=csrf)
        assert response.status_code == 400, junk
    assert list(TicketModel.scan()) == [] and list(FeedbackModel.scan()) == []


def test_the_feedback_page_rates_a_visit_once(browser: Browser, alpha: PortalWorld) -> None:
    token, visit = _feedback_token(alpha)
    page = _body(browser.get(f"/portal/{token}/feedback"))
    assert visit.due.isoformat() in page and "SN-ALPHA-1" in page and alpha.contract.number in page
    assert len(re.findall(r'type="radio" name="rating" value="[1-5]"', page)) == 5
    assert 'name="comment"' in page
    csrf = browser.csrf()
    assert 'class="portal"' not in page  # a feedback link has no portal navigation
    empty = browser.post(f"/portal/{token}/feedback", {"action": "rate", "comment": "no stars"})
    assert empty.status_code == 400 and "field: rating" in _body(empty)
    sent = browser.post(f"/portal/{token}/feedback", {"action": "rate", "rating": "4", "comment": "On time"})
    assert sent.status_code == 303 and sent.headers["Location"] == f"/portal/{token}/feedback?done=1"
    assert "Thank you!" in _body(browser.get(sent.headers["Location"]))
    again = browser.post(f"/portal/{token}/feedback", {"action": "rate", "rating": "1"}, csrf=csrf)
    assert again.status_code == 409 and "rated already" in _body(again)
    assert "Already rated" in _body(browser.get(f"/portal/{token}/feedback"))
    (only,) = feedback.of_contract(alpha.contract.id)
    assert (only.rating, only.comment) == (4, "On time")
    # The rating shows on the item page of the customer's portal.
    item_page = _body(browser.get(f"/portal/{alpha.link()}/items/{alpha.item.id}"))
    assert "4 of 5" in item_page


def test_staff_see_tickets_and_change_their_status(admin: Browser, alpha: PortalWorld) -> None:
    from chalicelib.domain.links import customer_actor
    from chalicelib.services.report_complaint import report_complaint
    from tests.portal_world import now

    ticket = report_complaint(
        alpha.customer,
        alpha.item,
        {"description": "Pilot light goes out", "urgency": "low"},
        actor=customer_actor(alpha.customer.id),
        now=now(),
    )
    listing = _body(admin.get("/admin/tickets"))
    for shown in ("T-000001", "Alpha Heating", "SN-ALPHA-1", "Pilot light goes out"):
        assert shown in listing, shown
    assert "T-000001" not in _body(admin.get("/admin/tickets?status=closed"))
    assert admin.get("/admin/tickets?status=bogus").status_code == 400
    detail = admin.get(f"/admin/tickets/{ticket.id}")
    assert detail.status_code == 200 and alpha.contract.number in _body(detail)
    response = admin.post(f"/admin/tickets/{ticket.id}/status", {"status": "in_progress", "version": "1"})
    assert response.status_code == 303
    assert "in progress" in _body(admin.get(response.headers["Location"]))
    stale = admin.post(f"/admin/tickets/{ticket.id}/status", {"status": "resolved", "version": "1"})
    assert stale.status_code == 409 and "changed by someone else" in _body(stale)
    assert tickets.get(ticket.id).status == "in_progress"
    assert "Tickets" in _body(admin.get("/admin"))  # the navigation's entry


def test_staff_mark_a_visit_done_and_see_its_rating(admin: Browser, alpha: PortalWorld) -> None:
    tab = f"/admin/contracts/{alpha.contract.id}?tab=visits"
    page = _body(admin.get(tab))
    visit = visits.of_contract(alpha.contract.id)[0]
    assert page.count(">Mark done</button>") == len(visits.of_contract(alpha.contract.id))
    response = admin.post(f"/admin/contracts/{alpha.contract.id}/visits/done", {"visit_key": visit.key})
    assert response.status_code == 303
    page = _body(admin.get(response.headers["Location"]))
    assert "Visit marked done." in page
    assert visits.get(alpha.contract.id, visit.key).status == "done"
    again = admin.post(f"/admin/contracts/{alpha.contract.id}/visits/done", {"visit_key": visit.key})
    assert again.status_code == 409
    token = alpha.link(Scope.FEEDBACK, f"{alpha.contract.id}|{visit.key}")
    admin.get(f"/portal/{token}/feedback")
    admin.post(f"/portal/{token}/feedback", {"rating": "2", "comment": "Late"})
    page = _body(admin.get(tab))
    assert "2 / 5" in page
    listing = _body(admin.get("/admin/feedback?low=1"))
    assert "Alpha Heating" in listing and "Late" in listing and "2 / 5" in listing


def test_a_service_role_may_mark_visits_done_a_viewer_may_not(
    browser: Browser, make_staff: Any, alpha: PortalWorld
) -> None:
    visit = visits.of_contract(alpha.contract.id)[0]
    make_staff("viewer")
    browser.sign_in("viewer@example.com")
    page = _body(browser.get(f"/admin/contracts/{alpha.contract.id}?tab=visits"))
    assert "Mark done" not in page
    response = browser.post(f"/admin/contracts/{alpha.contract.id}/visits/done", {"visit_key": visit.key})
    assert response.status_code == 403
    assert visits.get(alpha.contract.id, visit.key).status == "planned"
