"""Booking, moving, cancelling and the day's flow, through the service."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core import audit
from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.plugins.scheduling import appointment_lists, booking, day_flow

pytestmark = pytest.mark.medoffice_plugins("scheduling")

UTC = dt.timezone.utc


def book(practice, mrn, provider, at, kind="Check-up", user="frontdesk", **options):
    with practice.operation(user) as ctx:
        return booking.book(ctx, mrn, provider, kind, at, **options)


def act(practice, fn, *args, user="frontdesk"):
    with practice.operation(user) as ctx:
        return fn(ctx, *args)


def stored(practice, mrn):
    with practice.operation("admin", write=False) as ctx:
        return appointment_lists.list_for_patient(ctx, mrn)


def entries(practice, action):
    with practice.operation("admin", write=False) as ctx:
        return list(audit.iter_entries(ctx.session, action=action))


class TestBooking:
    def test_a_booking_is_stored_in_utc_and_shown_in_the_practice_zone(self, medoffice_practice, world):
        """09:00 in New York in January is 14:00 UTC; the type's 30 minutes give the end."""
        record = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", room="Exam 1", note="cough")
        assert (record.start, record.end) == (dt.datetime(2026, 1, 6, 14, 0, tzinfo=UTC),
                                              dt.datetime(2026, 1, 6, 14, 30, tzinfo=UTC))
        assert (record.status, record.appointment_type, record.provider_id, record.reason) == (
            "booked", "Check-up", world.adams, "cough")
        (view,) = stored(medoffice_practice, world.ann)
        assert (f"{view.start:%H:%M}", view.location, view.room, view.provider) == ("09:00", "Main", "Exam 1",
                                                                                    "Dr Adams")
        (entry,) = entries(medoffice_practice, "appointment.booked")
        assert (entry.username, entry.entity_id, entry.summary["type"]) == ("frontdesk", str(record.id), "Check-up")

    def test_the_location_comes_from_the_providers_availability(self, medoffice_practice, world):
        record = book(medoffice_practice, world.ann, world.baker, "2026-01-07 08:30")
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert record.location_id == next(loc.id for loc in ctx.practice.locations if loc.name == "North")

    @pytest.mark.parametrize(("at", "message"), [
        ("2026-01-06 12:00", "not available"),          # the lunch break
        ("2026-01-06 11:45", "not available"),          # would run past 12:00
        ("2026-01-10 10:00", "not available"),          # a Saturday
        ("2026-02-30 09:00", "real date and time"),     # 30 February
        ("2026-01-06", "real date and time"),
        ("tomorrow 9am", "real date and time"),
    ])
    def test_bad_or_unavailable_times_are_refused_and_nothing_written(self, medoffice_practice, world, at, message):
        with pytest.raises(ValidationError, match=message):
            book(medoffice_practice, world.ann, world.adams, at)
        assert stored(medoffice_practice, world.ann) == []
        assert entries(medoffice_practice, "appointment.booked") == []

    def test_unknown_patient_provider_type_and_room(self, medoffice_practice, world):
        with pytest.raises(NotFound, match="NOPE"):
            book(medoffice_practice, "NOPE", world.adams, "2026-01-06 09:00")
        with pytest.raises(NotFound, match="no provider with staff id 999"):
            book(medoffice_practice, world.ann, 999, "2026-01-06 09:00")
        with pytest.raises(ValidationError, match="Cleo Clerk .* is not a provider"):
            book(medoffice_practice, world.ann, world.clerk, "2026-01-06 09:00")
        with pytest.raises(NotFound, match="no appointment type named 'Massage'"):
            book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", kind="Massage")
        with pytest.raises(NotFound, match="no room named 'Exam 9' at Main"):
            book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", room="Exam 9")
        assert stored(medoffice_practice, world.ann) == []

    def test_billing_may_not_book(self, medoffice_practice, world):
        with pytest.raises(PermissionDenied, match="scheduling.book"):
            book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", user="billing")

    def test_new_and_established_patient_types(self, medoffice_practice, world):
        with pytest.raises(ValidationError, match="for established patients"):
            book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", kind="Follow-up")
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", kind="New patient")
        with pytest.raises(ValidationError, match="for new patients"):
            book(medoffice_practice, world.ann, world.adams, "2026-01-13 09:00", kind="New patient")
        book(medoffice_practice, world.ann, world.adams, "2026-01-13 09:00", kind="Follow-up")


