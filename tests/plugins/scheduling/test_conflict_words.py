"""A refused booking says whose visit holds the time and when, in the practice's time zone,
never an appointment id (a receptionist does not know ids): on the service, the command line
and the booking screen.

The world (conftest.py, America/New_York): Dr Adams at Main (rooms Exam 1 and Exam 2) on
weekdays 09:00-12:00; Dr Baker at North on Mon and Wed 08:00-10:00 and at Main on Tue
09:00-12:00. Here Dr Cole joins at Main on Mondays and Tuesdays, and the ECG at Main is needed
by the type "ECG test".
"""

from __future__ import annotations

import pytest

from medoffice.core.errors import Conflict
from medoffice.core.services import staff
from medoffice.plugins.scheduling import booking, catalogue, resources
from medoffice.plugins.scheduling.screens.booking import BookingScreen
from medoffice.testing import wait_for

pytestmark = pytest.mark.medoffice_plugins("scheduling")


@pytest.fixture
def clinic(medoffice_practice, world, make_npi):
    with medoffice_practice.operation("manager") as ctx:
        world.cole = staff.add(ctx, {"name": "Dr Cole", "role": "physician", "is_provider": True,
                                     "npi": make_npi(3)}).id
        for weekday in ("mon", "tue"):
            catalogue.add_template(ctx, world.cole, weekday, "09:00", "12:00", "Main")
        resources.add_resource(ctx, "ECG", location="Main")
        catalogue.add_type(ctx, "ECG test", 30)
        resources.set_type_needs(ctx, "ECG test", equipment=["ECG"])
    return world


def book(practice, mrn, provider, at, kind="Check-up", **options):
    with practice.operation("frontdesk") as ctx:
        return booking.book(ctx, mrn, provider, kind, at, **options)


def refusal(practice, *args, **options) -> str:
    with pytest.raises(Conflict) as refused:
        book(practice, *args, **options)
    return str(refused.value)


class TestTheServiceSaysWhoseAndWhen:
    def test_the_provider_the_patient_and_the_room_each_name_the_visit_holding_them(self, medoffice_practice,
                                                                                     world):
        """Ann's Check-up 09:00-09:30 (14:00 UTC) in Exam 1 with Dr Adams, told in New York time."""
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", room="Exam 1")
        said = [refusal(medoffice_practice, world.bo, world.adams, "2026-01-06 09:15"),
                refusal(medoffice_practice, world.ann, world.baker, "2026-01-06 09:00"),
                refusal(medoffice_practice, world.bo, world.baker, "2026-01-06 09:20", room="Exam 1")]
        assert said == ["slot taken: Dr Adams is booked 09:00-09:30 for Ann Lee's Check-up",
                        "slot taken: Ann Lee already has a Check-up 09:00-09:30 with Dr Adams",
                        "slot taken: Exam 1 is taken 09:00-09:30 by Ann Lee's Check-up"]

    def test_taken_equipment_names_the_visit_holding_it(self, medoffice_practice, clinic):
        book(medoffice_practice, clinic.ann, clinic.adams, "2026-01-06 09:00", "ECG test")
        assert refusal(medoffice_practice, clinic.bo, clinic.cole, "2026-01-06 09:15", "ECG test") == \
            "slot taken: the ECG is reserved 09:00-09:30 for Ann Lee's ECG test"

    def test_a_visit_holding_two_things_is_named_once_and_several_visits_in_time_order(self, medoffice_practice,
                                                                                     world):
        book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:30", room="Exam 2")
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", "Long")
        assert refusal(medoffice_practice, world.ann, world.baker, "2026-01-06 09:00", "Long", room="Exam 2") == (
            "slot taken: Ann Lee already has a Long 09:00-11:00 with Dr Adams; "
            "Dr Baker is booked 09:30-10:00 for Bo Lee's Check-up")

    def test_a_visit_that_began_the_day_before_is_named_with_its_day(self, medoffice_practice, world):
        """23:30-00:30 across midnight: said with its day when the time asked for is the next day."""
        import datetime as dt

        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            start = booking.parse_local("2026-01-05 23:30", ctx.timezone)
            end = start + dt.timedelta(hours=1)
            assert booking.span_words(ctx, start, end, start) == "23:30-00:30"
            assert booking.span_words(ctx, start, end, end - dt.timedelta(minutes=10)) == "Mon 2026-01-05 23:30-00:30"

    def test_moving_onto_a_taken_time_names_the_visit_too(self, medoffice_practice, world):
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        bo = book(medoffice_practice, world.bo, world.adams, "2026-01-06 10:00")
        with pytest.raises(Conflict, match="^slot taken: Dr Adams is booked 09:00-09:30 for Ann Lee's Check-up$"):
            with medoffice_practice.operation("frontdesk") as ctx:
                booking.move(ctx, bo.id, "2026-01-06 09:00")


def test_the_command_line_says_it_in_one_line(medoffice_cli, cli_world):
    w = cli_world
    booked = medoffice_cli("appointments", "book", w.ann, "--provider", str(w.adams), "--type", "Check-up",
                           "--at", "2030-03-12 09:00", "--room", "Exam 1", user="frontdesk")
    assert booked.exit_code == 0, booked.stderr
    taken = medoffice_cli("appointments", "book", w.bo, "--provider", str(w.baker), "--type", "Check-up",
                          "--at", "2030-03-12 09:15", "--room", "Exam 1", user="frontdesk")
    assert (taken.exit_code, taken.stdout, taken.stderr) == (
        1, "", "error: slot taken: Exam 1 is taken 09:00-09:30 by Ann Lee's Check-up\n")


async def test_the_booking_screen_names_the_visit_that_took_the_equipment_meanwhile(medoffice_practice, clinic):
    """Ann's ECG test with Dr Adams at 09:00 is on the confirm step when another desk books
    Cy's with Dr Cole at the same time: the ECG is Cy's now, and the screen says so."""
    async with medoffice_practice.pilot("frontdesk", size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: pilot.app.home is not None)
        pilot.app.open_plugin_screen("scheduling.book")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, BookingScreen))
        flow = pilot.app.screen
        await pilot.press(*"Ann", "enter")
        await wait_for(pilot, lambda: flow.step == "type")
        await pilot.press(*"ecg", "enter")
        await wait_for(pilot, lambda: flow.step == "provider")
        await pilot.press(*"adams", "enter")
        await wait_for(pilot, lambda: flow.step == "slot" and flow.slots)
        taken = flow.slots[0]
        assert f"{taken.start:%H:%M}" == "09:00"
        await pilot.press("enter")
        await wait_for(pilot, lambda: flow.step == "confirm")
        book(medoffice_practice, clinic.cy, clinic.cole, taken.start, "ECG test")
        await pilot.press("enter")
        await wait_for(pilot, lambda: flow.step == "slot" and not flow.booking)
        said = str(flow.query_one("#booking-message").render())
        assert said.startswith("Not booked: slot taken: the ECG is reserved 09:00-09:30 for Cy Lee's ECG test")
        assert "appointment" not in said
