"""The footer: always the current screen's keys, rebuilt only when they change.

Textual's footer rebuilds every key widget on each "bindings may have changed" signal (focus
moves, screen switches); the shell makes it rebuild only when what it shows differs.
"""

from __future__ import annotations

import pytest
from textual.widgets import Footer, Input
from medoffice.ui._textual_private import FooterKey

from medoffice.core.context import SYSTEM_USER
from medoffice.core.services import patients
from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
from medoffice.testing import wait_for
from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.navigation import NavigationScreen
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.patient_form import PatientFormScreen
from medoffice.tui.screens.patients import PatientSearchScreen
from medoffice.tui.screens.signin import SignInScreen

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = pytest.mark.medoffice_backends("sqlite")


def shown_keys(app: MedofficeApp) -> list[str]:
    """The keys in the current screen's footer (none while it is being composed)."""
    footers = app.screen.query(Footer)
    return [key.key for key in footers.first().query(FooterKey)] if footers else []


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
    screen shows the lock's own keys, and unlocking brings the search's back (at 120
    columns, where the footer has room for the shell's keys)."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(120, 40)) as pilot:
        await kit.wait_for(pilot, lambda: "f3" in shown_keys(app))
        search_keys = shown_keys(app)
        assert {"f1", "f2", "f3", "f4"} <= set(search_keys)
        await pilot.press("ctrl+l")
        await kit.wait_for(pilot, lambda: app.locked and "f9" in shown_keys(app))
        assert "f3" not in shown_keys(app), "nothing but the lock's keys while locked"
        await pilot.press(*"password1", "enter")
        await kit.wait_for(pilot, lambda: not app.locked and shown_keys(app) == search_keys)


def overflow(app) -> int:
    """How many columns of the current screen's footer do not fit the terminal."""
    footer = app.screen.query_one(Footer)
    return max(0, footer.virtual_size.width - footer.size.width)


@pytest.mark.medoffice_plugins("scheduling", "billing")
async def test_at_80_columns_every_screens_keys_fit_the_footer(medoffice_practice):
    """Each screen of the shell and of the installed plugins, opened at 80x24: its own keys
    and F1 are in the footer, nothing scrolls off. Where they do not all fit, the shell's
    F2-F4 and Ctrl+L are left to the help screen; they come back at 120 columns."""
    practice = medoffice_practice
    with practice.operation("admin") as ctx:
        mrn = patients.register(ctx, {"first_name": "Ann", "last_name": "Smith", "date_of_birth": "1980-02-03",
                                      "sex": "f"}).patient.mrn
    async with practice.pilot(SYSTEM_USER, size=(80, 24)) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
        misfits: dict[str, int] = {}

        def own_keys() -> set[str]:
            return {key for key, (node, binding, _enabled, _tip) in app.screen.active_bindings.items()
                    if node is not app and binding.show}

        async def check(name: str) -> None:
            # the card's panels mount after the card, and their keys join the footer then
            await wait_for(pilot, lambda: bool(shown_keys(app)) and own_keys() <= set(shown_keys(app)))
            await pilot.pause()
            keys = shown_keys(app)
            assert "f1" in keys and own_keys() <= set(keys), (name, keys)
            if overflow(app):
                misfits[name] = overflow(app)

        for _plugin_id, screen in app.contributions.screens:
            before = app.screen
            app.open_plugin_screen(screen.id)
            await wait_for(pilot, lambda: app.screen is not before
                           or getattr(app.screen, "medoffice_screen_id", None) == screen.id)
            await check(screen.id)
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen))
        await check("patient search")
        app.push_patient_card(mrn)
        await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen))
        await check("patient card")
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen))
        await check("registration")
        await pilot.press("escape", "f4")
        await wait_for(pilot, lambda: isinstance(app.screen, NavigationScreen))
        await check("screens")
        assert misfits == {}, "columns of footer that scroll off at 80x24"

        app.open_plugin_screen("scheduling.day")
        await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen))
        await wait_for(pilot, lambda: "c" in shown_keys(app) and "f2" not in shown_keys(app))
        await pilot.resize_terminal(120, 40)
        await wait_for(pilot, lambda: {"f2", "f3", "f4", "ctrl+l"} <= set(shown_keys(app)))


async def test_the_patient_search_keeps_register_in_its_footer_at_80_columns(runtime, kit):
    """A screen with few keys of its own has room for the shell's: F3 Register is there."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await kit.wait_for(pilot, lambda: {"f2", "f3", "f4"} <= set(shown_keys(app)))
        assert overflow(app) == 0
