"""Signing in: the first thing anyone sees, and the only way in."""

from __future__ import annotations

from textual.widgets import Input, Static

from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.patients import PatientSearchScreen
from medoffice.tui.screens.signin import SignInScreen


async def test_the_app_starts_on_the_sign_in_screen_without_a_user(runtime):
    """Nobody sees patient search before signing in; the password field is masked."""
    app = MedofficeApp(runtime)
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.query_one("#password", Input).password is True
        assert app.user is None


async def test_signing_in_with_the_right_password_opens_patient_search(runtime, kit):
    """The admin types their name and password and lands on patient search."""
    app = MedofficeApp(runtime)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"admin", "enter", *"password1", "enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen))
        assert app.user is not None and app.user.username == "admin"
        assert app.sub_title == "Administrator"


async def test_a_wrong_password_shows_the_error_under_the_form(runtime, kit):
    """The error is the service's one line, the password is cleared, and nobody is signed in."""
    app = MedofficeApp(runtime)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"admin", "enter", *"wrong-pass", "enter")
        error = app.screen.query_one("#signin-error", Static)
        await kit.wait_for(pilot, lambda: "wrong password" in str(error.render()))
        assert str(error.render()) == "unknown user or wrong password"
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.query_one("#password", Input).value == ""
        assert app.user is None


async def test_a_locked_account_says_so_in_one_line(runtime, kit):
    """After five failures the account is locked; the screen shows that, not a traceback."""
    for _ in range(5):
        try:
            from medoffice.core.services import users

            users.sign_in(runtime, "admin", "wrong-pass")
        except Exception:
            pass
    app = MedofficeApp(runtime)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"admin", "enter", *"password1", "enter")
        error = app.screen.query_one("#signin-error", Static)
        await kit.wait_for(pilot, lambda: "locked" in str(error.render()))
        assert "\n" not in str(error.render())
        assert app.user is None


async def test_an_empty_user_name_is_asked_for_without_calling_the_service(runtime, kit):
    """Pressing the button with nothing typed asks for the user name."""
    app = MedofficeApp(runtime)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#signin-button")
        await pilot.pause()
        assert str(app.screen.query_one("#signin-error", Static).render()) == "type your user name"


async def test_global_keys_do_nothing_before_sign_in(runtime, kit):
    """F2, F3, F4 and the palette are refused on the sign-in screen."""
    app = MedofficeApp(runtime)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("f2", "f3", "f4", "ctrl+l", "ctrl+p"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, SignInScreen), key
        assert app.check_action("command_palette", ()) is False


async def test_the_demo_practice_says_how_to_sign_in(tmp_path, kit):
    """A newcomer on the demo sees the demo users and password; a real practice never does."""
    from medoffice.core.config import Settings
    from medoffice.core.demo import make_demo
    from medoffice.core.runtime import open_runtime

    settings = Settings.resolve(f"sqlite:///{tmp_path / 'demo.sqlite'}", env={"MEDOFFICE_HOME": str(tmp_path)})
    demo = open_runtime(settings=settings, candidates=[])
    try:
        make_demo(demo, patient_count=0)
        app = MedofficeApp(demo)
        async with app.run_test(size=(80, 24)) as pilot:
            hint = app.screen.query_one("#signin-hint", Static)
            await kit.wait_for(pilot, lambda: "frontdesk" in str(hint.render()))
            assert "password 'demo'" in str(hint.render()) and hint.display
    finally:
        demo.close()


async def test_a_real_practice_shows_no_demo_hint(runtime, kit):
    app = MedofficeApp(runtime)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.screen.query_one("#signin-hint", Static).display