class TestNoDoubleBooking:
    def test_the_provider_room_and_patient_are_each_protected(self, medoffice_practice, world):
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", room="Exam 1")
        with pytest.raises(Conflict, match="^slot taken: Dr Adams is booked 09:00-09:30 for Ann Lee's Check-up$"):
            book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:15")
        with pytest.raises(Conflict, match="^slot taken: Ann Lee already has a Check-up 09:00-09:30 with Dr Adams$"):
            book(medoffice_practice, world.ann, world.baker, "2026-01-06 09:00")
        with pytest.raises(Conflict, match="^slot taken: Exam 1 is taken 09:00-09:30 by Ann Lee's Check-up$"):
            book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:20", room="Exam 1")
        book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:20", room="Exam 2")
        book(medoffice_practice, world.ann, world.baker, "2026-01-07 08:00")  # another day: fine
        assert len(stored(medoffice_practice, world.ann)) == 2
        assert len(stored(medoffice_practice, world.bo)) == 1

    def test_back_to_back_is_not_a_clash(self, medoffice_practice, world):
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:30")
        book(medoffice_practice, world.cy, world.adams, "2026-01-06 10:00")

    def test_a_cancelled_or_missed_slot_is_free_again(self, medoffice_practice, world, practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        act(medoffice_practice, booking.cancel, first.id, "patient called")
        second = book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 09:20")
        act(medoffice_practice, day_flow.no_show, second.id)
        book(medoffice_practice, world.cy, world.adams, "2026-01-06 09:00")

    def test_a_manager_may_overbook_with_a_reason_which_is_audited(self, medoffice_practice, world):
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        record = book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:00", user="manager",
                      overbook_reason="urgent: chest pain")
        assert record.status == "booked"
        (entry,) = [e for e in entries(medoffice_practice, "appointment.booked") if e.entity_id == str(record.id)]
        assert entry.username == "manager"
        assert (entry.summary["overbooked"], entry.summary["overbook_reason"]) == (True, "urgent: chest pain")
        (view,) = stored(medoffice_practice, world.bo)
        assert view.overbooked

    def test_the_front_desk_may_not_overbook(self, medoffice_practice, world):
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        with pytest.raises(PermissionDenied, match="scheduling.overbook"):
            book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:00", overbook_reason="please")
        assert stored(medoffice_practice, world.bo) == []

    def test_an_overbooking_needs_a_reason(self, medoffice_practice, world):
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        with pytest.raises(ValidationError, match="overbook reason is required"):
            book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:00", user="manager", overbook_reason="  ")


class TestMoving:
    def test_a_move_keeps_the_length_and_frees_the_old_slot(self, medoffice_practice, world):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        moved = act(medoffice_practice, booking.move, first.id, "2026-01-06 10:00")
        assert moved.start == dt.datetime(2026, 1, 6, 15, 0, tzinfo=UTC) and moved.end - moved.start == dt.timedelta(
            minutes=30)
        book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:00")
        (entry,) = entries(medoffice_practice, "appointment.rescheduled")
        assert entry.summary["from"] == "2026-01-06T14:00:00+00:00"

    def test_a_move_onto_a_taken_slot_is_refused_and_changes_nothing(self, medoffice_practice, world):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        book(medoffice_practice, world.bo, world.adams, "2026-01-06 10:00")
        with pytest.raises(Conflict, match="slot taken"):
            act(medoffice_practice, booking.move, first.id, "2026-01-06 10:15")
        (view,) = stored(medoffice_practice, world.ann)
        assert f"{view.start:%H:%M}" == "09:00"

    def test_a_move_may_overlap_its_own_old_time(self, medoffice_practice, world):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        moved = act(medoffice_practice, booking.move, first.id, "2026-01-06 09:15")
        assert moved.start == dt.datetime(2026, 1, 6, 14, 15, tzinfo=UTC)

    def test_only_a_booked_appointment_moves(self, medoffice_practice, world, practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 08:50")
        act(medoffice_practice, day_flow.check_in, first.id)
        with pytest.raises(Conflict, match="^Ann Lee's 09:00 appointment is checked in: only a booked appointment "
                                           "can be moved$"):
            act(medoffice_practice, booking.move, first.id, "2026-01-06 10:00")
