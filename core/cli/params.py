"""The parameter types every command shares: record ids, days, files to read, files and folders to write.

Each refuses a bad value before the command opens the practice, with click's usage error
(one ``Error: Invalid value for 'X': …`` line, exit code 2), so no command checks these
again. What only the practice can tell (no patient with that MRN, an amount past the
cents range, a day outside the calendar the practice keeps) is checked by the services and
refused with exit code 1.

Plugins use them too: ``from medoffice.core.cli.params import RECORD_ID, FileToWrite``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import click

MAX_ID = 2**31 - 1
"""The largest record id: PostgreSQL's ``integer`` key; SQLite's are never larger in practice."""

NAME_MAX = 255
"""The longest file name (one path part, in bytes) Linux and macOS file systems take."""


class RecordId(click.ParamType):
    """A record's id (an appointment, a claim, a staff member…): a whole number from 1 to :data:`MAX_ID`."""

    name = "id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not text.isascii() or not text.isdigit():
                self.fail(f"{_shown(value)} is not an id: ids are whole numbers from 1 to {MAX_ID}", param, ctx)
            number = int(text)
        if not 1 <= number <= MAX_ID:
            self.fail(f"{_shown(value)} is not an id: ids are whole numbers from 1 to {MAX_ID}", param, ctx)
        return number


RECORD_ID = RecordId()


class Day(click.ParamType):
    """A day as ``YYYY-MM-DD`` (or ``MM/DD/YYYY``), from 1800-01-01 to 2999-12-31, as a
    ``datetime.date``: :func:`medoffice.core.validation.parse_date`, refused as a usage error.

    For the core's own options; the plugins' commands hand days to their services as text,
    which parse them the same way (so the TUI refuses the same days in the same words).
    """

    name = "day"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        from ..errors import ValidationError
        from ..validation import parse_date

        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value), field=param.name if param is not None and param.name else "day")
        except ValidationError as error:
            self.fail(error.message, param, ctx)


DAY = Day()


def _shown(value: Any) -> str:
    """A value as an error message quotes it: at most 60 characters, control characters escaped."""
    text = str(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return repr(text)


def _check_name(path: str, param: click.Parameter | None, ctx: click.Context | None, fail: Any) -> None:
    if not path.strip():
        fail("a file name is required, got an empty one", param, ctx)
    for part in Path(path).parts:
        if len(os.fsencode(part)) > NAME_MAX:
            fail(f"{_shown(part)} is too long for a file name (at most {NAME_MAX} bytes)", param, ctx)


class FileToRead(click.Path):
    """A file the command reads: it exists, is a regular file (not a folder) and can be read.

    Converts to the path as given (a ``str``, or ``path_type``).
    """

    name = "file"

    def __init__(self, *, path_type: type | None = None) -> None:
        super().__init__(exists=True, dir_okay=False, readable=True, resolve_path=False, path_type=path_type)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        _check_name(os.fsdecode(value), param, ctx, self.fail)
        return super().convert(value, param, ctx)


class FileToWrite(click.Path):
    """A file the command writes: its folder exists, and it is not itself a folder.

    ``-`` means standard output when ``allow_dash``. Whether the file may be replaced is the
    command's to say (``--force``); whether the folder lets us write is found when writing,
    and refused in one line (exit code 1) then.
    """

    name = "file"

    def __init__(self, *, allow_dash: bool = False, path_type: type | None = None) -> None:
        super().__init__(dir_okay=False, allow_dash=allow_dash, path_type=path_type)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = os.fsdecode(value)
        if self.allow_dash and text == "-":
            return super().convert(value, param, ctx)
        _check_name(text, param, ctx, self.fail)
        path = Path(text)
        if path.is_dir() or text.endswith(os.sep):
            self.fail(f"{_shown(text)} is a folder; give a file name", param, ctx)
        folder = path.parent
        if not folder.exists():
            self.fail(f"the folder {_shown(str(folder))} does not exist", param, ctx)
        if not folder.is_dir():
            self.fail(f"{_shown(str(folder))} is not a folder", param, ctx)
        return super().convert(value, param, ctx)


class FolderToWrite(click.Path):
    """A folder the command writes files into: an existing folder, or one it may make inside
    an existing folder."""

    name = "folder"

    def __init__(self, *, path_type: type | None = None) -> None:
        super().__init__(file_okay=False, path_type=path_type)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = os.fsdecode(value)
        _check_name(text, param, ctx, self.fail)
        path = Path(text)
        if path.exists() and not path.is_dir():
            self.fail(f"{_shown(text)} is a file, not a folder", param, ctx)
        if not path.exists() and not path.parent.is_dir():
            self.fail(f"the folder {_shown(str(path.parent))} does not exist", param, ctx)
        return super().convert(value, param, ctx)


def check_text_arguments(args: list[str]) -> None:
    """Refuse an argument that is not UTF-8 text (the shell passes such bytes on as they are).

    Raises:
        click.UsageError: naming the argument, with its bad bytes as ``\\xNN``.
    """
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raw = os.fsencode(arg) if _escaped(arg) else arg.encode("utf-8", "surrogatepass")
            shown = raw.decode("utf-8", "backslashreplace")
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise click.UsageError(f"the argument '{shown}' is not UTF-8 text; type it again or fix the "
                                   "terminal's encoding") from None


def _escaped(arg: str) -> bool:
    """Whether ``arg`` holds only the surrogates ``surrogateescape`` makes of undecodable bytes."""
    try:
        os.fsencode(arg)
    except UnicodeEncodeError:
        return False
    return True
