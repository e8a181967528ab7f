"""Textual's DataTable, made to show text as typed and to redraw rows drawn before it
measured their cells.

Textual reads every ``str`` cell as console markup: a note saying "pays [cash] only" showed
as "pays  only", and every cell of every table paid for the markup parser. Records hold what
people typed, never markup, so the shell has tables show strings as they are; a screen that
wants styling passes a ``rich.text.Text`` (the day board's statuses and type colours do).

``DataTable`` measures new rows' cells (and widens auto-width columns) when its message
queue is next idle, but keeps the rows it may have drawn in between in a cache keyed by an
update count that the measuring does not change. A table filled while the rest of its
screen repaints (a worker's result and a status line updated together) then shows every
column cut to its header's width: "09:0" for "09:00" in the booking flow's slot list. The
shell swaps in a measuring step that, when any column's width changed, moves the count on
and repaints, as adding a column does. Plugin screens use the stock ``DataTable``, so this is
done once for every table rather than in a subclass.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Span, Text
from textual.widgets import DataTable, _data_table

from medoffice.core.text import has_control, is_control, printable
from textual.widgets.data_table import RowKey

_textual_update_dimensions = DataTable._update_dimensions
_textual_cell_formatter = _data_table.default_cell_formatter
_INSTALLED = "_medoffice_redraws_after_measuring"


def _widths(table: DataTable[Any]) -> list[int]:
    return [column.get_render_width(table) for column in table.ordered_columns]


def _update_dimensions(self: DataTable[Any], new_rows: Iterable[RowKey]) -> None:
    before = _widths(self)
    _textual_update_dimensions(self, new_rows)
    if _widths(self) != before:
        self._update_count += 1
        self.refresh()


def safe_text(text: Text) -> Text:
    """``text`` with each control or invisible formatting character shown as its escape
    (``\\x1b``): Rich drops only a few control codes, and Textual writes the rest to the
    terminal as they are, where ``ESC [ 2 J`` clears the screen."""
    if not has_control(text.plain):
        return text
    offsets = sorted({i for i, c in enumerate(text.plain) if is_control(c)}
                     | {i + 1 for i, c in enumerate(text.plain) if is_control(c)})
    parts = []
    for part in text.divide(offsets):
        if part.plain and is_control(part.plain[0]):  # one character: its escape, in its style
            shown = printable(part.plain)
            part = Text(shown, style=part.style, spans=[Span(0, len(shown), span.style) for span in part.spans])
        parts.append(part)
    return Text("", style=text.style, end=text.end, no_wrap=text.no_wrap, justify=text.justify,
                overflow=text.overflow).join(parts)


def literal_cell(obj: object, wrap: bool = True, height: int = 0) -> Any:
    """A cell as Textual's formatter makes it, except that a string is shown as it is, its
    control and invisible formatting characters escaped (a name stored with ``ESC`` shows
    ``\\x1b``), as in a ``rich.text.Text``."""
    if isinstance(obj, str):
        return Text(printable(obj), no_wrap=not wrap, end="")
    if isinstance(obj, Text):
        return _textual_cell_formatter(safe_text(obj), wrap, height)
    return _textual_cell_formatter(obj, wrap, height)


def install() -> None:
    """Make every ``DataTable`` show strings as typed and redraw its rows when measuring them
    changed a column's width; safe to call more than once."""
    if not getattr(DataTable, _INSTALLED, False):
        DataTable._update_dimensions = _update_dimensions  # type: ignore[method-assign]
        _data_table.default_cell_formatter = literal_cell
        setattr(DataTable, _INSTALLED, True)
