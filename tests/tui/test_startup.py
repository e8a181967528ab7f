"""Start-up work the front desk never waits for.

While the password is checked (argon2, in a thread), the shell imports the home screen and
reads its styles, so that showing the day board after sign-in re-parses no stylesheet.
"""

from __future__ import annotations

import pytest

from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
from medoffice.testing import wait_for
from medoffice.tui.screens.signin import SignInScreen
from medoffice.tui.styles import css_paths

pytestmark = pytest.mark.medoffice_plugins("scheduling")


async def test_the_home_boards_styles_are_read_while_the_password_is_checked(medoffice_practice):
    async with medoffice_practice.pilot(None, size=(80, 24)) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        reparsed_while_signed_in: list[str] = []
        original = app.stylesheet.reparse

        def reparse() -> None:
            if app.user is not None:
                reparsed_while_signed_in.append(type(app.screen).__name__)
            original()

        app.stylesheet.reparse = reparse  # type: ignore[method-assign]
        board_css = str(css_paths(DayBoardScreen)[0])
        assert not app.stylesheet.has_source(board_css, "")

        await pilot.press(*"frontdesk", "enter", *"frontdesk-password", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen))
        await pilot.pause()
        assert app.stylesheet.has_source(board_css, "")
        assert reparsed_while_signed_in == [], "showing the board re-parsed the stylesheet"


async def test_a_wrong_password_still_leaves_the_sign_in_usable(medoffice_practice):
    """Readying the home happens once and shows nothing: a failed sign-in is just that."""
    async with medoffice_practice.pilot(None, size=(80, 24)) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.press(*"frontdesk", "enter", *"wrong", "enter")
        error = app.screen.query_one("#signin-error")
        await wait_for(pilot, lambda: str(error.render()).startswith("unknown user or wrong password"))
        await pilot.press(*"frontdesk-password", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen))
