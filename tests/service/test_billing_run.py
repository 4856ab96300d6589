"""The billing run against DynamoDB Local: due contracts billed once per period, numbered without gaps."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services import run_billing as billing
from chalicelib.services.change_contract import change_contract
from chalicelib.services.manage_catalogue import create_product
from chalicelib.services.manage_contracts import create_contract
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_tax_rates import set_tax_rate
from chalicelib.services.manage_templates import create_template
from chalicelib.store import contracts, invoices, records
from chalicelib.store.models_billing import InvoiceModel

START = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def make():
    set_tax_rate(
        {"region": "SK", "category": "standard", "rate": "20", "name": "VAT 20 %"}, actor=SYSTEM, now=START
    )
    product = create_product({"code": "CARE", "name": "Boiler care"}, actor=SYSTEM, now=START)
    template = create_template(
        {"name": "Care", "currency": "EUR", "period": "monthly", "payment_terms_days": 14},
        actor=SYSTEM,
        now=START,
    )

    def contract(name: str = "Acme", timezone: str = "Europe/Bratislava", **extra):
        customer = create_customer(
            {"name": name, "country": "SK", "currency": "EUR", "timezone": timezone}, actor=SYSTEM, now=START
        )
        data = {
            "customer_id": customer.id,
            "template_id": template.id,
            "start_date": "2027-01-01",
            "lines": [{"product_id": product.id, "quantity": "1", "unit_price_minor": 3100}],
            "activate": True,
            **extra,
        }
        return create_contract(data, actor=SYSTEM, now=START)

    return contract


def _numbers() -> list[str]:
    return sorted(i.number for i in InvoiceModel.scan())


def test_due_contracts_are_billed_once_per_period_with_gapless_numbers(make) -> None:
    first, second = make("Acme"), make("Beta")
    assert billing.run_billing(at("2027-01-01T12:00")) == {"contracts": 2, "invoices": 2, "skipped": 0}
    assert billing.run_billing(at("2027-01-01T13:00")) == {"contracts": 0, "invoices": 0, "skipped": 0}
    assert _numbers() == ["INV-2027-000001", "INV-2027-000002"]
    [invoice] = invoices.of_contract(first.id)
    assert (invoice.net_minor, invoice.tax_minor, invoice.total_minor) == (3100, 620, 3720)
    assert (invoice.issue_date, invoice.due_date) == (date(2027, 1, 1), date(2027, 1, 15))
    assert (invoice.period.start, invoice.period.end, invoice.status) == (
        date(2027, 1, 1),
        date(2027, 2, 1),
        "issued",
    )
    assert contracts.get(second.id).next_billing_date == date(2027, 2, 1)
    assert contracts.versions(first.id)[0]["summary"].startswith("billed INV-2027-00000")


def test_a_run_after_a_week_down_bills_every_missed_period_once(make) -> None:
    contract = make()
    assert billing.run_billing(at("2027-04-10T12:00"))["invoices"] == 4  # January to April
    periods = [(i.period.start, i.number) for i in invoices.of_contract(contract.id)]
    assert periods == [
        (date(2027, 1, 1), "INV-2027-000001"),
        (date(2027, 2, 1), "INV-2027-000002"),
        (date(2027, 3, 1), "INV-2027-000003"),
        (date(2027, 4, 1), "INV-2027-000004"),
    ]
    assert billing.run_billing(at("2027-04-10T12:00"))["invoices"] == 0


def test_prorated_credits_go_on_the_next_invoice(make) -> None:
    contract = make()
    billing.run_billing(at("2027-01-01T12:00"))
    line_id = contracts.get(contract.id).lines[0].id
    change_contract(
        contract.id,
        "quantity",
        {"line_id": line_id, "quantity": "2", "when": "date", "effective_date": "2027-01-16"},
        version=2,
        actor=SYSTEM,
        now=at("2027-01-10T12:00"),
    )
    billing.run_billing(at("2027-02-01T12:00"))
    february = invoices.get(f"{contract.id}:2027-02-01")
    # 2 x 31.00 for February, then the settled January: -16.00 credit and +32.00 charge.
    assert [line.amount_minor for line in february.lines] == [6200, -1600, 3200]
    assert billing.run_billing(at("2027-03-01T12:00"))["invoices"] == 1
    assert [line.amount_minor for line in invoices.get(f"{contract.id}:2027-03-01").lines] == [6200]


def test_one_utc_run_bills_auckland_before_los_angeles(make) -> None:
    auckland = make("Kiwi", "Pacific/Auckland", start_date="2027-04-01")
    los_angeles = make("Pacific Labs", "America/Los_Angeles", start_date="2027-04-01")
    # 2027-03-31 12:00 UTC: April 1 (01:00, NZDT) in Auckland, March 31 (05:00, PDT) in Los Angeles.
    assert billing.run_billing(at("2027-03-31T12:00"))["invoices"] == 1
    assert [i.contract_id for i in InvoiceModel.scan()] == [auckland.id]
    assert billing.run_billing(at("2027-04-01T07:00"))["invoices"] == 1  # midnight in Los Angeles
    assert invoices.of_contract(los_angeles.id)[0].issue_date == date(2027, 4, 1)


def test_local_midnight_moves_with_daylight_saving_and_month_ends(make) -> None:
    """Los Angeles springs forward on 2027-03-14 (UTC-8 -> UTC-7); Auckland falls back on 2027-04-04
    (UTC+13 -> UTC+12). Each contract is billed at its own local midnight before and after."""
    los_angeles = make("Pacific Labs", "America/Los_Angeles", start_date="2027-03-01")
    auckland = make("Kiwi", "Pacific/Auckland", start_date="2027-03-01")
    assert billing.run_billing(at("2027-02-28T10:59"))["invoices"] == 0  # 23:59 in Auckland (NZDT)
    assert billing.run_billing(at("2027-02-28T11:00"))["invoices"] == 1  # March 1, 00:00 NZDT
    assert billing.run_billing(at("2027-03-01T07:59"))["invoices"] == 0  # Feb 28, 23:59 PST
    assert billing.run_billing(at("2027-03-01T08:00"))["invoices"] == 1  # March 1, 00:00 PST
    # April 1 comes an hour earlier in UTC for Los Angeles (PDT) ...
    assert billing.run_billing(at("2027-03-31T10:59"))["invoices"] == 0
    assert billing.run_billing(at("2027-03-31T11:00"))["invoices"] == 1  # Auckland, still NZDT
    assert billing.run_billing(at("2027-04-01T06:59"))["invoices"] == 0
    assert billing.run_billing(at("2027-04-01T07:00"))["invoices"] == 1  # 00:00 PDT
    # ... and May 1 an hour later for Auckland (NZST), after its month of 30 days.
    assert billing.run_billing(at("2027-04-30T11:59"))["invoices"] == 0
    assert billing.run_billing(at("2027-04-30T12:00"))["invoices"] == 1
    issued = {
        (i.contract_id, i.period.start, i.issue_date)
        for i in InvoiceModel.scan()
        for i in [invoices.from_item(i)]
    }
    assert issued == {
        (auckland.id, date(2027, 3, 1), date(2027, 3, 1)),
        (auckland.id, date(2027, 4, 1), date(2027, 4, 1)),
        (auckland.id, date(2027, 5, 1), date(2027, 5, 1)),
        (los_angeles.id, date(2027, 3, 1), date(2027, 3, 1)),
        (los_angeles.id, date(2027, 4, 1), date(2027, 4, 1)),
    }


def test_concurrent_runs_bill_each_period_once_and_take_each_number_once(make) -> None:
    for n in range(24):
        make(f"Customer {n:02d}")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: billing.run_billing(at("2027-02-01T12:00")), range(4)))
    assert sum(r["invoices"] for r in results) == 48  # January and February for each of 24
    assert _numbers() == [f"INV-2027-{n:06d}" for n in range(1, 49)]
    assert len({i.id for i in InvoiceModel.scan()}) == 48


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_run_that_dies_around_its_write_leaves_nothing_half_done(make, monkeypatch, when) -> None:
    make("Acme")
    make("Beta")
    real_commit = records.commit

    def dying_commit(change):
        if when == "after":
            real_commit(change)
        raise RuntimeError("the Lambda timed out")

    monkeypatch.setattr(records, "commit", dying_commit)
    with pytest.raises(RuntimeError):
        billing.run_billing(at("2027-01-01T12:00"))
    monkeypatch.setattr(records, "commit", real_commit)
    billing.run_billing(at("2027-01-01T12:00"))  # the retry (or SQS delivering again)
    assert _numbers() == ["INV-2027-000001", "INV-2027-000002"]


def test_a_contract_changed_between_plan_and_write_is_skipped_then_billed(make, monkeypatch) -> None:
    contract, other = make("Acme"), make("Beta")
    real_write = billing._write

    def staff_edit_first(batch, series, actor, now):
        if any(p.before.id == contract.id for p in batch) and contracts.get(contract.id).version == 1:
            line_id = contract.lines[0].id
            change_contract(
                contract.id,
                "quantity",
                {"line_id": line_id, "quantity": "2"},
                version=1,
                actor=SYSTEM,
                now=at("2027-01-01T12:00"),
            )
        real_write(batch, series, actor, now)

    monkeypatch.setattr(billing, "_write", staff_edit_first)
    assert billing.run_billing(at("2027-01-01T12:00")) == {"contracts": 1, "invoices": 1, "skipped": 1}
    assert [i.contract_id for i in InvoiceModel.scan()] == [other.id]
    monkeypatch.setattr(billing, "_write", real_write)
    assert billing.run_billing(at("2027-01-01T13:00"))["invoices"] == 1
    assert invoices.of_contract(contract.id)[0].net_minor == 6200  # billed as it is now
    assert _numbers() == ["INV-2027-000001", "INV-2027-000002"]


def test_the_job_fans_batches_out_to_workers_and_a_batch_delivered_twice_bills_once(
    make, monkeypatch
) -> None:
    from chalicelib.jobs import catalog, workers

    for n in range(3):
        make(f"Customer {n}")
    sent: list[dict] = []
    monkeypatch.setattr(billing, "DISPATCH_SIZE", 2)
    counts = billing.run_billing(at("2027-01-01T12:00"), dispatch=sent.extend)
    assert counts == {"contracts_due": 3, "batches_sent": 2}
    assert [len(m["contract_ids"]) for m in sent] == [2, 1]
    assert InvoiceModel.count() == 0  # nothing billed until a worker takes the message
    workers.handle(sent)
    workers.handle(sent)  # SQS delivers at least once: the second delivery finds everything billed
    assert _numbers() == ["INV-2027-000001", "INV-2027-000002", "INV-2027-000003"]
    # The scheduled job does the same through the queue (inline on one machine), as of `--at`.
    run = catalog.run("run_billing", at=at("2027-02-01T12:00"), trigger="cli")
    assert run.result == "ok" and run.counts["contracts_due"] == 3 and run.counts["batches_sent"] == 2
    assert len(_numbers()) == 6


def test_each_template_numbers_its_invoices_in_its_own_series(make) -> None:
    from chalicelib.domain.errors import Conflict, ValidationError
    from chalicelib.services.manage_invoice_series import create_series
    from chalicelib.services.manage_templates import update_template

    create_series(
        {"id": "sk-company", "name": "SK s.r.o.", "format": "SK{YY}-{seq:04}"}, actor=SYSTEM, now=START
    )
    with pytest.raises(Conflict, match="taken"):
        create_series({"id": "sk-company", "name": "Again", "format": "X-{seq}"}, actor=SYSTEM, now=START)
    with pytest.raises(ValidationError) as error:
        create_series({"id": "fr", "name": "FR", "format": "FR-{YYYY}"}, actor=SYSTEM, now=START)
    assert error.value.field == "format"
    default = make("Acme")
    slovak_template = create_template(
        {"name": "SK care", "currency": "EUR", "period": "monthly", "invoice_series": "sk-company"},
        actor=SYSTEM,
        now=START,
    )
    with pytest.raises(ValidationError) as error:
        update_template(slovak_template.id, {"invoice_series": "nowhere"}, actor=SYSTEM, now=START)
    assert error.value.field == "invoice_series"
    slovak = make("Beta", template_id=slovak_template.id)
    assert billing.run_billing(at("2027-02-01T12:00"))["invoices"] == 4
    assert [i.number for i in invoices.of_contract(default.id)] == ["INV-2027-000001", "INV-2027-000002"]
    assert [i.number for i in invoices.of_contract(slovak.id)] == ["SK27-0001", "SK27-0002"]


def test_tax_follows_the_customer_a_missing_rate_bills_nothing_and_says_why(make) -> None:
    from chalicelib.services.manage_customers import update_customer

    home = make("Acme")
    abroad = make("Praha s.r.o.")
    update_customer(abroad.customer_id, {"country": "CZ", "tax_id": "CZ12345678"}, actor=SYSTEM, now=START)
    french = make("Dupont")
    update_customer(french.customer_id, {"country": "FR"}, actor=SYSTEM, now=START)
    counts = billing.run_billing(at("2027-01-01T12:00"))
    assert (counts["invoices"], counts["not_billed"]) == (
        2,
        [f"{french.number}: no tax rate for FR and tax category standard: add it under Tax rates"],
    )
    assert invoices.of_contract(french.id) == [] and contracts.get(french.id).billed_until == date(2027, 1, 1)
    [reverse] = invoices.of_contract(abroad.id)
    assert (reverse.tax_minor, reverse.total_minor) == (0, 3100)
    assert reverse.note == "Reverse charge: the customer accounts for the VAT (tax id CZ12345678)."
    assert invoices.of_contract(home.id)[0].taxes[0].name == "VAT 20 %"
    set_tax_rate({"region": "FR", "category": "standard", "rate": "20"}, actor=SYSTEM, now=START)
    assert billing.run_billing(at("2027-01-01T13:00"))["invoices"] == 1  # billed once the rate exists


def test_tax_inclusive_price_lists_take_the_tax_out_of_the_price(make) -> None:
    from chalicelib.services.manage_catalogue import create_price_list

    gross = create_price_list(
        {"name": "Retail", "currency": "EUR", "tax_inclusive": "yes"}, actor=SYSTEM, now=START
    )
    contract = make("Acme", price_list_id=gross.id)
    billing.run_billing(at("2027-01-01T12:00"))
    [invoice] = invoices.of_contract(contract.id)
    # 31.00 includes 20 %: 25.83 net + 5.17 tax, and the customer pays 31.00.
    assert (invoice.net_minor, invoice.tax_minor, invoice.total_minor) == (2583, 517, 3100)


def test_revenue_is_recognised_per_month_with_the_invoice(make) -> None:
    contract = make("Acme", start_date="2027-01-15", anchor_day="15")
    billing.run_billing(at("2027-02-20T12:00"))  # Jan 15 - Feb 15 and Feb 15 - Mar 15
    assert invoices.revenue_of_month("2027-01") == {"EUR": 1700}  # 17 of 31 days, net of tax
    assert invoices.revenue_of_month("2027-02") == {"EUR": 1400 + 1550}  # 14 of 31, then 14 of 28
    assert invoices.revenue_of_month("2027-03") == {"EUR": 1550}
    assert contracts.get(contract.id).billed_until == date(2027, 3, 15)


def test_a_weekly_contract_a_year_behind_is_billed_over_runs_that_each_fit_one_transaction(make) -> None:
    weekly = create_template(
        {"name": "Weekly", "currency": "EUR", "period": "weekly"}, actor=SYSTEM, now=START
    )
    contract = make("Acme", template_id=weekly.id)
    first = billing.run_billing(at("2027-12-31T12:00"))["invoices"]
    assert 0 < first < 53
    while billing.run_billing(at("2027-12-31T12:00"))["invoices"]:
        pass
    assert len(invoices.of_contract(contract.id)) == 53  # every week of 2027 once
    assert _numbers() == [f"INV-2027-{n:06d}" for n in range(1, 54)]


def test_a_contract_without_a_price_in_its_currency_is_refused_so_no_run_bills_it(make) -> None:
    from chalicelib.domain.errors import ValidationError
    from chalicelib.services.manage_catalogue import create_price_list
    from chalicelib.store.models_contracts import ContractModel

    customer = create_customer({"name": "Brit", "country": "GB", "currency": "GBP"}, actor=SYSTEM, now=START)
    gbp = create_price_list({"name": "Standard GBP", "currency": "GBP"}, actor=SYSTEM, now=START)
    eur = create_price_list({"name": "Standard EUR", "currency": "EUR"}, actor=SYSTEM, now=START)
    template = create_template(
        {"name": "Care GBP", "currency": "GBP", "period": "monthly"}, actor=SYSTEM, now=START
    )
    product = create_product({"code": "LAMP", "name": "Lamp care"}, actor=SYSTEM, now=START)
    base = {
        "customer_id": customer.id,
        "template_id": template.id,
        "start_date": "2027-01-01",
        "activate": True,
    }
    lines = [{"product_id": product.id, "quantity": "1"}]
    with pytest.raises(ValidationError, match="LAMP has no price in the price list") as no_price:
        create_contract({**base, "price_list_id": gbp.id, "lines": lines}, actor=SYSTEM, now=START)
    assert no_price.value.field == "lines[0].unit_price_minor"
    with pytest.raises(ValidationError, match="is in EUR, the contract in GBP"):
        create_contract({**base, "price_list_id": eur.id, "lines": lines}, actor=SYSTEM, now=START)
    assert ContractModel.count() == 0
    assert billing.run_billing(at("2027-01-01T12:00")) == {"contracts": 0, "invoices": 0, "skipped": 0}
