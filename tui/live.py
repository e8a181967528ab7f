"""The app's one poller of the change feed, and the screens that watch it.

A screen asks :meth:`~medoffice.tui.host.AppScreenHost.watch` to be called back when a topic
it shows changes on any terminal (:mod:`medoffice.core.storage.changes`). However many
screens watch, the app reads the feed once:

- **a thread** waits on the feed (PostgreSQL's LISTEN blocks until a commit is heard; SQLite's
  counter is read twice a second) and adds what it heard to a set. It never touches the app,
  so nothing waits on the UI, and a slow or broken connection never freezes it;
- **a UI timer**, every :data:`TICK_SECONDS`, takes that set and calls back the watches it
  concerns, each at most once per tick, through the owner's own message queue
  (``call_later``): the callback runs on the UI thread, and a plugin's callback that raises
  is contained like any of its screen's handlers.

A watch is called back only while its owner is on the screen on top. A change that arrives
while a dialog, the booking flow, the lock screen or another section covers it is kept and
delivered once when it is shown again, so a reload never moves rows under the user's typing.

Start-up pays nothing: the first watch starts the timer, and the thread (which opens the
feed's connection) starts once a watching screen has been shown with no worker running for
two ticks in a row, that is once the home screen has loaded and drawn what it shows (at the
latest :data:`START_AT_THE_LATEST` seconds after the first watch). The thread stops when the last
watch stops or the app exits, and closes the connection itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from medoffice.core.storage.changes import ANY, ChangeFeed, check_topic, matches

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

log = logging.getLogger("medoffice.tui")

TICK_SECONDS = 0.25
"""How often the UI hands what the thread heard to the watches (and retries covered ones)."""

START_AT_THE_LATEST = 5.0
"""Seconds after the first watch when the thread starts even if workers are still busy."""

WAIT_SECONDS = 0.5
"""How long the thread waits on the feed per round: SQLite's polling interval, and how long
stopping may take."""


class LiveWatch:
    """One screen's (or panel's) subscription; :meth:`stop` ends it.

    Attributes:
        topics: what it watches.
    """

    def __init__(self, poller: ChangePoller, owner: Any, topics: frozenset[str], callback: Callable[[], object]):
        self.poller = poller
        self.owner = owner
        self.topics = topics
        self.callback = callback
        self._pending = False
        self.stopped = False
        self._seen_attached = False

    @property
    def pending(self) -> bool:
        """A change concerned it and it has not been called back yet."""
        return self._pending

    def hold(self) -> None:
        """A change concerned it: call back once its owner is shown (the poller's tick)."""
        self._pending = True

    def caught_up(self) -> None:
        """The owner has just read its data again by itself (shown again, after its own
        step): a change held for it while it was covered needs no call back."""
        self._pending = False

    def deliver(self, app: App[Any]) -> None:
        """Call back now, in the owner's message queue, if a change is held and the owner is
        shown."""
        if self._pending and self.shown(app):
            self._pending = False
            self.owner.call_later(self.callback)

    def stop(self) -> None:
        """Stop calling back; the poller stops with its last watch."""
        if not self.stopped:
            self.stopped = True
            self.poller.forget(self)

    def gone(self) -> bool:
        """Whether the owner was removed without stopping its watch (it is stopped for it)."""
        attached = bool(getattr(self.owner, "is_attached", False))
        if attached:
            self._seen_attached = True
        return self._seen_attached and not attached

    def shown(self, app: App[Any]) -> bool:
        """Whether the owner is on the screen the user sees now."""
        owner = self.owner
        try:
            screen = owner if isinstance(owner, Screen) else owner.screen
            return screen is app.screen
        except Exception:  # noqa: BLE001 - a widget not mounted (yet, or any more) has no screen,
            return False  # and between two sections (or signing out) the app shows none


class ChangePoller:
    """The app's poller (one per app, shared by every screen's host).

    Args:
        app: the running app (its timer and its screen on top).
        open_feed: makes the feed, unconnected (None: the database has none, nothing is live).
    """

    def __init__(self, app: App[Any], open_feed: Callable[[], ChangeFeed | None]) -> None:
        self._app = app
        self._open_feed = open_feed
        self._watches: list[LiveWatch] = []
        self._heard: set[str] = set()
        self._lock = threading.Lock()
        self._timer: Timer | None = None
        self._started = False
        self._ticks = 0
        self._idle_ticks = 0
        self._stop: threading.Event | None = None
        self.feed: ChangeFeed | None = None
        """The feed the thread reads (tests look at it); None before the thread starts."""

    @property
    def watches(self) -> tuple[LiveWatch, ...]:
        return tuple(self._watches)

    def watch(self, owner: Any, topics: Iterable[str], callback: Callable[[], object]) -> LiveWatch:
        """Call ``callback`` when one of ``topics`` changed (see ``ScreenHost.watch``).

        Raises:
            ValueError: no topic, or one that is not dotted lower-case words.
        """
        wanted = frozenset(check_topic(t) for t in ([topics] if isinstance(topics, str) else topics))
        if not wanted:
            raise ValueError("watch at least one topic")
        watch = LiveWatch(self, owner, wanted, callback)
        self._watches.append(watch)
        if self._timer is None:
            self._timer = self._app.set_interval(TICK_SECONDS, self._tick, name="medoffice changes")
        return watch

    def forget(self, watch: LiveWatch) -> None:
        if watch in self._watches:
            self._watches.remove(watch)
        if not self._watches:
            self._halt()

    def _tick(self) -> None:
        """On the UI thread: start the thread once, then call back whom the heard changes concern."""
        if not self._started and self._watches and self._home_loaded():
            self._start()
        with self._lock:
            heard, self._heard = self._heard, set()
        for watch in list(self._watches):
            if watch.gone():
                watch.stop()
                continue
            if heard and matches(watch.topics, heard):
                watch.hold()
            watch.deliver(self._app)

    def _home_loaded(self) -> bool:
        """Whether the thread may start: a watching screen has been up with nothing loading
        (no worker of the app running) for two ticks, so that the thread and its connection
        never compete with the first screen's loading and drawing."""
        self._ticks += 1
        busy = any(not worker.is_finished for worker in self._app.workers)
        idle = not busy and any(w.shown(self._app) for w in self._watches)
        self._idle_ticks = self._idle_ticks + 1 if idle else 0
        return self._idle_ticks >= 2 or self._ticks * TICK_SECONDS >= START_AT_THE_LATEST

    def _start(self) -> None:
        self._started = True
        feed = self.feed = self._open_feed()
        if feed is None:
            return  # nothing to read (an in-memory database): screens update when they reload
        stop = self._stop = threading.Event()
        threading.Thread(target=self._listen, args=(feed, stop), name="medoffice-changes", daemon=True).start()

    def _listen(self, feed: ChangeFeed, stop: threading.Event) -> None:
        """The thread: wait on the feed, keep what it heard, until told to stop."""
        try:
            while not stop.is_set() and self._app.is_running:
                heard = feed.wait(WAIT_SECONDS)
                if heard and not stop.is_set():
                    with self._lock:
                        self._heard |= heard
        except Exception:  # a bug in the feed: live updates stop, the desk carries on
            log.exception("the change feed failed; screens update when reloaded")
            with self._lock:
                self._heard.add(ANY)
        finally:
            feed.close()

    def _halt(self) -> None:
        """Stop the timer and the thread (it closes the feed's connection within a round)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._stop is not None:
            self._stop.set()
        if self.feed is not None:
            self.feed.interrupt()
        self._started, self._stop, self._ticks, self._idle_ticks = False, None, 0, 0
        with self._lock:
            self._heard.clear()
