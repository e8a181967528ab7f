"""The overtime rules and the day split, as arithmetic: the federal weekly rule, California's
daily, seventh-day and weekly rules, shifts across midnight and across a DST change, and the
properties that hold for any week (the classes add up to the minutes worked; the pay is
exact to the cent)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from medoffice.plugins.staff.overtime import Split, california, classify, federal, minutes_by_day
from medoffice.plugins.staff.payroll import line_pay

NEW_YORK = ZoneInfo("America/New_York")
H = 60


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=NEW_YORK).astimezone(dt.timezone.utc)


class TestTheFederalRule:
    def test_hours_past_forty_in_the_workweek_are_overtime_in_order(self):
        assert federal([9 * H, 9 * H, 9 * H, 9 * H, 9 * H, 0, 0]) == [
            Split(9 * H), Split(9 * H), Split(9 * H), Split(9 * H), Split(4 * H, 5 * H), Split(), Split()]

    def test_a_long_day_under_forty_a_week_has_no_overtime(self):
        assert federal([14 * H, 0, 0, 0, 0, 0, 0]) == [Split(14 * H)] + [Split()] * 6


class TestCalifornia:
    def test_past_eight_a_day_is_overtime_and_past_twelve_double(self):
        assert california([13 * H, 9 * H, 8 * H, 0, 0, 0, 0])[:3] == [
            Split(8 * H, 4 * H, 1 * H), Split(8 * H, 1 * H), Split(8 * H)]

    def test_regular_hours_past_forty_a_week_become_overtime_without_counting_daily_overtime_twice(self):
        week = california([10 * H] * 5 + [8 * H, 0])
        assert [s.regular for s in week] == [8 * H] * 5 + [0, 0]
        assert [s.overtime for s in week] == [2 * H] * 5 + [8 * H, 0]
        assert sum(s.worked for s in week) == 58 * H

    def test_the_seventh_consecutive_day_is_overtime_then_double(self):
        week = california([4 * H] * 6 + [10 * H])
        assert week[6] == Split(0, 8 * H, 2 * H)
        assert california([4 * H] * 5 + [0, 10 * H])[6] == Split(8 * H, 2 * H, 0)  # a day off: no seventh day


class TestTheDaySplit:
    def test_a_night_shift_counts_on_both_of_its_days(self):
        assert minutes_by_day([(at("2026-01-05 22:00"), at("2026-01-06 06:30"))], NEW_YORK) == {
            dt.date(2026, 1, 5): 2 * H, dt.date(2026, 1, 6): 6 * H + 30}

    def test_a_night_shift_when_the_clocks_go_back_is_nine_hours(self):
        days = minutes_by_day([(at("2026-10-31 22:00"), at("2026-11-01 06:00"))], NEW_YORK)
        assert days == {dt.date(2026, 10, 31): 2 * H, dt.date(2026, 11, 1): 7 * H}

    def test_a_night_shift_when_the_clocks_go_forward_is_seven_hours(self):
        days = minutes_by_day([(at("2026-03-07 22:00"), at("2026-03-08 06:00"))], NEW_YORK)
        assert days == {dt.date(2026, 3, 7): 2 * H, dt.date(2026, 3, 8): 5 * H}

    def test_california_counts_the_real_hours_of_the_long_dst_day(self):
        days = minutes_by_day([(at("2026-11-01 00:00"), at("2026-11-01 12:00"))], NEW_YORK)
        assert days == {dt.date(2026, 11, 1): 13 * H}
        assert classify(days, rule="california", workweek_starts=6)[dt.date(2026, 11, 1)] == Split(8 * H, 4 * H, H)


weeks = st.lists(st.integers(min_value=0, max_value=24 * H), min_size=7, max_size=7)


@settings(max_examples=300, deadline=None)
@given(week=weeks, rule=st.sampled_from([federal, california]))
def test_regular_overtime_and_double_always_add_up_to_the_minutes_worked(week, rule):
    found = rule(week)
    assert [s.worked for s in found] == week
    assert all(min(s.regular, s.overtime, s.double) >= 0 for s in found)
    assert sum(s.regular for s in found) <= 40 * H


@settings(max_examples=200, deadline=None)
@given(rate=st.decimals(min_value=Decimal("7.25"), max_value=Decimal("500.00"), places=2),
       minutes=st.integers(min_value=0, max_value=100_000), kind=st.sampled_from(["regular", "overtime", "double"]))
def test_each_pay_line_is_exact_to_the_cent_half_up(rate, minutes, kind):
    factor = {"regular": 1, "overtime": Decimal("1.5"), "double": 2}[kind]
    exact = rate * factor * minutes / 60  # the true amount
    paid = line_pay(rate, minutes, kind)
    assert paid == paid.quantize(Decimal("0.01"))
    assert abs(paid - exact) <= Decimal("0.005")
    assert paid == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@settings(max_examples=100, deadline=None)
@given(spans=st.lists(st.tuples(st.integers(0, 60 * 24 * 20), st.integers(1, 60 * 16)), max_size=12))
def test_the_day_split_keeps_every_minute_across_dst(spans):
    base = at("2026-10-25 00:00")
    real = [(base + dt.timedelta(minutes=s), base + dt.timedelta(minutes=s + n)) for s, n in spans]
    assert sum(minutes_by_day(real, NEW_YORK).values()) == sum(n for _, n in spans)
