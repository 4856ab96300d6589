"""Quotes and orders on DynamoDB Local: checked input, the workflow, and acceptance in one transaction."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.orders import OrderStatus
from chalicelib.domain.quotes import QuoteStatus
from chalicelib.services.accept_quote import accept_quote
from chalicelib.services.expire_quotes import expire_quotes
from chalicelib.services.manage_catalogue import create_price_list, create_product, set_price
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_orders import change_order_status
from chalicelib.services.manage_quotes import create_quote, mark
from chalicelib.services.manage_templates import create_template
from chalicelib.store import audit, contracts, orders, quotes
from chalicelib.store.models import AuditModel
from chalicelib.store.models_contracts import ContractModel, ContractVersionModel
from chalicelib.store.models_sales import OrderModel, QuoteModel

# A fixed day: nothing here has a DynamoDB TTL.
MAR_10 = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def world():
    care = create_product({"code": "CARE", "name": "Boiler care"}, actor=SYSTEM, now=MAR_10)
    install = create_product({"code": "INST", "name": "Installation"}, actor=SYSTEM, now=MAR_10)
    eur = create_price_list({"name": "Standard EUR", "currency": "EUR"}, actor=SYSTEM, now=MAR_10)
    usd = create_price_list({"name": "Standard USD", "currency": "USD"}, actor=SYSTEM, now=MAR_10)
    set_price(care.id, eur.id, amount="31.00", actor=SYSTEM, now=MAR_10)
    set_price(install.id, eur.id, amount="250.00", actor=SYSTEM, now=MAR_10)
    customer = create_customer(
        {
            "name": "Acme",
            "country": "SK",
            "currency": "EUR",
            "email": "ops@acme.test",
            "timezone": "Europe/Bratislava",
        },
        actor=SYSTEM,
        now=MAR_10,
    )
    template = create_template(
        {"name": "Care monthly", "currency": "EUR", "period": "monthly", "term_periods": 12},
        actor=SYSTEM,
        now=MAR_10,
    )
    return {
        "care": care,
        "install": install,
        "eur": eur,
        "usd": usd,
        "customer": customer,
        "template": template,
    }


def _data(world, **extra):
    return {
        "customer_id": world["customer"].id,
        "template_id": world["template"].id,
        "price_list_id": world["eur"].id,
        "valid_until": "2027-03-31",
        "lines": [
            {"product_id": world["care"].id, "quantity": "2", "recurring": True},
            {
                "product_id": world["install"].id,
                "quantity": "1",
                "discount_percent": "10",
                "recurring": False,
            },
        ],
        **extra,
    }


def _sent(world, **extra):
    quote = create_quote(_data(world, **extra), actor=SYSTEM, now=MAR_10)
    return mark(quote.id, "send", actor=SYSTEM, now=MAR_10)


def test_a_quote_is_priced_from_the_price_list_with_recurring_and_one_off_totals(world) -> None:
    quote = create_quote(_data(world, notes="Installation in April"), actor=SYSTEM, now=MAR_10)
    assert quote.status is QuoteStatus.DRAFT and quote.number == f"Q-{quote.id[:8].upper()}"
    assert (quote.recurring_total, quote.one_off_total) == (6200, 22500)
    assert (quote.period, quote.template_name, quote.currency) == ("monthly", "Care monthly", "EUR")
    assert quotes.get(quote.id) == quote
    assert [q.id for q in quotes.of_customer(world["customer"].id)] == [quote.id]
    assert audit.for_entity("quote", quote.id)[0].action == "quote.created"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": [{"product_id": "nope", "recurring": True}]}, "lines[0].product_id"),
        ("negative", "lines[1].quantity"),
        ("discount", "lines[0].discount"),
        ("usd", "price_list_id"),
        ({"valid_until": "2027-03-09"}, "valid_until"),
        ({"valid_until": "soon"}, "valid_until"),
        ({"template_id": ""}, "template_id"),
        ({"customer_id": "nobody"}, "customer_id"),
        ({"currency": "EUD"}, "currency"),
        ({"lines": []}, "lines"),
        ("flag", "lines[0].recurring"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, change, field) -> None:
    data = _data(world)
    if change == "negative":
        data["lines"][1]["quantity"] = "-1"
    elif change == "discount":
        data["lines"][0]["discount_percent"] = "120"
    elif change == "usd":
        data["price_list_id"] = world["usd"].id
    elif change == "flag":
        data["lines"][0]["recurring"] = "yes"
    else:
        data.update(change)
    before = AuditModel.count()
    with pytest.raises(ValidationError) as error:
        create_quote(data, actor=SYSTEM, now=MAR_10)
    assert error.value.field == field, error.value.message
    assert QuoteModel.count() == 0 and AuditModel.count() == before


def test_a_price_list_in_another_currency_is_named(world) -> None:
    with pytest.raises(ValidationError, match="Standard USD is in USD, the quote in EUR"):
        create_quote(_data(world, price_list_id=world["usd"].id), actor=SYSTEM, now=MAR_10)


def test_one_off_lines_need_no_template(world) -> None:
    lines = [{"product_id": world["install"].id, "unit_price_minor": 9900}]
    quote = create_quote(_data(world, template_id="", lines=lines), actor=SYSTEM, now=MAR_10)
    assert (quote.recurring_total, quote.one_off_total, quote.period) == (0, 9900, "")


def test_accepting_creates_an_active_contract_and_an_order_in_one_go(world) -> None:
    quote = _sent(world)
    done = accept_quote(quote.id, actor=SYSTEM, now=MAR_10)
    contract, order = done.contract, done.order
    assert contract is not None and order is not None
    assert done.quote.status is QuoteStatus.ACCEPTED
    assert (done.quote.contract_id, done.quote.order_id) == (contract.id, order.id)

    stored = contracts.get(contract.id)
    assert stored.status is Status.ACTIVE and stored.quote_id == quote.id and stored.version == 1
    assert [(line.product_id, line.quantity, line.unit_price_minor) for line in stored.lines] == [
        (world["care"].id, Decimal(2), 3100)
    ]
    assert stored.start_date == date(2027, 3, 10) and stored.terms.period == "monthly"
    assert [h["action"] for h in contracts.versions(contract.id)] == ["contract.created"]

    assert orders.get(order.id) == order
    assert order.status is OrderStatus.OPEN and order.number.startswith("O-")
    assert (order.quote_id, order.contract_id, order.currency, order.total_minor) == (
        quote.id,
        contract.id,
        "EUR",
        22500,
    )
    assert [line.product_id for line in order.lines] == [world["install"].id]
    assert quotes.get(quote.id).status is QuoteStatus.ACCEPTED
    assert sorted(e.action for e in audit.for_entity("quote", quote.id)) == [
        "quote.accepted",
        "quote.created",
        "quote.sent",
    ]
    assert [e.action for e in audit.for_entity("order", order.id)] == ["order.created"]
    assert [e.action for e in audit.for_entity("contract", contract.id)] == ["contract.created"]


def test_accepting_twice_is_a_conflict_and_creates_nothing_more(world) -> None:
    quote = _sent(world)
    accept_quote(quote.id, actor=SYSTEM, now=MAR_10)
    with pytest.raises(Conflict, match="a quote that is accepted cannot become accepted"):
        accept_quote(quote.id, actor=SYSTEM, now=MAR_10)
    assert ContractModel.count() == 1 and OrderModel.count() == 1


def test_concurrent_accepts_make_exactly_one_contract_and_one_order(world) -> None:
    quote = _sent(world)

    def attempt(_: int) -> str:
        try:
            accept_quote(quote.id, actor=SYSTEM, now=MAR_10)
            return "accepted"
        except Conflict as error:
            assert "accepted" in error.message
            return "conflict"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    assert outcomes.count("accepted") == 1 and outcomes.count("conflict") == 5
    assert ContractModel.count() == 1 and ContractVersionModel.count() == 1 and OrderModel.count() == 1
    [contract] = list(ContractModel.scan())
    assert quotes.get(quote.id).contract_id == contract.id
    assert len(audit.for_entity("quote", quote.id)) == 3


def test_a_quote_with_only_one_off_lines_makes_an_order_and_no_contract(world) -> None:
    lines = [{"product_id": world["install"].id}]
    quote = _sent(world, template_id="", lines=lines)
    done = accept_quote(quote.id, actor=SYSTEM, now=MAR_10)
    assert done.contract is None and done.order is not None and done.quote.contract_id == ""
    assert ContractModel.count() == 0 and OrderModel.count() == 1


def test_a_quote_with_only_recurring_lines_makes_a_contract_and_no_order(world) -> None:
    quote = _sent(world, lines=[{"product_id": world["care"].id, "recurring": True}])
    done = accept_quote(quote.id, actor=SYSTEM, now=MAR_10)
    assert done.order is None and done.contract is not None and done.quote.order_id == ""
    assert OrderModel.count() == 0


def test_declined_draft_and_expired_quotes_cannot_be_accepted(world) -> None:
    declined = _sent(world)
    mark(declined.id, "decline", actor=SYSTEM, now=MAR_10)
    with pytest.raises(Conflict, match="declined cannot become accepted"):
        accept_quote(declined.id, actor=SYSTEM, now=MAR_10)

    draft = create_quote(_data(world), actor=SYSTEM, now=MAR_10)
    with pytest.raises(Conflict, match="draft cannot become accepted"):
        accept_quote(draft.id, actor=SYSTEM, now=MAR_10)

    # Past its validity it reads as expired before any job has run.
    late = _sent(world)
    april = MAR_10 + timedelta(days=30)
    with pytest.raises(Conflict, match="expired cannot become accepted"):
        accept_quote(late.id, actor=SYSTEM, now=april)
    assert ContractModel.count() == 0 and OrderModel.count() == 0


def test_the_expiry_job_marks_open_quotes_past_their_date_once(world) -> None:
    late = _sent(world)
    later = create_quote(_data(world, valid_until="2027-05-01"), actor=SYSTEM, now=MAR_10)
    accepted = _sent(world)
    accept_quote(accepted.id, actor=SYSTEM, now=MAR_10)

    april = datetime(2027, 4, 1, 12, 0, tzinfo=UTC)
    assert expire_quotes(now=april) == {"expired": 1, "skipped": 0}
    assert quotes.get(late.id).status is QuoteStatus.EXPIRED
    assert quotes.get(later.id).status is QuoteStatus.DRAFT
    assert quotes.get(accepted.id).status is QuoteStatus.ACCEPTED
    assert audit.for_entity("quote", late.id)[0].actor == "job:expire_quotes"
    assert expire_quotes(now=april) == {"expired": 0, "skipped": 0}  # idempotent
    with pytest.raises(Conflict, match="expired cannot become accepted"):
        accept_quote(late.id, actor=SYSTEM, now=MAR_10)  # stored as expired: even "back then"


def test_the_workflow_refuses_moves_that_skip_a_step(world) -> None:
    quote = create_quote(_data(world), actor=SYSTEM, now=MAR_10)
    with pytest.raises(Conflict, match="draft cannot become viewed"):
        mark(quote.id, "view", actor=SYSTEM, now=MAR_10)
    mark(quote.id, "send", actor=SYSTEM, now=MAR_10)
    viewed = mark(quote.id, "view", actor=SYSTEM, now=MAR_10)
    assert viewed.status is QuoteStatus.VIEWED and viewed.sent_at == MAR_10 and viewed.version == 3
    with pytest.raises(ValidationError):
        mark(quote.id, "accept", actor=SYSTEM, now=MAR_10)  # acceptance has its own use case


def test_an_order_is_fulfilled_or_cancelled_and_open_orders_are_listed(world) -> None:
    first = accept_quote(_sent(world).id, actor=SYSTEM, now=MAR_10).order
    second = accept_quote(_sent(world).id, actor=SYSTEM, now=MAR_10).order
    assert first is not None and second is not None
    assert {o.id for o in orders.open_orders()} == {first.id, second.id}
    done = change_order_status(first.id, "fulfil", actor=SYSTEM, now=MAR_10)
    assert done.status is OrderStatus.FULFILLED
    assert [o.id for o in orders.open_orders()] == [second.id]
    with pytest.raises(Conflict, match="fulfilled cannot become cancelled"):
        change_order_status(first.id, "cancel", actor=SYSTEM, now=MAR_10)
    assert {o.id for o in orders.recent(status="fulfilled")} == {first.id}
