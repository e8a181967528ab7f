"""The values a receptionist types are judged the same everywhere."""

import datetime as dt

import pytest

from medoffice.core.errors import ValidationError
from medoffice.core.validation import (
    is_valid_npi,
    luhn_check_digit,
    parse_birth_date,
    parse_date,
    parse_email,
    parse_npi,
    parse_phone,
    parse_sex,
    parse_tax_id,
    parse_timezone,
    phone_digits,
)


class TestNpi:
    def test_a_published_example_npi_passes_its_check_digit(self):
        """CMS's own example NPI, 1234567893, is valid; changing its last digit breaks it."""
        assert is_valid_npi("1234567893")
        assert not is_valid_npi("1234567890")

    def test_the_check_digit_is_luhn_over_prefix_80840(self):
        assert luhn_check_digit("80840" + "123456789") == 3

    @pytest.mark.parametrize("bad", ["123456789", "12345678901", "12345abc93", "", "1234567890"])
    def test_bad_npis_are_refused_with_a_reason(self, bad):
        with pytest.raises(ValidationError) as info:
            parse_npi(bad)
        assert "NPI" in str(info.value)

    def test_spaces_and_dashes_are_tolerated(self):
        assert parse_npi("123-456-7893") == "1234567893"


class TestDates:
    def test_30_february_is_not_a_date(self):
        with pytest.raises(ValidationError, match="real date"):
            parse_date("2024-02-30")

    def test_us_form_dates_are_read(self):
        assert parse_date("03/04/1980") == dt.date(1980, 3, 4)

    def test_a_birth_date_in_the_future_is_refused(self):
        with pytest.raises(ValidationError, match="future"):
            parse_birth_date("2030-01-01", today=dt.date(2026, 1, 1))

    def test_a_birth_date_130_years_ago_is_refused(self):
        with pytest.raises(ValidationError, match="130"):
            parse_birth_date("1880-01-01", today=dt.date(2026, 1, 1))


class TestContactDetails:
    def test_phone_digits_drop_punctuation_and_the_us_country_code(self):
        assert phone_digits("+1 (555) 123-4567") == "5551234567"

    @pytest.mark.parametrize("bad", ["12", "555-CALL-NOW", "1234567890123456"])
    def test_bad_phones_are_refused(self, bad):
        with pytest.raises(ValidationError):
            parse_phone(bad)

    def test_an_empty_phone_is_none(self):
        assert parse_phone("  ") is None

    def test_email_needs_an_at_and_a_domain(self):
        assert parse_email("a@b.org") == "a@b.org"
        with pytest.raises(ValidationError):
            parse_email("a@b")


class TestCodes:
    def test_sex_accepts_single_letters(self):
        assert parse_sex("F") == "female"
        with pytest.raises(ValidationError):
            parse_sex("q")

    def test_tax_id_is_formatted_as_an_ein(self):
        assert parse_tax_id("123456789") == "12-3456789"
        with pytest.raises(ValidationError):
            parse_tax_id("12-345")

    def test_time_zones_are_iana_names(self):
        assert parse_timezone("America/Chicago") == "America/Chicago"
        with pytest.raises(ValidationError, match="unknown time zone"):
            parse_timezone("Mars/Olympus")
