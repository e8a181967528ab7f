"""The command palette (Ctrl+P) and the help screen (F1, ?)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable

from medoffice.core.services import patients, staff
from medoffice.core.services import practice as services_practice
from medoffice.plugins.billing.screens.billing_panel import BillingPanel
from medoffice.plugins.scheduling import appointment_lists, booking, catalogue
from medoffice.plugins.scheduling.screens.appointments_panel import AppointmentsPanel
from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
from medoffice.testing import PRACTICE
from medoffice.tui.app import MedofficeApp
from medoffice.tui.commands import palette_entries, same_thing
from medoffice.tui.screens.help import HelpScreen
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.patient_form import PatientFormScreen

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = pytest.mark.medoffice_backends("sqlite")


async def test_the_palette_lists_every_core_action_then_plugin_screens_and_actions(plugin_runtime, kit):
    """Core actions first, then "Open <screen>" per plugin screen, then plugin actions."""
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)):
        titles = [e.title for e in palette_entries(app)]
        assert titles == [
            "Find a patient", "Register a patient", "Screens", "Lock the screen", "Sign out", "Help: keys", "Quit",
            "Open Fake board", "Open Broken board", "Open Missing board", "Open Later board", "Open Dashboard",
            "Ping the fake", "Boom the fake", "Secret fake action",
        ]


async def test_typing_in_the_palette_runs_the_chosen_core_action(runtime, kit):
    """Ctrl+P, a few letters, Enter: the registration form opens."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"register")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen))


async def test_the_palette_offers_nothing_when_nobody_is_signed_in(runtime):
    """Before sign-in the provider has no entries at all."""
    app = MedofficeApp(runtime)
    assert palette_entries(app) == []


async def test_f1_lists_the_keys_of_the_app_and_of_the_current_screen(plugin_runtime, kit):
    """Help shows F2 (global), Escape (the search screen's Clear) and the plugin's F6."""
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one("#help-keys", DataTable)
        rows = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert rows["F2"] == "Find"
        assert rows["Escape"] == "Clear"
        assert rows["F6"] == "Open Fake board"
        assert rows["Ctrl+P"].startswith("Command palette")
        await pilot.press("escape")
        await kit.wait_for(pilot, lambda: app.screen is app.home)


async def test_question_mark_opens_help_but_types_in_a_field(runtime, kit):
    """In the search field ? is a character; on the card it opens help."""
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is app.home
        assert app.home.query_one("#query").value == "?"
        app.push_patient_card("000001")
        await kit.wait_for(pilot, lambda: getattr(app.screen, "patient", None) is not None)
        await pilot.press("question_mark")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one("#help-keys", DataTable)
        keys = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert "e" in keys and "Escape" in keys, "a letter as typed: E would read as Shift+E"


# -- with the real plugins: the day board's and the card's own keys ---------------------------

LOCAL = ZoneInfo(PRACTICE["timezone"])


def _morning_with_ann_at_nine(practice) -> str:
    """Monday 2026-01-05, 08:55 at the practice: Ann is booked with Dr Adams at 09:00."""
    moment = dt.datetime(2026, 1, 5, 8, 55, tzinfo=LOCAL).astimezone(dt.timezone.utc)
    practice.runtime.clock = lambda: moment
    with practice.operation("admin") as ctx:
        services_practice.add_location(ctx, "Main")
        adams = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True,
                                "npi": "1234567893"}).id
        catalogue.add_type(ctx, "Check-up", 30)
        catalogue.add_template(ctx, adams, "mon", "09:00", "12:00", "Main")
        ann = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                      "sex": "f"}).patient.mrn
    with practice.operation("frontdesk") as ctx:
        booking.book(ctx, ann, adams, "Check-up", "2026-01-05 09:00")
    return ann


def _help_rows(app) -> dict[str, str]:
    table = app.screen.query_one("#help-keys", DataTable)
    return {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1]) for i in range(table.row_count)}


async def _day_board(app, pilot, kit) -> DayBoardScreen:
    await kit.wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen) and app.screen.data is not None
                       and app.screen.selected() is not None)
    return app.screen


