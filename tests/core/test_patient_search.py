"""A caller on the phone gives what they know: the last digits of a phone, a short birth
date, part of a double-barrelled name. The front desk finds the patient from it."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from medoffice.core.errors import ValidationError
from medoffice.core.services import patient_io, patient_search, patients
from medoffice.core.storage.models import Practice

TODAY = dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.timezone.utc)

PEOPLE = [
    # first, last, born, phone
    ("Ana", "Okonkwo-Reyes", "1986-03-15", "(555) 010-4433"),
    ("Maria", "De la Cruz", "1990-12-01", "555.777.1234"),
    ("José", "Muñoz", "1979-07-04", "+1 555 222 9876"),
    ("Ben", "Reyes", "1962-02-28", "555-012-3086"),
    ("Mary Ann", "Smith", "2025-06-01", "5552224433"),
    ("Otto", "Alt", "1926-12-25", "555-300-0000"),
]


def register(practice, first, last, born, phone, user="frontdesk"):
    with practice.operation(user) as ctx:
        return patients.register(ctx, {"first_name": first, "last_name": last, "date_of_birth": born,
                                       "sex": "u", "phone": phone}).patient


def find(practice, text, **kwargs):
    """(first name, why it matched) of each hit, best first, as the billing office sees them."""
    with practice.operation("billing", write=False) as ctx:
        return [(m.patient.first_name, m.reason) for m in patients.find(ctx, text, **kwargs)]


def edit(practice, mrn, **changes):
    with practice.operation("frontdesk") as ctx:
        return patients.update(ctx, mrn, changes)


@attrs.frozen
class Desk:
    """The practice, and its patients' MRNs by first name."""

    practice: Any
    mrn: dict[str, str]

    def operation(self, *args, **kwargs):
        return self.practice.operation(*args, **kwargs)

    @property
    def runtime(self):
        return self.practice.runtime


@pytest.fixture
def desk(medoffice_practice, monkeypatch):
    """The practice on 3 December 2026 with the six patients of :data:`PEOPLE`."""
    monkeypatch.setattr(medoffice_practice.runtime, "clock", lambda: TODAY)
    return Desk(medoffice_practice, {row[0]: register(medoffice_practice, *row).mrn for row in PEOPLE})


class TestPhoneEndings:
    def test_the_last_four_digits_find_every_patient_whose_phone_ends_so(self, desk):
        assert find(desk, "4433") == [("Ana", "phone ending"), ("Mary Ann", "phone ending")]

    def test_the_last_seven_digits_however_punctuated(self, desk):
        for typed in ("010-4433", "0104433", "010 4433", "010.4433"):
            assert find(desk, typed) == [("Ana", "phone ending")], typed

    def test_the_whole_number_however_stored_or_typed_is_a_phone_match(self, desk):
        assert find(desk, "555 0104433") == [("Ana", "phone")]
        assert find(desk, "(555) 010-4433") == [("Ana", "phone")]
        assert find(desk, "1-555-222-9876") == [("José", "phone")]  # stored as +1 555 222 9876

    def test_zeros_are_digits_like_any_other(self, desk):
        assert find(desk, "0000") == [("Otto", "phone ending")]

    def test_three_digits_are_too_few_to_be_a_phone(self, desk):
        assert find(desk, "433") == []

    def test_a_new_number_replaces_the_old_one_and_a_removed_number_finds_nobody(self, desk):
        edit(desk, desk.mrn["Ana"], phone="555-010-5555")
        assert find(desk, "4433") == [("Mary Ann", "phone ending")]
        assert find(desk, "5555") == [("Ana", "phone ending")]
        edit(desk, desk.mrn["Ana"], phone="")
        assert find(desk, "5555") == []


