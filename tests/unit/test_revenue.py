"""Revenue per month from invoices: by service days, never a cent made or lost."""

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.billing import InvoiceLine
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.periods import Period
from chalicelib.domain.revenue import monthly_revenue
from chalicelib.domain.tax import TaxGroup

NOW = datetime(2027, 1, 15, tzinfo=UTC)


def invoice(*lines: InvoiceLine, inclusive: bool = False, taxes: tuple[TaxGroup, ...] = ()) -> Invoice:
    return Invoice(
        id="c1:2027-01-15",
        customer_id="cu",
        contract_id="c1",
        currency="EUR",
        series="default",
        status="issued",
        period=Period(date(2027, 1, 15), date(2027, 2, 15)),
        lines=lines,
        created_at=NOW,
        issue_date=date(2027, 1, 15),
        taxes=taxes,
        tax_inclusive=inclusive,
    )


def line(amount: int, start: date | None, end: date | None) -> InvoiceLine:
    return InvoiceLine("x", Decimal(1), amount, amount, "recurring", service_start=start, service_end=end)


def test_a_month_from_the_15th_splits_17_and_14_days() -> None:
    assert monthly_revenue(invoice(line(3100, date(2027, 1, 15), date(2027, 2, 15)))) == {
        "2027-01": 1700,
        "2027-02": 1400,
    }


def test_a_year_in_advance_spreads_over_13_calendar_months_and_a_setup_fee_counts_when_invoiced() -> None:
    found = monthly_revenue(
        invoice(line(36500, date(2027, 1, 15), date(2028, 1, 15)), line(5000, None, None))
    )
    assert len(found) == 13 and found["2027-01"] == 1700 + 5000 and found["2027-02"] == 2800
    assert sum(found.values()) == 41500


def test_tax_inclusive_invoices_count_their_net_amount() -> None:
    taxed = invoice(
        line(12300, date(2027, 1, 15), date(2027, 2, 15)),
        inclusive=True,
        taxes=(TaxGroup(2300, "VAT", 10000, 2300),),
    )
    found = monthly_revenue(taxed)
    assert sum(found.values()) == 10000 and found == {"2027-01": 5484, "2027-02": 4516}


@given(
    amounts=st.lists(st.integers(min_value=-(10**6), max_value=10**8), min_size=1, max_size=5),
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 1, 1)),
    days=st.integers(min_value=1, max_value=800),
)
def test_the_months_always_add_up_to_the_net_amount(amounts: list[int], start: date, days: int) -> None:
    from datetime import timedelta

    lines = [line(a, start, start + timedelta(days=days)) for a in amounts]
    assert sum(monthly_revenue(invoice(*lines)).values()) == sum(amounts)
