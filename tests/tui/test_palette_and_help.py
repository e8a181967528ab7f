"""The command palette (Ctrl+P) and the help screen (F1, ?)."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import DataTable

from medoffice.tui.app import MedofficeApp
from medoffice.tui.commands import palette_entries
from medoffice.tui.screens.help import HelpScreen
from medoffice.tui.screens.patient_form import PatientFormScreen


async def test_the_palette_lists_every_core_action_then_plugin_screens_and_actions(plugin_runtime, kit):
    """Core actions first, then "Open <screen>" per plugin screen, then plugin actions."""
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)):
        titles = [e.title for e in palette_entries(app)]
        assert titles == [
            "Find a patient", "Register a patient", "Screens", "Lock the screen", "Sign out", "Help: keys", "Quit",
            "Open Fake board", "Open Broken board", "Open Missing board", "Open Later board",
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
