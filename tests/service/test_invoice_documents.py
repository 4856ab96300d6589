"""Draft invoices, pro-formas, issuing, credit notes and sending, against DynamoDB Local."""

import email
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from email import policy

import pytest

from chalicelib import bootstrap
from chalicelib.adapters.mail import MailError
from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.services import run_billing as billing
from chalicelib.services.convert_proforma import invoice_proforma
from chalicelib.services.credit_invoice import credit_invoice
from chalicelib.services.issue_invoice import issue_invoice
from chalicelib.services.manage_addresses import create_address
from chalicelib.services.manage_customers import create_customer, update_customer
from chalicelib.services.manage_invoice_drafts import create_draft, delete_draft, update_draft
from chalicelib.services.manage_tax_rates import set_tax_rate
from chalicelib.services.send_invoice import NO_EMAIL, InvoiceMailer, send_invoice, send_unsent
from chalicelib.store import invoices, mail
from chalicelib.store.models_billing import InvoiceModel, RevenueModel

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def customer():
    for region, category, rate in (("SK", "standard", "20"), ("SK", "reduced", "10")):
        set_tax_rate({"region": region, "category": category, "rate": rate}, actor=SYSTEM, now=NOW)
    return create_customer(
        {"name": "Acme s.r.o.", "country": "SK", "currency": "EUR", "email": "billing@acme.example"},
        actor=SYSTEM,
        now=NOW,
    )


def _draft(customer, **extra):
    data = {
        "customer_id": customer.id,
        "reference": "PO-4471",
        "due_days": 30,
        "lines": [
            {
                "description": "Boiler installation",
                "quantity": "1",
                "unit_price": "400.00",
                "detail": "SN-1, Main St 1",
            },
            {"description": "Filters", "quantity": "3", "unit_price": "10.00", "tax_category": "reduced"},
        ],
        **extra,
    }
    return create_draft(data, actor=SYSTEM, now=NOW)


def test_a_draft_has_no_number_until_issued_then_never_changes(customer) -> None:
    draft = _draft(customer)
    assert draft.status == "draft" and draft.number == "" and draft.lines[1].amount_minor == 3000
    edited = update_draft(
        draft.id,
        {"lines": [{"description": "Boiler installation", "unit_price": "450.00"}], "due_days": "30"},
        version=draft.version,
        actor=SYSTEM,
        now=NOW,
    )
    assert edited.lines_minor == 45000 and edited.version == 2
    issued = issue_invoice(draft.id, actor=SYSTEM, now=NOW)
    assert issued.number == "INV-2027-000001" and issued.status == "issued"
    assert issued.issue_date == date(2027, 3, 10) and issued.due_date == date(2027, 4, 9)
    assert (issued.net_minor, issued.tax_minor, issued.total_minor) == (45000, 9000, 54000)
    assert issued.open_minor == 54000 and issued.payment_status == "open"
    with pytest.raises(Conflict, match="credit note"):
        update_draft(
            draft.id, {"lines": [{"description": "x", "unit_price": "1"}]}, version=3, actor=SYSTEM, now=NOW
        )
    with pytest.raises(Conflict, match="credit note"):
        delete_draft(draft.id, actor=SYSTEM, now=NOW)
    with pytest.raises(Conflict):
        issue_invoice(draft.id, actor=SYSTEM, now=NOW)
    assert invoices.get(draft.id).number == "INV-2027-000001"
    assert [r.amount_minor for r in RevenueModel.query("2027-03")] == [45000]


