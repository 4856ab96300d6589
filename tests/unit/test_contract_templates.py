"""Contract templates: what a staff member types in, validated with the field named."""

import pytest

from chalicelib.domain.contract_templates import may_change_quantity, validate_template
from chalicelib.domain.errors import ValidationError

BASIC = {"name": "Boiler maintenance", "currency": "eur", "period": "yearly"}


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
    ],
)
def test_each_bad_field_is_named(change, field) -> None:
    with pytest.raises(ValidationError) as error:
        validate_template("t1", {**BASIC, **change})
    assert error.value.field == field


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
