"""A watching screen that reads again when it is shown again says so with ``watch.caught_up()``.

The screen here is written the way docs/tui.md tells a plugin author to: it watches through
``host.watch``, reads in a worker, and in ``on_screen_resume`` reads again and calls
``caught_up()`` on its watch, the public way to drop the change the feed holds for it. The
practice is a SQLite file, where every commit on another connection wakes every watcher.
"""

from __future__ import annotations

import asyncio

from textual import work
from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from medoffice.core.services import patients
from medoffice.testing import wait_for
from medoffice.tui.app import MedofficeApp
from medoffice.tui.live import TICK_SECONDS


class Counting(Screen[None]):
    """Counts its reads of the patients."""

    def __init__(self, host) -> None:
        super().__init__()
        self.host = host
        self.reads = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="count")

    def on_mount(self) -> None:
        self.live = self.host.watch(self, [patients.CHANGED], self.load)
        self.load()

    def on_unmount(self) -> None:
        self.live.stop()

    def on_screen_resume(self) -> None:
        if self.reads:
            self.load()
            self.live.caught_up()

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        self.host.call(patients.count, write=False)
        self.app.call_from_thread(self._read)

    def _read(self) -> None:
        self.reads += 1


class Covering(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield Static("a dialog")


async def test_a_change_under_a_dialog_costs_one_read_when_the_screen_reads_again_on_its_own(runtime, kit):
    """Another terminal registers a patient while a dialog covers the screen: nothing is read
    under it. The dialog closes: the screen reads again on its own and says it caught up, so
    the change the feed held is not handed over too: one read, not two."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = Counting(app.host)
        await app.push_screen(screen)
        await wait_for(pilot, lambda: app.host.changes is not None and app.host.changes.feed is not None
                       and app.host.changes.feed.connected)
        await asyncio.sleep(4 * TICK_SECONDS)
        (watch,) = [w for w in app.host.changes.watches if w.owner is screen]

        await app.push_screen(Covering())
        before = screen.reads
        kit.register(runtime, first_name="Di")
        await wait_for(pilot, lambda: watch.pending)
        assert screen.reads == before, "nothing is read under the dialog"

        app.pop_screen()
        await wait_for(pilot, lambda: screen.reads == before + 1)
        assert not watch.pending
        await asyncio.sleep(4 * TICK_SECONDS)
        assert screen.reads == before + 1, "the change was not handed over a second time"


def test_between_two_sections_no_watching_screen_counts_as_shown():
    """While the app switches sections (or signs out) its stack can be empty for a moment and
    ``app.screen`` raises; the poller's tick asks then whether a watcher is shown, and must
    hear "no" rather than end the app."""
    from textual.app import ScreenStackError

    from medoffice.tui.live import LiveWatch

    class Switching:
        @property
        def screen(self):
            raise ScreenStackError("No screens on stack")

    watch = LiveWatch(poller=None, owner=Screen(), topics=frozenset({patients.CHANGED}), callback=lambda: None)
    assert watch.shown(Switching()) is False
