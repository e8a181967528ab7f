"""Keys that must never end the app: the stories that once did, and random bursts on every screen.

The desk presses whatever it presses: a section key while the palette is open, Ctrl+P again
on another section, F1 on top of a dialog. The app must stay up and every modal it shows
must belong to the screen under it, never be left behind on another section's stack.
"""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from medoffice.testing import wait_for

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("scheduling", "billing"), pytest.mark.medoffice_backends("sqlite")]


def palettes(app) -> list[object]:
    """Every command palette on any section's stack (at most one may exist)."""
    return [s for stack in app._screen_stacks.values() for s in stack if isinstance(s, CommandPalette)]


class TestThePaletteAndTheSections:
    @pytest.mark.parametrize("section_key", ["f5", "f6", "f7", "f2", "f3", "f4", "f1"])
    async def test_ctrl_p_a_section_key_and_ctrl_p_again_keeps_the_app_up(self, medoffice_practice, section_key):
        """Ctrl+P, then a section key (or F1-F4), then Ctrl+P again: one palette, on the screen
        now shown; the app is still running."""
        async with medoffice_practice.pilot("admin", size=(80, 24)) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
            await pilot.press("ctrl+p", section_key, "ctrl+p")
            await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
            assert app.is_running and app.return_code is None
            assert palettes(app) == [app.screen]
            await pilot.press("escape", "f5", "ctrl+p", "f6", "ctrl+p", "escape")
            await pilot.pause()
            assert app.is_running
            assert palettes(app) == []

    async def test_a_search_that_starts_as_the_palette_closes_stops_quietly(self, medoffice_practice):
        """The race the bursts above can hit, made certain: the palette's list is already gone
        when a search for the last letter typed starts. The search stops; the app stays up."""
        async with medoffice_practice.pilot("admin", size=(80, 24)) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
            palette = app.screen
            await palette.query_one(CommandList).remove()
            palette._gather_commands("day")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.is_running and app.return_code is None
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is app.home)
