"""What an appointment type needs: a free room of the location, pieces of equipment.

The world (conftest.py): Main has the rooms Exam 1 and Exam 2, North has none. Dr Adams works
at Main on weekdays; Dr Baker at North on Mon and Wed mornings and at Main on Tue 09:00-12:00.
A third provider, Dr Cole, joins at Main on Tuesdays for these stories.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from medoffice.core import audit
from medoffice.core.errors import Conflict, SlotTaken, ValidationError
from medoffice.core.services import staff
from medoffice.plugins.scheduling import appointment_lists, booking, catalogue, resources, slots
from medoffice.plugins.scheduling.models import Reservation

pytestmark = pytest.mark.medoffice_plugins("scheduling")


@pytest.fixture
def clinic(medoffice_practice, world, make_npi):
    """The world plus Dr Cole, a type that needs a room and one that needs the ECG at Main."""
    with medoffice_practice.operation("manager") as ctx:
        world.cole = staff.add(ctx, {"name": "Dr Cole", "role": "physician", "is_provider": True,
                                     "npi": make_npi(3)}).id
        catalogue.add_template(ctx, world.cole, "tue", "09:00", "12:00", "Main")
        catalogue.add_type(ctx, "Minor surgery", 30)
        resources.set_type_needs(ctx, "Minor surgery", needs_room=True)
        resources.add_resource(ctx, "ECG", location="Main")
        catalogue.add_type(ctx, "ECG test", 30)
        resources.set_type_needs(ctx, "ECG test", equipment=["ecg"])
    return world


def book(practice, mrn, provider, type_name, at, *, user="frontdesk", **options):
    with practice.operation(user) as ctx:
        return booking.book(ctx, mrn, provider, type_name, at, **options)


def act(practice, fn, *args, user="frontdesk", **options):
    with practice.operation(user) as ctx:
        return fn(ctx, *args, **options)


def find(practice, type_name, first, last=None, **options):
    with practice.operation("frontdesk", write=False) as ctx:
        found = slots.find_slots(ctx, type_name, first, last, limit=50, **options)
    return [(f"{s.start:%a %H:%M}", s.provider) for s in found]


def reservations(practice):
    with practice.operation("admin", write=False) as ctx:
        rows = ctx.session.execute(select(Reservation).order_by(Reservation.id)).scalars()
        return [(r.appointment_id, f"{ctx.local(r.starts_at):%m-%d %H:%M}", f"{ctx.local(r.ends_at):%H:%M}", r.holds)
                for r in rows]


class TestRooms:
    def test_a_type_that_needs_a_room_gets_the_first_free_one(self, medoffice_practice, clinic):
        first = book(medoffice_practice, clinic.ann, clinic.adams, "Minor surgery", "2026-01-06 09:00")
        second = book(medoffice_practice, clinic.bo, clinic.baker, "Minor surgery", "2026-01-06 09:00")
        assert (first.room_id, second.room_id) != (None, None) and first.room_id != second.room_id
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert [v.room for v in appointment_lists.day(ctx, "2026-01-06")] == ["Exam 1", "Exam 2"]

    def test_no_free_room_is_refused_and_the_slot_finder_skips_it(self, medoffice_practice, clinic):
        book(medoffice_practice, clinic.ann, clinic.adams, "Check-up", "2026-01-06 09:00", room="Exam 1")
        taken = book(medoffice_practice, clinic.bo, clinic.baker, "Check-up", "2026-01-06 09:00", room="Exam 2")
        with pytest.raises(SlotTaken, match=r"^slot taken: no free room at Main Tue 2026-01-06 09:00-09:30 "
                                           r"\(Exam 1, Exam 2 are booked\)$"):
            book(medoffice_practice, clinic.cy, clinic.cole, "Minor surgery", "2026-01-06 09:00")
        assert find(medoffice_practice, "Minor surgery", "2026-01-06", "2026-01-06", provider_id=clinic.cole)[0] == (
            "Tue 09:30", "Dr Cole")
        assert find(medoffice_practice, "Check-up", "2026-01-06", "2026-01-06", provider_id=clinic.cole)[0] == (
            "Tue 09:00", "Dr Cole")  # a type without a room is not held back
        act(medoffice_practice, booking.cancel, taken.id, "called off")
        assert find(medoffice_practice, "Minor surgery", "2026-01-06", "2026-01-06", provider_id=clinic.cole)[0] == (
            "Tue 09:00", "Dr Cole")

    def test_a_location_without_rooms_offers_no_slot_for_it(self, medoffice_practice, clinic):
        with pytest.raises(ValidationError, match=r"^'Minor surgery' needs a room and North has none$"):
            book(medoffice_practice, clinic.ann, clinic.baker, "Minor surgery", "2026-01-05 08:00")
        assert {who for _, who in find(medoffice_practice, "Minor surgery", "2026-01-05", "2026-01-05")} == {
            "Dr Adams"}

    def test_a_move_keeps_its_room_when_free_and_finds_another_when_not(self, medoffice_practice, clinic):
        moving = book(medoffice_practice, clinic.ann, clinic.adams, "Minor surgery", "2026-01-06 09:00",
                      room="Exam 2")
        assert act(medoffice_practice, booking.move, moving.id, "2026-01-06 10:00").room_id == moving.room_id
        book(medoffice_practice, clinic.bo, clinic.baker, "Check-up", "2026-01-06 11:00", room="Exam 2")
        moved = act(medoffice_practice, booking.move, moving.id, "2026-01-06 11:00")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert [v.room for v in appointment_lists.day(ctx, "2026-01-06") if v.id == moved.id] == ["Exam 1"]


class TestEquipment:
    def test_booking_moving_and_cancelling_keep_the_reservation_in_step(self, medoffice_practice, clinic):
        record = book(medoffice_practice, clinic.ann, clinic.adams, "ECG test", "2026-01-06 09:00")
        assert reservations(medoffice_practice) == [(record.id, "01-06 09:00", "09:30", True)]
        act(medoffice_practice, booking.move, record.id, "2026-01-06 10:00")
        assert reservations(medoffice_practice) == [(record.id, "01-06 10:00", "10:30", True)]
        act(medoffice_practice, booking.cancel, record.id, "feels better")
        assert reservations(medoffice_practice) == [(record.id, "01-06 10:00", "10:30", False)]
        book(medoffice_practice, clinic.bo, clinic.baker, "ECG test", "2026-01-06 10:00")  # free again

    def test_taken_equipment_is_refused_and_skipped_by_the_slot_finder(self, medoffice_practice, clinic):
        book(medoffice_practice, clinic.ann, clinic.adams, "ECG test", "2026-01-06 09:00")
        with pytest.raises(SlotTaken, match=r"^slot taken: the ECG is reserved 09:00-09:30 for Ann Lee's ECG test$"):
            book(medoffice_practice, clinic.bo, clinic.baker, "ECG test", "2026-01-06 09:15")
        assert find(medoffice_practice, "ECG test", "2026-01-06", "2026-01-06", provider_id=clinic.baker)[0] == (
            "Tue 09:30", "Dr Baker")
        assert find(medoffice_practice, "ECG test", "2026-01-05", "2026-01-05", provider_id=clinic.baker) == []

    def test_a_manager_may_overbook_the_equipment_and_the_overbooking_holds_nothing(self, medoffice_practice,
                                                                                    clinic):
        book(medoffice_practice, clinic.ann, clinic.adams, "ECG test", "2026-01-06 09:00")
        over = book(medoffice_practice, clinic.bo, clinic.baker, "ECG test", "2026-01-06 09:00", user="manager",
                    overbook_reason="ambulance waiting")
        assert [r[3] for r in reservations(medoffice_practice)] == [True, False]
        with medoffice_practice.operation("admin", write=False) as ctx:
            (entry,) = [e for e in audit.iter_entries(ctx.session, action="appointment.booked")
                        if e.entity_id == str(over.id)]
        assert entry.summary["overbooked"] is True

    def test_the_database_refuses_a_double_reservation(self, medoffice_practice, clinic, monkeypatch):
        """With the service's own equipment check switched off, the constraint or trigger refuses."""
        book(medoffice_practice, clinic.ann, clinic.adams, "ECG test", "2026-01-06 09:00")
        monkeypatch.setattr(resources, "equipment_conflicts", lambda *args, **options: [])
        with pytest.raises(SlotTaken, match=r"^slot taken: the equipment is already reserved at that time$"):
            book(medoffice_practice, clinic.bo, clinic.baker, "ECG test", "2026-01-06 09:15")
        second = book(medoffice_practice, clinic.bo, clinic.baker, "ECG test", "2026-01-06 09:30")  # back to back
        with pytest.raises(SlotTaken, match=r"^slot taken: the equipment is already reserved at that time$"):
            act(medoffice_practice, booking.move, second.id, "2026-01-06 09:20")
        assert len(reservations(medoffice_practice)) == 2

    def test_equipment_kept_at_another_location(self, medoffice_practice, clinic):
        with pytest.raises(ValidationError, match=r"^'ECG test' needs the ECG, which is at Main, not North$"):
            book(medoffice_practice, clinic.ann, clinic.baker, "ECG test", "2026-01-05 08:00")


