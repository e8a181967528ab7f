"""Helpers for tests that drive the TUI through a Textual ``Pilot``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


async def wait_for(pilot: Any, condition: Callable[[], object], *, timeout: float = 20.0) -> None:
    """Let the app run (workers, timers, messages) until ``condition()`` is true.

    Args:
        pilot: the test's pilot (``medoffice_pilot``).
        condition: checked between short pauses.
        timeout: seconds to wait before failing: generous, because a loaded CI machine can
            be slow, and a condition that comes true costs only the time it takes.

    Raises:
        AssertionError: ``condition()`` was still false after ``timeout`` seconds.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {getattr(condition, '__name__', condition)}")
        await asyncio.sleep(0.02)  # not pilot.pause(): it waits on a screen a crashed plugin may hold


KEY_CHARACTERS = {"enter": "\r", "tab": "\t", "space": " ", "escape": "\x1b", "backspace": "\x7f"}
"""The character a terminal sends for the named keys that have one."""


def key_event(key: str) -> Any:
    """The ``textual.events.Key`` a terminal delivers for ``key``: a key name (``"enter"``,
    ``"f2"``, ``"ctrl+p"``) or one typed character (``"E"``, ``"."``, ``"1"``)."""
    import unicodedata

    from textual import events

    if len(key) == 1:
        name = key if key.isalnum() else unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        return events.Key(name, key)
    return events.Key(key, KEY_CHARACTERS.get(key))


async def burst(pilot: Any, *keys: str, every: float = 0.0) -> None:
    """Deliver ``keys`` to the app as a terminal does: without waiting for the app.

    ``pilot.press`` lets the app go idle between two keys; a terminal does not. With
    ``every=0`` the keys are queued whole before the app reads the first (a burst: keys typed
    ahead of a busy screen, a barcode scanner); with ``every=0.03`` one key arrives every 30 ms
    whatever the app is doing (a fast typist). Each key is a key name or one character:
    ``burst(pilot, *"Ann", "enter")``. Returns once the last key is queued: follow it with
    :func:`wait_for`.

    Args:
        pilot: the test's pilot.
        keys: the keys, in order.
        every: seconds between two keys.
    """
    app = pilot.app
    for key in keys:
        app.post_message(key_event(key))
        if every:
            await asyncio.sleep(every)
    await asyncio.sleep(0)
