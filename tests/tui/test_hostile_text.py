"""A name stored with terminal escape sequences (before they were refused) shows escaped on
the desk's screens, never as it is: Textual writes a cell's ``ESC`` straight to the terminal,
where ``ESC [ 2 J`` clears it and ``ESC ] 0 ;`` retitles it."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.widgets import DataTable, Static

from medoffice.core.storage.models import Patient
from medoffice.testing._tui import wait_for
from medoffice.ui.data_table import literal_cell
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.patients import PatientSearchScreen

RAW = ("\x1b", "\x9b", "\u202e", "\x07")


def store_directly(practice) -> None:
    from medoffice.core.services.patient_search import index_patient

    with practice.operation("admin") as ctx:
        now = ctx.now()
        row = Patient(mrn="000777", first_name="Ann\x1b]0;pwned\x07", last_name="Lee\x1b[2J",
                      date_of_birth=dt.date(1970, 1, 2), sex="female", phone="555\x9b2J0104433",
                      city="Albany\u202e", created_at=now, updated_at=now, active=True, reminders=True, country="US")
        index_patient(row)
        ctx.session.add(row)


def rendered(widget, lines: int) -> str:
    return "\n".join("".join(segment.text for segment in widget.render_line(y)) for y in range(lines))


async def test_the_search_table_and_the_card_show_the_escapes(medoffice_practice):
    store_directly(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=(120, 40)) as pilot:
        app = pilot.app
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen))
        await pilot.press(*"000777")
        table = app.screen.query_one("#results", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        await pilot.pause()
        row = rendered(table, 3)
        assert "Lee\\x1b[2J, Ann\\x1b]0;pwned\\x07" in row and "555\\x9b2J0104433" in row
        assert not [c for c in RAW if c in row]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient is not None)
        await pilot.pause()
        card = rendered(app.screen.query_one("#demographics", Static), 6)
        assert "Lee\\x1b[2J, Ann\\x1b]0;pwned\\x07" in card and "Albany\\u202e" in card
        assert "Phone 555\\x9b2J0104433" in card
        assert not [c for c in RAW if c in card]


def test_a_styled_cell_keeps_its_style_and_escapes_the_rest():
    cell = Text.assemble(("Lee\x1b[2J", "bold"), " booked")
    shown = literal_cell(cell)
    assert shown.plain == "Lee\\x1b[2J booked"
    bold = [any(s.start <= i < s.end and str(s.style) == "bold" for s in shown.spans) for i in range(len(shown))]
    assert bold == [True] * len("Lee\\x1b[2J") + [False] * len(" booked")
    assert literal_cell("Ann\x9b").plain == "Ann\\x9b"
