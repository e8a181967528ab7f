"""What a recurring series tells other plugins: only the dates it booked, once each, after the
whole series is written; a checked, refused or dry-run series tells nothing.

A plugin that texts patients or syncs a calendar listens to ``medoffice_appointment_changed``;
what it does outside the database cannot be rolled back, so it must never hear of a date
that was only checked. The clock and Dr Adams' hours are in conftest.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from medoffice.core import PluginInfo, hookimpl
from medoffice.plugins.scheduling import appointment_lists, booking, recurring
from medoffice.plugins.scheduling.models import Appointment

pytestmark = pytest.mark.medoffice_plugins("scheduling")


class Texter:
    """Texts the patient of every booked appointment; notes how many appointments of its
    series were written when it heard, and which proposals it was asked about."""

    plugin_info = PluginInfo(id="texter", title="Texter", api_version=1)

    def __init__(self) -> None:
        self.heard: list[tuple[str, str, int | None]] = []
        self.asked: list[str] = []

    @hookimpl
    def medoffice_validate_appointment(self, ctx, proposal):
        self.asked.append(f"{ctx.local(proposal.start):%m-%d %H:%M}")
        return None

    @hookimpl
    def medoffice_appointment_changed(self, ctx, change):
        series_id = ctx.session.get(Appointment, change.appointment.id).series_id
        written = None if series_id is None else ctx.session.execute(
            select(func.count()).select_from(Appointment).where(Appointment.series_id == series_id)).scalar_one()
        self.heard.append((change.kind, f"{ctx.local(change.appointment.start):%m-%d %H:%M}", written))


@pytest.fixture
def texter():
    return Texter()


@pytest.fixture
def medoffice_extra_plugins(texter):
    return [texter]


def bo_takes_the_20th(practice, world) -> int:
    """Bo already has Dr Adams at 09:00 on Tuesday the 20th (announced, before the series)."""
    with practice.operation("frontdesk") as ctx:
        return booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-20 09:00").id


def test_a_booked_series_announces_each_date_once_after_all_are_written(medoffice_practice, world, texter):
    with medoffice_practice.operation("frontdesk") as ctx:
        result = recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00", count=4)
    assert len(result.booked) == 4
    assert texter.heard == [("booked", "01-06 09:00", 4), ("booked", "01-13 09:00", 4),
                            ("booked", "01-20 09:00", 4), ("booked", "01-27 09:00", 4)]


def test_a_refused_series_announces_nothing(medoffice_practice, world, texter):
    """Every date is checked (the texter is asked about each) but none is announced."""
    bo_takes_the_20th(medoffice_practice, world)
    texter.heard.clear()
    texter.asked.clear()
    with pytest.raises(recurring.SeriesConflict, match="#3 Tue 2026-01-20 09:00: slot taken"):
        with medoffice_practice.operation("frontdesk") as ctx:
            recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00", count=4)
    assert texter.asked == ["01-06 09:00", "01-13 09:00", "01-27 09:00"]
    assert texter.heard == []


def test_a_dry_run_announces_nothing_and_writes_nothing(medoffice_practice, world, texter):
    with medoffice_practice.operation("frontdesk") as ctx:
        result = recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00", count=3,
                                       dry_run=True)
        written = ctx.session.execute(select(func.count()).select_from(Appointment)).scalar_one()
    assert ([o.problem for o in result.occurrences], written) == ([None, None, None], 0)
    assert (texter.asked, texter.heard) == (["01-06 09:00", "01-13 09:00", "01-20 09:00"], [])


def test_skip_conflicts_announces_exactly_the_booked_dates(medoffice_practice, world, texter):
    bo_takes_the_20th(medoffice_practice, world)
    texter.heard.clear()
    with medoffice_practice.operation("frontdesk") as ctx:
        result = recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00", count=4,
                                       skip_conflicts=True)
    assert [o.number for o in result.refused] == [3]
    assert texter.heard == [("booked", "01-06 09:00", 3), ("booked", "01-13 09:00", 3),
                            ("booked", "01-27 09:00", 3)]


def test_a_date_taken_between_the_check_and_the_write_is_skipped_unannounced(medoffice_practice, world, texter,
                                                                              monkeypatch):
    """Another terminal books the 20th after the series was checked: the service's own look-up
    passed, so the database refuses the overlap when the series writes it."""
    bo_takes_the_20th(medoffice_practice, world)
    texter.heard.clear()
    monkeypatch.setattr(booking, "conflicts", lambda ctx, **_: [])  # the check saw the 20th still free
    with medoffice_practice.operation("frontdesk") as ctx:
        result = recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00", count=3,
                                       skip_conflicts=True)
    (skipped,) = result.refused  # SQLite's trigger names less than PostgreSQL's constraint
    assert (skipped.number, skipped.problem.startswith("slot taken: the provider")) == (3, True)
    assert texter.heard == [("booked", "01-06 09:00", 2), ("booked", "01-13 09:00", 2)]


def test_a_date_taken_between_the_check_and_the_write_refuses_the_series_unannounced(medoffice_practice, world,
                                                                                     texter, monkeypatch):
    """The same, without skipping: the two dates already written roll back with the series,
    and nobody heard of them."""
    bo_takes_the_20th(medoffice_practice, world)
    texter.heard.clear()
    monkeypatch.setattr(booking, "conflicts", lambda ctx, **_: [])  # the check saw the 20th still free
    with pytest.raises(recurring.SeriesConflict, match="nothing booked: 1 of 3 occurrences cannot be booked: "
                                                       "#3 Tue 2026-01-20 09:00: slot taken: the provider"):
        with medoffice_practice.operation("frontdesk") as ctx:
            recurring.book_series(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00", count=3)
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert [a.mrn for a in appointment_lists.day(ctx, "2026-01-06")] == []
    assert texter.heard == []


def test_a_series_of_a_type_for_new_patients_fits_only_its_first_date(medoffice_practice, world, texter):
    """The series' first date makes Ann an established patient for the later ones, though
    none is written while the dates are checked."""
    with pytest.raises(recurring.SeriesConflict) as refused:
        with medoffice_practice.operation("frontdesk") as ctx:
            recurring.book_series(ctx, world.ann, world.adams, "New patient", "2026-01-06 09:00", count=3)
    assert [(o.number, o.problem) for o in refused.value.occurrences if o.problem] == [
        (n, "'New patient' is for new patients, and this patient has been seen before") for n in (2, 3)]
    with medoffice_practice.operation("frontdesk") as ctx:
        result = recurring.book_series(ctx, world.ann, world.adams, "New patient", "2026-01-06 09:00", count=3,
                                       skip_conflicts=True)
    assert [o.number for o in result.booked] == [1]
    assert texter.heard == [("booked", "01-06 09:00", 1)]


def test_a_single_booking_is_still_announced_once(medoffice_practice, world, texter):
    with medoffice_practice.operation("frontdesk") as ctx:
        booking.book(ctx, world.ann, world.adams, "Check-up", dt.datetime(2026, 1, 6, 14, 0, tzinfo=dt.timezone.utc))
    assert texter.heard == [("booked", "01-06 09:00", None)]