class TestSettingUp:
    def test_rules_of_a_type_are_shown_and_audited(self, medoffice_practice, clinic):
        rules = act(medoffice_practice, resources.set_type_providers, "ECG test", [clinic.cole, clinic.adams],
                    user="manager")
        assert (rules.providers, rules.needs_room, rules.equipment) == (("Dr Adams", "Dr Cole"), False, ("ECG",))
        cleared = act(medoffice_practice, resources.set_type_providers, "ECG test", [], user="manager")
        assert cleared.provider_ids == ()
        with medoffice_practice.operation("admin", write=False) as ctx:
            actions = [e.summary["provider_ids"] for e in audit.iter_entries(
                ctx.session, action="appointment_type.providers_set")]
        assert actions == ["everyone", sorted([clinic.adams, clinic.cole])]  # newest first
        with pytest.raises(Conflict, match="there is already a resource named 'ECG'"):
            act(medoffice_practice, resources.add_resource, "ecg", user="manager")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def test_types_and_equipment_from_the_shell(medoffice_cli, cli_world):
    w = cli_world
    added = ok(medoffice_cli("schedule", "types", "add", "Biopsy", "--minutes", "45", "--needs-room",
                             "--providers", f"{w.adams}", user="manager"))
    assert added.stdout == f"added appointment type 5: Biopsy, 45 min, blue, any patients, needs a room, " \
                           f"only providers {w.adams}\n"
    ok(medoffice_cli("schedule", "resources", "add", "Spirometer", user="manager"))
    assert ok(medoffice_cli("schedule", "resources", "list", "--json")).json() == [
        {"id": 1, "name": "Spirometer", "location_id": None, "location": None, "active": True}]
    needs = ok(medoffice_cli("schedule", "types", "needs", "Biopsy", "--no-room", "--equipment", "spirometer",
                             user="manager"))
    assert needs.stdout == f"Biopsy: taken by Dr Adams ({w.adams}); needs no room; equipment: Spirometer\n"
    everyone = ok(medoffice_cli("schedule", "types", "providers", "Biopsy", "--everyone", "--json",
                                user="manager")).json()
    assert (everyone["provider_ids"], everyone["equipment"]) == ([], ["Spirometer"])
    bad = medoffice_cli("schedule", "types", "providers", "Biopsy", "--set", "one,two", user="manager")
    assert bad.exit_code == 2
