"""A fake plugin for the TUI tests: screens, panels and palette actions, good and broken.

conftest.py loads this file as the module ``medoffice_tui_fakes`` so the import paths below
resolve the way a real plugin's do.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from medoffice.core import (
    ActionContribution,
    PanelContribution,
    PermissionSpec,
    PluginInfo,
    ScreenContribution,
    hookimpl,
)
from medoffice.core.services import patients

MODULE = "medoffice_tui_fakes"

plugin_info = PluginInfo(id="fake", title="Fake", api_version=1)

CALLS: list[str] = []
"""What the fake actions and screens did, for the tests to check (cleared per test)."""


@hookimpl
def medoffice_permissions():
    return [
        PermissionSpec("fake.view", "See the fake board", ("admin",)),
        PermissionSpec("fake.flags", "See the fake flags panel", ("admin",)),
        PermissionSpec("fake.crashy", "See the panels that crash (no role has it)", ()),
    ]


@hookimpl
def medoffice_screens():
    return [
        ScreenContribution(id="fake.board", title="Fake board", screen=f"{MODULE}:BoardScreen",
                           section="front desk", permission="fake.view", key="f6"),
        ScreenContribution(id="fake.broken", title="Broken board", screen=f"{MODULE}:BrokenScreen"),
        ScreenContribution(id="fake.missing", title="Missing board", screen=f"{MODULE}:NoSuchScreen"),
        ScreenContribution(id="fake.later", title="Later board", screen=f"{MODULE}:LaterScreen"),
    ]


@hookimpl
def medoffice_patient_panels():
    return [
        PanelContribution(id="fake.notes", title="Fake notes", widget=f"{MODULE}:NotesPanel", order=10),
        PanelContribution(id="fake.flags", title="Fake flags", widget=f"{MODULE}:NotesPanel",
                          permission="fake.flags", order=20),
        PanelContribution(id="fake.bad", title="Bad panel", widget=f"{MODULE}:BrokenPanel",
                          permission="fake.crashy", order=30),
        PanelContribution(id="fake.ugly", title="Ugly panel", widget=f"{MODULE}:UnrenderablePanel",
                          permission="fake.crashy", order=40),
        PanelContribution(id="fake.late", title="Late panel", widget=f"{MODULE}:MountFailingPanel",
                          permission="fake.crashy", order=50),
    ]


@hookimpl
def medoffice_palette_actions():
    return [
        ActionContribution(id="fake.ping", title="Ping the fake", action=f"{MODULE}:ping"),
        ActionContribution(id="fake.boom", title="Boom the fake", action=f"{MODULE}:boom"),
        ActionContribution(id="fake.secret", title="Secret fake action", action=f"{MODULE}:ping",
                           permission="fake.view"),
    ]


class BoardScreen(Screen[None]):
    """A well-behaved plugin screen: counts patients through the host, off the UI thread."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, host) -> None:
        super().__init__()
        self.host = host

    def compose(self) -> ComposeResult:
        yield Static(f"Board for {self.host.user.username}", id="board-user")
        yield Static("counting…", id="board-count")

    def on_mount(self) -> None:
        self.count()

    @work(thread=True)
    def count(self) -> None:
        number = self.host.call(patients.count, write=False)
        self.app.call_from_thread(self.query_one("#board-count", Static).update, f"{number} patients")


class BrokenScreen(Screen[None]):
    """A plugin screen that raises while mounting."""

    def __init__(self, host) -> None:
        super().__init__()

    def on_mount(self) -> None:
        raise RuntimeError("the board fell over")


class LaterScreen(Screen[None]):
    """A plugin screen that mounts fine, then fails: X in an action, K in an event handler, W in
    a worker."""

    BINDINGS = [Binding("x", "explode", "Explode"), Binding("w", "explode_in_worker", "Worker")]

    def __init__(self, host) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        yield Static("all fine so far", id="later")

    def action_explode(self) -> None:
        raise KeyError("handler went wrong")

    def on_key(self, event) -> None:
        if event.key == "k":
            raise OSError("key handler went wrong")

    def action_explode_in_worker(self) -> None:
        self.crash()

    @work(thread=True)
    def crash(self) -> None:
        raise ZeroDivisionError("worker went wrong")


class NotesPanel(Static):
    """A plugin panel on the patient card."""

    def __init__(self, host, patient) -> None:
        super().__init__(f"Notes for {patient.first_name} ({host.plugin_id})")


class BrokenPanel(Static):
    """A plugin panel that raises while composing."""

    def __init__(self, host, patient) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        raise RuntimeError("the panel fell over")


class UnrenderablePanel(Static):
    """A plugin panel that mounts, then raises whenever it is drawn."""

    def __init__(self, host, patient) -> None:
        super().__init__()

    def render(self):
        raise RuntimeError("cannot draw myself")


class MountFailingPanel(Static):
    """A plugin panel that raises in on_mount."""

    def __init__(self, host, patient) -> None:
        super().__init__("about to fail")

    def on_mount(self) -> None:
        raise RuntimeError("mounting went wrong")


def ping(host) -> None:
    CALLS.append(f"ping by {host.user.username}")


def boom(host) -> None:
    raise ValueError("boom went the action")
