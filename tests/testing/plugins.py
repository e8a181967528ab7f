"""In-memory plugins for the kit's own tests: each breaks one rule of the contract.

conftest.py loads this file as the module ``medoffice_kit_plugins``, so the import paths the
plugins name (``medoffice_kit_plugins:ExplodingPanel``) resolve as a real plugin's do.
"""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import Column, Integer, String, Table
from textual.app import ComposeResult
from textual.screen import Screen
from textual.binding import Binding
from textual.widgets import DataTable, Static

from medoffice.core import (
    ActionContribution,
    PanelContribution,
    PermissionSpec,
    PluginInfo,
    SchemaContribution,
    ScreenContribution,
    hookimpl,
)
from medoffice.core.storage import new_metadata
from medoffice.ui import Footer

MODULE = "medoffice_kit_plugins"
MIGRATIONS = Path(__file__).parent / "migrations"


def _schema(plugin_id: str, *tables: tuple[str, list[Column]]) -> SchemaContribution:
    metadata = new_metadata()
    for name, columns in tables:
        Table(name, metadata, *columns)
    return SchemaContribution(metadata, MIGRATIONS / plugin_id)


class Prefixless:
    """Owns a table called ``notes``: not ``prefixless_notes``."""

    plugin_info = PluginInfo(id="prefixless", title="Prefixless", api_version=1)

    @hookimpl
    def medoffice_schema(self):
        return _schema("prefixless", ("notes", [Column("id", Integer, primary_key=True), Column("text", String(80))]))


class Drifty:
    """Its model has a ``qty`` column its migration never creates."""

    plugin_info = PluginInfo(id="drifty", title="Drifty", api_version=1)

    @hookimpl
    def medoffice_schema(self):
        return _schema("drifty", ("drifty_item", [Column("id", Integer, primary_key=True),
                                                  Column("name", String(40), nullable=False),
                                                  Column("qty", Integer, nullable=False)]))


class LateLabel:
    """Its branch label sits on its second revision instead of its first."""

    plugin_info = PluginInfo(id="latelabel", title="Late label", api_version=1)

    @hookimpl
    def medoffice_schema(self):
        return _schema("latelabel", ("latelabel_thing", [Column("id", Integer, primary_key=True)]))


class Sticky:
    """Its downgrade forgets to drop its table."""

    plugin_info = PluginInfo(id="sticky", title="Sticky", api_version=1)

    @hookimpl
    def medoffice_schema(self):
        return _schema("sticky", ("sticky_thing", [Column("id", Integer, primary_key=True)]))


@click.group("patients")
def fake_patients():
    """Clashes with the core's ``medoffice patients``."""


@click.command("loose")
def loose():
    """A bare command, not a group."""


@click.group("alerts")
def copied_alerts():
    """Clashes with the patient-alerts plugin's group."""


class Clasher:
    """Contributes ``patients`` (the core's), a bare command, and ``alerts`` (patient-alerts')."""

    plugin_info = PluginInfo(id="clasher", title="Clasher", api_version=1)

    @hookimpl
    def medoffice_cli_commands(self):
        return [fake_patients, loose, copied_alerts]


class Sloppy:
    """Permissions and UI contributions that break the rules in every way but one."""

    plugin_info = PluginInfo(id="sloppy", title="Sloppy", api_version=1)

    @hookimpl
    def medoffice_permissions(self):
        return [
            PermissionSpec("patients.purge", "Uses the core's word", ("admin",)),
            PermissionSpec("sloppy.use", "Names a role that does not exist", ("admins",)),
            PermissionSpec("sloppy.use", "Declared twice", ("admin",)),
        ]

    @hookimpl
    def medoffice_screens(self):
        return [ScreenContribution("sloppy.board", "Board", "textual.widgets:Static"),
                ScreenContribution("sloppy.gone", "Gone", "medoffice_no_such_module_xyz:Board")]

    @hookimpl
    def medoffice_patient_panels(self):
        return [PanelContribution("sloppy.panel", "Panel", "textual.screen:Screen", permission="sloppy.secret")]

    @hookimpl
    def medoffice_palette_actions(self):
        return [ActionContribution("sloppy.pi", "Pi", "math:pi")]


