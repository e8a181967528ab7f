"""Locking an unattended terminal after a while without a key press.

HIPAA's automatic log-off safeguard, in practice: a front-desk screen full of patient data
must not stay readable when the receptionist walks away. The time is the practice's choice,
``idle_lock_minutes`` in the config file (default :data:`DEFAULT_IDLE_MINUTES`; ``0``
turns it off, for a terminal in a locked office).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

DEFAULT_IDLE_MINUTES = 5.0
CHECK_EVERY_SECONDS = 5.0
"""How often the app asks whether the idle time has passed."""


def idle_lock_minutes(options: Mapping[str, Any]) -> float | None:
    """The configured idle time in minutes, or None when locking on idle is off.

    A value that is not a number falls back to the default rather than turning the lock off:
    a typo must not leave terminals open.
    """
    value = options.get("idle_lock_minutes", DEFAULT_IDLE_MINUTES)
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        return DEFAULT_IDLE_MINUTES
    if minutes != minutes:  # NaN
        return DEFAULT_IDLE_MINUTES
    return minutes if minutes > 0 else None


class IdleTimer:
    """Remembers the last activity and says when the idle time has passed.

    Args:
        minutes: the idle time, or None never to expire.
        clock: seconds from a monotonic clock; tests pass their own.
    """

    def __init__(self, minutes: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.minutes = minutes
        self.clock = clock
        self._last = clock()

    def touch(self) -> None:
        """The user did something: start counting again."""
        self._last = self.clock()

    def expired(self) -> bool:
        """Whether the idle time has passed since the last activity."""
        return self.minutes is not None and self.clock() - self._last >= self.minutes * 60
