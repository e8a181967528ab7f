"""The footer: always the current screen's keys, rebuilt only when they change.

Textual's footer rebuilds every key widget on each "bindings may have changed" signal (focus
moves, screen switches); the shell makes it rebuild only when what it shows differs.
"""

from __future__ import annotations

from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.signin import SignInScreen


def shown_keys(app: MedofficeApp) -> list[str]:
    footer = app.screen.query_one(Footer)
    return [key.key for key in footer.query(FooterKey)]


def counting_rebuilds(footer: Footer) -> list[int]:
    rebuilds: list[int] = []
    original = footer.recompose

    async def recompose() -> None:
        rebuilds.append(1)
        await original()

    footer.recompose = recompose  # type: ignore[method-assign]
    return rebuilds


async def test_moving_between_fields_does_not_rebuild_the_footer(runtime, kit):
    """Tab from the user name to the password: the same keys, so the footer is left alone."""
    app = MedofficeApp(runtime)
    async with app.run_test(size=(80, 24)) as pilot:
        await kit.wait_for(pilot, lambda: isinstance(app.screen, SignInScreen) and bool(shown_keys(app)))
        rebuilds = counting_rebuilds(app.screen.query_one(Footer))
        for _ in range(3):
            await pilot.press("tab")
            await pilot.press("shift+tab")
        await pilot.pause()
        assert app.screen.query_one("#username", Input).has_focus
        assert rebuilds == []


async def test_the_footer_follows_the_keys_that_change(runtime, kit):
    """Signed in, the search's footer offers F3 to a user who may register; locking the
    screen shows the lock's own keys, and unlocking brings the search's back."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await kit.wait_for(pilot, lambda: "f3" in shown_keys(app))
        search_keys = shown_keys(app)
        assert {"f1", "f2", "f3", "f4"} <= set(search_keys)
        await pilot.press("ctrl+l")
        await kit.wait_for(pilot, lambda: app.locked and "f9" in shown_keys(app))
        assert "f3" not in shown_keys(app), "nothing but the lock's keys while locked"
        await pilot.press(*"password1", "enter")
        await kit.wait_for(pilot, lambda: not app.locked and shown_keys(app) == search_keys)
