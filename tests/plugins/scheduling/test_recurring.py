"""Recurring bookings: a series is checked whole, then booked whole, at the same local time.

The practice's clock stands on Monday 2026-01-05 12:00 UTC; Dr Adams works Mon-Fri
09:00-12:00 and 13:00-17:00 and on Sunday nights 00:00-06:00 at Main (see conftest.py). The
practice's zone is America/New_York, whose clocks go forward on Sunday 2026-03-08.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from medoffice.core import PluginInfo, hookimpl
from medoffice.core.audit import iter_entries
from medoffice.core.errors import NotFound, ValidationError
from medoffice.plugins.scheduling import appointment_lists, booking, recurring, waitlist
from medoffice.plugins.scheduling.models import Appointment, Series

pytestmark = pytest.mark.medoffice_plugins("scheduling")

UTC = dt.timezone.utc


class ClosedDays:
    """Another plugin that refuses bookings on the days it is told (a closure it keeps)."""

    plugin_info = PluginInfo(id="closed-days", title="Closed days", api_version=1)

    def __init__(self) -> None:
        self.days: set[dt.date] = set()

    @hookimpl
    def medoffice_validate_appointment(self, ctx, proposal):
        if ctx.local(proposal.start).date() in self.days:
            return "the practice is closed that day"
        return None


@pytest.fixture
def closed_days():
    return ClosedDays()


@pytest.fixture
def medoffice_extra_plugins(closed_days):
    return [closed_days]


def counts(practice) -> tuple[int, int, int]:
    """(appointments, series, audit entries): what a refused series must leave unchanged."""
    with practice.operation("admin", write=False) as ctx:
        appointments = ctx.session.execute(select(func.count()).select_from(Appointment)).scalar_one()
        series = ctx.session.execute(select(func.count()).select_from(Series)).scalar_one()
        audited = len(list(iter_entries(ctx.session, limit=10_000)))
    return appointments, series, audited


def starts(practice, mrn: str) -> list[tuple[str, str, int | None]]:
    """The patient's appointments as (local start, status, series id)."""
    with practice.operation("frontdesk", write=False) as ctx:
        views = appointment_lists.list_for_patient(ctx, mrn)
        series = {row.id: row.series_id for row in ctx.session.execute(select(Appointment)).scalars()}
    return [(f"{v.start:%a %Y-%m-%d %H:%M}", v.status, series[v.id]) for v in views]


def test_a_weekly_series_books_every_occurrence_linked_to_its_series(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk") as ctx:
        result = recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00", count=4,
                                       note="physio review")
    assert (result.series_id, len(result.booked), result.refused) == (1, 4, [])
    assert starts(medoffice_practice, world.ann) == [
        ("Tue 2026-01-06 09:00", "booked", 1), ("Tue 2026-01-13 09:00", "booked", 1),
        ("Tue 2026-01-20 09:00", "booked", 1), ("Tue 2026-01-27 09:00", "booked", 1)]


def test_a_series_with_one_taken_week_writes_nothing_and_names_the_week(medoffice_practice, world):
    """Bo already has Dr Adams at 09:00 on the 20th: the whole series is refused, and the
    error names that occurrence and why."""
    with medoffice_practice.operation("frontdesk") as ctx:
        booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-20 09:00")
    before = counts(medoffice_practice)
    with pytest.raises(recurring.SeriesConflict) as refused:
        with medoffice_practice.operation("frontdesk") as ctx:
            recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00", every=1, count=4)
    assert str(refused.value) == (
        "nothing booked: 1 of 4 occurrences cannot be booked: #3 Tue 2026-01-20 09:00: slot taken: Dr Adams "
        "is booked 09:00-09:30 for Bo Lee's Check-up")
    assert [o.number for o in refused.value.occurrences if o.problem] == [3]
    assert counts(medoffice_practice) == before
    assert starts(medoffice_practice, world.ann) == []


def test_every_occurrence_gets_the_checks_of_a_single_booking(medoffice_practice, world, closed_days):
    """Outside the provider's hours, and a day another plugin refuses: both named, nothing
    booked."""
    closed_days.days.add(dt.date(2026, 1, 13))
    before = counts(medoffice_practice)
    with pytest.raises(recurring.SeriesConflict) as refused:
        with medoffice_practice.operation("frontdesk") as ctx:
            recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-06 11:30", count=3, every=1)
    assert [(o.number, o.problem) for o in refused.value.occurrences if o.problem] == [
        (2, "cannot book: closed-days: the practice is closed that day")]
    closed_days.days.clear()
    with pytest.raises(recurring.SeriesConflict, match=r"#1 Mon 2026-01-12 11:45: Dr Adams is not available "
                                                       r"Mon 2026-01-12 11:45-12:15 \(outside their availability\)"):
        with medoffice_practice.operation("frontdesk") as ctx:
            recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-12 11:45", count=2)
    assert counts(medoffice_practice) == before


