"""Moving an appointment: the slot finder treats the appointment being moved as free, so a
10:00 visit can be moved a quarter of an hour later with the same provider, in the same room,
with the same equipment, when the only overlap is with itself (slots.find_slots(moving=…),
``appointments slots --moving``, the booking flow's reschedule).

The world (conftest.py, America/New_York): the clock stands on Mon 2026-01-05 07:00; Dr Adams
works at Main (rooms Exam 1 and Exam 2) on weekdays 09:00-12:00, Dr Baker at Main on Tuesdays
09:00-12:00. The stories are on Tue 2026-01-06.
"""

from __future__ import annotations

import pytest

from medoffice.core.errors import Conflict, NotFound, ValidationError
from medoffice.plugins.scheduling import appointment_lists, booking, catalogue, resources, slots

pytestmark = pytest.mark.medoffice_plugins("scheduling")

DAY = "2026-01-06"


def book(practice, mrn, provider, at, kind="Check-up", **options):
    with practice.operation("frontdesk") as ctx:
        return booking.book(ctx, mrn, provider, kind, f"{DAY} {at}", **options)


def offered(practice, kind, **options) -> list[str]:
    with practice.operation("frontdesk", write=False) as ctx:
        found = slots.find_slots(ctx, kind, DAY, DAY, limit=40, step_minutes=15, **options)
    return [f"{s.start:%H:%M}" for s in found]


def move(practice, appointment_id, at, **options):
    with practice.operation("frontdesk") as ctx:
        return booking.move(ctx, appointment_id, f"{DAY} {at}", **options)


@pytest.fixture
def needs(medoffice_practice, world):
    """"Procedure" (30 minutes) needs a room; "ECG test" (30 minutes) the ECG at Main."""
    with medoffice_practice.operation("manager") as ctx:
        catalogue.add_type(ctx, "Procedure", 30)
        resources.set_type_needs(ctx, "Procedure", needs_room=True)
        resources.add_resource(ctx, "ECG", location="Main")
        catalogue.add_type(ctx, "ECG test", 30)
        resources.set_type_needs(ctx, "ECG test", equipment=["ECG"])
    return world


class TestTheSlotFinder:
    def test_a_quarter_of_an_hour_later_with_the_same_provider_is_offered_and_the_move_allowed(
            self, medoffice_practice, world):
        ann = book(medoffice_practice, world.ann, world.adams, "10:00", room="Exam 1")
        asked = {"provider_id": world.adams, "patient": world.ann}
        assert "10:15" not in offered(medoffice_practice, "Check-up", **asked)  # held by Ann herself
        moving = offered(medoffice_practice, "Check-up", moving=ann.id, **asked)
        assert {"09:45", "10:15"} <= set(moving) and "10:00" not in moving  # not where it is already
        moved = move(medoffice_practice, ann.id, "10:15")
        assert (moved.id, moved.room_id) == (ann.id, ann.room_id)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            (view,) = appointment_lists.list_for_patient(ctx, world.ann)
        assert (f"{view.start:%H:%M}-{view.end:%H:%M}", view.room, view.provider) == ("10:15-10:45", "Exam 1",
                                                                                    "Dr Adams")

    def test_another_visit_still_holds_its_time(self, medoffice_practice, world):
        ann = book(medoffice_practice, world.ann, world.adams, "10:00")
        book(medoffice_practice, world.bo, world.adams, "10:30")
        moving = offered(medoffice_practice, "Check-up", provider_id=world.adams, moving=ann.id)
        assert "10:15" not in moving and "09:45" in moving and "11:00" in moving
        with pytest.raises(Conflict, match="^slot taken: Dr Adams is booked 10:30-11:00 for Bo Lee's Check-up$"):
            move(medoffice_practice, ann.id, "10:15")

    def test_its_own_room_is_free_to_it_when_every_other_room_is_taken(self, medoffice_practice, needs):
        """Ann's procedure is in Exam 1 and Bo's (Dr Baker) in Exam 2, both 10:00-10:30: 10:15
        has a room only for Ann, her own."""
        ann = book(medoffice_practice, needs.ann, needs.adams, "10:00", "Procedure", room="Exam 1")
        book(medoffice_practice, needs.bo, needs.baker, "10:00", "Procedure", room="Exam 2")
        assert "10:15" not in offered(medoffice_practice, "Procedure", provider_id=needs.adams)
        assert "10:15" in offered(medoffice_practice, "Procedure", provider_id=needs.adams, moving=ann.id)
        assert move(medoffice_practice, ann.id, "10:15").room_id == ann.room_id

    def test_its_own_equipment_is_free_to_it(self, medoffice_practice, needs):
        ann = book(medoffice_practice, needs.ann, needs.adams, "10:00", "ECG test")
        assert "10:15" not in offered(medoffice_practice, "ECG test", provider_id=needs.baker)
        assert "10:15" in offered(medoffice_practice, "ECG test", provider_id=needs.adams, moving=ann.id)
        move(medoffice_practice, ann.id, "10:15")
        assert "10:00" not in offered(medoffice_practice, "ECG test", provider_id=needs.baker)  # 10:15-10:45 now

    @pytest.mark.parametrize(("moving", "error"), [(0, ValidationError), (-4, ValidationError),
                                                   (True, ValidationError), ("7", ValidationError),
                                                   (2**40, NotFound), (999, NotFound)])
    def test_a_bad_appointment_to_move_is_refused(self, medoffice_practice, world, moving, error):
        with pytest.raises(error):
            offered(medoffice_practice, "Check-up", moving=moving)


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


class TestCommands:
    def test_slots_for_moving_take_its_type_and_patient_and_offer_a_quarter_later(self, medoffice_cli, cli_world):
        w = cli_world
        ok(medoffice_cli("appointments", "book", w.ann, "--provider", str(w.adams), "--type", "Check-up",
                         "--at", "2030-03-12 10:00", user="frontdesk"))
        found = ok(medoffice_cli("appointments", "slots", "--moving", "1", "--provider", str(w.adams), "--from",
                                 "2030-03-12", "--to", "2030-03-12", "--step", "15", "--limit", "40", "--json",
                                 user="frontdesk")).json()
        starts = [s["start"][11:16] for s in found]
        assert "10:15" in starts and "10:00" not in starts
        assert {s["appointment_type"] for s in found} == {"Check-up"}
        plain = ok(medoffice_cli("appointments", "slots", "--type", "Check-up", "--provider", str(w.adams),
                                 "--from", "2030-03-12", "--to", "2030-03-12", "--step", "15", "--limit", "40",
                                 "--json", user="frontdesk")).json()
        assert "10:15" not in [s["start"][11:16] for s in plain]
        moved = ok(medoffice_cli("appointments", "move", "1", "--at", "2030-03-12 10:15", "--json",
                                 user="frontdesk")).json()
        assert moved["start"][11:16] == "10:15"

    @pytest.mark.parametrize("args", [(), ("--moving", "0"), ("--moving", "x"), ("--moving", "99999999999")])
    def test_a_search_without_a_type_or_with_a_bad_id_is_a_usage_error(self, medoffice_cli, cli_world, args):
        result = medoffice_cli("appointments", "slots", *args, user="frontdesk")
        assert (result.exit_code, result.stdout) == (2, "") and "Traceback" not in result.stderr

    def test_an_unknown_appointment_to_move_is_one_line(self, medoffice_cli, cli_world):
        result = medoffice_cli("appointments", "slots", "--moving", "42", user="frontdesk")
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", "error: no appointment with id 42\n")
