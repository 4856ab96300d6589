"""Payment rules without I/O: recording, allocation limits, cheques held, cleared and bounced,
what invoices are paid as a payment changes, and a customer's balance and statement."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib.domain.billing import InvoiceLine
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.payments import (
    Method,
    Payment,
    Received,
    Status,
    allocate,
    bounce,
    clear,
    new_payment,
    paid_changes,
    parse_method,
    unallocate,
    with_paid,
)
from chalicelib.domain.statements import (
    balances,
    currencies,
    invoice_entries,
    payment_entries,
    statement,
)

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
TODAY = date(2027, 3, 10)


def _invoice(
    invoice_id: str = "i1",
    total: int = 10_000,
    *,
    kind: str = "invoice",
    status: str = "issued",
    customer_id: str = "c",
    currency: str = "EUR",
    paid: int = 0,
    credited: int = 0,
    issued: date = date(2027, 2, 1),
) -> Invoice:
    line = InvoiceLine("Care", Decimal(1), total, total, "fee")
    return Invoice(
        id=invoice_id,
        customer_id=customer_id,
        contract_id="",
        currency=currency,
        series="default",
        status=status,
        period=None,
        lines=(line,),
        created_at=NOW,
        issue_date=issued if status == "issued" else None,
        due_date=date(2027, 2, 15),
        number=f"INV-{invoice_id}" if status == "issued" else "",
        kind=kind,
        paid_minor=paid,
        credited_minor=credited,
    )


def _received(method: Method = Method.BANK_TRANSFER, amount: int = 10_000, **extra) -> Received:
    values = {"reference": "CHQ 001"} if method.is_cheque else {}
    values.update(extra)
    return Received("c", "EUR", amount, method, date(2027, 3, 9), **values)


def _payment(method: Method = Method.BANK_TRANSFER, amount: int = 10_000, **extra) -> Payment:
    return new_payment("p1", _received(method, amount, **extra), today=TODAY, now=NOW)


# Recording


def test_transfers_cash_and_cheques_clear_at_once_and_a_post_dated_cheque_is_held() -> None:
    for method in (Method.BANK_TRANSFER, Method.CASH, Method.CHEQUE):
        payment = _payment(method)
        assert (payment.status, payment.cleared_on, payment.counts) == (
            Status.CLEARED,
            date(2027, 3, 9),
            True,
        )
    held = _payment(Method.POST_DATED_CHEQUE, cheque_date=date(2027, 4, 1))
    assert (held.status, held.cleared_on, held.counts, held.can_clear) == (Status.HELD, None, False, True)


@pytest.mark.parametrize(
    ("received", "field", "words"),
    [
        (_received(amount=0), "amount", "more than zero"),
        (_received(amount=-5), "amount", "more than zero"),
        (replace(_received(), received_on=date(2027, 3, 11)), "received_on", "in the future"),
        (_received(Method.CHEQUE, reference=""), "reference", "cheque number"),
        (_received(Method.POST_DATED_CHEQUE), "cheque_date", "date written on it"),
        (_received(Method.POST_DATED_CHEQUE, cheque_date=date(2027, 3, 9)), "cheque_date", "dated after"),
        (_received(note="x" * 1001), "note", "longer than 1000"),
    ],
)
def test_bad_payments_are_refused_naming_the_field(received: Received, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        new_payment("p1", received, today=TODAY, now=NOW)
    assert caught.value.field == field and words in caught.value.message


def test_card_is_reserved_for_stripe_and_unknown_methods_are_named() -> None:
    assert parse_method(" cash ") is Method.CASH
    with pytest.raises(ValidationError, match="Stripe"):
        parse_method("card")
    with pytest.raises(ValidationError, match="bank_transfer, cash, cheque, post_dated_cheque"):
        parse_method("barter")


# Allocation


def test_allocation_to_several_invoices_leaves_the_rest_on_account() -> None:
    invoices = {"i1": _invoice("i1", 3_000), "i2": _invoice("i2", 5_000, paid=1_000)}
    payment = allocate(_payment(amount=10_000), invoices, {"i1": 3_000, "i2": 2_500})
    assert (payment.allocated_minor, payment.unallocated_minor) == (5_500, 4_500)
    more = allocate(payment, {"i2": replace(invoices["i2"], paid_minor=3_500)}, {"i2": 1_500})
    assert [(a.invoice_id, a.number, a.amount_minor) for a in more.allocations] == [
        ("i1", "INV-i1", 3_000),
        ("i2", "INV-i2", 4_000),
    ]


@pytest.mark.parametrize(
    ("invoice", "amount", "words"),
    [
        (_invoice(total=3_720), 3_721, "invoice INV-i1 has only €37.20 open"),
        (_invoice(total=3_720, paid=3_720), 1, "has only €0.00 open"),
        (_invoice(total=5_000, credited=4_000), 1_001, "has only €10.00 open"),
        (_invoice(customer_id="other"), 100, "invoice INV-i1 belongs to another customer"),
        (_invoice(currency="USD"), 100, "invoice INV-i1 is in USD, the payment in EUR"),
        (_invoice(status="draft"), 100, "i1 is a draft"),
        (_invoice(kind="credit_note"), 100, "INV-i1 is a credit note"),
        (_invoice(kind="proforma"), 100, "INV-i1 is a pro-forma"),
        (_invoice(), 0, "must be more than zero"),
    ],
)
def test_allocations_beyond_what_is_open_or_to_the_wrong_invoice_are_refused(
    invoice: Invoice, amount: int, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        allocate(_payment(), {"i1": invoice}, {"i1": amount})
    assert words in caught.value.message and caught.value.field == "allocations"


def test_allocations_together_cannot_exceed_what_the_payment_has_unallocated() -> None:
    invoices = {"i1": _invoice("i1", 6_000), "i2": _invoice("i2", 6_000)}
    with pytest.raises(ValidationError, match=r"add up to €110.00, but only €100.00 of the payment"):
        allocate(_payment(amount=10_000), invoices, {"i1": 6_000, "i2": 5_000})


def test_a_bounced_payment_cannot_be_allocated_or_unallocated() -> None:
    bounced = bounce(_payment(Method.CHEQUE), "insufficient funds", TODAY)
    with pytest.raises(ValidationError, match="bounced"):
        allocate(bounced, {"i1": _invoice()}, {"i1": 100})
    with pytest.raises(ValidationError, match="bounced"):
        unallocate(bounced, "i1")


def test_unallocating_frees_the_amount_and_an_unknown_allocation_is_named() -> None:
    payment = allocate(_payment(), {"i1": _invoice()}, {"i1": 4_000})
    assert unallocate(payment, "i1").unallocated_minor == 10_000
    with pytest.raises(ValidationError, match="not allocated to invoice i9"):
        unallocate(payment, "i9")


# Cheques


def test_a_post_dated_cheque_clears_from_its_date_not_before() -> None:
    held = _payment(Method.POST_DATED_CHEQUE, cheque_date=date(2027, 3, 20))
    with pytest.raises(ValidationError, match="dated 2027-03-20: it can be cleared from that day"):
        clear(held, date(2027, 3, 19), {})
    cleared = clear(held, date(2027, 3, 20), {})
    assert (cleared.status, cleared.cleared_on) == (Status.CLEARED, date(2027, 3, 20))
    with pytest.raises(Conflict, match="only a held post-dated cheque"):
        clear(cleared, date(2027, 3, 21), {})


def test_clearing_cuts_an_allocation_to_what_its_invoice_still_has_open() -> None:
    held = _payment(Method.POST_DATED_CHEQUE, cheque_date=date(2027, 3, 20))
    held = allocate(
        held, {"i1": _invoice("i1", 6_000), "i2": _invoice("i2", 4_000)}, {"i1": 6_000, "i2": 4_000}
    )
    cleared = clear(held, date(2027, 3, 20), {"i1": 2_000, "i2": 0})  # paid otherwise meanwhile
    assert [(a.invoice_id, a.amount_minor) for a in cleared.allocations] == [("i1", 2_000)]
    assert cleared.unallocated_minor == 8_000


def test_only_cheques_bounce_once_and_with_a_reason() -> None:
    with pytest.raises(ValidationError, match="only cheques"):
        bounce(_payment(Method.CASH), "fake notes", TODAY)
    with pytest.raises(ValidationError, match="say why"):
        bounce(_payment(Method.CHEQUE), "  ", TODAY)
    bounced = bounce(_payment(Method.CHEQUE), "account closed", TODAY)
    assert (bounced.status, bounced.bounced_on, bounced.bounce_reason) == (
        Status.BOUNCED,
        TODAY,
        "account closed",
    )
    with pytest.raises(Conflict):
        bounce(bounced, "again", TODAY)


# What invoices are paid


def test_paid_changes_follow_the_payment_through_its_life() -> None:
    invoices = {"i1": _invoice("i1", 6_000), "i2": _invoice("i2", 4_000)}
    held = _payment(Method.POST_DATED_CHEQUE, cheque_date=date(2027, 3, 20))
    held_allocated = allocate(held, invoices, {"i1": 6_000, "i2": 1_000})
    assert paid_changes(None, held) == {} and paid_changes(held, held_allocated) == {}  # held pays nothing
    cleared = clear(held_allocated, date(2027, 3, 20), {"i1": 6_000, "i2": 4_000})
    assert paid_changes(held_allocated, cleared) == {"i1": 6_000, "i2": 1_000}
    assert paid_changes(cleared, unallocate(cleared, "i2")) == {"i2": -1_000}
    assert paid_changes(cleared, bounce(cleared, "stopped", TODAY)) == {"i1": -6_000, "i2": -1_000}
    transfer = allocate(_payment(), invoices, {"i2": 2_500})
    assert paid_changes(None, transfer) == {"i2": 2_500}


def test_a_part_payment_leaves_the_invoice_part_paid() -> None:
    invoice = with_paid(_invoice(total=10_000), 4_000)
    assert (invoice.paid_minor, invoice.open_minor, invoice.payment_status) == (4_000, 6_000, "part paid")
    assert with_paid(invoice, 6_000).payment_status == "paid"
    assert with_paid(invoice, -4_000).payment_status == "open"


# Balance and statement


def _account() -> tuple[list[Invoice], list[Payment]]:
    invoices = [
        _invoice("i1", 10_000, issued=date(2027, 1, 1)),
        _invoice("i2", 8_000, issued=date(2027, 2, 1)),
        _invoice("cn", 2_000, kind="credit_note", issued=date(2027, 2, 10)),
        _invoice("d", 9_999, status="draft"),
        _invoice("pf", 7_777, kind="proforma"),
        _invoice("usd", 5_000, currency="USD", issued=date(2027, 2, 1)),
    ]
    transfer = replace(
        _payment(amount=6_000), id="t", received_on=date(2027, 1, 20), cleared_on=date(2027, 1, 20)
    )
    cheque = replace(
        _payment(Method.CHEQUE, amount=3_000),
        id="q",
        received_on=date(2027, 2, 5),
        cleared_on=date(2027, 2, 5),
        status=Status.BOUNCED,
        bounced_on=date(2027, 2, 12),
        bounce_reason="refer to drawer",
    )
    held = replace(
        _payment(Method.POST_DATED_CHEQUE, amount=4_000, cheque_date=date(2027, 3, 31)),
        id="h",
        received_on=date(2027, 2, 20),
    )
    return invoices, [transfer, cheque, held]


def test_balance_is_issued_invoices_less_credit_notes_and_cleared_payments_per_currency() -> None:
    invoices, payments = _account()
    entries = invoice_entries(invoices) + payment_entries(payments)
    # 100 + 80 - 20 (credit note) - 60 (transfer); the bounced cheque nets to nothing, the held one
    # is not counted.
    assert balances(entries) == {"EUR": 10_000, "USD": 5_000}
    assert currencies(["USD", "EUR", "USD"], "EUR") == ["EUR", "USD"]


def test_statement_has_an_opening_balance_a_running_balance_and_shows_held_cheques_uncounted() -> None:
    invoices, payments = _account()
    entries = invoice_entries(invoices) + payment_entries(payments)
    found = statement(entries, "EUR", date(2027, 2, 1), date(2027, 2, 28))
    assert found.opening_minor == 4_000  # 100.00 invoiced, 60.00 paid in January
    rows = [
        (line.entry.day.isoformat(), line.entry.kind, line.entry.amount_minor, line.balance_minor)
        for line in found.lines
    ]
    assert rows == [
        ("2027-02-01", "invoice", 8_000, 12_000),
        ("2027-02-05", "payment", -3_000, 9_000),
        ("2027-02-10", "credit_note", -2_000, 7_000),
        ("2027-02-12", "bounce", 3_000, 10_000),
        ("2027-02-20", "payment", 0, 10_000),
    ]
    assert "held until 2027-03-31" in found.lines[-1].entry.note and "€40.00" in found.lines[-1].entry.note
    assert found.closing_minor == 10_000
    empty = statement(entries, "EUR", date(2027, 3, 1), date(2027, 3, 5))
    assert (empty.opening_minor, empty.lines, empty.closing_minor) == (10_000, (), 10_000)


def test_a_cheque_bounced_while_held_never_counted() -> None:
    held = _payment(Method.POST_DATED_CHEQUE, cheque_date=date(2027, 4, 1))
    bounced = bounce(held, "stopped", TODAY)
    [entry] = payment_entries([bounced])
    assert entry.amount_minor == 0 and "bounced: stopped" in entry.note


def test_a_held_cheque_cannot_allocate_more_to_an_invoice_than_it_has_open() -> None:
    held = _payment(Method.POST_DATED_CHEQUE, amount=10_000, cheque_date=date(2027, 4, 1))
    invoice = _invoice("i1", 6_000)
    held = allocate(held, {"i1": invoice}, {"i1": 5_000})  # not in the invoice's paid amount yet
    with pytest.raises(ValidationError, match="has only €10.00 open"):
        allocate(held, {"i1": invoice}, {"i1": 1_001})
    assert allocate(held, {"i1": invoice}, {"i1": 1_000}).allocated_to("i1") == 6_000
