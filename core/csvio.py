"""CSV in and out, the one way every medoffice import and export reads and writes it.

**Formulas stay text.** A spreadsheet evaluates a cell that begins with ``=``, ``+``, ``-``
or ``@`` (and, in some, a tab or a carriage return) as a formula, so a patient named
``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` would run as one on the desk that opens the
export (CSV injection). Every cell written here that begins with one of those
(:data:`FORMULA_STARTS`) gets an apostrophe in front, as OWASP recommends: the spreadsheet
shows the text, apostrophe hidden, and evaluates nothing.

The escape is undone by every import, and exactly, so an export imports back to the same
values. To keep it unambiguous, a value that itself begins with an apostrophe followed by one
of :data:`FORMULA_STARTS` or by another apostrophe gets one more apostrophe too:

=============== ================ ===============
value           cell written     read back
=============== ================ ===============
``=SUM(A1:A9)`` ``'=SUM(A1:A9)`` ``=SUM(A1:A9)``
``+1 555 0100`` ``'+1 555 0100`` ``+1 555 0100``
``'=x``         ``''=x``         ``'=x``
``''``          ``'''``          ``''``
``O'Neil``      ``O'Neil``       ``O'Neil``
``'Ohana``      ``'Ohana``       ``'Ohana``
``-12.50``      ``-12.50``       ``-12.50``
=============== ================ ===============

A reader removes one leading apostrophe when the next character is one of
:data:`FORMULA_STARTS` or an apostrophe, and only then (so ``'Ohana`` from another system
stays as typed, and ``'=x`` from a spreadsheet that escaped it reads ``=x``).

**Negative numbers are left alone.** A cell that is a plain negative number (``-12.50``,
``-3``: a minus, digits, at most one decimal point and digits) is written as it is: a
spreadsheet reads it as a number, which cannot run anything, and sums over the column keep
working. Anything more (``-1+2``, ``-12.50 `` with a trailing space, ``-1e5``) is escaped.

**Reading.** The file is UTF-8 (a byte-order mark is dropped); CRLF, LF and CR line ends,
quoted cells with embedded line breaks, commas and doubled quotes are read as RFC 4180 says.
A file that is not UTF-8, a cell longer than :data:`MAX_CELL` characters, a NUL byte, a row
with more cells than the header, an unknown or repeated column: each is one
:class:`~medoffice.core.errors.ValidationError` naming the line, raised before the caller
writes anything.

.. versionadded:: 1
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, BinaryIO, TextIO

from .errors import ValidationError

FORMULA_STARTS = frozenset("=+-@\t\r")
"""The first characters that make a spreadsheet evaluate a cell (OWASP's list)."""

QUOTE = "'"
_ESCAPED_NEXT = FORMULA_STARTS | {QUOTE}
_NUL = "the line holds a NUL byte (is it a CSV file?)"
_NEGATIVE_NUMBER = re.compile(r"-\d+(?:\.\d+)?\Z")

MAX_CELL = csv.field_size_limit()
"""The longest cell a reader accepts, in characters (the ``csv`` module's limit, 131,072)."""

LINE_END = "\r\n"
"""What ends a row in the files medoffice writes: CRLF, as RFC 4180 says (and so that the
``csv`` module quotes a cell holding a lone carriage return, as it quotes one with a line feed)."""


def guard(value: str) -> str:
    """``value`` as a cell a spreadsheet will not evaluate (see the module's table)."""
    first = value[:1]
    if first in FORMULA_STARTS:
        if first == "-" and _NEGATIVE_NUMBER.match(value):
            return value
        return QUOTE + value
    if first == QUOTE and value[1:2] in _ESCAPED_NEXT:
        return QUOTE + value
    return value


def unguard(cell: str) -> str:
    """The value :func:`guard` wrote as ``cell`` (any other cell as it is)."""
    if cell[:1] == QUOTE and cell[1:2] in _ESCAPED_NEXT:
        return cell[1:]
    return cell


def cell(value: Any) -> str:
    """A value as the text of a cell, unescaped: nothing for None, ``yes``/``no`` for a
    flag, ISO 8601 for a date or time, ``str`` for the rest."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


class Writer:
    """Writes a header and rows to ``out``, every cell through :func:`cell` and :func:`guard`.

    Rows end with :data:`LINE_END`; a cell holding a comma, a quote, a carriage return or a
    line feed is quoted.
    """

    def __init__(self, out: TextIO, columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self._writer = csv.writer(out, lineterminator=LINE_END)
        self._writer.writerow(self.columns)
        self.rows = 0

    def row(self, values: Iterable[Any]) -> None:
        """One row, its values in the order of the columns."""
        self._writer.writerow([guard(cell(v)) for v in values])
        self.rows += 1

    def mapping(self, values: Mapping[str, Any]) -> None:
        """One row from a mapping of column to value (a missing column is an empty cell)."""
        self.row(values.get(c) for c in self.columns)


def text(columns: Sequence[str], rows: Iterable[Iterable[Any]]) -> str:
    """A whole CSV file as text: the header, then ``rows`` (through a :class:`Writer`)."""
    out = io.StringIO()
    writer = Writer(out, columns)
    for values in rows:
        writer.row(values)
    return out.getvalue()


def decode(data: bytes) -> io.StringIO:
    """The bytes of a CSV file as text to read, a byte-order mark dropped.

    Raises:
        ValidationError: bytes that are not UTF-8, named by line and value
            (``line 3: the file is not UTF-8 text (byte 0xE9) ...``).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ValidationError(f"line {line}: the file is not UTF-8 text (byte 0x{data[error.start]:02X}); "
                              "save it as UTF-8 (\"CSV UTF-8\") and import it again") from None
    return io.StringIO(text, newline="")


def read_file(handle: BinaryIO | TextIO) -> io.StringIO:
    """The text of an open CSV file, read whole: bytes through :func:`decode`."""
    data = handle.read()
    return decode(data) if isinstance(data, bytes) else io.StringIO(data.removeprefix("\ufeff"), newline="")


def rows(handle: TextIO, columns: Sequence[str], *, required: Sequence[str] = (),
         label: str = "line") -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, values)`` for each row of a CSV file with a header line, that has a value.

    Column names are matched without case or surrounding spaces; ``line`` is the line the
    row starts on (the header is line 1), ``values`` maps each of the file's columns to its
    cell, spaces around it removed and the formula escape undone (:func:`unguard`).

    Args:
        handle: the text, read from the start.
        columns: the columns a file may have.
        required: the columns it must have.
        label: how errors name a line (``line 3`` or ``row 3``).

    Raises:
        ValidationError: an empty file, an unknown, missing or repeated column, a row with
            more cells than columns, a cell over :data:`MAX_CELL` characters, a NUL byte, an
            unreadable quote, text that is not UTF-8.
    """
    reader = csv.reader(handle, strict=True)
    header = _read(reader, label, 1)
    if header is None:
        raise ValidationError("the CSV file is empty")
    names = [name.strip().lstrip("\ufeff").strip().lower() for name in header]
    unknown = [n for n in names if n and n not in columns]
    if unknown:
        raise ValidationError(f"unknown column(s): {', '.join(unknown)} (known: {', '.join(columns)})")
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise ValidationError(f"the column(s) {', '.join(repeated)} appear more than once in the header")
    missing = [c for c in required if c not in names]
    if missing:
        raise ValidationError(f"the CSV file lacks the column(s): {', '.join(missing)}")
    while True:
        start = reader.line_num + 1
        found = _read(reader, label, start)
        if found is None:
            return
        if len(found) > len(names):
            raise ValidationError(f"{label} {start}: more values than columns")
        if any("\x00" in value for value in found):
            raise ValidationError(f"{label} {start}: {_NUL}")
        values = {name: unguard(value.strip()) for name, value in zip(names, found) if name}
        if any(values.values()):
            yield start, values


def _read(reader: Any, label: str, line: int) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except UnicodeDecodeError as error:
        raise ValidationError(f"near {label} {line}: the file is not UTF-8 text (byte 0x{error.object[error.start]:02X}); "
                              "save it as UTF-8 (\"CSV UTF-8\") and import it again") from None
    except csv.Error as error:
        reason = str(error)
        if "field larger than field limit" in reason:
            reason = f"a cell is longer than {MAX_CELL:,} characters"
        elif "NUL" in reason:
            reason = _NUL
        elif "unexpected end of data" in reason:
            reason = "a quoted cell is not closed (a \" is missing)"
        elif "expected after" in reason:
            reason = "a quoted cell goes on after its closing quote (double a \" inside quotes: \"\")"
        raise ValidationError(f"{label} {line}: {reason}") from None


__all__ = ["FORMULA_STARTS", "LINE_END", "MAX_CELL", "QUOTE", "Writer", "cell", "decode", "guard", "read_file",
           "rows", "text", "unguard"]
