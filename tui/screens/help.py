"""The help screen (F1 or ?): every key that works where the user is, and what it does.

It is built from the keys themselves as the screen beneath has them now
(:func:`~medoffice.tui.working_keys.working_keys`: the focused widget's, the screen's, its
panels', the app's, each only while enabled), plus the plugins' screen keys, so it lists no
key that does nothing on this step and misses none that works.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from medoffice.ui import DataTable, Footer

from ..working_keys import working_keys

HELP_TEXT = ("Ctrl+P opens the command palette: type a few letters of any action or screen. "
             "Escape goes back. Escape or F1 closes this help.")


PALETTE_ROW = "Command palette: every action and screen"
"""What Ctrl+P does, in words; Textual's own binding just says "palette"."""


def key_rows(screen: Screen[Any]) -> list[tuple[str, str]]:
    """``(keys, what they do)`` for every key that works on ``screen`` now, its own first,
    the shell's last; the keys as the practice's keymap has them."""
    return [(key.key_text, PALETTE_ROW if key.action == "command_palette" else key.description)
            for key in working_keys(screen)]


class HelpScreen(ModalScreen[None]):
    """A table of keys over the current screen.

    Args:
        rows: ``(key, what it does)`` pairs, in the order shown.
    """

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("f1", "dismiss", "Close", show=False),
    ]

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self._rows = list(dict.fromkeys(rows))

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static("Keys", id="help-title")
            table: DataTable[str] = DataTable(id="help-keys", cursor_type="none", show_cursor=False)
            table.add_columns("Key", "What it does")
            for key, does in self._rows:
                table.add_row(key, does)
            yield table
            yield Static(HELP_TEXT, id="help-text", markup=False)
        yield Footer()  # over the screen beneath's, whose keys do not work while help is up


__all__ = ["HELP_TEXT", "PALETTE_ROW", "HelpScreen", "key_rows"]
