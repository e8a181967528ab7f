"""``medoffice tui``: open the terminal UI.

The core sits left of the TUI in the layers (core <- plugins <- tui), so it does not import
it: the TUI registers itself under the entry-point group ``medoffice.ui`` and the core looks
it up by name, the same way it finds plugins.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

import click

from ._app import state

UI_GROUP = "medoffice.ui"


def load_ui(name: str = "tui") -> Callable[[Any], None]:
    from ..errors import ConfigurationError

    for ep in entry_points(group=UI_GROUP):
        if ep.name == name:
            return ep.load()
    raise ConfigurationError(f"no user interface {name!r} is installed (entry-point group {UI_GROUP})")


@click.command("tui")
def tui_command() -> None:
    """Open the reception terminal UI (sign in on its first screen)."""
    runtime = state().runtime()
    load_ui()(runtime)
