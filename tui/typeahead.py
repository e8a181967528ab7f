"""Type-ahead: keys typed while a screen or a step is still loading wait for it, in order.

Receptionists type ahead all day: ``frontdesk`` Enter ``demo`` Enter without looking, or
``b s i`` Enter Enter on a card whose booking flow has not opened yet. Textual hands each key
to the widget focused *when the key is read*, while the effects of the key before (a field
submitted, a screen pushed, a list loading in a worker) are still on their way; the keys then
land in the wrong field or on the wrong screen, or an Enter picks from a list the person has
not seen. So the app, not each screen, decides when a key is handed on:

* one key at a time: the next key waits until everything the previous one set off has been
  handled (every message queue of the app and of the screen shown is empty, and the screen
  is mounted);
* while the screen shown is loading: it has a worker that is starting, or one that is inside
  :meth:`medoffice.core.ui.ScreenHost.call` (or inside :meth:`TypeAhead.loading`), the keys
  wait until that worker has finished (its results shown: a worker shows them with
  ``call_from_thread`` before it returns);
* keys that wait are handed on in the order typed, each to the widget focused at the time,
  never lost and never twice; each keeps the time it was typed (``event.time``), so a screen
  can refuse a confirmation typed before it showed what it confirms (the merge preview's
  Ctrl+Y does);
* :data:`AT_ONCE` keys (Escape, Ctrl+Q, Ctrl+L) act at once and drop what was waiting: they
  are how the desk leaves a screen that takes too long, and nothing typed before them must
  land in the lock screen's password field or a quit question;
* a load that fails (the call raised) drops the keys typed before it failed that are
  still waiting, with one line saying so: they were meant for a step that did not come. Keys
  typed after the failure, and any typed once nothing was waiting any more, are the
  person's answer to what the screen now shows, and are handed on.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from textual import events
from textual.screen import Screen
from textual.worker import NoActiveWorker, Worker, WorkerState, get_current_worker

from medoffice.ui._textual_private import message_clock

if TYPE_CHECKING:
    from textual.app import App

log = logging.getLogger("medoffice.tui")

AT_ONCE = frozenset({"escape", "ctrl+q", "ctrl+l"})
"""Keys that act at once, even while others wait; what was waiting is dropped."""

POLL_SECONDS = 0.005
"""How often the waiting keys look whether the screen is ready."""

QUIET_CHECKS = 2
"""Consecutive checks with every queue empty before a key's effects count as settled (a
callback scheduled for "after this message" runs between two checks)."""

DROPPED = "What you typed meanwhile was not used: the step it was meant for did not come (see the message)."
"""Said when a load fails with keys waiting for it."""


class TypeAhead:
    """Holds the app's keys while the screen shown is not ready for them.

    Args:
        app: the app whose keys these are; it calls :meth:`admit` for every key it reads.
    """

    def __init__(self, app: App[object]) -> None:
        self._app = app
        self._waiting: deque[events.Key] = deque()
        self._handed_on: set[int] = set()
        """Ids of the keys this class posted back to the app to be handled now."""
        self._in_flight = False
        self._quiet = 0
        self._lock = threading.Lock()
        self._loads: set[Worker[object]] = set()
        """Workers that have started a load: loading until they end (they show what they
        loaded before they return)."""
        self._failed: tuple[Screen[object] | None, float] | None = None
        """The screen whose load failed last and when, until the keys typed before that are
        dropped."""
        self._pump: asyncio.Task[None] | None = None

    # -- the app's side ----------------------------------------------------------------------

    def admit(self, event: events.Key) -> bool:
        """Whether the app handles ``event`` now; False means it waits here, to be posted
        back to the app (a new ``Key`` with the same key) when the screen is ready."""
        if id(event) in self._handed_on:
            self._handed_on.discard(id(event))
            self._take_off()
            return True
        if event.key in AT_ONCE:
            self._waiting.clear()
            self._take_off()
            return True
        if self._waiting or not self.ready():
            self._waiting.append(event)
            self._run_pump()
            return False
        self._take_off()
        return True

    @property
    def waiting(self) -> int:
        """How many keys are waiting."""
        return len(self._waiting)

    def ready(self) -> bool:
        """Whether a key may be handed on now: the last one has settled, and the screen shown
        is mounted and not loading."""
        if self._in_flight:
            return False
        try:
            screen = self._app.screen
        except Exception:  # noqa: BLE001 - no screen yet (starting) or any more (closing)
            return False
        return screen.is_mounted and not self.loading_on(screen)

    def loading_on(self, screen: Screen[object]) -> bool:
        """Whether ``screen`` has a worker starting, or one inside a load."""
        with self._lock:
            self._loads = {worker for worker in self._loads if not worker.is_finished}
            loading = list(self._loads)
        starting = [worker for worker in self._app.workers if worker.state == WorkerState.PENDING]
        return any(_screen_of(worker) is screen for worker in [*loading, *starting])

    # -- loads -------------------------------------------------------------------------------

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Keys typed on this worker's screen wait while the block runs (and while the rest
        of the worker runs: it shows what it loaded before it returns).

        Outside a worker it does nothing: a load on the UI thread holds every key anyway.
        If the block raises, the keys waiting are dropped with one line (:data:`DROPPED`).
        """
        try:
            worker = get_current_worker()
        except NoActiveWorker:
            yield
            return
        with self._lock:
            self._loads.add(worker)
        try:
            yield
        except BaseException:
            self._failed = (_screen_of(worker), message_clock())
            raise

    # -- handing keys on ---------------------------------------------------------------------

    def _take_off(self) -> None:
        self._in_flight = True
        self._quiet = 0
        self._run_pump()

    def _run_pump(self) -> None:
        if self._pump is None or self._pump.done():
            self._pump = asyncio.get_running_loop().create_task(self._hand_on())

    async def _hand_on(self) -> None:
        """Wait for each key's effects to settle, and hand on the waiting keys one by one."""
        try:
            while self._in_flight or self._waiting:
                await asyncio.sleep(POLL_SECONDS)
                if not self._app.is_running:
                    return
                self._step()
        except Exception:  # a bug here must not leave every later key waiting
            log.exception("type-ahead failed; keys are handed on as they come")
            self._in_flight = False
            while self._waiting:
                self._hand(self._waiting.popleft())

    def _step(self) -> None:
        if self._in_flight:
            self._quiet = self._quiet + 1 if self._settled() else 0
            self._in_flight = self._quiet < QUIET_CHECKS
            return
        failed, self._failed = self._failed, None
        if failed is not None and failed[0] is self._app.screen and self._drop_typed_before(failed[1]):
            self._app.notify(DROPPED, severity="warning", markup=False)
            return
        if self._waiting and self.ready():
            self._hand(self._waiting.popleft())
            self._in_flight = True
            self._quiet = 0

    def _drop_typed_before(self, moment: float) -> bool:
        """Drop the waiting keys typed before ``moment`` (they wait in the order typed);
        whether there were any."""
        dropped = False
        while self._waiting and self._waiting[0].time <= moment:
            self._waiting.popleft()
            dropped = True
        return dropped

    def _hand(self, key: events.Key) -> None:
        again = events.Key(key.key, key.character)
        again.time = key.time  # when it was typed: a screen may refuse what came before it showed
        self._handed_on.add(id(again))
        self._app.post_message(again)

    def _settled(self) -> bool:
        """Whether every message queue of the app and the screen shown is empty."""
        app = self._app
        if app.message_queue_size:
            return False
        try:
            screen = app.screen
        except Exception:  # noqa: BLE001 - between screens
            return False
        if not screen.is_mounted:
            return False
        return all(node.message_queue_size == 0 for node in screen.walk_children(with_self=True))


def _screen_of(worker: Worker[object]) -> Screen[object] | None:
    node = worker.node
    if isinstance(node, Screen):
        return node
    try:
        return node.screen  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - detached (no screen), or not a widget: nothing to hold
        return None
