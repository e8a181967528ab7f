"""The values a receptionist types are judged the same everywhere."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.core.errors import ValidationError
from medoffice.core.validation import (
    SLOW,
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
    optional_text,
    quick_birth_date,
    quick_email,
    quick_phone,
    quick_sex,
    quick_text,
    require_text,
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


def judged(parse, value, **options):
    """What a parser makes of ``value``: the value, or its refusal's words."""
    try:
        return parse(value, **options)
    except ValidationError as error:
        return ("refused", error.message)


TYPED = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5),
    st.text(alphabet=st.sampled_from("Ann O'Brien-Muñoz 0123456789 ()+-.x@\t\n\x1b\u202e\u2028\u200d\u00a0ß李"),
            max_size=24),
    st.text(max_size=24),
    st.sampled_from(["Ann", "  Lee  ", "", "   ", "(555) 010-1234", "555-0101x12", "a@b.co", " a@b.co ", "f", "F",
                     "Female", "x", "fEmale", "1970-01-02", "1970-02-30", "2026-01-05", "2026-01-06", "1895-12-31",
                     "1896-01-01", "１９７０-01-02", "0000-01-01"]),
)


class TestQuickChecks:
    """A form judging thousands of values checks each with a quick check first: whatever it
    passes, the field's parser would return the same; what it leaves (SLOW), the parser
    judges, so every refusal keeps its words."""

    @given(TYPED, st.sampled_from([3, 10, 80]), st.booleans())
    def test_a_quick_text_check_agrees_with_the_text_parsers(self, value, max_length, required):
        quick = quick_text(max_length, required=required)(value)
        parse = require_text if required else optional_text
        if quick is not SLOW:
            assert judged(parse, value, field="name", max_length=max_length) == quick

    @given(TYPED)
    def test_the_quick_phone_email_and_sex_checks_agree_with_their_parsers(self, value):
        for quick, parse in ((quick_phone, parse_phone), (quick_email, parse_email), (quick_sex, parse_sex)):
            found = quick(value)
            if found is not SLOW:
                assert judged(parse, value) == found

    @given(st.one_of(TYPED, st.dates().map(dt.date.isoformat)),
           st.sampled_from([dt.date(2026, 1, 5), dt.date(2024, 2, 29), dt.date(1900, 6, 1)]))
    def test_a_quick_birth_date_check_agrees_with_the_parser_on_that_day(self, value, today):
        found = quick_birth_date(today)(value)
        if found is not SLOW:
            assert judged(parse_birth_date, value, today=today) == found

    @given(st.dictionaries(st.sampled_from(["mrn", "first_name", "last_name", "middle_name", "date_of_birth", "sex",
                                            "phone", "email", "city", "state", "postal_code", "emergency_phone",
                                            "reminders", "address_line2"]), TYPED, max_size=14),
           st.booleans())
    def test_a_whole_patient_form_is_judged_as_each_fields_parser_judges_it(self, form, new):
        """The patient form judges its text fields' common case in its own loop and the rest
        with quick checks: whatever the form, the values and the refusals are what each
        field's parser alone makes of it."""
        from medoffice.core.services import patients

        today = dt.date(2026, 1, 5)
        expected, refused = {}, {}
        if new:
            refused = {name: f"{name.replace('_', ' ')} is required"
                       for name in ("first_name", "last_name", "date_of_birth", "sex") if name not in form}
            if isinstance(form.get("reminders"), str) and not form["reminders"].strip():
                form = {k: v for k, v in form.items() if k != "reminders"}
        parsers = [("mrn", patients._parse_mrn)] if form.get("mrn") else []
        parsers += [(name, parse) for name, _length, _required, _quick, parse in patients._rules(today)]
        for name, parse in parsers:
            if name in form:
                found = judged(parse, form[name])
                if isinstance(found, tuple):  # ("refused", its words)
                    refused[name] = found[1]
                else:
                    expected[name] = found
        try:
            assert patients.parse_patient_fields(form, new=new, today=today) == expected and not refused
        except ValidationError as error:
            assert list(error.errors.items()) == list(refused.items())

    def test_the_common_well_formed_values_pass_quickly(self):
        assert quick_text(80, required=True)("  Ann  ") == "Ann"
        assert quick_text(80, required=False)("") is None
        assert quick_phone("(555) 010-1234") == "(555) 010-1234"
        assert quick_email("ann@example.org") == "ann@example.org"
        assert quick_sex("F") == "female"
        assert quick_birth_date(dt.date(2026, 1, 5))("1970-01-02") == dt.date(1970, 1, 2)

    @pytest.mark.parametrize("value", ["Ann\x1b]0;x\x07", "A" * 81, "", "a\u202eb", "a\nb"])
    def test_a_value_a_name_parser_refuses_is_left_to_it(self, value):
        assert quick_text(80, required=True)(value) is SLOW
