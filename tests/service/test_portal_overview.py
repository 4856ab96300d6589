"""The portal overview's reads (B8, B10, S4): one customer's records and nobody else's, drafts never,
the next invoice priced by the billing rules, and a number of DynamoDB requests that does not grow
with the customer's records."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.portal_overview import contract_detail, order_detail, overview
from tests.payment_helpers import store_document
from tests.portal_world import Catalogue, PortalWorld, now, portal_world


@pytest.fixture
def a(shop: Catalogue) -> PortalWorld:
    return portal_world(shop, "Alpha Heating", "alpha@alpha.example", "SN-ALPHA-1")


@pytest.fixture
def b(shop: Catalogue) -> PortalWorld:
    return portal_world(shop, "Beta Bakery", "beta@beta.example", "SN-BETA-9")


def _count_requests(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    from botocore.client import BaseClient

    counted: Counter[str] = Counter()
    original = BaseClient._make_api_call

    def counting(client: Any, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name == "dynamodb":
            counted[operation] += 1
        return original(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return counted


def _more_business(shop: Catalogue, world: PortalWorld, serial: str) -> None:
    """Another accepted quote (a contract and an order), an item serviced on it, an invoice, a payment."""
    from chalicelib.services.accept_quote import accept_quote
    from chalicelib.services.change_contract import change_contract
    from chalicelib.services.manage_items import register_item
    from chalicelib.services.manage_quotes import create_quote, mark
    from chalicelib.services.record_payment import record_payment

    at = now()
    customer_id = world.customer.id
    item = register_item(
        {"product_id": shop.care.id, "serial": serial, "owner_id": customer_id}, actor=SYSTEM, now=at
    )
    quote = create_quote(
        {
            "customer_id": customer_id,
            "template_id": shop.template.id,
            "price_list_id": shop.eur.id,
            "valid_until": (at + timedelta(days=20)).date().isoformat(),
            "lines": [
                {"product_id": shop.care.id, "quantity": "2", "recurring": True},
                {"product_id": shop.install.id, "quantity": "1", "recurring": False},
            ],
        },
        actor=SYSTEM,
        now=at,
    )
    contract = accept_quote(mark(quote.id, "send", actor=SYSTEM, now=at).id, actor=SYSTEM, now=at).contract
    data = {"line_id": contract.lines[0].id, "item_ids": [item.id]}
    change_contract(contract.id, "items", data, version=contract.version, actor=SYSTEM, now=at)
    invoice = store_document(customer_id, total=1500)
    record_payment(
        {
            "customer_id": customer_id,
            "amount_minor": 1500,
            "method": "bank_transfer",
            "allocations": [{"invoice_id": invoice.id, "amount_minor": 1500}],
        },
        actor=SYSTEM,
        now=at,
    )


def test_each_customer_sees_only_its_own_records(a: PortalWorld, b: PortalWorld) -> None:
    for own, other in ((a, b), (b, a)):
        seen = overview(own.customer, now=now())
        assert [s.contract.id for s in seen.contracts] == [own.contract.id]
        assert [q.id for q in seen.quotes] == [own.quote.id]  # the accepted one is no longer an offer
        assert [o.id for o in seen.orders] == [own.order.id]
        assert [d.id for d in seen.documents] == [own.invoice.id]
        assert [h.item.serial for h in seen.items] == [own.item.serial]
        text = repr(seen)
        for secret in other.secrets:
            assert secret not in text


def test_the_next_invoice_is_priced_by_the_billing_rules_and_visits_are_planned(a: PortalWorld) -> None:
    from chalicelib.domain.billing import bill_period

    seen = overview(a.customer, now=now())
    (summary,) = seen.contracts
    contract = summary.contract
    expected = bill_period(contract, contract.period_of(contract.billed_until), now(), "x").total_minor
    assert summary.next_invoice is not None
    assert summary.next_invoice.amount_minor == expected == 3100  # one care line at 31.00 a month
    assert summary.next_invoice.day == contract.next_billing_date
    assert [line.description for line in summary.lines] == ["Boiler care"]
    (history,) = seen.items
    assert history.planned, "the care contract plans a visit every 3 months"
    assert 89 <= (history.planned[0].due - contract.start_date).days <= 92  # the first, three months in
    assert history.product_name == "Boiler care"
    assert seen.card is None


def test_drafts_are_never_listed_and_documents_come_newest_first(a: PortalWorld) -> None:
    from datetime import date

    store_document(a.customer.id, status="draft", total=999)
    newer = store_document(a.customer.id, total=100, issued=date(2027, 2, 1))
    note = store_document(a.customer.id, kind="credit_note", total=50, issued=date(2027, 1, 20))
    seen = overview(a.customer, now=now())
    assert [d.id for d in seen.documents] == [newer.id, note.id, a.invoice.id]
    assert all(not d.is_draft for d in seen.documents)
    detail = contract_detail(a.customer, a.contract, now=now())
    assert all(not d.is_draft for d in detail.documents)


def test_the_contract_and_order_pages_read_their_own_records(a: PortalWorld) -> None:
    detail = contract_detail(a.customer, a.contract, now=now())
    assert detail.summary.contract.id == a.contract.id
    assert {v.item_id for v in detail.visits} == {a.item.id}
    assert detail.serials == {a.item.id: a.item.serial}
    order = order_detail(a.order)
    assert set(order.delivered) == {line.id for line in a.order.lines}
    with pytest.raises(ValueError):
        contract_detail(a.customer, replace(a.contract, customer_id="someone else"), now=now())


def test_the_overview_costs_the_same_requests_however_many_records(
    shop: Catalogue, a: PortalWorld, b: PortalWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = _count_requests(monkeypatch)
    overview(a.customer, now=now())
    small = sum(counted.values())
    for n in range(3):
        _more_business(shop, a, f"SN-ALPHA-{n + 2}")
    seen_before = overview(a.customer, now=now())
    assert len(seen_before.contracts) == 4 and len(seen_before.items) == 4 and len(seen_before.payments) == 3
    counted.clear()
    overview(a.customer, now=now())
    large = sum(counted.values())
    assert large == small, counted
    assert small <= 10, counted  # one query or batch get per kind of record, no scan, nothing per row
    assert "Scan" not in counted
    print(f"portal overview: {small} DynamoDB requests ({dict(counted)})")