class TestBirthDates:
    @pytest.mark.parametrize("typed", ["3/15/86", "03/15/1986", "3-15-86", "1986-03-15", "1986/3/15", "15.3.1986",
                                       "15.03.86"])
    def test_the_forms_a_caller_gives(self, desk, typed):
        assert find(desk, typed) == [("Ana", "date of birth")]

    def test_a_two_digit_year_is_the_most_recent_one_not_in_the_future(self, desk):
        assert find(desk, "6/1/25") == [("Mary Ann", "date of birth")]  # 2025, not 1925
        assert find(desk, "12/25/26") == [("Otto", "date of birth")]  # 1926: 25 December 2026 is still to come
        assert find(desk, "12/1/90") == [("Maria", "date of birth")]

    @pytest.mark.parametrize("typed", ["2/30/86", "99/99/99", "13/13/1986", "2/29/25", "0/0/00"])
    def test_a_date_that_does_not_exist_finds_nobody(self, desk, typed):
        """Not even the patient whose phone ends in its digits (Ben's ends in 23086)."""
        assert find(desk, typed) == []

    def test_outside_the_us_slashes_are_day_first(self, desk):
        with desk.runtime.engine.begin() as conn:
            conn.execute(update(Practice).values(country="GB"))
        assert find(desk, "15/3/86") == [("Ana", "date of birth")]
        assert find(desk, "3/15/86") == []
        assert find(desk, "1986-03-15") == [("Ana", "date of birth")]


class TestNames:
    def test_a_later_word_of_a_last_name_finds_the_patient_after_whole_last_names(self, desk):
        assert find(desk, "reyes") == [("Ben", "last name"), ("Ana", "part of last name")]
        assert find(desk, "rey") == [("Ben", "last name"), ("Ana", "part of last name")]

    def test_a_double_barrelled_name_whole_with_or_without_its_hyphen(self, desk):
        for typed in ("okonkwo-reyes", "okonkwo reyes", "Okonkwo-R", "okonkwor"):
            assert find(desk, typed) == [("Ana", "last name")], typed

    def test_a_name_of_several_words_from_the_start_of_any_of_them(self, desk):
        assert find(desk, "de la") == [("Maria", "last name")]
        assert find(desk, "DE LA CRUZ") == [("Maria", "last name")]
        assert find(desk, "la cruz") == [("Maria", "part of last name")]
        assert find(desk, "cruz") == [("Maria", "part of last name")]

    def test_a_later_word_of_a_first_name(self, desk):
        assert find(desk, "ann") == [("Mary Ann", "part of first name")]

    @pytest.mark.parametrize("typed", ["reyes, ana", "reyes, a", "ana reyes", "ana okonkwo", "okonkwo-reyes, ana"])
    def test_last_and_first_with_a_part_of_either(self, desk, typed):
        assert find(desk, typed) == [("Ana", "name")]

    @pytest.mark.parametrize("typed", ["maria de la cruz", "cruz maria", "de la cruz, maria", "cruz, m"])
    def test_last_and_first_when_the_last_name_has_several_words(self, desk, typed):
        assert find(desk, typed) == [("Maria", "name")]

    def test_a_first_name_of_two_words_with_the_last_name(self, desk):
        assert find(desk, "ann smith") == [("Mary Ann", "name")]
        assert find(desk, "smith, mary ann") == [("Mary Ann", "name")]

    @pytest.mark.parametrize("typed", ["munoz", "Muñoz", "MUÑOZ", "mun", "muñ"])
    def test_accents_and_capitals_do_not_count(self, desk, typed):
        assert find(desk, typed) == [("José", "last name")]

    def test_letters_of_other_scripts_and_folded_letters(self, desk):
        """Names were keyed in ASCII only: Петрова had no key at all, Strauß was "strau"."""
        register(desk.practice, "Анна", "Петрова", "1970-01-01", "")
        register(desk.practice, "Jörg", "Strauß", "1971-01-01", "")
        register(desk.practice, "Søren", "Kierkegaard-Ølund", "1972-01-01", "")
        assert find(desk, "пет") == [("Анна", "last name")]
        assert find(desk, "ПЕТРОВА, анна") == [("Анна", "name")]
        assert find(desk, "strauss") == find(desk, "Strauß") == [("Jörg", "last name")]
        assert find(desk, "olund") == [("Søren", "part of last name")]
        assert find(desk, "soren") == [("Søren", "first name")]

    def test_an_accented_first_name_typed_without_its_accent(self, desk):
        assert find(desk, "jose munoz") == [("José", "name")]
        assert find(desk, "jose") == [("José", "first name")]

    def test_a_new_last_name_replaces_the_old_ones_parts(self, desk):
        edit(desk, desk.mrn["Ana"], last_name="Okonkwo")
        assert find(desk, "reyes") == [("Ben", "last name")]
        edit(desk, desk.mrn["Ben"], last_name="Reyes Vidal")
        assert find(desk, "vidal") == [("Ben", "part of last name")]

    def test_a_patient_imported_from_csv_is_found_by_a_part_and_a_phone_ending(self, desk):
        rows = [{"first_name": "Zoe", "last_name": "Garcia-Lopez", "date_of_birth": "1999-09-09", "sex": "f",
                 "phone": "555-444-8181"}]
        with desk.operation("admin") as ctx:
            patient_io.import_csv(ctx, io.StringIO(patient_io.csv_text(rows)))
        assert find(desk, "lopez") == [("Zoe", "part of last name")]
        assert find(desk, "8181") == [("Zoe", "phone ending")]


