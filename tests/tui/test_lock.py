"""Locking: on a key and after idle time; only the same user's password unlocks."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from medoffice.core.services import users
from medoffice.tui.app import MedofficeApp
from medoffice.tui.idle import DEFAULT_IDLE_MINUTES, IdleTimer, idle_lock_minutes
from medoffice.tui.screens.lock import LockScreen
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.signin import SignInScreen


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_ctrl_l_locks_and_the_right_password_unlocks_to_the_same_screen(runtime, kit):
    """The card is covered while locked and comes back after the password."""
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"smith", "enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen))
        card = app.screen
        await pilot.press("ctrl+l")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        assert app.locked
        await pilot.press(*"password1", "enter")
        await kit.wait_for(pilot, lambda: app.screen is card)
        assert not app.locked and app.user.username == "admin"


async def test_a_wrong_password_keeps_it_locked_with_the_error_shown(runtime, kit):
    """The lock stays; the message is the sign-in service's."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        await pilot.press(*"nope-nope", "enter")
        error = app.screen.query_one("#unlock-error", Static)
        await kit.wait_for(pilot, lambda: "wrong password" in str(error.render()))
        assert isinstance(app.screen, LockScreen) and app.locked


async def test_global_keys_and_the_palette_are_refused_while_locked(runtime, kit):
    """F2, F3, F4, Escape and Ctrl+P cannot get behind the lock."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        for key in ("f2", "f3", "f4", "escape", "ctrl+p"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, LockScreen), key
        assert app.check_action("command_palette", ()) is False


async def test_idle_time_locks_the_screen(make_runtime, kit):
    """After idle_lock_minutes without a key, the screen locks; a key press restarts the count."""
    rt = make_runtime(options={"idle_lock_minutes": 2})
    app = MedofficeApp(rt, user=kit.admin(rt))
    clock = FakeClock()
    app.idle = IdleTimer(idle_lock_minutes(rt.settings.options), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.idle.minutes == 2
        clock.now += 119
        app.lock_if_idle()
        assert not app.locked
        await pilot.press("a")
        clock.now += 119
        app.lock_if_idle()
        assert not app.locked, "the key press restarted the count"
        clock.now += 2
        app.lock_if_idle()
        await kit.wait_for(pilot, lambda: isinstance(app.screen, LockScreen))


async def test_signing_out_from_the_lock_returns_to_sign_in(runtime, kit):
    """Someone else needs the terminal: F9 on the lock screen signs out."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        await pilot.press("f9")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert app.user is None and not app.locked
        assert len(app.screen_stack) == 2


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_lock_screen_reads_whole_at_80_and_120_columns(runtime, kit, size):
    """Who locked it and what to do, every word on the screen; a long name wraps, never cut."""
    with runtime.operation() as ctx:
        user = users.add_user(ctx, "mfokonkwo", "Maria-Fernanda Okonkwo-Reyes de la Cruz", "password1", ["front_desk"])
    app = MedofficeApp(runtime, user=user)
    async with app.run_test(size=size) as pilot:
        await pilot.press("ctrl+l")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        lines = kit.screen_lines(app)
        box = " ".join(" ".join(line.split("┃")[1].split()) for line in lines if line.count("┃") == 2)
        assert "Maria-Fernanda Okonkwo-Reyes de la Cruz (mfokonkwo) locked this terminal." in box
        assert any("Type your password to unlock, or F9 to sign out." in line for line in lines)


def test_the_idle_setting_defaults_to_five_minutes_and_zero_turns_it_off():
    """A typo falls back to the default rather than leaving the terminal open."""
    assert idle_lock_minutes({}) == DEFAULT_IDLE_MINUTES == 5
    assert idle_lock_minutes({"idle_lock_minutes": "10"}) == 10
    assert idle_lock_minutes({"idle_lock_minutes": "soon"}) == 5
    assert idle_lock_minutes({"idle_lock_minutes": 0}) is None
    assert not IdleTimer(None).expired()
