"""A progress bar on standard error for long commands (imports, exports).

The bar is drawn only for a person watching: when standard error is a terminal, standard
output is not a pipe (``| gzip``: a script is reading), ``--json`` was not given, and an
export that writes to standard output is not writing to the terminal itself. It goes away
when the work is done, so what the command prints is the same with or without it.

Plugins' commands use it as the core's do::

    from medoffice.core.cli.progress import bar

    with bar(as_json=as_json) as progress, operation() as ctx:
        result = service.import_csv(ctx, handle, progress=progress)

.. versionadded:: 1
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..progress import SILENT, Progress


def wanted(*, as_json: bool = False, data_to_stdout: bool = False) -> bool:
    """Whether a bar would be seen and not get in the way: standard error is a terminal,
    ``--json`` was not given, standard output is not a pipe, and, when the command writes its
    data to standard output, that is not the terminal too (the rows scrolling by say enough)."""
    if as_json or not _isatty(sys.stderr):
        return False
    try:
        piped = stat.S_ISFIFO(os.fstat(sys.stdout.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):  # no file descriptor: not a terminal's stdout
        return False
    return not piped and not (data_to_stdout and _isatty(sys.stdout))


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _Bar:
    """:class:`~medoffice.core.progress.Progress` drawn by rich: one line per stage."""

    def __init__(self, rich: Any) -> None:
        self._rich = rich
        self._task: Any = None

    def step(self, label: str, total: int | None) -> None:
        if self._task is not None:
            self._rich.update(self._task, visible=False)
        self._task = self._rich.add_task(label, total=total)

    def advance(self, count: int = 1) -> None:
        if self._task is not None:
            self._rich.advance(self._task, count)


@contextmanager
def bar(*, as_json: bool = False, data_to_stdout: bool = False) -> Iterator[Progress]:
    """A :class:`~medoffice.core.progress.Progress` drawn on standard error when
    :func:`wanted` (same arguments), else the silent one."""
    if not wanted(as_json=as_json, data_to_stdout=data_to_stdout):
        yield SILENT
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with RichProgress(*columns, console=Console(stderr=True), transient=True) as rich:
        yield _Bar(rich)


__all__ = ["bar", "wanted"]
