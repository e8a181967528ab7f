"""The front desk's start of the day with the scheduling plugin installed: sign in, land on
today's board, and move between sections without losing one's place.

At 80x24, the smallest terminal the practice may have, on a practice of the test kit
(``medoffice_practice``) with the scheduling plugin, which marks its day board as the home.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from medoffice.core.services import patients
from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
from medoffice.testing import wait_for
from medoffice.tui.screens.patients import PatientSearchScreen
from medoffice.tui.screens.signin import SignInScreen

pytestmark = pytest.mark.medoffice_plugins("scheduling")
SMALL = (80, 24)


def register_smiths(practice) -> None:
    with practice.operation("frontdesk") as ctx:
        for first in ("Ann", "Bea", "Cal"):
            patients.register(ctx, {"first_name": first, "last_name": "Smith", "date_of_birth": "1980-02-03",
                                    "sex": "female"})


async def test_after_sign_in_the_days_board_is_home(medoffice_practice):
    """The front desk signs in and sees today's board, not the patient search."""
    async with medoffice_practice.pilot(None, size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.press(*"frontdesk", "enter", *"frontdesk-password", "enter")
        await wait_for(pilot, lambda: app.user is not None and isinstance(app.screen, DayBoardScreen))
        assert app.screen is app.home
        assert app.screen_stack == [app.home], "the home section holds the board alone"
        assert app.search is None, "the patient search is not built until the front desk asks for it"


async def test_switching_sections_keeps_the_search_text_and_cursor(medoffice_practice):
    """F2, type "smi", go down a row; F5 to the board; F2 again finds the search as it was left."""
    register_smiths(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen))
        search = app.screen
        results = search.query_one("#results", DataTable)
        await pilot.press(*"smi")
        await wait_for(pilot, lambda: results.row_count == 3)
        await pilot.press("down", "down", "down")  # into the results, then two rows down
        await wait_for(pilot, lambda: results.cursor_row == 2)

        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen))
        assert app.screen is app.home

        await pilot.press("f2")
        await wait_for(pilot, lambda: app.screen is search)
        query = search.query_one("#query", Input)
        assert query.value == "smi"
        assert query.has_focus and query.selected_text == "smi", "the text is selected, ready to retype"
        assert results.row_count == 3 and results.cursor_row == 2


async def test_the_board_key_on_the_board_opens_no_second_board(medoffice_practice):
    """F5 pressed on the day board (from habit) leaves the one board; Escape has nothing to close."""
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
        await pilot.press("f5", "f5")
        await pilot.pause()
        assert app.screen is app.home and app.screen_stack == [app.home]
        assert not app.check_action("back", ())
