"""Type-ahead when a load fails: the keys typed for the step that did not come are dropped,
with one line; keys typed afterwards, however soon, are the person's and are kept.

A tiny app stands in for a screen whose list loads in a worker, so that the test decides
when the load fails (a gate, not a sleep)."""

from __future__ import annotations

import threading

from textual import events, work
from textual.app import App, ComposeResult
from textual.widgets import Input

from medoffice.testing import burst, wait_for
from medoffice.tui.typeahead import DROPPED, TypeAhead


class LoadFails(RuntimeError):
    pass


class FailingLoadApp(App[None]):
    """An Input, and a load that fails when the test opens its gate."""

    def __init__(self) -> None:
        super().__init__()
        self.typeahead = TypeAhead(self)
        self.gate = threading.Event()
        self.told: list[str] = []

    def compose(self) -> ComposeResult:
        yield Input(id="field")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and not self.typeahead.admit(event):
            return
        await super().on_event(event)

    def notify(self, message: str, **kwargs) -> None:  # type: ignore[override]
        self.told.append(message)
        super().notify(message, **kwargs)

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        with self.typeahead.loading():
            self.gate.wait(timeout=30)
            raise LoadFails("the server went away")

    @property
    def typed(self) -> str:
        return self.query_one("#field", Input).value


async def test_keys_typed_while_a_load_fails_are_dropped_with_one_line():
    app = FailingLoadApp()
    async with app.run_test() as pilot:
        worker = app.load()
        await wait_for(pilot, lambda: app.typeahead.loading_on(app.screen))
        await burst(pilot, *"abc")
        await wait_for(pilot, lambda: app.typeahead.waiting == 3)
        app.gate.set()
        await wait_for(pilot, lambda: worker.is_finished and app.told)
        await pilot.pause()
        assert app.typed == "" and app.told == [DROPPED]


async def test_keys_typed_long_after_a_failed_load_are_all_kept():
    """The failure was shown and nothing was waiting for it; minutes later the person types
    fast. No key of theirs may be taken for one meant for the failed step."""
    app = FailingLoadApp()
    async with app.run_test() as pilot:
        worker = app.load()
        app.gate.set()
        await wait_for(pilot, lambda: worker.is_finished)
        await pilot.pause()
        await burst(pilot, *"hello")
        await wait_for(pilot, lambda: app.typed == "hello")
        assert app.told == []