class Tidy:
    """Keeps every rule: a screen, a panel, an action and a permission, no tables."""

    plugin_info = PluginInfo(id="tidy", title="Tidy", api_version=1, enabled_by_default=False)

    @hookimpl
    def medoffice_permissions(self):
        return [PermissionSpec("tidy.view", "See the tidy board", ("manager", "admin"))]

    @hookimpl
    def medoffice_screens(self):
        return [ScreenContribution("tidy.board", "Tidy board", f"{MODULE}:TidyScreen", permission="tidy.view")]

    @hookimpl
    def medoffice_patient_panels(self):
        return [PanelContribution("tidy.panel", "Tidy", f"{MODULE}:TidyPanel", permission="tidy.view")]

    @hookimpl
    def medoffice_palette_actions(self):
        return [ActionContribution("tidy.ping", "Ping", f"{MODULE}:ping")]

    @hookimpl
    def medoffice_cli_commands(self):
        return [tidy_group]


@click.group("tidy")
def tidy_group():
    """The tidy plugin's commands."""


@tidy_group.command("hello")
def tidy_hello():
    click.echo("hello from tidy")


def ping(host) -> None:
    """A palette action."""


class TidyScreen(Screen[None]):
    def __init__(self, host) -> None:
        super().__init__()
        self.host = host

    def compose(self) -> ComposeResult:
        yield Static("tidy")


class TidyPanel(Static):
    def __init__(self, host, patient) -> None:
        super().__init__(f"tidy panel for {patient.mrn}")


class Misfit:
    """Implements a hook with an argument its specification does not have."""

    plugin_info = PluginInfo(id="misfit", title="Misfit", api_version=1)

    @hookimpl
    def medoffice_patient_registered(self, ctx, patient, extra):
        pass


class NeedsAlerts:
    """Requires the patient-alerts plugin, which must then be enabled too."""

    plugin_info = PluginInfo(id="needs-alerts", title="Needs alerts", api_version=1, requires=("patient-alerts",))


class Crashy:
    """A screen and a panel that import fine and blow up once mounted."""

    plugin_info = PluginInfo(id="crashy", title="Crashy", api_version=1)

    @hookimpl
    def medoffice_screens(self):
        return [ScreenContribution("crashy.board", "Crashy board", f"{MODULE}:ExplodingScreen")]

    @hookimpl
    def medoffice_patient_panels(self):
        return [PanelContribution("crashy.panel", "Crashy panel", f"{MODULE}:ExplodingPanel")]


class ExplodingScreen(Screen[None]):
    def __init__(self, host) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        raise RuntimeError("the board fell over")
        yield Static()


class ExplodingPanel(Static):
    def __init__(self, host, patient) -> None:
        super().__init__("about to explode")

    def on_mount(self) -> None:
        raise RuntimeError("the panel fell over")


class Wordy:
    """A screen whose many long key descriptions cannot fit a footer of 80 columns."""

    plugin_info = PluginInfo(id="wordy", title="Wordy", api_version=1)

    @hookimpl
    def medoffice_screens(self):
        return [ScreenContribution("wordy.board", "Wordy board", f"{MODULE}:WordyScreen")]


class WordyScreen(Screen[None]):
    BINDINGS = [Binding(key, f"do_{key}", f"Do the {name} thing at once") for key, name in
                (("a", "first"), ("b", "second"), ("c", "third"), ("d", "fourth"))]

    def __init__(self, host) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        yield Static("Wordy")
        yield Footer()


class Patchy:
    """A screen that changes every table of every plugin by patching Textual's ``DataTable``,
    and shows a stock one (the kit's subclasses are the way to change a widget)."""

    plugin_info = PluginInfo(id="patchy", title="Patchy", api_version=1)

    @hookimpl
    def medoffice_screens(self):
        return [ScreenContribution("patchy.board", "Patchy board", f"{MODULE}:PatchyScreen")]


def _never_measures(self, new_rows) -> None:
    """What Patchy puts in place of Textual's own."""


class PatchyScreen(Screen[None]):
    def __init__(self, host) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        DataTable._update_dimensions = _never_measures  # the patch the conformance check refuses
        yield DataTable()
        yield Footer()