def test_skip_conflicts_books_the_free_weeks_and_reports_the_taken_one(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk") as ctx:
        booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-20 09:00")
        result = recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00", count=4,
                                       skip_conflicts=True)
    assert [(o.number, o.problem is None) for o in result.occurrences] == [(1, True), (2, True), (3, False),
                                                                          (4, True)]
    assert [s for s, _, _ in starts(medoffice_practice, world.ann)] == [
        "Tue 2026-01-06 09:00", "Tue 2026-01-13 09:00", "Tue 2026-01-27 09:00"]


def test_a_dry_run_checks_every_occurrence_and_writes_nothing(medoffice_practice, world):
    before = counts(medoffice_practice)
    with medoffice_practice.operation("frontdesk") as ctx:
        result = recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-09 16:30", count=3,
                                       every=2, dry_run=True)
    assert [(f"{o.start:%a %m-%d %H:%M}", o.problem, o.appointment_id) for o in result.occurrences] == [
        ("Fri 01-09 16:30", None, None), ("Fri 01-23 16:30", None, None), ("Fri 02-06 16:30", None, None)]
    assert (result.series_id, counts(medoffice_practice)) == (None, before)


def test_the_series_keeps_its_local_time_across_the_change_to_daylight_saving(medoffice_practice, world):
    """Tuesdays at 09:00 stay at 09:00 in New York when the clocks go forward on 8 March:
    14:00 UTC before, 13:00 UTC after."""
    with medoffice_practice.operation("frontdesk") as ctx:
        recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-03-03 09:00", until="2026-03-17")
        utc = [row.starts_at for row in ctx.session.execute(select(Appointment).order_by(Appointment.starts_at))
               .scalars()]
    assert utc == [dt.datetime(2026, 3, 3, 14, 0, tzinfo=UTC), dt.datetime(2026, 3, 10, 13, 0, tzinfo=UTC),
                   dt.datetime(2026, 3, 17, 13, 0, tzinfo=UTC)]
    assert [s for s, _, _ in starts(medoffice_practice, world.ann)] == [
        "Tue 2026-03-03 09:00", "Tue 2026-03-10 09:00", "Tue 2026-03-17 09:00"]


def test_a_time_the_clocks_skip_is_a_refused_occurrence(medoffice_practice, world):
    """Sundays at 02:30: on 8 March that time does not exist in New York."""
    with pytest.raises(recurring.SeriesConflict, match=r"1 of 3 occurrences cannot be booked: "
                       r"#2 Sun 2026-03-08 02:30: 2026-03-08 02:30 does not exist in America/New_York"):
        with medoffice_practice.operation("frontdesk") as ctx:
            recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-03-01 02:30", count=3)


def test_a_monthly_series_on_the_31st_falls_on_the_last_day_of_shorter_months(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk") as ctx:
        result = recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-07-31 10:00",
                                       frequency="monthly", count=3)
    assert [(f"{o.start:%a %Y-%m-%d %H:%M}", o.adjusted) for o in result.occurrences] == [
        ("Fri 2026-07-31 10:00", None), ("Mon 2026-08-31 10:00", None),
        ("Wed 2026-09-30 10:00", "the 31st falls on Wed 2026-09-30, the last day of September")]
    assert len(starts(medoffice_practice, world.ann)) == 3


def test_cancel_a_series_from_a_day_on_offers_the_freed_slots(medoffice_practice, world):
    """The last two of four Tuesdays are cancelled; the first two stay. Bo, waiting for a
    check-up, is offered the freed time."""
    with medoffice_practice.operation("frontdesk") as ctx:
        series = recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00", count=4)
        waitlist.add(ctx, world.bo, "Check-up")
    with medoffice_practice.operation("frontdesk") as ctx:
        result = recurring.cancel_series(ctx, series.series_id, "moving away", from_day="2026-01-20")
    assert [f"{r.start:%Y-%m-%d}" for r in result.cancelled] == ["2026-01-20", "2026-01-27"]
    assert [status for _, status, _ in starts(medoffice_practice, world.ann)] == [
        "booked", "booked", "cancelled", "cancelled"]
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        ((entry, offered),) = [(o.entry, o) for o in waitlist.offers(ctx)]
    assert (entry.mrn, entry.offers, f"{offered.start:%Y-%m-%d %H:%M}") == (world.bo, 2, "2026-01-27 09:00")


