"""What a contract's access level lets a customer change on their own (B23), and the form's quantities."""

from decimal import Decimal

import pytest

from chalicelib.domain.errors import Forbidden, ValidationError
from chalicelib.domain.option_access import (
    Level,
    Wanted,
    check_allowed,
    parse_wanted,
    quantity_text,
)

D = Decimal


def _row(old: int, new: int, field: str = "qty_hotline") -> Wanted:
    return Wanted(field, "24/7 hotline", D(old), D(new))


@pytest.mark.parametrize(
    ("level", "old", "new", "allowed"),
    [
        ("upgrade_only", 0, 1, True),  # add an option
        ("upgrade_only", 1, 3, True),  # raise its quantity
        ("upgrade_only", 3, 1, False),  # lower it
        ("upgrade_only", 1, 0, False),  # remove it
        ("upgrade_and_downgrade", 0, 2, True),
        ("upgrade_and_downgrade", 3, 1, True),
        ("upgrade_and_downgrade", 1, 0, True),
    ],
)
def test_each_level_allows_what_it_says(level: str, old: int, new: int, allowed: bool) -> None:
    if allowed:
        assert check_allowed(Level(level), [_row(old, new)]) == [_row(old, new)]
    else:
        with pytest.raises(ValidationError) as refused:
            check_allowed(Level(level), [_row(old, new)])
        assert refused.value.field == "qty_hotline"
        assert "24/7 hotline" in refused.value.message


def test_a_restricted_contract_allows_no_change_at_all() -> None:
    for old, new in ((0, 1), (1, 2), (2, 1), (1, 0)):
        with pytest.raises(Forbidden) as refused:
            check_allowed(Level("restricted"), [_row(old, new)])
        assert refused.value.status == 403 and "staff" in refused.value.message
    assert not Level("restricted").allows_changes


def test_the_refused_row_is_named_among_allowed_ones() -> None:
    rows = [_row(0, 1), Wanted("main_quantity", "Boiler care", D(2), D(1))]
    with pytest.raises(ValidationError) as refused:
        check_allowed(Level("upgrade_only"), rows)
    assert refused.value.field == "main_quantity" and "Boiler care" in refused.value.message


def test_unchanged_rows_are_left_out_and_nothing_to_change_is_an_error() -> None:
    assert check_allowed(Level("upgrade_only"), [_row(1, 1), _row(0, 2, "qty_x")]) == [_row(0, 2, "qty_x")]
    with pytest.raises(ValidationError) as nothing:
        check_allowed(Level("upgrade_and_downgrade"), [_row(1, 1)])
    assert nothing.value.field == "options"


def test_the_form_offers_no_lower_quantity_than_the_level_allows() -> None:
    assert Level("upgrade_only").lowest(D(2)) == D(2)
    assert Level("upgrade_and_downgrade").lowest(D(2)) == D(0)
    assert Level("upgrade_and_downgrade").lowest(D(2), removable=False) == D(1)
    assert Level("upgrade_and_downgrade").allows_lowering and not Level("upgrade_only").allows_lowering
    with pytest.raises(ValueError):
        Level("everything")


@pytest.mark.parametrize("raw", ["", "-1", "1.5", "abc", "1000", "٣", " 2x"])
def test_a_bad_quantity_names_its_field(raw: str) -> None:
    with pytest.raises(ValidationError) as bad:
        parse_wanted(raw, "qty_hotline", D(1))
    assert bad.value.field == "qty_hotline"


def test_quantities_are_whole_numbers_and_zero_only_where_it_removes() -> None:
    assert parse_wanted(" 3 ", "qty_hotline", D(1)) == D(3)
    assert parse_wanted("0", "qty_hotline", D(1)) == D(0)
    with pytest.raises(ValidationError):
        parse_wanted("0", "main_quantity", D(1), removable=False)
    # A part quantity staff set is kept when the form sends it back unchanged.
    assert parse_wanted("1.5", "main_quantity", D("1.500"), removable=False) == D("1.500")
    assert quantity_text(D("1.500")) == "1.5" and quantity_text(D("2")) == "2"
