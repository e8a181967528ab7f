"""The help screen (F1 or ?): every key that works where the user is, and what it does.

It is built from the bindings themselves (the app's, the screen's beneath, the plugins'
screen keys), so it cannot drift from what the keys really do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.binding import BindingsMap
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from ..keys import key_label

HELP_TEXT = ("Ctrl+P opens the command palette: type a few letters of any action or screen. "
             "Escape goes back. Escape or F1 closes this help.")


def binding_rows(bindings: Iterable[BindingType], keymap: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``(key, description)`` for each binding worth listing (those with a description),
    with the keys the practice's keymap gives them."""
    rows: list[tuple[str, str]] = []
    mapped = BindingsMap(bindings)
    if keymap:
        mapped.apply_keymap(dict(keymap))
    for binding in mapped.key_to_bindings.values():
        for b in binding:
            if b.description:
                rows.append((key_label(b.key_display or b.key), b.description))
    return rows


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


__all__ = ["HELP_TEXT", "HelpScreen", "binding_rows"]
