"""Money typed anywhere (a fee, a pay range, a pack price) is judged by one rule, and a form
hears about every wrong field at once."""

from decimal import Decimal

import pytest

from medoffice.core.errors import ValidationError
from medoffice.core.validation import Fields, parse_money


@pytest.mark.parametrize("typed, amount", [("12.50", "12.50"), ("$1,200", "1200.00"), (Decimal("3"), "3.00"), (7, "7.00")])
def test_an_amount_is_read_as_people_type_it(typed, amount):
    assert parse_money(typed) == Decimal(amount)


@pytest.mark.parametrize("typed, words", [
    (1.5, "not a floating-point number"), ("1.005", "more than two decimals"), ("-3", "must not be negative"),
    ("1e30", "larger than 99,999,999.99"), ("NaN", "amount like 12.50"), ("twelve", "amount like 12.50"),
])
def test_a_wrong_amount_is_refused_in_words(typed, words):
    with pytest.raises(ValidationError, match=words):
        parse_money(typed)


def test_a_field_may_set_a_lower_ceiling():
    assert parse_money("9999999.99", field="pay_max", maximum=Decimal("9999999.99")) == Decimal("9999999.99")
    with pytest.raises(ValidationError, match="pay max is larger than 9,999,999.99"):
        parse_money("10000000", field="pay_max", maximum=Decimal("9999999.99"))


def test_a_form_hears_every_wrong_field_at_once():
    fields = Fields()
    assert fields.parse("price", parse_money, "2.50") == Decimal("2.50")
    assert fields.parse("fee", parse_money, "x") is None
    fields.add("name", "name is required")
    with pytest.raises(ValidationError) as refused:
        fields.done()
    assert set(refused.value.errors) == {"fee", "name"}
    assert "name is required" in refused.value.message
