"""Complaints become numbered tickets, visits are marked done, and customers rate them once — against
DynamoDB Local: numbers unique and gapless under concurrency, emails only when the template asks for
them, one rating per visit, staff told about low ratings."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.domain.feedback import AlreadyRated
from chalicelib.domain.links import LinkUnknown, Scope, customer_actor
from chalicelib.services import manage_links
from chalicelib.services.give_feedback import give_feedback
from chalicelib.services.manage_tickets import change_status
from chalicelib.services.report_complaint import report_complaint
from chalicelib.services.visit_done import mark_visit_done
from chalicelib.store import audit, feedback, mail, tickets, visits
from chalicelib.store.models_service import FeedbackModel, TicketModel
from tests.portal_world import STAFF, Catalogue, PortalWorld, now, portal_world

URL = re.compile(r"http://testserver/portal/([A-Za-z0-9_-]{43})/feedback")
VISIT_DONE = {
    "subject": "How was our visit on {{ visit_date }}?",
    "body": "Dear {{ customer_name }},\nwe serviced {{ item_serial }} under {{ contract_number }}.\nRate us:",
}


def _asking_shop(shop: Catalogue) -> Catalogue:
    """The same catalogue with a template that emails customers when a visit is done."""
    from chalicelib.services.manage_templates import create_template

    template = create_template(
        {
            "name": "Care with feedback",
            "currency": "EUR",
            "period": "monthly",
            "term_periods": 12,
            "service_every_months": 3,
            "emails": {"visit_done": VISIT_DONE},
        },
        actor=SYSTEM,
        now=now(),
    )
    return Catalogue(shop.care, shop.install, shop.eur, template)


def _complain(world: PortalWorld, text: str = "The boiler leaks", **extra: str) -> Any:
    data = {"description": text, **extra}
    return report_complaint(
        world.customer, world.item, data, actor=customer_actor(world.customer.id), now=now()
    )


def _mails_to(address: str) -> list[Any]:
    return [m for m in mail.recent(limit=200) if m.to == address]


def _first_visit(world: PortalWorld) -> Any:
    return visits.of_contract(world.contract.id)[0]


def _feedback_link(world: PortalWorld, subject: str) -> Any:
    """A feedback link for `world`'s customer naming `subject` ("<contract id>|<visit key>", or junk)."""
    link, _token = manage_links.create_link(
        Scope.FEEDBACK, subject, customer_id=world.customer.id, subject_type="visit", actor=STAFF, now=now()
    )
    return link


def _done_visit(world: PortalWorld) -> Any:
    """Feedback links are for visits that happened: staff mark the first one done."""
    return mark_visit_done(world.contract.id, _first_visit(world).key, actor=STAFF, now=now()).visit


def test_a_complaint_opens_a_numbered_ticket_on_the_item_and_its_contract(alpha: PortalWorld) -> None:
    ticket = _complain(alpha, "  Water on the floor  ", urgency="high")
    assert ticket.number == "T-000001"
    stored = tickets.get(ticket.id)
    assert (stored.customer_id, stored.item_id, stored.contract_id) == (
        alpha.customer.id,
        alpha.item.id,
        alpha.contract.id,
    )
    assert (stored.description, stored.urgency, stored.status) == ("Water on the floor", "high", "open")
    assert [t.number for t in tickets.of_item(alpha.item.id)] == ["T-000001"]
    (entry,) = audit.for_entity("ticket", ticket.id)
    assert entry.action == "ticket.opened" and entry.actor == f"customer:{alpha.customer.id}"
    (to_customer,) = _mails_to(alpha.customer.email)
    assert "T-000001" in to_customer.subject and "T-000001" in to_customer.text
    assert "SN-ALPHA-1" in to_customer.text
    (to_staff,) = _mails_to("billing@example.com")
    assert "T-000001" in to_staff.subject and "Water on the floor" in to_staff.text
    assert f"/admin/tickets/{ticket.id}" in to_staff.text
    assert _complain(alpha, "Still leaking").number == "T-000002"


@pytest.mark.parametrize(
    ("data", "field"),
    [({"description": "   "}, "description"), ({"description": "Leak", "urgency": "panic"}, "urgency")],
)
def test_a_bad_complaint_stores_and_sends_nothing(
    alpha: PortalWorld, data: dict[str, str], field: str
) -> None:
    before = len(mail.recent(limit=200))
    with pytest.raises(ValidationError) as refused:
        report_complaint(alpha.customer, alpha.item, data, actor=SYSTEM, now=now())
    assert refused.value.field == field
    assert list(TicketModel.scan()) == [] and len(mail.recent(limit=200)) == before
    assert _complain(alpha).number == "T-000001"  # no number was used up


def test_a_complaint_about_another_customers_item_is_not_found(shop: Catalogue, alpha: PortalWorld) -> None:
    beta = portal_world(shop, "Beta Bakery", "beta@beta.example", "SN-BETA-9")
    with pytest.raises(NotFound):
        report_complaint(alpha.customer, beta.item, {"description": "x"}, actor=SYSTEM, now=now())
    assert list(TicketModel.scan()) == []


