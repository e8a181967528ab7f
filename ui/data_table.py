"""The product's data table: Textual's ``DataTable``, showing text as typed, and redrawing the
rows it drew before it measured their cells.

Textual reads every ``str`` cell as console markup: a note saying "pays [cash] only" showed
as "pays  only", and every cell of every table paid for the markup parser. Records hold what
people typed, never markup, so this table takes each string as it is (its control and
invisible formatting characters shown as escapes: a name stored with ``ESC`` shows
``\\x1b``); a screen that wants styling passes a ``rich.text.Text`` (the day board's
statuses and type colours do), whose control characters are escaped the same way.
A cell read back (``get_row_at``) is therefore a ``Text``: compare ``str(cell)``.

``DataTable`` measures new rows' cells (and widens auto-width columns) when its message
queue is next idle, but keeps the rows it may have drawn in between in a cache keyed by an
update count that the measuring does not change. A table filled while the rest of its
screen repaints (a worker's result and a status line updated together) then showed every
column cut to its header's width: "09:0" for "09:00" in the booking flow's slot list. This
table repaints its rows when measuring changed any column's width, as adding a column does.

Plugin screens import it from :mod:`medoffice.ui` instead of ``textual.widgets``; it is still
a ``DataTable`` to queries, CSS and tests.
"""

from __future__ import annotations

from typing import Any

from rich.text import Span, Text
from textual.widgets.data_table import CellType, ColumnKey, RowKey

from medoffice.core.text import has_control, is_control, printable

from ._textual_private import MeasuringHook


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


def literal_cell(value: Any, height: int | None = 1) -> Any:
    """A cell's value as the table keeps it: a string as a ``Text`` of exactly what it says
    (no markup), escaped; a ``Text`` escaped; anything else as it is.

    Args:
        value: the cell's value.
        height: the row's height (1, a row of one line, does not wrap its cells).
    """
    if isinstance(value, str):
        return Text(printable(value), no_wrap=height == 1, end="")
    if isinstance(value, Text):
        return safe_text(value)
    return value


class DataTable(MeasuringHook[CellType]):
    """Textual's ``DataTable`` as the product's screens need it (see the module doc)."""

    def add_row(self, *cells: CellType, height: int | None = 1, key: str | None = None,
                label: Any = None) -> RowKey:
        """Add a row; strings are shown as they are (see the module doc)."""
        return super().add_row(*(literal_cell(cell, height) for cell in cells), height=height, key=key, label=label)

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: CellType, *,
                    update_width: bool = False) -> None:
        """Change a cell; a string is shown as it is."""
        row = self.rows.get(row_key if isinstance(row_key, RowKey) else RowKey(row_key))
        super().update_cell(row_key, column_key, literal_cell(value, row.height if row else 1),
                            update_width=update_width)

    def add_column(self, label: Any, *, width: int | None = None, key: str | None = None,
                   default: CellType | None = None) -> ColumnKey:
        """Add a column; a string ``default`` for the rows already there is shown as it is."""
        return super().add_column(label, width=width, key=key, default=literal_cell(default))

    def measured(self, widths_before: list[int]) -> None:
        """Redraw the rows drawn so far when measuring the new ones changed a column's width."""
        if self.column_widths() != widths_before:
            self.redraw_rows()


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis when cut: a cell or a choice that
    must keep a table within 80 columns."""
    return text if len(text) <= width else text[: width - 1] + "…"
