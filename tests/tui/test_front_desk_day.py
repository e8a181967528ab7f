"""A newcomer's first morning at the front desk, with the keyboard alone.

The practice of the test kit with the scheduling plugin: one location, Main, with the room
Exam 1; Dr Adams sees patients Monday 09:00-12:00; a Check-up takes 30 minutes. The
practice's clock stands at 08:00 on Monday 2026-01-05 in New York. Everything happens at 80x24
through keys, as the front desk would do it; the database is checked through the services.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static
from medoffice.ui._textual_private import FooterKey

from medoffice.core.services import patients, staff
from medoffice.core.services import practice as practice_service
from medoffice.core.validation import luhn_check_digit
from medoffice.plugins.scheduling import appointment_lists, catalogue
from medoffice.plugins.scheduling.screens.booking import BookingScreen
from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
from medoffice.plugins.scheduling.screens.dialogs import ChoiceDialog
from medoffice.testing import wait_for
from medoffice.tui.commands import palette_entries
from medoffice.tui.screens.lock import LockScreen
from medoffice.tui.screens.navigation import NavigationScreen
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.patient_form import PatientFormScreen
from medoffice.tui.screens.signin import SignInScreen

pytestmark = pytest.mark.medoffice_plugins("scheduling")

SMALL = (80, 24)
MONDAY_8AM_NEW_YORK = dt.datetime(2026, 1, 5, 13, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def monday(medoffice_practice):
    """Main with Exam 1, Dr Adams on Monday mornings, a 30-minute Check-up; 08:00 Monday."""
    medoffice_practice.runtime.clock = lambda: MONDAY_8AM_NEW_YORK
    with medoffice_practice.operation("admin") as ctx:
        practice_service.add_location(ctx, "Main")
        practice_service.add_room(ctx, "Main", "Exam 1")
        npi = "123456789"
        adams = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True,
                                "npi": npi + str(luhn_check_digit("80840" + npi))}).id
        catalogue.add_type(ctx, "Check-up", 30, colour="green")
        catalogue.add_template(ctx, adams, "mon", "09:00", "12:00", "Main")
    return medoffice_practice


def registered(practice, last_name: str) -> list[str]:
    with practice.operation("admin", write=False) as ctx:
        return [m.patient.mrn for m in patients.find(ctx, last_name) if m.patient.last_name == last_name]


def appointments_of(practice, mrn: str):
    with practice.operation("admin", write=False) as ctx:
        return appointment_lists.list_for_patient(ctx, mrn)


def field_error(form: PatientFormScreen, name: str) -> str:
    label = form.query_one(f"#error-{name}", Static)
    return str(label.render()) if label.display else ""


def board_row(board: DayBoardScreen, name: str) -> list[str]:
    table = board.query_one("#board", DataTable)
    rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    return next((row for row in rows if any(name in cell for cell in row)), [])


async def test_a_newcomer_registers_books_and_takes_a_patient_through_the_morning(monday):
    practice = monday
    async with practice.pilot(None, size=SMALL) as pilot:
        app = pilot.app

        async def press(*keys: str) -> None:
            await pilot.press(*keys)

        # Sign in: the day board is home, and today is still empty.
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await press(*"frontdesk", "enter", *"frontdesk-password", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen) and app.screen.data is not None)
        board = app.screen
        assert board.query_one("#board", DataTable).row_count == 0

        # F3: a new patient. A date that does not exist is refused beside the field, nothing saved.
        await press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen))
        form = app.screen
        await press(*"Ann", "tab", "tab", *"Newcomer", "tab", *"1980-02-30", "tab", "f", "ctrl+s")  # on First name
        await wait_for(pilot, lambda: field_error(form, "date_of_birth") != "")
        assert "1980-02-30" in field_error(form, "date_of_birth")
        assert app.screen is form and registered(practice, "Newcomer") == []

        # Mend the date and save: her card opens.
        form.query_one("#field-date_of_birth", Input).focus()
        await press("ctrl+u", *"1980-02-03", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient is not None)
        (mrn,) = registered(practice, "Newcomer")
        assert app.screen.patient.mrn == mrn

        # Book from the card: b, the first type, any provider, the earliest slot, confirm.
        await press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen) and app.screen.step == "type")
        for step in ("provider", "slot", "confirm"):
            await pilot.pause()
            if step == "confirm":  # the slot list shows whole dates and times, not cut to "Day" and "Time"
                slots = app.screen.query_one("#slots", DataTable)
                assert slots.render_line(1).text.split()[:3] == ["Mon", "2026-01-05", "09:00"]
            await press("enter")
            await wait_for(pilot, lambda step=step: isinstance(app.screen, BookingScreen) and app.screen.step == step
                           and (step != "slot" or app.screen.query_one("#slots", DataTable).row_count > 0))
        await press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen))
        (visit,) = appointments_of(practice, mrn)
        assert (visit.appointment_type, visit.provider, f"{visit.start:%Y-%m-%d %H:%M}", visit.status) == (
            "Check-up", "Dr Adams", "2026-01-05 09:00", "booked")

        # F5: the board, with her on it. c checks her in, r puts her in Exam 1, d completes.
        await press("f5")
        await wait_for(pilot, lambda: app.screen is board and "Newcomer" in " ".join(board_row(board, "Newcomer")))
        board.query_one("#board", DataTable).focus()
        await press("c")
        await wait_for(pilot, lambda: appointments_of(practice, mrn)[0].status == "arrived")
        await wait_for(pilot, lambda: "arrived" in board_row(board, "Newcomer"))
        await press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        dialog_keys = lambda: [key.key for key in app.screen.query(FooterKey)]  # noqa: E731
        await wait_for(pilot, lambda: "escape" in dialog_keys())
        assert "c" not in dialog_keys(), "the dialog's own footer, not the board's keys that wait"
        await press("enter")
        await wait_for(pilot, lambda: appointments_of(practice, mrn)[0].status == "in_room")
        assert appointments_of(practice, mrn)[0].room == "Exam 1"
        await wait_for(pilot, lambda: app.screen is board)
        await press("d")
        await wait_for(pilot, lambda: appointments_of(practice, mrn)[0].status == "completed")
        await wait_for(pilot, lambda: "done" in board_row(board, "Newcomer"))
        await wait_for(pilot, lambda: "completed" in " ".join(board_row(board, "Newcomer")).lower()
                       or "done" in " ".join(board_row(board, "Newcomer")).lower())

        # Away from the desk: Ctrl+L; back, the password, and the board is as it was.
        await press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        assert not app.screen.query("#board"), "nothing of the board is under the lock"
        await press(*"frontdesk-password", "enter")
        await wait_for(pilot, lambda: app.screen is board and not app.locked)


@pytest.mark.medoffice_plugins("scheduling", "staff")
async def test_the_front_desk_does_not_see_the_managers_screens(monday):
    """The staff rota (the staff plugin's) is the office manager's: the front desk finds it
    neither under F4, nor in the command palette, nor by asking for it by id. (Time off is
    everyone's: staff request their own.)"""
    async with monday.pilot("frontdesk", size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen))
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, NavigationScreen))
        listed = {screen.id for _, screen in app.screen._screens}
        assert "scheduling.day" in listed and "scheduling.book" in listed
        assert "scheduling.rota" not in listed and "scheduling.time_off" in listed
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen))
        palette = [entry.title for entry in palette_entries(app)]
        assert "Open Day board" in palette and "Open Staff rota" not in palette
        app.open_plugin_screen("scheduling.rota")
        await pilot.pause()
        assert isinstance(app.screen, DayBoardScreen)
        assert any("no screen 'scheduling.rota' for you" in n.message for n in app._notifications)

    async with monday.pilot("manager", size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: app.home is not None)
        assert "Open Staff rota" in [entry.title for entry in palette_entries(app)]
        app.open_plugin_screen("scheduling.rota")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "StaffRotaScreen")