def test_drafts_share_the_series_with_the_billing_run_and_numbers_stay_gapless_under_concurrency(
    customer,
) -> None:
    drafts = [_draft(customer) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        issued = list(pool.map(lambda d: issue_invoice(d.id, actor=SYSTEM, now=NOW), drafts))
    assert sorted(i.number for i in issued) == [f"INV-2027-{n:06d}" for n in range(1, 9)]
    assert len({i.number for i in issued}) == 8


def test_a_deleted_draft_is_gone_and_took_no_number(customer) -> None:
    first = _draft(customer)
    delete_draft(first.id, actor=SYSTEM, now=NOW)
    with pytest.raises(NotFound):
        invoices.get(first.id)
    assert issue_invoice(_draft(customer).id, actor=SYSTEM, now=NOW).number == "INV-2027-000001"


def test_lines_are_taxed_by_their_category_and_state_rates_apply_where_the_address_has_one(customer) -> None:
    issued = issue_invoice(_draft(customer).id, actor=SYSTEM, now=NOW)
    assert [(g.rate_bp, g.net_minor, g.tax_minor) for g in issued.taxes] == [
        (1000, 3000, 300),
        (2000, 40000, 8000),
    ]
    assert issued.line_rates == (2000, 1000)
    set_tax_rate({"region": "US", "category": "standard", "rate": "0"}, actor=SYSTEM, now=NOW)
    set_tax_rate({"region": "US-CA", "category": "standard", "rate": "7.25"}, actor=SYSTEM, now=NOW)
    for name, region, expected in (("West", "CA", 725), ("East", "", 0)):
        address = create_address(
            {"line1": "1 Main St", "city": "Town", "region": region, "country": "US"}, actor=SYSTEM, now=NOW
        )
        us = create_customer(
            {"name": name, "country": "US", "currency": "USD", "address_id": address.id},
            actor=SYSTEM,
            now=NOW,
        )
        draft = create_draft(
            {"customer_id": us.id, "lines": [{"description": "Care", "unit_price": "100.00"}]},
            actor=SYSTEM,
            now=NOW,
        )
        assert issue_invoice(draft.id, actor=SYSTEM, now=NOW).tax_minor == expected


def test_bad_drafts_name_the_field_and_write_nothing(customer) -> None:
    cases = [
        ({"customer_id": ""}, "customer_id"),
        ({"lines": []}, "lines"),
        ({"lines": [{"description": "", "unit_price": "1"}]}, "lines[0].description"),
        ({"lines": [{"description": "x", "unit_price": "1", "quantity": "-2"}]}, "lines[0].quantity"),
        ({"lines": [{"description": "x", "unit_price": "ten"}]}, "lines[0].unit_price"),
        ({"lines": [{"description": "x"}]}, "lines[0].unit_price"),
        ({"currency": "EUD"}, "currency"),
        ({"due_days": "400"}, "due_days"),
        ({"kind": "receipt"}, "kind"),
        ({"lines": [{"description": "x", "unit_price": "1", "product_id": "nope"}]}, "lines[0]"),
        (
            {"lines": [{"description": "x", "unit_price": "1", "service_start": "2027-02-30"}]},
            "lines[0].service_start",
        ),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as caught:
            _draft(customer, **extra)
        assert caught.value.field == field, extra
    with pytest.raises(NotFound):
        _draft(customer, series="nope")
    with pytest.raises(ValidationError, match="not for invoices"):
        _draft(customer, series="purchase-orders")
    with pytest.raises(NotFound):
        _draft(customer, customer_id="unknown")
    assert InvoiceModel.count() == 0


def test_issuing_with_a_missing_tax_rate_says_which_and_leaves_the_draft(customer) -> None:
    draft = _draft(customer, lines=[{"description": "Books", "unit_price": "5", "tax_category": "books"}])
    with pytest.raises(ValidationError, match="no tax rate for SK and tax category books"):
        issue_invoice(draft.id, actor=SYSTEM, now=NOW)
    assert invoices.get(draft.id).is_draft and invoices.series("default", NOW).last_seq == 0


def test_a_full_credit_note_cancels_the_invoice_and_its_revenue(customer) -> None:
    invoice = issue_invoice(_draft(customer).id, actor=SYSTEM, now=NOW)
    note = credit_invoice(invoice.id, {"full": True, "reason": "Installed twice"}, actor=SYSTEM, now=NOW)
    assert (note.kind, note.number, note.credits_id) == ("credit_note", "CN-2027-000001", invoice.id)
    assert note.total_minor == invoice.total_minor and note.tax_minor == invoice.tax_minor
    after = invoices.get(invoice.id)
    assert after.credited_minor == invoice.total_minor
    assert after.open_minor == 0 and after.payment_status == "credited"
    assert [n.number for n in invoices.linked_to(invoice.id)] == ["CN-2027-000001"]
    assert sum(r.amount_minor for r in RevenueModel.query("2027-03")) == 0
    with pytest.raises(Conflict, match="already partly credited|only an issued"):
        credit_invoice(invoice.id, {"full": True, "reason": "again"}, actor=SYSTEM, now=NOW)


def test_partial_credit_notes_follow_each_line_rate_and_never_exceed_the_invoice(customer) -> None:
    invoice = issue_invoice(_draft(customer).id, actor=SYSTEM, now=NOW)  # 400 at 20 %, 30 at 10 %
    note = credit_invoice(
        invoice.id,
        {"amounts": {"0": "100.00", "1": "10.00"}, "reason": "Discount agreed"},
        actor=SYSTEM,
        now=NOW,
    )
    assert [(g.rate_bp, g.net_minor, g.tax_minor) for g in note.taxes] == [
        (1000, 1000, 100),
        (2000, 10000, 2000),
    ]
    assert note.total_minor == 13100
    assert invoices.get(invoice.id).open_minor == invoice.total_minor - 13100
    with pytest.raises(ValidationError, match="more than its"):
        credit_invoice(invoice.id, {"amounts": {"1": "31.00"}, "reason": "x"}, actor=SYSTEM, now=NOW)
    # 400 + 20 % = 480 left on line 1 alone, but only 513 - 131 = 382 remain on the invoice.
    with pytest.raises(ValidationError, match="above the invoice total still to credit, €382.00"):
        credit_invoice(invoice.id, {"amounts": {"0": "400.00"}, "reason": "x"}, actor=SYSTEM, now=NOW)
    for bad, field in (
        ({"amounts": {"7": "1"}}, "amounts"),
        ({"amounts": {"0": "-1"}}, "amounts[0]"),
        ({}, "amounts"),
    ):
        with pytest.raises(ValidationError) as caught:
            credit_invoice(invoice.id, {**bad, "reason": "x"}, actor=SYSTEM, now=NOW)
        assert caught.value.field == field
    with pytest.raises(ValidationError, match="why"):
        credit_invoice(invoice.id, {"full": True, "reason": " "}, actor=SYSTEM, now=NOW)
    assert invoices.get(invoice.id).credited_minor == 13100
    assert [n.number for n in invoices.of_customer(customer.id) if n.kind == "credit_note"] == [
        "CN-2027-000001"
    ]


def test_two_credit_notes_at_once_cannot_together_exceed_the_invoice(customer) -> None:
    invoice = issue_invoice(_draft(customer).id, actor=SYSTEM, now=NOW)
    body = {"amounts": {"0": "300.00"}, "reason": "race"}  # 360 each with tax; 513 on the invoice

    def credit(_n):
        try:
            return credit_invoice(invoice.id, body, actor=SYSTEM, now=NOW)
        except (Conflict, ValidationError) as error:
            return error

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(credit, range(2)))
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    assert invoices.get(invoice.id).credited_minor == 36000
    assert invoices.series("credit-notes", NOW).last_seq == 1


def test_a_proforma_is_numbered_in_its_own_series_and_becomes_a_draft_invoice(customer) -> None:
    proforma = issue_invoice(_draft(customer, kind="proforma").id, actor=SYSTEM, now=NOW)
    assert proforma.number == "PF-2027-000001" and proforma.open_minor == 0  # not owed: not a tax document
    assert list(RevenueModel.scan()) == []
    draft = invoice_proforma(proforma.id, actor=SYSTEM, now=NOW)
    assert (draft.kind, draft.status, draft.credits_id, draft.lines) == (
        "invoice",
        "draft",
        proforma.id,
        proforma.lines,
    )
    assert [d.id for d in invoices.linked_to(proforma.id)] == [draft.id]
    delete_draft(draft.id, actor=SYSTEM, now=NOW)  # a deleted draft is no longer listed with it
    assert invoices.linked_to(proforma.id) == []
    draft = invoice_proforma(proforma.id, actor=SYSTEM, now=NOW)
    assert issue_invoice(draft.id, actor=SYSTEM, now=NOW).number == "INV-2027-000001"
    with pytest.raises(Conflict):
        invoice_proforma(draft.id, actor=SYSTEM, now=NOW)
    with pytest.raises(Conflict, match="pro-forma"):
        credit_invoice(proforma.id, {"full": True, "reason": "x"}, actor=SYSTEM, now=NOW)


class Failing:
    def send(self, *, to: str, mime: bytes) -> str:
        raise MailError("mailbox unavailable")


def _mailer(transport=None) -> InvoiceMailer:
    settings = bootstrap.settings()
    return InvoiceMailer(
        transport=transport or bootstrap.mail_transport(),
        blobs=bootstrap.blobs(),
        renderer=bootstrap.pdf_renderer(),
        sender=settings.mail_from,
        company="Demo Service Ltd",
    )


def test_an_issued_invoice_is_emailed_once_with_its_pdf_in_the_customer_language(customer, store) -> None:
    update_customer(customer.id, {**customer.fields(), "locale": "sk"}, actor=SYSTEM, now=NOW)
    invoice = issue_invoice(_draft(customer).id, actor=SYSTEM, now=NOW)
    assert invoices.unsent() == [invoice.id]
    assert send_unsent(mailer=_mailer(), now=NOW) == {"sent": 1, "no_email": 0, "skipped": 0}
    assert send_unsent(mailer=_mailer(), now=NOW)["sent"] == 0  # the second job run finds nothing
    [eml] = list((store / "outbox").glob("*.eml"))
    parsed = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert parsed["To"] == "billing@acme.example"
    assert parsed["Subject"] == "Faktúra INV-2027-000001 od Demo Service Ltd"
    [pdf] = list(parsed.iter_attachments())
    assert pdf.get_filename() == "INV-2027-000001.pdf" and pdf.get_content().startswith(b"%PDF")
    sent = invoices.get(invoice.id)
    assert sent.sent_at == NOW and mail.get(sent.mail_id).status == "sent"


def test_a_failed_delivery_and_a_missing_address_are_recorded_not_lost(customer) -> None:
    invoice = issue_invoice(_draft(customer).id, actor=SYSTEM, now=NOW)
    sent = send_invoice(invoice.id, mailer=_mailer(Failing()), now=NOW)
    record = mail.get(sent.mail_id)
    assert record.status == "failed" and "mailbox unavailable" in (record.error or "")
    assert mail.failed_ids() == [record.id]  # the mail job retries it
    nobody = create_customer({"name": "No Mail", "country": "SK", "currency": "EUR"}, actor=SYSTEM, now=NOW)
    other = issue_invoice(_draft(nobody).id, actor=SYSTEM, now=NOW)
    assert send_unsent(mailer=_mailer(), now=NOW)["no_email"] == 1
    assert invoices.get(other.id).send_error == NO_EMAIL and invoices.unsent() == []


def test_billing_run_invoices_go_out_with_the_job(customer, store) -> None:
    from chalicelib.jobs import catalog
    from chalicelib.services.manage_catalogue import create_product
    from chalicelib.services.manage_contracts import create_contract
    from chalicelib.services.manage_templates import create_template

    product = create_product({"code": "CARE", "name": "Boiler care"}, actor=SYSTEM, now=NOW)
    template = create_template(
        {"name": "Care", "currency": "EUR", "period": "monthly"}, actor=SYSTEM, now=NOW
    )
    create_contract(
        {
            "customer_id": customer.id,
            "template_id": template.id,
            "start_date": "2027-04-01",
            "lines": [{"product_id": product.id, "quantity": "1", "unit_price_minor": 3100}],
            "activate": True,
        },
        actor=SYSTEM,
        now=NOW,
    )
    run = catalog.run("run_billing", at=datetime(2027, 4, 1, 6, tzinfo=UTC), trigger="cli")
    assert run.counts["emails_sent"] == 1
    assert billing.run_billing(datetime(2027, 4, 1, 7, tzinfo=UTC))["invoices"] == 0
    assert len(list((store / "outbox").glob("*.eml"))) == 1