@pytest.mark.medoffice_plugins("scheduling", "billing")
async def test_help_on_the_day_board_lists_the_steps_the_selected_visit_can_take_and_no_other(
        medoffice_practice, kit):
    """Ann is booked and not yet due: c (check in) works, so help lists it; d, r and n do
    nothing for her yet, so help leaves them out; the shell's keys are there too."""
    _morning_with_ann_at_nine(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=(80, 24)) as pilot:
        app = pilot.app
        await _day_board(app, pilot, kit)
        await pilot.press("f1")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = _help_rows(app)
        assert rows["c"] == "Check in" and rows["x"] == "Cancel" and rows["b"] == "Book"
        assert not {"d", "r", "n"} & set(rows), "keys that do nothing for a booked visit"
        assert rows["F2"] == "Find" and rows["Ctrl+Q"] == "Quit" and rows["F1 or ?"] == "Help"


@pytest.mark.medoffice_plugins("scheduling", "billing")
async def test_the_palette_on_the_day_board_offers_its_steps_first_and_each_thing_once(medoffice_practice, kit):
    """Ctrl+P, "check": Check in (c) is there, once; Enter checks Ann in. The plugins' "Day
    board" action and the "Open Day board" screen are one entry."""
    ann = _morning_with_ann_at_nine(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=(120, 40)) as pilot:
        app = pilot.app
        board = await _day_board(app, pilot, kit)
        entries = palette_entries(app, board)
        titles = [e.title for e in entries]
        assert titles.count("Check in") == 1 and titles.index("Check in") < titles.index("Find a patient")
        assert next(e.help for e in entries if e.title == "Check in") == "c: on this screen"
        assert "Done" not in titles, "not offered for a booked visit"
        assert len({same_thing(t) for t in titles}) == len(titles)
        assert "Open Day board" in titles and "Day board" not in titles
        assert "Open Book an appointment" in titles and "Book appointment" not in titles
        await pilot.press("ctrl+p", *"check in")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.pause(0.4)
        await pilot.press("enter")
        await kit.wait_for(pilot, lambda: app.screen is board and board.selected().status == "arrived")
    with medoffice_practice.operation("admin", write=False) as ctx:
        assert [a.status for a in appointment_lists.list_for_patient(ctx, ann)] == ["arrived"]


@pytest.mark.medoffice_plugins("scheduling", "billing")
async def test_the_cards_panel_keys_work_from_anywhere_on_it_and_help_and_the_palette_name_them(
        medoffice_practice, kit):
    """The Appointments list has the focus: b books, and p (the Billing panel's) takes a
    payment all the same; help lists both, and the palette offers "Book" and "Take payment"."""
    ann = _morning_with_ann_at_nine(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=(80, 24)) as pilot:
        app = pilot.app
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        app.push_patient_card(ann)
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen)
                           and len(app.screen.query(".plugin-panel")) == 2)
        card = app.screen
        await kit.wait_for(pilot, lambda: card.query_one(BillingPanel).ledger is not None)
        assert card.query_one(AppointmentsPanel) in app.focused.ancestors_with_self
        titles = [e.title for e in palette_entries(app, card)]
        assert {"Book", "Edit", "Take payment"} <= set(titles[:titles.index("Find a patient")]), "the card's first"
        await pilot.press("f1")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = _help_rows(app)
        assert rows["b"] == "Book" and rows["p"] == "Take payment" and rows["e"] == "Edit"
        await pilot.press("escape", "p")
        await kit.wait_for(pilot, lambda: type(app.screen).__name__ == "TakePaymentScreen")


@pytest.mark.medoffice_plugins("scheduling", "billing")
async def test_help_on_the_card_leaves_out_what_the_user_may_not_do(medoffice_practice, kit):
    """The biller may not edit demographics: no e in help, nor in the palette."""
    ann = _morning_with_ann_at_nine(medoffice_practice)
    async with medoffice_practice.pilot("billing", size=(80, 24)) as pilot:
        app = pilot.app
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        app.push_patient_card(ann)
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient)
        assert "Edit" not in [e.title for e in palette_entries(app, app.screen)]
        await pilot.press("f1")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "e" not in _help_rows(app)
