"""Times are stored in UTC and typed and shown in the practice's zone, across DST changes.

The practice is in America/New_York: clocks jump from 02:00 to 03:00 on Sunday 2026-03-08
and fall back from 02:00 to 01:00 on Sunday 2026-11-01.
"""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.errors import Conflict, ValidationError
from medoffice.plugins.scheduling import appointment_lists, booking, slots

pytestmark = pytest.mark.medoffice_plugins("scheduling")

UTC = dt.timezone.utc


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


def book(practice, mrn, provider, when, kind="Check-up"):
    with practice.operation("frontdesk") as ctx:
        return booking.book(ctx, mrn, provider, kind, when)


def test_the_same_local_hour_is_a_different_utc_hour_either_side_of_spring(medoffice_practice, world):
    before = book(medoffice_practice, world.ann, world.adams, "2026-03-06 09:00")
    after = book(medoffice_practice, world.bo, world.adams, "2026-03-09 09:00")
    assert (before.start, after.start) == (at(2026, 3, 6, 14), at(2026, 3, 9, 13))


def test_a_visit_across_the_spring_gap_lasts_its_real_length(medoffice_practice, world):
    """An hour from 01:30 EST ends at 03:30 EDT: one real hour, two on the wall clock."""
    record = book(medoffice_practice, world.ann, world.adams, "2026-03-08 01:30", kind="New patient")
    assert (record.start, record.end) == (at(2026, 3, 8, 6, 30), at(2026, 3, 8, 7, 30))
    with medoffice_practice.operation("admin", write=False) as ctx:
        (view,) = appointment_lists.day(ctx, "2026-03-08")
    assert (f"{view.start:%H:%M %Z}", f"{view.end:%H:%M %Z}") == ("01:30 EST", "03:30 EDT")


def test_a_time_the_clocks_skip_is_refused(medoffice_practice, world):
    with pytest.raises(ValidationError, match="2026-03-08 02:30 does not exist in America/New_York"):
        book(medoffice_practice, world.ann, world.adams, "2026-03-08 02:30")


def test_the_repeated_autumn_hour_means_its_first_occurrence(medoffice_practice, world):
    """01:00 EDT for an hour ends at 01:00 EST; a 01:30 booking (EDT) then clashes with it."""
    record = book(medoffice_practice, world.ann, world.adams, "2026-11-01 01:00", kind="New patient")
    assert (record.start, record.end) == (at(2026, 11, 1, 5), at(2026, 11, 1, 6))
    with pytest.raises(Conflict, match="slot taken"):
        book(medoffice_practice, world.bo, world.adams, "2026-11-01 01:30")
    later = book(medoffice_practice, world.bo, world.adams, "2026-11-01 02:00")
    assert later.start == at(2026, 11, 1, 7)


def test_the_day_board_covers_a_25_hour_day(medoffice_practice, world):
    late = book(medoffice_practice, world.ann, world.adams, "2026-11-01 23:00")
    early = book(medoffice_practice, world.bo, world.adams, "2026-11-01 00:00")
    with medoffice_practice.operation("admin", write=False) as ctx:
        found = appointment_lists.day(ctx, "2026-11-01")
        service = ctx.hooks.scheduling(ctx)
        records = service.day_appointments(ctx, dt.date(2026, 11, 1))
    assert [v.id for v in found] == [early.id, late.id] == [r.id for r in records]
    assert late.start == at(2026, 11, 2, 4)  # 23:00 EST


def test_slots_on_the_spring_night_skip_the_missing_hour(medoffice_practice, world):
    medoffice_practice.runtime.clock = lambda: at(2026, 3, 1)
    with medoffice_practice.operation("admin", write=False) as ctx:
        found = slots.find_slots(ctx, "New patient", "2026-03-08", "2026-03-08", provider_id=world.adams, limit=50)
    starts = [f"{s.start:%H:%M}" for s in found]
    # Blocks 00:00-06:00 and 22:00-23:30 in hours: 00:00, 01:00 (ends 03:00 EDT), the 02:00 wall
    # start does not exist, then 03:00, 04:00, 05:00 and 22:00.
    assert starts == ["00:00", "01:00", "03:00", "04:00", "05:00", "22:00"]
    # (aware datetimes in one zone subtract as wall clocks; in UTC they give the real length)
    assert found[1].end.astimezone(UTC) - found[1].start.astimezone(UTC) == dt.timedelta(hours=1)
