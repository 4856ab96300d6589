"""The renewal job on DynamoDB Local: reminders 30 and 7 days before; renew, expire, cancel; twice-safe."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.errors import Conflict
from chalicelib.services.change_contract import change_contract
from chalicelib.services.manage_catalogue import create_product
from chalicelib.services.manage_contracts import create_contract
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_staff import create_staff
from chalicelib.services.manage_templates import create_template
from chalicelib.services.renew_contracts import renew, run_renewals
from chalicelib.store import contracts, mail

START = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
NOTHING = {"reminded": 0, "renewed": 0, "expired": 0, "cancelled": 0, "closed": 0, "skipped": 0}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def make():
    product = create_product({"code": "CARE", "name": "Boiler care"}, actor=SYSTEM, now=START)
    customer = create_customer(
        {
            "name": "Acme",
            "country": "SK",
            "currency": "EUR",
            "email": "ops@acme.test",
            "timezone": "Europe/Bratislava",
        },
        actor=SYSTEM,
        now=START,
    )
    seller = create_staff(
        email="sam@example.com", name="Sam Seller", role="sales", password=None, actor=SYSTEM, now=START
    )

    def contract(auto_renew: bool = True, emails=None, **extra):
        template = create_template(
            {
                "name": "Care",
                "currency": "EUR",
                "period": "monthly",
                "term_periods": 12,
                "auto_renew": auto_renew,
                "emails": emails or {},
            },
            actor=SYSTEM,
            now=START,
        )
        data = {
            "customer_id": customer.id,
            "template_id": template.id,
            "start_date": "2027-01-01",
            "salesperson_id": seller.id,
            "lines": [{"product_id": product.id, "quantity": "1", "unit_price_minor": 5000}],
            "activate": True,
            **extra,
        }
        return create_contract(data, actor=SYSTEM, now=START)

    return contract


def _counts(**changed: int) -> dict[str, int]:
    return {**NOTHING, **changed}


def test_reminders_go_out_once_30_and_7_days_before_then_the_contract_renews(make) -> None:
    contract = make()
    assert contract.end_date == date(2028, 1, 1)
    assert run_renewals(at("2027-12-01T12:00")) == NOTHING
    assert run_renewals(at("2027-12-02T12:00")) == _counts(reminded=1)
    assert run_renewals(at("2027-12-02T13:00")) == NOTHING  # the hourly run again: nothing new
    sent = sorted((m.to, m.subject) for m in mail.recent())
    assert sent == [
        ("ops@acme.test", f"Your contract {contract.number} ends on 2028-01-01"),
        ("sam@example.com", f"Renewal due in 30 days: Acme: {contract.number} ends on 2028-01-01"),
    ]
    assert run_renewals(at("2027-12-25T12:00")) == _counts(reminded=1)
    assert len(mail.recent()) == 4
    # 00:30 on Jan 1 in Bratislava is still Dec 31 in UTC: the contract's own day counts.
    assert run_renewals(at("2027-12-31T22:00")) == NOTHING
    assert run_renewals(at("2027-12-31T23:30")) == _counts(renewed=1)
    assert run_renewals(at("2028-01-01T00:30")) == NOTHING
    old = contracts.get(contract.id)
    new = contracts.get(old.renewed_to)
    assert old.status is Status.RENEWED
    assert (new.status, new.start_date, new.end_date, new.term_number) == (
        Status.ACTIVE,
        date(2028, 1, 1),
        date(2029, 1, 1),
        2,
    )
    assert [line.unit_price_minor for line in new.lines] == [5000]
    assert [h["action"] for h in contracts.versions(old.id)][:1] == ["contract.renewed"]


def test_a_late_run_sends_one_reminder_not_two(make) -> None:
    make()
    assert run_renewals(at("2027-12-28T12:00")) == _counts(reminded=1)
    assert len(mail.recent()) == 2  # customer and salesperson, the 7-day text only
    assert (
        "in 4 days" in mail.get(mail.recent()[0].id).text or "in 7 days" in mail.get(mail.recent()[0].id).text
    )
    assert run_renewals(at("2027-12-29T12:00")) == NOTHING


def test_without_auto_renewal_the_contract_expires(make) -> None:
    contract = make(auto_renew=False)
    assert run_renewals(at("2028-01-01T12:00")) == _counts(expired=1)
    assert contracts.get(contract.id).status is Status.EXPIRED
    assert run_renewals(at("2028-01-02T12:00")) == NOTHING
    # An expired contract can still be renewed by staff: from today.
    renewal = renew(
        contract.id, version=contracts.get(contract.id).version, actor=SYSTEM, now=at("2028-01-10T12:00")
    )
    assert renewal.start_date == date(2028, 1, 10) and contracts.get(contract.id).status is Status.RENEWED


def test_a_cancellation_for_a_later_date_is_carried_out_on_that_date(make) -> None:
    contract = make()
    change_contract(
        contract.id,
        "cancel",
        {"reason": "price", "when": "date", "effective_date": "2027-06-01"},
        version=1,
        actor=SYSTEM,
        now=at("2027-03-10T12:00"),
    )
    assert contracts.get(contract.id).status is Status.ACTIVE
    assert run_renewals(at("2027-05-20T12:00")) == NOTHING  # no renewal reminder for a cancelled contract
    assert run_renewals(at("2027-06-01T12:00")) == _counts(cancelled=1)
    assert contracts.get(contract.id).status is Status.CANCELLED


def test_a_contract_renewed_by_hand_is_closed_at_its_end_not_renewed_again(make) -> None:
    contract = make()
    renewal = renew(contract.id, version=1, actor=SYSTEM, now=at("2027-11-01T12:00"))
    assert renewal.start_date == date(2028, 1, 1)
    assert contracts.get(contract.id).status is Status.ACTIVE  # it runs to its end
    assert run_renewals(at("2027-12-02T12:00")) == NOTHING  # no reminder: already renewed
    assert run_renewals(at("2028-01-01T12:00")) == _counts(closed=1)
    assert contracts.get(contract.id).status is Status.RENEWED
    with pytest.raises(Conflict, match="a renewed contract cannot renew"):
        renew(
            contract.id, version=contracts.get(contract.id).version, actor=SYSTEM, now=at("2028-01-02T12:00")
        )


def test_concurrent_runs_renew_exactly_once(make) -> None:
    contract = make()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: run_renewals(at("2028-01-01T12:00")), range(4)))
    assert sum(r["renewed"] for r in results) == 1
    assert [c.id for c in contracts.of_customer(contract.customer_id)].count(f"{contract.id}-2") == 1
    assert len(contracts.of_customer(contract.customer_id)) == 2


def test_the_templates_stage_emails_go_to_the_customer_once_per_stage(make) -> None:
    from chalicelib.services.manage_contracts import change_status
    from chalicelib.services.manage_templates import update_template

    contract = make()
    stages = {
        stage: {
            "subject": f"{stage}: {{{{ contract_number }}}}",
            "body": f"Dear {{{{ customer_name }}}}, {stage}.",
        }
        for stage in ("welcome", "suspended", "cancelled", "renewed", "expired")
    }
    update_template(contract.template_id, {"emails": stages}, actor=SYSTEM, now=START)
    assert mail.recent() == []  # the contract started before the template had a welcome text
    suspended = change_status(contract.id, "suspend", version=1, actor=SYSTEM, now=at("2027-02-01T12:00"))
    change_status(contract.id, "resume", version=suspended.version, actor=SYSTEM, now=at("2027-02-02T12:00"))
    renewal = renew(contract.id, version=3, actor=SYSTEM, now=at("2027-11-01T12:00"))
    change_contract(
        renewal.id,
        "cancel",
        {"reason": "price", "when": "date", "effective_date": "2028-06-01"},
        version=1,
        actor=SYSTEM,
        now=at("2027-11-02T12:00"),
    )
    assert run_renewals(at("2028-06-01T12:00"))["cancelled"] == 1  # carried out: no second email
    sent = sorted(m.subject for m in mail.recent())
    assert sent == sorted(
        [f"suspended: {contract.number}", f"renewed: {renewal.number}", f"cancelled: {renewal.number}"]
    )
    assert all(m.to == "ops@acme.test" for m in mail.recent())
    text = mail.get(next(m.id for m in mail.recent() if m.subject.startswith("renewed"))).text
    assert text == "Dear Acme, renewed."


def test_a_contract_started_from_a_template_with_a_welcome_text_sends_it(make) -> None:
    welcome = {"welcome": {"subject": "Welcome to {{ template_name }}", "body": "Until {{ end_date }}."}}
    make(emails=welcome)
    [sent] = mail.recent()
    assert (sent.to, sent.subject, mail.get(sent.id).text) == (
        "ops@acme.test",
        "Welcome to Care",
        "Until 2028-01-01.",
    )
    make(emails=welcome, activate=False)  # a draft has not started: nothing yet
    assert len(mail.recent()) == 1