class TestHostileText:
    @pytest.mark.parametrize("typed", ["%", "_", "'", "%%", "q%", "_q", "' OR 1=1 --", "/", "-", "//", "..."])
    def test_wildcards_quotes_and_lone_punctuation_find_nobody(self, desk, typed):
        assert find(desk, typed) == []

    def test_a_wildcard_inside_a_name_is_not_a_wildcard(self, desk):
        assert find(desk, "re%") == [("Ben", "last name"), ("Ana", "part of last name")]  # the % is dropped
        assert find(desk, "r_yes") == []

    def test_unpaired_surrogates_and_control_characters_are_dropped(self, desk):
        """A terminal or a shell can pass on bytes that are not UTF-8 (as lone surrogates)."""
        assert find(desk, "\udcffreyes\udc80") == [("Ben", "last name"), ("Ana", "part of last name")]
        assert find(desk, "re\x00yes\x1b") == [("Ben", "last name"), ("Ana", "part of last name")]
        with pytest.raises(ValidationError, match="type part of a name"):
            find(desk, "\udcff\x00")

    def test_three_hundred_characters_are_refused_in_one_line(self, desk):
        with pytest.raises(ValidationError, match="at most 100 characters; this one has 300") as info:
            find(desk, "a" * 300)
        assert "\n" not in str(info.value)

    def test_a_hundred_characters_or_thirty_words_are_searched_and_find_nobody(self, desk):
        assert find(desk, "x" * 100) == []
        assert find(desk, " ".join(["qb"] * 33)) == []
        assert find(desk, "9" * 100) == []


class TestInactive:
    def test_a_deactivated_patient_is_found_by_no_rule_unless_asked(self, desk):
        with desk.operation("frontdesk") as ctx:
            patients.set_active(ctx, desk.mrn["Ana"], False)
        for typed in ("4433", "010-4433", "3/15/86", "reyes", "okonkwo", "reyes, ana", "ana"):
            assert "Ana" not in [name for name, _ in find(desk, typed)], typed
        assert ("Ana", "part of last name") in find(desk, "reyes", include_inactive=True)
        assert ("Ana", "phone ending") in find(desk, "4433", include_inactive=True)

    def test_a_merged_record_is_never_found_and_the_kept_one_is_found_by_what_it_took_over(self, desk):
        """Ana was registered twice, the second time with her phone; the second record is
        merged into the first, which takes the phone over (fill blanks)."""
        from medoffice.core.services import patient_merge

        kept = register(desk.practice, "Ana", "Okonkwo-Reyes", "1986-03-15", "")
        edit(desk, desk.mrn["Ana"], phone="555-010-7788")
        with desk.operation("admin") as ctx:
            patient_merge.merge(ctx, kept.mrn, desk.mrn["Ana"], fill_blanks=True)
        anas = {kept.mrn, desk.mrn["Ana"]}
        for typed in ("7788", "010-7788", "3/15/86", "reyes", "okonkwo", "reyes, ana", "ana reyes"):
            with desk.operation("frontdesk", write=False) as ctx:
                found = [m.patient.mrn for m in patients.find(ctx, typed)]
            assert anas.intersection(found) == {kept.mrn}, typed


