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