def test_ticket_numbers_are_unique_and_gapless_when_opened_at_once(alpha: PortalWorld) -> None:
    count = 8
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(count, timeout=60)

    def complain(n: int) -> None:
        from chalicelib.store import registry

        try:
            registry.bind_all(_settings())  # each thread binds its own connection
            start.wait()
            numbers.append(_complain(alpha, f"Problem {n}").number)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=complain, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"T-{n:06d}" for n in range(1, count + 1)]
    assert len({t.number for t in tickets.recent(50)}) == count


def _settings() -> Any:
    from chalicelib import bootstrap

    return bootstrap.settings()


def test_staff_move_a_ticket_and_a_stale_form_is_refused(alpha: PortalWorld) -> None:
    ticket = _complain(alpha)
    moved = change_status(ticket.id, "in_progress", version=str(ticket.version), actor=STAFF, now=now())
    assert tickets.get(ticket.id).status == "in_progress" and moved.version == ticket.version + 1
    with pytest.raises(Conflict):
        change_status(ticket.id, "resolved", version=str(ticket.version), actor=STAFF, now=now())
    with pytest.raises(ValidationError) as refused:
        change_status(ticket.id, "lost", version=str(moved.version), actor=STAFF, now=now())
    assert refused.value.field == "status"
    assert tickets.get(ticket.id).status == "in_progress"
    assert [e.action for e in audit.for_entity("ticket", ticket.id)].count("ticket.status") == 1


def test_a_visit_done_without_the_templates_email_sends_nothing(alpha: PortalWorld) -> None:
    visit = _first_visit(alpha)
    before = len(mail.recent(limit=200))
    done = mark_visit_done(alpha.contract.id, visit.key, actor=STAFF, now=now())
    assert done.feedback_link is None and len(mail.recent(limit=200)) == before
    stored = visits.get(alpha.contract.id, visit.key)
    assert stored.status == "done" and stored.done_at is not None
    assert manage_links.of_customer(alpha.customer.id) == []
    with pytest.raises(Conflict):  # done already
        mark_visit_done(alpha.contract.id, visit.key, actor=STAFF, now=now())
    with pytest.raises(NotFound):
        mark_visit_done(alpha.contract.id, "2030-01-01#nope", actor=STAFF, now=now())


def test_a_visit_done_emails_a_working_feedback_link_when_the_template_has_the_stage(shop: Catalogue) -> None:
    world = portal_world(_asking_shop(shop), "Gamma Garage", "gamma@gamma.example", "SN-GAMMA-3")
    visit = _first_visit(world)
    done = mark_visit_done(world.contract.id, visit.key, actor=STAFF, now=now())
    assert done.feedback_link is not None
    (sent,) = _mails_to("gamma@gamma.example")
    assert sent.subject == f"How was our visit on {visit.due.isoformat()}?"
    assert "SN-GAMMA-3" in sent.text and world.contract.number in sent.text
    match = URL.search(sent.text)
    assert match, sent.text
    link = manage_links.resolve(match.group(1), Scope.FEEDBACK, now=now())
    assert link.subject_id == f"{world.contract.id}|{visit.key}" and link.customer_id == world.customer.id
    given = give_feedback(link, {"rating": "5", "comment": "Spotless"}, now=now())
    assert feedback.get(world.contract.id, visit.key) == given


def test_a_visit_is_rated_once(alpha: PortalWorld) -> None:
    visit = _done_visit(alpha)
    link = _feedback_link(alpha, f"{alpha.contract.id}|{visit.key}")
    with pytest.raises(ValidationError):
        give_feedback(link, {"rating": "", "comment": "no stars"}, now=now())
    assert list(FeedbackModel.scan()) == []
    give_feedback(link, {"rating": "4", "comment": "Good"}, now=now())
    with pytest.raises(AlreadyRated):
        give_feedback(link, {"rating": "1", "comment": "changed my mind"}, now=now())
    (only,) = feedback.of_contract(alpha.contract.id)
    assert (only.rating, only.comment, only.visit_key) == (4, "Good", visit.key)
    assert [f.rating for f in feedback.recent()] == [4]
    assert _mails_to("billing@example.com") == []  # 4 is no low rating


def test_a_low_rating_tells_staff(alpha: PortalWorld) -> None:
    visit = _done_visit(alpha)
    link = _feedback_link(alpha, f"{alpha.contract.id}|{visit.key}")
    give_feedback(link, {"rating": "2", "comment": "Came late, left a mess"}, now=now())
    (told,) = _mails_to("billing@example.com")
    assert "2/5" in told.subject and "Alpha Heating" in told.subject
    assert "Came late, left a mess" in told.text and "SN-ALPHA-1" in told.text


def test_a_feedback_link_opens_only_a_visit_of_its_own_customer(shop: Catalogue, alpha: PortalWorld) -> None:
    beta = portal_world(shop, "Beta Bakery", "beta@beta.example", "SN-BETA-9")
    beta_visit = _first_visit(beta)
    planned = f"{alpha.contract.id}|{_first_visit(alpha).key}"  # not done yet: nothing to rate
    missing = f"{alpha.contract.id}|2030-01-01#nope"
    for subject in (f"{beta.contract.id}|{beta_visit.key}", missing, "junk", planned):
        link = _feedback_link(alpha, subject)
        with pytest.raises(LinkUnknown):
            give_feedback(link, {"rating": "5"}, now=now())
    assert list(FeedbackModel.scan()) == []
