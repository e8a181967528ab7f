"""Finding a patient: type, see the hits, Enter opens the card."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens import patients as search_module
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.patients import PatientSearchScreen


def _rows(app) -> list[list[str]]:
    table = app.screen.query_one("#results", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_typing_part_of_a_name_lists_the_matching_patients(runtime, kit):
    """Typing "smi" lists Smith with MRN, name, DOB, phone and why it matched, not Jones."""
    kit.register(runtime, phone="555-123-4567")
    kit.register(runtime, first_name="Bob", last_name="Jones", date_of_birth="1990-05-06")
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, PatientSearchScreen)
        await pilot.press(*"smi")
        status = app.screen.query_one("#search-status", Static)
        await kit.wait_for(pilot, lambda: _rows(app) and "1 patient" in str(status.render()))
        assert _rows(app) == [["000001", "Smith, Ann", "1980-02-03", "555-123-4567", "last name"]]


async def test_a_search_asks_the_service_for_at_most_fifty_patients(runtime, kit, monkeypatch):
    """The screen never loads the whole list: every query carries the limit."""
    seen: list[dict] = []
    real_find = search_module.patients.find

    def spy(ctx, text, **kw):
        seen.append({"text": text, **kw})
        return real_find(ctx, text, **kw)

    monkeypatch.setattr(search_module.patients, "find", spy)
    monkeypatch.setattr(search_module, "SEARCH_DELAY", 0.5)  # slow test machines type slowly too
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"smith")
        await kit.wait_for(pilot, lambda: _rows(app))
        await pilot.pause(0.3)
        assert seen and all(call["limit"] == 50 for call in seen)
        assert len(seen) == 1, "typing fast runs one debounced search, not one per key"


async def test_clearing_the_search_empties_the_results_without_a_query(runtime, kit):
    """An empty field is not a query for everybody."""
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"smi")
        await kit.wait_for(pilot, lambda: _rows(app))
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert _rows(app) == []
        assert app.screen.query_one("#query", Input).value == ""


async def test_no_match_says_so(runtime, kit):
    """A search that finds nobody says what was searched."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"zzz")
        status = app.screen.query_one("#search-status", Static)
        await kit.wait_for(pilot, lambda: str(status.render()) == "No patient matches 'zzz'.")
        assert app.screen.query_one("#results", DataTable).row_count == 0


async def test_enter_right_after_typing_opens_the_first_hit(runtime, kit):
    """Two keystrokes: type and press Enter before the debounce fires; the card still opens."""
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"smith", "enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen))
        assert app.screen.mrn == "000001"


async def test_down_then_enter_opens_the_chosen_row(runtime, kit):
    """Down moves into the results; Enter on a row opens that patient."""
    kit.register(runtime, first_name="Ann")
    kit.register(runtime, first_name="Zoe", date_of_birth="1999-09-09")
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"smith")
        await kit.wait_for(pilot, lambda: app.screen.shown_query == "smith" and len(_rows(app)) == 2)
        await pilot.press("down", "down", "enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen))
        assert app.screen.mrn == "000002"


async def test_f2_comes_back_to_the_search_from_a_card(runtime, kit):
    """F2 from anywhere returns to search with the text selected for retyping."""
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"smith", "enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen))
        await pilot.press("f2")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen))
        assert app.screen.query_one("#query", Input).has_focus
        assert app.screen_stack == [app.home], "the patients section holds just the search again"


async def test_what_a_caller_gives_finds_the_patient_and_says_which_rule_matched(runtime, kit):
    """A phone's last four digits, a short birth date, the second half of a double-barrelled
    name and an accent left out, each typed without a pause and opened with Enter's row."""
    kit.register(runtime, first_name="Ana", last_name="Okonkwo-Reyes", date_of_birth="1986-03-15",
                 phone="(555) 010-4433")
    kit.register(runtime, first_name="José", last_name="Muñoz", date_of_birth="1979-07-04", phone="555-222-9876")
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        for typed, name, matched in [("4433", "Okonkwo-Reyes, Ana", "phone ending"),
                                     ("3/15/86", "Okonkwo-Reyes, Ana", "date of birth"),
                                     ("reyes", "Okonkwo-Reyes, Ana", "part of last name"),
                                     ("munoz", "Muñoz, José", "last name")]:
            await pilot.press("escape", *typed)
            await kit.wait_for(pilot, lambda: app.screen.shown_query == typed)  # noqa: B023
            assert [(row[1], row[4]) for row in _rows(app)] == [(name, matched)], typed


async def test_a_search_too_long_says_so_in_one_line(runtime, kit):
    """Pasting a paragraph into the field is a one-line message, not a crash."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#query", Input).value = "x" * 300
        status = app.screen.query_one("#search-status", Static)
        await kit.wait_for(pilot, lambda: "at most 100 characters" in str(status.render()))
        assert "\n" not in str(status.render()) and _rows(app) == []
