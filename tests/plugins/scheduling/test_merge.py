"""Scheduling's part of a merge: the absorbed patient's appointments, waitlist entries and
series move to the kept patient; overlapping visits of the two refuse the merge; a merged or
deactivated patient cannot be booked.

The world (conftest): Dr Adams works Mon-Fri 09:00-12:00 and 13:00-17:00 at Main; Dr Baker
Tue 09:00-12:00 at Main. "Ann again" is Ann registered a second time. The clock stands on
Monday 2026-01-05 12:00 UTC (07:00 in New York).
"""

from __future__ import annotations

import pytest

from medoffice.core.errors import Conflict, NotFound
from medoffice.core.services import patient_merge
from medoffice.plugins.scheduling import appointment_lists, booking, recurring, waitlist

from .conftest import register

pytestmark = pytest.mark.medoffice_plugins("scheduling")


@pytest.fixture
def again(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk") as ctx:
        return register(ctx, "Ann")


def book(practice, mrn, provider, at, kind="Check-up"):
    with practice.operation("frontdesk") as ctx:
        return booking.book(ctx, mrn, provider, kind, at)


def merge(practice, keep, absorb):
    with practice.operation("frontdesk") as ctx:
        return patient_merge.merge(ctx, keep, absorb)


def appointments_of(practice, mrn):
    with practice.operation("frontdesk", write=False) as ctx:
        return [(v.id, v.status) for v in appointment_lists.list_for_patient(ctx, mrn)]


class TestMoving:
    def test_appointments_waitlist_entries_and_series_move_to_the_kept_patient(self, medoffice_practice, world,
                                                                              again):
        first = book(medoffice_practice, again, world.adams, "2026-01-06 09:00")
        with medoffice_practice.operation("frontdesk") as ctx:
            recurring.book_series(ctx, again, world.baker, "Check-up", "2026-01-06 10:00", count=2)
            waitlist.add(ctx, again, "Long", note="mornings")
            plan = patient_merge.preview(ctx, world.ann, again)
        (part,) = plan.parts
        assert part.moves == ("3 appointments (3 upcoming)", "1 waitlist entry", "1 recurring series")
        result = merge(medoffice_practice, world.ann, again)
        assert result.rows_moved == 5
        moved = appointments_of(medoffice_practice, world.ann)
        assert len(moved) == 3 and moved[0] == (first.id, "booked")
        assert appointments_of(medoffice_practice, again) == []
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert [e.mrn for e in waitlist.list_entries(ctx)] == [world.ann]

    def test_overlapping_visits_of_the_two_refuse_the_merge(self, medoffice_practice, world, again):
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        book(medoffice_practice, again, world.baker, "2026-01-06 09:15")
        with pytest.raises(Conflict) as info:
            merge(medoffice_practice, world.ann, again)
        assert str(info.value) == (
            "cannot merge 000004 into 000001: Scheduling: both patients are booked at the same time on 2026-01-06 "
            "(09:00 and 09:15): cancel or move one of the two appointments first")
        assert len(appointments_of(medoffice_practice, again)) == 1

    def test_a_cancelled_overlap_does_not_count(self, medoffice_practice, world, again):
        mine = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        book(medoffice_practice, again, world.baker, "2026-01-06 09:00")
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.cancel(ctx, mine.id, "registered twice")
        assert merge(medoffice_practice, world.ann, again).rows_moved == 1


class TestWaitlist:
    def test_an_entry_for_a_type_the_kept_patient_already_waits_for_is_closed(self, medoffice_practice, world,
                                                                               again):
        with medoffice_practice.operation("frontdesk") as ctx:
            waitlist.add(ctx, world.ann, "Long")
            waitlist.add(ctx, again, "Long", note="mornings")
            waitlist.add(ctx, again, "Check-up")
            (part,) = patient_merge.preview(ctx, world.ann, again).parts
        assert part.moves == ("2 waitlist entries", "1 of them already waiting under 000001: closed as duplicates")
        merge(medoffice_practice, world.ann, again)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            open_ = sorted((e.mrn, e.appointment_type) for e in waitlist.list_entries(ctx))
            closed = [e for e in waitlist.list_entries(ctx, status="removed")]
        assert open_ == [(world.ann, "Check-up"), (world.ann, "Long")]
        assert [(e.mrn, e.note) for e in closed] == [(world.ann, "mornings")]
        assert closed[0].closed_reason.startswith("duplicate: 000001 already waits for this type")


class TestBookingAfterwards:
    def test_a_merged_record_cannot_be_booked_and_says_where_it_went(self, medoffice_practice, world, again):
        merge(medoffice_practice, world.ann, again)
        with pytest.raises(NotFound, match="patient 000004 was merged into 000001: open 000001"):
            book(medoffice_practice, again, world.adams, "2026-01-06 09:00")
        with medoffice_practice.operation("frontdesk") as ctx, pytest.raises(NotFound, match="merged into 000001"):
            waitlist.add(ctx, again, "Long")

    def test_a_deactivated_patient_cannot_be_booked_until_reactivated(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk") as ctx:
            patient_merge.deactivate(ctx, world.bo, "moved to Ohio")
        with pytest.raises(Conflict, match=r"is inactive \(moved to Ohio\): reactivate them before you book"):
            book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:00")
        with medoffice_practice.operation("frontdesk") as ctx:
            patient_merge.reactivate(ctx, world.bo)
        assert book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:00").status == "booked"


def test_hook_patient_merge_preview_of_scheduling_is_silent_without_appointments(medoffice_practice, world, again):
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert patient_merge.preview(ctx, world.ann, again).parts == ()


def test_hook_patient_merge_of_scheduling_names_each_moved_row(medoffice_practice, world, again):
    appointment = book(medoffice_practice, again, world.adams, "2026-01-06 09:00")
    result = merge(medoffice_practice, world.ann, again)
    with medoffice_practice.operation("admin", write=False) as ctx:
        from sqlalchemy import select

        from medoffice.core.storage.models import MergedRow

        rows = ctx.session.execute(select(MergedRow.table_name, MergedRow.row_id)
                                   .where(MergedRow.merge_id == result.merge_id)).all()
    assert [tuple(r) for r in rows] == [("scheduling_appointment", appointment.id)]


def test_deactivating_a_patient_with_bookings_to_come_says_they_stay_booked(medoffice_practice, cli_world):
    """The command warns; the bookings are the desk's to cancel (a patient who moved away may
    still come once more)."""
    with medoffice_practice.operation("frontdesk") as ctx:
        booking.book(ctx, cli_world.bo, cli_world.adams, "Check-up", "2031-01-07 09:00")
    result = medoffice_practice.cli("patients", "deactivate", cli_world.bo, "--reason", "moved away", user="frontdesk")
    assert result.exit_code == 0
    assert result.stderr.strip() == (f"warning: 1 upcoming appointment of {cli_world.bo} stays booked: cancel "
                                     "those the patient will not keep")
