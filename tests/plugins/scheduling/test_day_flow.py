"""The day's flow rules (day_flow.py): which step may be taken when, in the practice's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from medoffice.plugins.scheduling import day_flow

NEW_YORK = ZoneInfo("America/New_York")
START = dt.datetime(2026, 1, 6, 9, 0, tzinfo=NEW_YORK)  # Tuesday 09:00


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


@pytest.mark.parametrize(("kind", "now", "may"), [
    ("checked_in", "2026-01-05 23:59", False),
    ("checked_in", "2026-01-06 00:00", True),
    ("checked_in", "2026-01-06 23:59", True),
    ("checked_in", "2026-01-07 00:00", False),
    ("roomed", "2026-01-06 12:00", True),
    ("roomed", "2026-01-07 09:00", False),
    ("no_show", "2026-01-06 08:59", False),
    ("no_show", "2026-01-06 09:00", True),
    ("no_show", "2026-01-09 09:00", True),
    ("completed", "2026-01-05 23:59", False),
    ("completed", "2026-01-06 00:00", True),
    ("completed", "2026-01-20 10:00", True),
    ("cancelled", "2025-12-01 10:00", True),
    ("cancelled", "2026-02-01 10:00", True),
])
def test_each_step_has_its_moment(kind, now, may):
    assert (day_flow.refusal(kind, 7, START, local(now), NEW_YORK) is None) is may


def test_a_refusal_is_one_line_naming_the_appointment_and_its_day():
    message = day_flow.refusal("completed", 7, START, local("2026-01-05 10:00"), NEW_YORK)
    assert message == "appointment 7 is on Tue 2026-01-06: it cannot be completed before its day"


@pytest.mark.parametrize(("kind", "status", "may"), [
    ("checked_in", "booked", True), ("checked_in", "arrived", False), ("roomed", "arrived", True),
    ("roomed", "booked", False), ("completed", "in_room", True), ("completed", "arrived", True),
    ("completed", "booked", False), ("no_show", "arrived", False), ("cancelled", "arrived", True),
    ("cancelled", "completed", False),
])
def test_each_step_starts_from_its_statuses(kind, status, may):
    assert (day_flow.status_refusal(kind, 7, status) is None) is may


def test_the_board_offers_a_step_only_when_status_and_moment_both_allow_it():
    on_the_day = local("2026-01-06 08:30")
    assert day_flow.allowed("checked_in", "booked", START, on_the_day, NEW_YORK)
    assert not day_flow.allowed("checked_in", "arrived", START, on_the_day, NEW_YORK)
    assert not day_flow.allowed("no_show", "booked", START, on_the_day, NEW_YORK)