@pytest.mark.parametrize(("options", "error", "message"), [
    ({"count": 3, "until": "2026-02-01"}, ValidationError, "give either a count or a last day (until), not both"),
    ({}, ValidationError, "give a count or a last day (until)"),
    ({"count": 3, "every": 0}, ValidationError, "every must be a whole number from 1 to 52, got 0"),
    ({"count": 53}, ValidationError, "count must be a whole number from 1 to 52, got 53"),
    ({"until": "2026-02-30"}, ValidationError, "until must be a real date as YYYY-MM-DD, got '2026-02-30'"),
    ({"until": "2028-06-01"}, ValidationError, "a series ends within two years of its first date (2028-01-07 at the latest)"),
    ({"until": "2027-06-01"}, ValidationError, "a series has at most 52 occurrences; this one would have more"),
    ({"count": 3, "frequency": "daily"}, ValidationError, "frequency must be one of weekly, monthly, got 'daily'"),
    ({"count": 3, "mrn": "999999"}, NotFound, "no patient with MRN '999999'"),
])
def test_bad_input_is_refused_before_anything_is_written(medoffice_practice, world, options, error, message):
    before = counts(medoffice_practice)
    options = dict(options)  # the parameters are shared by both backends' runs: pop from a copy
    mrn = options.pop("mrn", world.ann)
    with pytest.raises(error) as raised:
        with medoffice_practice.operation("frontdesk") as ctx:
            recurring.book_series(ctx, mrn, world.adams, "Check-up", "2026-01-06 09:00", **options)
    assert str(raised.value) == message
    assert counts(medoffice_practice) == before


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def test_book_and_cancel_a_series_from_the_shell(medoffice_cli, cli_world):
    w = cli_world
    booked = ok(medoffice_cli("appointments", "book-series", w.ann, "--provider", str(w.adams), "--type", "Check-up",
                              "--at", "2030-03-12 09:00", "--every", "2", "--weeks", "--count", "3",
                              user="frontdesk")).stdout.splitlines()
    assert booked[0] == ("booked series 1: 3 of 3 occurrences: Lee, Ann (000001) with Dr Adams, Check-up, "
                         "every 2 weeks")
    assert booked[2].split() == ["1", "Tue", "2030-03-12", "09:00", "1", "booked"]
    monthly = ok(medoffice_cli("appointments", "book-series", w.bo, "--provider", str(w.adams), "--type", "Check-up",
                               "--at", "2030-04-30 10:00", "--monthly", "--until", "2030-05-31", "--json",
                               user="frontdesk")).json()
    assert [o["start"] for o in monthly["occurrences"]] == ["2030-04-30T10:00:00-04:00", "2030-05-30T10:00:00-04:00"]
    cancelled = ok(medoffice_cli("appointments", "cancel-series", "1", "--from", "2030-03-20", "--reason", "better",
                                 user="frontdesk"))
    assert cancelled.stdout == "cancelled 2 appointments of series 1 from 2030-03-20: 2, 3\n"


@pytest.mark.parametrize(("args", "message"), [
    (["--count", "3", "--until", "2030-04-01"], "give either a count or a last day (until), not both"),
    (["--count", "3", "--every", "0"], "every must be a whole number from 1 to 52, got '0'"),
    (["--until", "2030-02-30"], "until must be a real date as YYYY-MM-DD, got '2030-02-30'"),
    (["--count", "3", "--mrn", "999999"], "no patient with MRN '999999'"),
])
def test_bad_input_from_the_shell_is_one_line_exit_1_and_nothing_written(medoffice_cli, medoffice_practice,
                                                                        cli_world, args, message):
    mrn = cli_world.ann
    if "--mrn" in args:
        index = args.index("--mrn")
        mrn, args = args[index + 1], args[:index] + args[index + 2:]
    before = counts(medoffice_practice)[:2]  # signing in is audited: count the rows a series writes
    result = medoffice_cli("appointments", "book-series", mrn, "--provider", str(cli_world.adams), "--type",
                           "Check-up", "--at", "2030-03-12 09:00", *args, user="frontdesk")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
    assert counts(medoffice_practice)[:2] == before
