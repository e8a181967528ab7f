"""Random bursts of keys on every screen never end the app.

A front desk presses whatever it presses, as fast as it presses it: a cat on the keyboard,
a scanner firing into the wrong field, a receptionist mashing Escape and F-keys while a list
loads. Whatever arrives, the app stays up, every screen keeps answering, and nothing says
"unexpected" (the words of an error the app did not see coming).

Each seed opens, one after the other, every screen the installed plugins contribute plus the
shell's own (patient search, a patient's card, registration, the screen list and help) on a
small demo practice, and posts 25 keys drawn at random from the keys a desk uses, all at
once (:func:`medoffice.testing.burst`), then waits for the app to settle. A failure names
the seed, the screen and the keys, so it can be replayed.

Ctrl+Q (quit), Ctrl+L (lock) and F9 (sign out) are left out of the draw: they end what is
being explored and are tested on their own (tests/tui/test_lock.py, test_signin.py,
test_unsaved_navigation.py).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from medoffice.core.demo_accounts import DEMO_PASSWORD
from medoffice.core.services import patients
from medoffice.core.services.users import sign_in
from medoffice.testing import burst, wait_for
from medoffice.testing._demo import demo_runtime
from medoffice.tui.app import MedofficeApp

DESK_KEYS = (
    *"abcdefghijklmnopqrstuvwxyz0123456789",
    "A", "S", "M", "space", "minus", "slash", "full_stop", "comma", "plus",
    "enter", "enter", "enter", "escape", "escape", "tab", "shift+tab", "backspace", "delete",
    "up", "down", "left", "right", "pageup", "pagedown", "home", "end",
    "left_square_bracket", "right_square_bracket",
    "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f10",
    "ctrl+p", "ctrl+s", "ctrl+u", "ctrl+y", "ctrl+d",
)
"""What a desk's hands reach: letters and digits, the keys that move and confirm, the
section keys and the shell's shortcuts. Enter and Escape are drawn more often, as pressed."""

KEYS_PER_SCREEN = 25
SEEDS = (1, 5)
"""Every seed runs on SQLite; the first on PostgreSQL too, so every screen loads and answers
keys on both databases (the keys' handling does not depend on the database)."""


@pytest.fixture
def demo_practice(medoffice_db_url: str, medoffice_backend: str, medoffice_env: Any) -> Iterator[Any]:
    """A small demo practice (12 patients, today's appointments, claims) on the test's backend
    (made once per test process, then copied)."""
    runtime = demo_runtime(medoffice_db_url, backend=medoffice_backend, seed=5, patient_count=12)
    try:
        yield runtime
    finally:
        runtime.close()


async def settled(pilot: Any, app: MedofficeApp, timeout: float = 30.0) -> None:
    """Wait until every key was handed on and what they set off has finished (or the app ended)."""
    await wait_for(pilot, lambda: not app.is_running or (not app.typeahead.waiting and app.typeahead.ready()),
                   timeout=timeout)
    if app.is_running:
        await asyncio.wait_for(app.workers.wait_for_complete(), timeout)
        await pilot.pause()


async def back_home(pilot: Any, app: MedofficeApp) -> None:
    """Close whatever the last burst left open, without asking: the next screen starts clean."""
    if app.current_mode != app.home_mode:
        app.switch_mode(app.home_mode)
        await pilot.pause()
    while len(app.screen_stack) > 1:
        await app.pop_screen()
        await pilot.pause()
    await settled(pilot, app)


def openers(app: MedofficeApp, mrn: str) -> list[tuple[str, Callable[[], object]]]:
    """Every screen to try, by name, and how the desk gets to it."""
    shell = [
        ("patient search", lambda: app.call_later(app.action_find_patient)),
        ("patient card", lambda: app.push_patient_card(mrn)),
        ("registration", app.action_register_patient),
        ("screen list", app.action_screens),
        ("help", app.action_help),
    ]
    plugins = [(screen.id, lambda screen_id=screen.id: app.open_plugin_screen(screen_id))
               for _plugin, screen in app.runtime.plugins.hooks.screens()]
    return shell + plugins


@pytest.mark.parametrize(("medoffice_backend", "seed"),
                         [("sqlite", seed) for seed in SEEDS] + [("postgresql", SEEDS[0])],
                         indirect=["medoffice_backend"], ids=lambda value: str(value))
async def test_random_key_bursts_on_every_screen_never_end_the_app(demo_practice, seed):
    with demo_practice.operation() as ctx:
        mrn = next(patients.iter_all(ctx)).mrn
    admin = sign_in(demo_practice, "admin", DEMO_PASSWORD)
    app = MedofficeApp(demo_practice, user=admin)
    said: list[str] = []
    notify = app.notify

    def listen(message: str, *args: Any, **kwargs: Any) -> None:
        said.append(str(message))
        notify(message, *args, **kwargs)

    app.notify = listen  # type: ignore[method-assign]
    rng = random.Random(seed)
    tried: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.home is not None and app.screen is app.home, timeout=30)
        for name, open_screen in openers(app, mrn):
            keys = rng.choices(DESK_KEYS, k=KEYS_PER_SCREEN)
            replay = f"seed {seed}, on {name}: {' '.join(keys)}"
            await back_home(pilot, app)
            open_screen()
            await settled(pilot, app)
            await burst(pilot, *keys)
            await settled(pilot, app)
            assert app.is_running and app.return_code is None, f"the app ended ({replay})"
            unexpected = [m for m in said if "unexpected" in m.lower()]
            assert not unexpected, f"{unexpected[0]} ({replay})"
            tried.append(name)
        await back_home(pilot, app)
        assert app.screen is app.home  # still answering after everything
    assert app.return_code in (None, 0), f"the app ended with {app.return_code} after {tried[-1]}"
    assert {"patient search", "patient card", "registration"} <= set(tried) and len(tried) >= 12