class TestFromTheCommandLine:
    def test_patients_find_says_which_rule_matched(self, desk):
        found = desk.practice.cli("patients", "find", "010-4433", "--json")
        assert found.exit_code == 0, found.output
        assert [(row["name"], row["matched"]) for row in json.loads(found.stdout)] == [
            ("Okonkwo-Reyes, Ana", "phone ending")]
        shown = desk.practice.cli("patients", "find", "de", "la")
        assert shown.exit_code == 0 and "De la Cruz, Maria" in shown.stdout and "last name" in shown.stdout

    @pytest.mark.parametrize("typed, error", [
        ("x" * 300, "error: a search is at most 100 characters; this one has 300"),
        ("\x00", "error: type part of a name, a date of birth, a phone number or an MRN"),
    ])
    def test_hostile_text_is_one_line_and_exit_1(self, desk, typed, error):
        refused = desk.practice.cli("patients", "find", typed)
        assert (refused.exit_code, refused.stderr.strip()) == (1, error)

    def test_bytes_that_are_not_utf8_are_a_usage_error_naming_them(self, desk):
        refused = desk.practice.cli("patients", "find", "sm\udcff")  # the shell's b'sm\xff'
        assert refused.exit_code == 2
        assert refused.stderr.strip().splitlines()[-1] == (
            "Error: the argument 'sm\\xff' is not UTF-8 text; type it again or fix the terminal's encoding")

    @pytest.mark.parametrize("typed", ["%", "_", "'", "/", "99/99/99", "0000000000000000"])
    def test_wildcards_and_impossible_dates_find_nobody_without_an_error(self, desk, typed):
        found = desk.practice.cli("patients", "find", typed, "--json")
        assert (found.exit_code, json.loads(found.stdout)) == (0, [])


PIECES = st.sampled_from(["%", "_", "'", "/", "-", ".", ",", " ", "\x00", "\udcff", "ñ", "ß", "Ø", "漢", "3/15/86",
                          "4433", "reyes", "de la", "99/99/99", "2/30/86", "\u0301", "\t"])
ANY_TEXT = st.lists(st.one_of(PIECES, st.text(st.characters(blacklist_categories=()), max_size=8)),
                    max_size=8).map("".join)


class TestAnyText:
    @given(ANY_TEXT)
    def test_a_search_key_holds_only_letters_and_digits_and_keys_itself(self, text):
        key = patient_search.search_key(text)
        assert all(ch.isalnum() for ch in key) and len(key) <= 80
        assert patient_search.search_key(key) == key

    @given(st.lists(st.text(st.characters(categories=["L"]), min_size=1, max_size=8), min_size=1, max_size=4),
           st.sampled_from([" ", "-", "'", " - "]))
    def test_each_later_word_of_a_name_starts_one_of_its_terms(self, words, joiner):
        name = joiner.join(words)
        keys = patient_search.name_words(name)
        assert "".join(keys) == patient_search.search_key(name)
        assert patient_search.later_starts(name) == ["".join(keys[i:]) for i in range(1, len(keys))]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=ANY_TEXT)
def test_any_text_is_searched_or_refused_in_one_line(desk, typed):
    """Whatever is typed or pasted: a list of patients, or one line saying why not."""
    try:
        found = find(desk, typed)
    except ValidationError as error:
        assert "\n" not in str(error)
    else:
        assert len(found) <= 20
