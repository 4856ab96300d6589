"""Contract templates: what a staff member types in, validated with the field named."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from chalicelib.domain.contract_templates import (
    HealthCondition,
    evaluate_health,
    may_change_quantity,
    render_stage_email,
    validate_template,
)
from chalicelib.domain.errors import ValidationError
from chalicelib.store.contract_templates import from_item

BASIC = {"name": "Boiler maintenance", "currency": "eur", "period": "yearly"}
WELCOME = {
    "subject": "Welcome, {{ customer_name }}",
    "body": "Contract {{ contract_number }} runs to {{ end_date }}.",
}


def test_defaults_are_those_of_a_usual_service_contract() -> None:
    template = validate_template("t1", BASIC)
    assert (template.currency, template.timing, template.term_periods, template.auto_renew) == (
        "EUR",
        "advance",
        None,
        True,
    )
    assert (template.notice_days, template.payment_terms_days, template.reminder_days) == (30, 14, (30, 7))
    assert template.cadence.unit == "month" and template.cadence.count == 12


def test_options_with_prices_and_setup_fees() -> None:
    template = validate_template(
        "t1",
        {
            **BASIC,
            "access_level": "upgrade_only",
            "options": [
                {
                    "code": "remote",
                    "label": "Remote monitoring",
                    "price_minor": 12000,
                    "setup_fee_minor": 5000,
                }
            ],
        },
    )
    [option] = template.options
    assert (option.code, option.price_minor, option.setup_fee_minor) == ("remote", 12000, 5000)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"currency": "euro"}, "currency"),
        ({"period": "fortnightly"}, "period"),
        ({"timing": "later"}, "timing"),
        ({"term_periods": "0"}, "term_periods"),
        ({"notice_days": "many"}, "notice_days"),
        ({"access_level": "everything"}, "access_level"),
        ({"reminder_days": [30, -7]}, "reminder_days"),
        ({"options": [{"code": "x", "label": "X", "price_minor": -1}]}, "options[0].price_minor"),
        ({"options": [{"code": "x", "label": "X", "price_minor": 12.5}]}, "options[0].price_minor"),
        ({"options": [{"code": "x", "label": "X"}, {"code": "x", "label": "Y"}]}, "options[1].code"),
        ({"plan": {"price_minor": -1}}, "plan.price_minor"),
        ({"plan": {"price_minor": "49"}}, "plan.price_minor"),
        ({"plan": "49.00"}, "plan"),
    ],
)
def test_each_bad_field_is_named(change, field) -> None:
    with pytest.raises(ValidationError) as error:
        validate_template("t1", {**BASIC, **change})
    assert error.value.field == field


def test_a_plan_price_is_kept_in_the_terms_and_named_after_the_template_unless_labelled() -> None:
    template = validate_template("t1", {**BASIC, "plan": {"price_minor": 4900}})
    assert (template.plan_label, template.plan.price_minor) == ("Boiler maintenance", 4900)
    assert template.terms()["plan"] == {"label": "", "price_minor": 4900}
    renamed = validate_template("t1", {**template.terms(), "name": "Boiler care plus"})
    assert renamed.plan_label == "Boiler care plus"  # an unlabelled plan follows the name
    labelled = validate_template("t1", {**BASIC, "plan": {"label": "Annual check", "price_minor": 0}})
    assert labelled.plan_label == "Annual check" and labelled.plan.price_minor == 0
    assert validate_template("t1", {**BASIC, "plan": {"label": "No price"}}).plan is None
    assert (
        validate_template("t1", BASIC).plan is None and validate_template("t1", BASIC).terms()["plan"] is None
    )


@pytest.mark.parametrize(
    ("level", "old", "new", "allowed"),
    [
        ("restricted", 1, 2, False),
        ("upgrade_only", 1, 2, True),
        ("upgrade_only", 2, 1, False),
        ("upgrade_and_downgrade", 2, 1, True),
        ("restricted", 2, 2, True),
    ],
)
def test_customer_access_levels(level, old, new, allowed) -> None:
    template = validate_template("t1", {**BASIC, "access_level": level})
    assert may_change_quantity(template, old, new) is allowed


def test_health_conditions_and_emails_are_kept_in_the_terms() -> None:
    template = validate_template(
        "t1",
        {
            **BASIC,
            "health": [{"metric": "days_past_due", "op": "<=", "value": 14}],
            "emails": {
                "visit_done": {"subject": "How did it go?", "body": "Tell us\r\n"},
                "welcome": WELCOME,
            },
        },
    )
    assert template.health == (HealthCondition("days_past_due", "<=", 14),)
    assert [e.stage for e in template.emails] == ["welcome", "visit_done"]  # the order of EMAIL_STAGES
    terms = template.terms()
    assert terms["health"] == [{"metric": "days_past_due", "op": "<=", "value": 14}]
    assert terms["emails"]["visit_done"] == {"subject": "How did it go?", "body": "Tell us"}
    assert validate_template("t1", {"name": template.name, **terms}) == template  # what the store does


def test_a_template_stored_before_health_and_emails_still_loads() -> None:
    old_terms = {
        k: v for k, v in validate_template("t1", BASIC).terms().items() if k not in ("health", "emails")
    }
    item = SimpleNamespace(
        id="t1",
        name="Old",
        terms=old_terms,
        options=None,
        active=True,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    template = from_item(item)
    assert (template.health, template.emails) == ((), ())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"health": "days_past_due > 14"}, "health"),
        ({"health": [{"metric": "mood", "op": "<", "value": 3}]}, "health[0].metric"),
        ({"health": [{"metric": "open_invoices", "op": "!=", "value": 3}]}, "health[0].op"),
        ({"health": [{"metric": "open_invoices", "op": "<", "value": -1}]}, "health[0].value"),
        ({"health": [{"metric": "open_invoices", "op": "<", "value": "3"}]}, "health[0].value"),
        ({"health": [{"metric": "open_invoices", "op": "<", "value": True}]}, "health[0].value"),
        ({"health": [{"metric": "open_invoices", "op": "<", "value": 3}] * 11}, "health"),
        ({"health": [{"metric": "open_invoices", "op": "<", "value": 3}, "x"]}, "health[1]"),
        ({"emails": [WELCOME]}, "emails"),
        ({"emails": {"birthday": WELCOME}}, "emails.birthday"),
        ({"emails": {"welcome": "Hello"}}, "emails.welcome"),
        ({"emails": {"welcome": {"body": "Hello"}}}, "emails.welcome.subject"),
        ({"emails": {"welcome": {"subject": "  ", "body": "Hello"}}}, "emails.welcome.subject"),
        ({"emails": {"welcome": {"subject": "Hi"}}}, "emails.welcome.body"),
        ({"emails": {"welcome": {"subject": "x" * 201, "body": "Hello"}}}, "emails.welcome.subject"),
        (
            {"emails": {"welcome": {"subject": "Hi\nBcc: x@example.com", "body": "b"}}},
            "emails.welcome.subject",
        ),
        ({"emails": {"welcome": {"subject": "Hi", "body": "x" * 5001}}}, "emails.welcome.body"),
        ({"emails": {"expired": {"subject": "Hi {{ name", "body": "b"}}}, "emails.expired.subject"),
        ({"emails": {"expired": {"subject": "Hi", "body": "ok\n{% if x %}open"}}}, "emails.expired.body"),
        ({"emails": {"expired": {"subject": "Hi", "body": "{{ x | nosuchfilter }}"}}}, "emails.expired.body"),
    ],
)
def test_each_bad_health_condition_or_email_is_named(change, field) -> None:
    with pytest.raises(ValidationError) as error:
        validate_template("t1", {**BASIC, **change})
    assert error.value.field == field


def test_a_jinja_syntax_error_names_its_line() -> None:
    with pytest.raises(ValidationError, match=r"emails.renewed.body line 2: "):
        validate_template("t1", {**BASIC, "emails": {"renewed": {"subject": "Hi", "body": "Hi\n{{ }}"}}})


CONDITIONS = (
    HealthCondition("days_past_due", "<=", 14),
    HealthCondition("failed_payments_90d", "<", 3),
    HealthCondition("usage_percent", ">=", 20),
    HealthCondition("open_complaints", "==", 0),
)


@pytest.mark.parametrize(
    ("facts", "healthy", "failed"),
    [
        (
            {"days_past_due": 14, "failed_payments_90d": 2, "usage_percent": 20, "open_complaints": 0},
            True,
            [],
        ),
        ({}, True, []),  # analytics knows nothing yet: no reason to call it unhealthy
        ({"days_past_due": 15, "usage_percent": 80}, False, ["days_past_due <= 14 (is 15)"]),
        (
            {"failed_payments_90d": 3, "usage_percent": 5, "open_complaints": 1},
            False,
            ["failed_payments_90d < 3 (is 3)", "usage_percent >= 20 (is 5)", "open_complaints == 0 (is 1)"],
        ),
    ],
)
def test_evaluate_health(facts, healthy, failed) -> None:
    assert evaluate_health(CONDITIONS, facts) == (healthy, failed)


def test_no_conditions_is_healthy() -> None:
    assert evaluate_health((), {"days_past_due": 400}) == (True, [])


def test_render_stage_email_fills_placeholders_and_leaves_missing_ones_empty() -> None:
    template = validate_template(
        "t1",
        {
            **BASIC,
            "emails": {
                "welcome": WELCOME,
                "renewed": {
                    "subject": "Renewed {{ contract.number }}",
                    "body": "Dear {{ x }},{% if n %} n{% endif %}",
                },
            },
        },
    )
    values = {"customer_name": "Ada <Lovelace>", "contract_number": "C-7", "end_date": "2027-01-31"}
    assert render_stage_email(template, "welcome", values) == (
        "Welcome, Ada <Lovelace>",  # plain text: nothing escaped
        "Contract C-7 runs to 2027-01-31.",
    )
    assert render_stage_email(template, "renewed", {}) == ("Renewed", "Dear ,")
    assert render_stage_email(template, "expired", values) is None


def test_a_rendered_subject_stays_one_line_and_the_sandbox_holds() -> None:
    template = validate_template(
        "t1",
        {
            **BASIC,
            "emails": {
                "welcome": {"subject": "Hi {{ customer_name }}", "body": "{{ x.__class__.__mro__ }}"},
                "expired": {"subject": "Bye", "body": "{{ 1 / 0 }}"},
            },
        },
    )
    subject, body = render_stage_email(
        template, "welcome", {"customer_name": "Ada\r\nBcc: x@example.com", "x": ""}
    )
    assert subject == "Hi Ada Bcc: x@example.com" and body == ""
    with pytest.raises(ValidationError) as error:
        render_stage_email(template, "expired", {})
    assert error.value.field == "emails.expired"
