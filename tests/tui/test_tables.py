"""What people typed shows in tables as they typed it, brackets and all.

Textual reads a table's text cells as console markup, so "pays [cash] only" lost "[cash]".
The shell makes every table, plugins' included, show text as it is.
"""

from __future__ import annotations

from textual.widgets import DataTable

from medoffice.core.services import patients
from medoffice.tui.app import MedofficeApp


async def test_a_patient_found_by_search_shows_brackets_in_their_name(runtime, kit):
    with runtime.operation(kit.admin(runtime)) as ctx:
        patients.register(ctx, {"first_name": "Ann [twin]", "last_name": "Smith", "date_of_birth": "1980-02-03",
                                "sex": "f"})
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"smith")
        results = app.screen.query_one("#results", DataTable)
        await kit.wait_for(pilot, lambda: results.row_count == 1)
        await pilot.pause()
        assert "Smith, Ann [twin]" in results.render_line(1).text
