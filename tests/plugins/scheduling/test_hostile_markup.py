"""A patient whose name looks like console markup shows it literally on every screen the desk
uses: ``[bold red]`` is not a style, ``[link=…]`` is not a link. Textual reads a ``str`` as
markup wherever a widget is not told otherwise, so such a name used to vanish into styles (or
make a clickable link to anywhere) on the board, the card, the search and the messages."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from medoffice.core.services import patients
from medoffice.plugins.scheduling import booking
from medoffice.testing import wait_for
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.patients import PatientSearchScreen

from .test_day_board import TUESDAY, open_board

pytestmark = pytest.mark.medoffice_plugins("scheduling")

FIRST, LAST = "[link=https://evil.example]Ann[/link]", "[bold red]Lee[/]"


def rendered(widget, lines: int) -> str:
    return "\n".join("".join(segment.text for segment in widget.render_line(y)) for y in range(lines))


def links_and_styles(widget, lines: int) -> list:
    """The segments that carry a link, or red: what markup would have made of the name."""
    found = []
    for y in range(lines):
        for segment in widget.render_line(y):
            style = segment.style
            if style is not None and (style.link or (style.color and style.color.name == "red")):
                found.append((segment.text, str(style)))
    return found


@pytest.fixture
def hostile(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk") as ctx:
        mrn = patients.register(ctx, {"first_name": FIRST, "last_name": LAST, "date_of_birth": "1970-01-02",
                                      "sex": "f"}).patient.mrn
        booking.book(ctx, mrn, world.adams, "Check-up", f"{TUESDAY} 09:00")
    return mrn


async def test_the_day_board_shows_a_markup_name_as_typed(medoffice_practice, world, practice_clock, hostile):
    practice_clock(f"{TUESDAY} 08:30")
    async with medoffice_practice.pilot("frontdesk", size=(120, 40)) as pilot:
        board = await open_board(pilot)
        table = board.query_one("#board", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        await pilot.pause()
        shown = rendered(table, 3)
        assert "[bold red]Lee[/]" in shown, shown
        assert not links_and_styles(table, 3)
        await pilot.press("c")  # check her in: the message names her
        await wait_for(pilot, lambda: "Lee" in rendered(board.query_one("#board-message"), 2))
        message = board.query_one("#board-message")
        assert "[bold red]Lee[/]" in rendered(message, 2) or "[link=" in rendered(message, 2)
        assert not links_and_styles(message, 2)


async def test_the_search_and_the_card_show_a_markup_name_as_typed(medoffice_practice, world, hostile):
    async with medoffice_practice.pilot("frontdesk", size=(120, 40)) as pilot:
        app = pilot.app
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen))
        await pilot.press(*hostile)
        table = app.screen.query_one("#results", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        await pilot.pause()
        assert f"{LAST}, {FIRST}" in rendered(table, 3)
        assert not links_and_styles(table, 3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient is not None)
        await pilot.pause()
        card = app.screen.query_one("#demographics", Static)
        assert f"{LAST}, {FIRST}" in rendered(card, 6)
        assert not links_and_styles(card, 6)
        statics = [w for w in app.screen.query(Static) if w.display and w.region.height]
        for widget in statics:  # the plugins' panels on the card (appointments, alerts…)
            assert not links_and_styles(widget, widget.region.height), widget


def test_the_cli_prints_a_markup_name_as_typed(medoffice_practice, world, hostile):
    found = medoffice_practice.cli("patients", "find", "Lee", user="frontdesk")
    assert f"{LAST}, {FIRST}" in found.stdout or (LAST in found.stdout and FIRST in found.stdout), found.stdout
    day = medoffice_practice.cli("appointments", "day", TUESDAY, user="frontdesk")
    assert day.exit_code == 0, day.stderr
    assert LAST in day.stdout and FIRST in day.stdout, day.stdout
