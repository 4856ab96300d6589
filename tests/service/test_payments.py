"""Payments against DynamoDB Local: each change written in one transaction with the invoices it pays
(version-checked) and its audit; refused input and concurrent changes leave nothing behind."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.services import payment_changes
from chalicelib.services.allocate_payment import allocate_payment, unallocate_payment
from chalicelib.services.customer_statement import customer_balance, customer_statement
from chalicelib.services.outstanding_invoices import outstanding
from chalicelib.services.record_payment import record_payment
from chalicelib.services.settle_cheque import bounce_cheque, clear_cheque
from chalicelib.store import invoices, payments, records
from chalicelib.store.models import AuditModel, LookupModel
from chalicelib.store.models_billing import InvoiceModel
from chalicelib.store.models_payments import PaymentModel
from tests.payment_helpers import MONTHLY_TOTAL, Billing, at, credit_note_for, store_document

MARCH = at("2027-03-10T12:00")  # Jan, Feb and Mar billed: due Jan 15, Feb 15 and Mar 15


@pytest.fixture
def billing() -> Billing:
    return Billing()


@pytest.fixture
def acme(billing):
    return billing.billed("Acme", MARCH)


def _pay(customer_id: str, amount: int, allocations=(), now=MARCH, **extra):
    data = {
        "customer_id": customer_id,
        "amount_minor": amount,
        "method": "bank_transfer",
        "allocations": [{"invoice_id": i, "amount_minor": a} for i, a in allocations],
        **extra,
    }
    return record_payment(data, actor=SYSTEM, now=now)


def _stored() -> dict:
    """Everything a refused payment must leave as it was."""
    return {
        "payments": sorted((p.id, p.version, p.status) for p in PaymentModel.scan()),
        "invoices": sorted((i.id, int(i.version), int(i.paid_minor), i.owing) for i in InvoiceModel.scan()),
        "audit": AuditModel.count(),
        "lookups": LookupModel.count(),
    }


def test_a_payment_pays_several_invoices_in_full_and_in_part_and_keeps_the_rest_on_account(acme) -> None:
    jan, feb, mar = acme.invoices
    payment = _pay(acme.customer.id, 10_000, [(jan.id, MONTHLY_TOTAL), (feb.id, 1_000)], reference="SEPA 42")
    assert (payment.allocated_minor, payment.unallocated_minor, payment.status.value) == (
        4_720,
        5_280,
        "cleared",
    )
    paid = {
        i.id: (i.paid_minor, i.open_minor, i.payment_status) for i in invoices.of_customer(acme.customer.id)
    }
    assert paid == {
        jan.id: (MONTHLY_TOTAL, 0, "paid"),
        feb.id: (1_000, 2_720, "part paid"),
        mar.id: (0, MONTHLY_TOTAL, "open"),
    }
    # The paid invoice left the sparse outstanding index; the others stay, earliest due first.
    assert [i.id for i in InvoiceModel.outstanding.query("open")] == [feb.id, mar.id]
    assert [p.id for p in payments.allocated_to(feb.id)] == [payment.id]
    assert payments.get(payment.id).reference == "SEPA 42"
    actions = {(e.entity_type, e.action) for e in _audit()}
    assert actions == {("payment", "payment.recorded"), ("invoice", "invoice.paid")}


def _audit():
    from chalicelib.store.audit import _entry

    return [_entry(i) for i in AuditModel.scan() if i.action.startswith(("payment.", "invoice.p"))]


def test_an_on_account_payment_is_allocated_later_and_an_allocation_taken_back(acme) -> None:
    jan, feb, _mar = acme.invoices
    payment = _pay(acme.customer.id, 5_000)
    assert payment.unallocated_minor == 5_000 and invoices.get(jan.id).paid_minor == 0
    payment = allocate_payment(
        payment.id, [{"invoice_id": jan.id, "amount_minor": 3_000}], actor=SYSTEM, now=MARCH
    )
    payment = allocate_payment(
        payment.id, [{"invoice_id": jan.id, "amount": "7.20"}], actor=SYSTEM, now=MARCH
    )
    assert [(a.invoice_id, a.amount_minor) for a in payment.allocations] == [(jan.id, MONTHLY_TOTAL)]
    assert invoices.get(jan.id).payment_status == "paid"
    with pytest.raises(ValidationError, match=r"only €12.80 of the payment is unallocated"):
        allocate_payment(payment.id, [{"invoice_id": feb.id, "amount_minor": 1_281}], actor=SYSTEM, now=MARCH)
    payment = unallocate_payment(payment.id, jan.id, actor=SYSTEM, now=MARCH)
    assert payment.unallocated_minor == 5_000 and invoices.get(jan.id).open_minor == MONTHLY_TOTAL
    assert payments.allocated_to(jan.id) == []
    assert payments.get(payment.id).version == 4


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"amount_minor": 0}, ValidationError, "more than zero"),
        ({"amount_minor": -100}, ValidationError, "more than zero"),
        ({"amount_minor": "12.50"}, ValidationError, "whole minor units"),
        ({"amount_minor": None, "amount": "twelve"}, ValidationError, "not an amount"),
        ({"currency": "USD"}, ValidationError, "is in EUR, the payment in USD"),
        ({"currency": "EUD"}, ValidationError, "not a currency"),
        ({"method": "card"}, ValidationError, "Stripe"),
        ({"received_on": "2027-03-11"}, ValidationError, "in the future"),
        ({"customer_id": "nobody"}, ValidationError, "no customer"),
        (
            {"allocations": [{"invoice_id": "JAN", "amount_minor": MONTHLY_TOTAL + 1}]},
            ValidationError,
            "€37.20 open",
        ),
        ({"allocations": [{"invoice_id": "JAN", "amount": "-1"}]}, ValidationError, "more than zero"),
        ({"allocations": [{"invoice_id": "JAN", "amount": "1.234"}]}, ValidationError, "too many decimals"),
        ({"allocations": [{"invoice_id": "nope", "amount_minor": 10}]}, NotFound, "no invoice nope"),
        ({"allocations": "all"}, ValidationError, "must be a list"),
        ({"allocations": [{"invoice_id": "OTHER", "amount_minor": 10}]}, ValidationError, "another customer"),
        ({"allocations": [{"invoice_id": "DRAFT", "amount_minor": 10}]}, ValidationError, "is a draft"),
        (
            {"allocations": [{"invoice_id": "CREDIT", "amount_minor": 10}]},
            ValidationError,
            "is a credit note",
        ),
        (
            {"allocations": [{"invoice_id": "PROFORMA", "amount_minor": 10}]},
            ValidationError,
            "is a pro-forma",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_writes_nothing(billing, acme, change, error, words) -> None:
    other = billing.billed("Beta", MARCH)
    ids = {
        "JAN": acme.invoices[0].id,
        "OTHER": other.invoices[0].id,
        "DRAFT": store_document(acme.customer.id, status="draft").id,
        "CREDIT": store_document(acme.customer.id, kind="credit_note").id,
        "PROFORMA": store_document(acme.customer.id, kind="proforma").id,
    }
    data = {
        "customer_id": acme.customer.id,
        "amount_minor": 10_000,
        "method": "bank_transfer",
        "allocations": [{"invoice_id": ids["JAN"], "amount_minor": 100}],
        **change,
    }
    if isinstance(data["allocations"], list):
        data["allocations"] = [
            {**a, "invoice_id": ids.get(a["invoice_id"], a["invoice_id"])} for a in data["allocations"]
        ]
    before = _stored()
    with pytest.raises(error) as caught:
        record_payment(data, actor=SYSTEM, now=MARCH)
    assert words in caught.value.message
    assert _stored() == before


def test_an_invoice_changed_between_reading_and_writing_fails_cleanly(acme, monkeypatch) -> None:
    jan = acme.invoices[0]
    real_read = payment_changes.read_invoices

    def read_then_someone_pays(invoice_ids):
        found = real_read(invoice_ids)
        stored = invoices.get(jan.id, consistent=True)  # another clerk's payment lands meanwhile
        change = records.Change()
        invoices.saved(stored, replace(stored, paid_minor=100), change)
        records.commit(change)
        return found

    monkeypatch.setattr(payment_changes, "read_invoices", read_then_someone_pays)
    before = _stored()
    with pytest.raises(Conflict, match=f"invoice {jan.number} was changed meanwhile"):
        _pay(acme.customer.id, MONTHLY_TOTAL, [(jan.id, MONTHLY_TOTAL)])
    after = _stored()
    assert (
        after["payments"] == []
        and after["audit"] == before["audit"]
        and after["lookups"] == before["lookups"]
    )
    assert invoices.get(jan.id).paid_minor == 100  # only the other clerk's change


def test_two_clerks_paying_one_invoice_at_once_cannot_both_pay_it(acme) -> None:
    jan = acme.invoices[0]
    first, second = _pay(acme.customer.id, MONTHLY_TOTAL), _pay(acme.customer.id, MONTHLY_TOTAL)

    def allocate(payment_id: str) -> str:
        try:
            allocate_payment(
                payment_id, [{"invoice_id": jan.id, "amount_minor": MONTHLY_TOTAL}], actor=SYSTEM, now=MARCH
            )
        except (Conflict, ValidationError) as error:
            return type(error).__name__
        return "ok"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(allocate, [first.id, second.id]))
    assert sorted(results)[-1] == "ok" and results.count("ok") == 1
    assert invoices.get(jan.id).paid_minor == MONTHLY_TOTAL
    assert sum(p.allocated_minor for p in payments.of_customer(acme.customer.id)) == MONTHLY_TOTAL


def test_a_post_dated_cheque_pays_nothing_until_cleared_on_its_date_and_a_bounce_reverses_it(acme) -> None:
    jan, feb, _mar = acme.invoices
    cheque = _pay(
        acme.customer.id,
        2 * MONTHLY_TOTAL,
        [(jan.id, MONTHLY_TOTAL), (feb.id, MONTHLY_TOTAL)],
        method="post_dated_cheque",
        reference="000123",
        bank="Tatra banka",
        cheque_date="2027-03-25",
    )
    assert cheque.status.value == "held" and invoices.get(jan.id).paid_minor == 0
    assert [p.id for p in payments.held()] == [cheque.id]
    before = _stored()
    with pytest.raises(ValidationError, match="dated 2027-03-25: it can be cleared from that day"):
        clear_cheque(cheque.id, actor=SYSTEM, now=at("2027-03-24T12:00"))
    assert _stored() == before
    cleared = clear_cheque(cheque.id, actor=SYSTEM, now=at("2027-03-25T08:00"))
    assert (cleared.status.value, cleared.cleared_on) == ("cleared", date(2027, 3, 25))
    assert {invoices.get(i.id).payment_status for i in (jan, feb)} == {"paid"}
    assert payments.held() == []
    bounced = bounce_cheque(cheque.id, "insufficient funds", actor=SYSTEM, now=at("2027-03-28T08:00"))
    assert (bounced.status.value, bounced.bounce_reason) == ("bounced", "insufficient funds")
    assert [invoices.get(i.id).open_minor for i in (jan, feb)] == [MONTHLY_TOTAL, MONTHLY_TOTAL]
    assert {e.action for e in _audit() if e.entity_type == "invoice"} == {
        "invoice.paid",
        "invoice.payment_reversed",
    }


def test_a_cleared_cheque_bounces_later_and_a_transfer_does_not_bounce(acme) -> None:
    jan = acme.invoices[0]
    cheque = _pay(acme.customer.id, MONTHLY_TOTAL, [(jan.id, MONTHLY_TOTAL)], method="cheque", reference="77")
    assert invoices.get(jan.id).payment_status == "paid"
    with pytest.raises(Conflict, match="only a held post-dated cheque"):
        clear_cheque(cheque.id, actor=SYSTEM, now=MARCH)
    bounce_cheque(cheque.id, "signature missing", actor=SYSTEM, now=MARCH)
    assert invoices.get(jan.id).payment_status == "open"
    transfer = _pay(acme.customer.id, 100)
    with pytest.raises(ValidationError, match="only cheques"):
        bounce_cheque(transfer.id, "x", actor=SYSTEM, now=MARCH)
    with pytest.raises(NotFound):
        bounce_cheque("nope", "x", actor=SYSTEM, now=MARCH)


def test_balance_and_statement_from_invoices_credit_notes_and_payments(acme, monkeypatch) -> None:
    jan, feb, mar = acme.invoices
    credit_note_for(feb, 1_000, date(2027, 2, 20))
    _pay(
        acme.customer.id,
        MONTHLY_TOTAL,
        [(jan.id, MONTHLY_TOTAL)],
        now=at("2027-01-20T12:00"),
        received_on="2027-01-20",
    )
    _pay(
        acme.customer.id,
        5_000,
        method="post_dated_cheque",
        reference="9",
        cheque_date="2027-04-01",
        received_on="2027-03-05",
    )
    # Queries of the by_customer indexes only.
    monkeypatch.setattr(InvoiceModel, "scan", _no_scan)
    monkeypatch.setattr(PaymentModel, "scan", _no_scan)
    # 3 x 37.20 - 10.00 credited - 37.20 paid; the held cheque does not count yet.
    assert customer_balance(acme.customer) == {"EUR": 2 * MONTHLY_TOTAL - 1_000}
    found = customer_statement(acme.customer.id, "2027-02-01", "2027-03-31", now=MARCH)
    [eur] = found.statements
    assert eur.opening_minor == 0  # January invoiced and paid
    assert [(e.entry.kind, e.entry.amount_minor, e.balance_minor) for e in eur.lines] == [
        ("invoice", MONTHLY_TOTAL, MONTHLY_TOTAL),
        ("credit_note", -1_000, MONTHLY_TOTAL - 1_000),
        ("invoice", MONTHLY_TOTAL, 2 * MONTHLY_TOTAL - 1_000),
        ("payment", 0, 2 * MONTHLY_TOTAL - 1_000),
    ]
    assert eur.lines[0].entry.label == feb.number and eur.lines[2].entry.label == mar.number
    assert "held until 2027-04-01" in eur.lines[3].entry.note
    assert eur.closing_minor == 2 * MONTHLY_TOTAL - 1_000
    january = customer_statement(acme.customer.id, "", "2027-01-31", now=MARCH)
    assert (january.start, january.statements[0].closing_minor) == (date(2027, 1, 31) - timedelta(days=90), 0)
    with pytest.raises(ValidationError, match="starts"):
        customer_statement(acme.customer.id, "2027-03-01", "2027-02-01", now=MARCH)
    with pytest.raises(ValidationError, match="from must be a date"):
        customer_statement(acme.customer.id, "2027-02-30", "", now=MARCH)


def _no_scan(*args, **kwargs):
    raise AssertionError("a scan where a query belongs")


def test_outstanding_invoices_by_due_date_with_days_overdue_and_an_overdue_filter(billing) -> None:
    acme = billing.billed("Acme", MARCH)
    beta = billing.customer("Beta", timezone="Pacific/Auckland")
    billing.bill(MARCH)
    _pay(acme.customer.id, MONTHLY_TOTAL, [(acme.invoices[0].id, MONTHLY_TOTAL)])
    found = outstanding(MARCH)
    rows = [(r.customer_name, r.invoice.due_date.isoformat(), r.days_overdue) for r in found.rows]
    assert sorted(rows) == sorted(
        [
            # Beta's days are in Auckland, already March 11 (and billed on the 2nd there).
            ("Beta", "2027-01-16", 54),
            ("Acme", "2027-02-15", 23),
            ("Beta", "2027-02-16", 23),
            ("Acme", "2027-03-15", 0),
            ("Beta", "2027-03-16", 0),
        ]
    )
    assert [r.invoice.due_date for r in found.rows] == sorted(r.invoice.due_date for r in found.rows)
    assert found.totals() == {"EUR": 5 * MONTHLY_TOTAL}
    overdue = outstanding(MARCH, overdue_only=True)
    assert [r.days_overdue for r in overdue.rows] == [54, 23, 23]
    first = outstanding(MARCH, limit=2)
    second = outstanding(MARCH, limit=2, after=first.next_cursor or "")
    assert len(first.rows) == 2 and {r.invoice.id for r in first.rows}.isdisjoint(
        r.invoice.id for r in second.rows
    )
    with pytest.raises(ValidationError, match="cursor"):
        outstanding(MARCH, after="!!!")
    assert beta.id in {r.invoice.customer_id for r in found.rows}
