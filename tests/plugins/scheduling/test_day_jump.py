"""The day the desk names on the phone, read for the slot finder ("in 2 weeks", 12/17, tue).

Today is Monday 2026-01-05 in every story."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core import ValidationError
from medoffice.plugins.scheduling.day_jump import first_day, parse_day

TODAY = dt.date(2026, 1, 5)

pytestmark = pytest.mark.medoffice_backends("sqlite")  # no database: pure reading


@pytest.mark.parametrize(("typed", "day"), [
    ("in 2 weeks", "2026-01-19"), ("2w", "2026-01-19"), ("2 weeks", "2026-01-19"), ("+14", "2026-01-19"),
    ("+2w", "2026-01-19"), ("in 3 days", "2026-01-08"), ("3d", "2026-01-08"), ("in a week", "2026-01-12"),
    ("1m", "2026-02-05"), ("in 6 months", "2026-07-05"),
    ("today", "2026-01-05"), ("tomorrow", "2026-01-06"),
    ("tue", "2026-01-06"), ("Tuesday", "2026-01-06"), ("mon", "2026-01-12"), ("  FRI ", "2026-01-09"),
    ("12/17", "2026-12-17"), ("1/5", "2026-01-05"), ("1/4", "2027-01-04"), ("12/28/26", "2026-12-28"),
    ("2026-12-17", "2026-12-17"), ("dec 17", "2026-12-17"), ("17 December", "2026-12-17"),
])
def test_what_the_desk_says_is_the_day_it_means(typed, day):
    assert parse_day(typed, TODAY) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(("typed", "message"), [
    ("in 999 weeks", "'in 999 weeks' is more than a year ahead"),
    ("2027-03-01", "Mon 2027-03-01 is more than a year ahead"),
    ("2/30", "'2/30' is not a day of the calendar"),
    ("2026-02-30", "'2026-02-30' is not a day of the calendar"),
    ("yesterday", "Sun 2026-01-04 is in the past"),
    ("2025-12-31", "Wed 2025-12-31 is in the past"),
    ("", "type a day: try 2w, +14, 12/17, 2026-12-17 or tue"),
    ("   ", "type a day"),
    ("next tuesday-ish", "cannot read 'next tuesday-ish' as a day"),
    ("14", "cannot read '14' as a day"),
    ("x" * 300, "cannot read 'xxxxxxxxxxxxxxxxxxxx'… as a day"),
    ("in 99999999999999 weeks", "cannot read"),
    ("13/01", "'13/01' is not a day of the calendar"),
])
def test_what_it_cannot_read_is_one_line_saying_why(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_day(typed, TODAY)
    text = str(refused.value)
    assert text.startswith(message) and "\n" not in text and len(text) < 120
    assert refused.value.field == "from"


def test_a_scripts_iso_date_is_taken_as_it_is_and_words_as_the_desk_says_them():
    """``appointments slots --from``: a script may search last year or years ahead, as before."""
    assert first_day("2030-03-11", TODAY) == dt.date(2030, 3, 11)
    assert first_day("2w", TODAY) == dt.date(2026, 1, 19)
    with pytest.raises(ValidationError, match="not a day of the calendar"):
        first_day("2030-02-30", TODAY)
