"""Booking, moving, cancelling and the day's flow, through the service."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core import audit
from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.plugins.scheduling import booking

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
        return booking.list_for_patient(ctx, mrn)


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
        with pytest.raises(Conflict, match="slot taken: the provider is already booked 09:00-09:30"):
            book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:15")
        with pytest.raises(Conflict, match="slot taken: the patient is already booked 09:00-09:30"):
            book(medoffice_practice, world.ann, world.baker, "2026-01-06 09:00")
        with pytest.raises(Conflict, match="slot taken: the room is already booked 09:00-09:30"):
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
        act(medoffice_practice, booking.no_show, second.id)
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
        act(medoffice_practice, booking.check_in, first.id)
        with pytest.raises(Conflict, match="is arrived; only a booked one can be moved"):
            act(medoffice_practice, booking.move, first.id, "2026-01-06 10:00")


class TestTheDaysFlow:
    def test_check_in_room_complete_records_times_and_waiting(self, medoffice_practice, world):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        times = iter([dt.datetime(2026, 1, 6, 13, 50, tzinfo=UTC), dt.datetime(2026, 1, 6, 14, 5, tzinfo=UTC),
                      dt.datetime(2026, 1, 6, 14, 40, tzinfo=UTC)])
        for step in (booking.check_in, lambda ctx, i: booking.room(ctx, i, "Exam 2"), booking.complete):
            medoffice_practice.runtime.clock = lambda moment=next(times): moment
            record = act(medoffice_practice, step, first.id)
        assert record.status == "completed"
        (view,) = stored(medoffice_practice, world.ann)
        assert (view.room, view.waiting_minutes, f"{view.arrived_at:%H:%M}") == ("Exam 2", 15, "08:50")
        assert [len(entries(medoffice_practice, f"appointment.{a}")) for a in ("checked_in", "roomed", "completed")] \
            == [1, 1, 1]

    def test_steps_out_of_order_are_conflicts(self, medoffice_practice, world, practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 09:20")
        with pytest.raises(Conflict, match="is booked and cannot be completed"):
            act(medoffice_practice, booking.complete, first.id)
        with pytest.raises(Conflict, match="cannot be roomed"):
            act(medoffice_practice, booking.room, first.id)
        act(medoffice_practice, booking.no_show, first.id)
        with pytest.raises(Conflict, match="is no show and cannot be checked in"):
            act(medoffice_practice, booking.check_in, first.id)

    @pytest.mark.parametrize(("now", "message"), [
        ("2026-01-05 16:00", "appointment 1 is on Tue 2026-01-06, not today (Mon 2026-01-05): a patient is checked in "
                             "only on the day of the appointment"),
        ("2026-01-07 08:00", "appointment 1 is on Tue 2026-01-06, not today (Wed 2026-01-07): a patient is checked in "
                             "only on the day of the appointment"),
    ])
    def test_a_patient_is_checked_in_only_on_the_appointments_day(self, medoffice_practice, world, practice_clock,
                                                                   now, message):
        """The practice's local day counts, not UTC's: 23:30 in New York is already tomorrow in UTC."""
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock(now)
        with pytest.raises(ValidationError) as refused:
            act(medoffice_practice, booking.check_in, first.id)
        assert str(refused.value) == message and "\n" not in message
        assert [v.status for v in stored(medoffice_practice, world.ann)] == ["booked"]
        practice_clock("2026-01-06 23:30")  # 04:30 UTC on the 7th, still the 6th at the desk
        assert act(medoffice_practice, booking.check_in, first.id).status == "arrived"

    def test_a_no_show_waits_for_the_start_and_may_be_marked_later(self, medoffice_practice, world, practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 08:59")
        with pytest.raises(ValidationError, match="^appointment 1 starts Tue 2026-01-06 09:00: it cannot be marked as "
                                                  "a no-show before it starts$"):
            act(medoffice_practice, booking.no_show, first.id)
        practice_clock("2026-01-07 08:00")  # tidying up yesterday's board
        assert act(medoffice_practice, booking.no_show, first.id).status == "no_show"

    def test_a_patient_is_roomed_on_the_day_and_the_visit_completed_later(self, medoffice_practice, world,
                                                                           practice_clock):
        """Left waiting past midnight, a patient cannot be roomed the next day; the visit can
        still be completed (documented after closing)."""
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 08:50")
        act(medoffice_practice, booking.check_in, first.id)
        practice_clock("2026-01-07 08:00")
        with pytest.raises(ValidationError, match="^appointment 1 is on Tue 2026-01-06, not today .*: a patient is "
                                                  "roomed only on the day of the appointment$"):
            act(medoffice_practice, booking.room, first.id)
        assert act(medoffice_practice, booking.complete, first.id).status == "completed"

    def test_cancelling_needs_a_reason_and_keeps_it(self, medoffice_practice, world):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        with pytest.raises(ValidationError, match="reason is required"):
            act(medoffice_practice, booking.cancel, first.id, " ")
        act(medoffice_practice, booking.cancel, first.id, "feeling better")
        (view,) = stored(medoffice_practice, world.ann)
        assert (view.status, view.cancel_reason) == ("cancelled", "feeling better")
        (entry,) = entries(medoffice_practice, "appointment.cancelled")
        assert entry.summary == {"reason": "feeling better"}

    @pytest.mark.parametrize("appointment_id", [0, -1, True, "3"])
    def test_an_appointment_id_is_a_positive_whole_number(self, medoffice_practice, world, appointment_id):
        with pytest.raises(ValidationError, match="positive whole number"):
            act(medoffice_practice, booking.check_in, appointment_id)

    def test_an_unknown_appointment_is_not_found(self, medoffice_practice, world):
        with pytest.raises(NotFound, match="no appointment with id 42"):
            act(medoffice_practice, booking.cancel, 42, "x")
