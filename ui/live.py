"""A screen that lists what a service returns and reads it again when another terminal
changes it: the "live list" every plugin's list screen was writing for itself (the watch
started on mount and stopped on unmount, the read off the UI thread with its failure on the
title line, the row under the cursor)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.screen import Screen
from textual.widgets import Static

from medoffice.core.ui import ScreenHost, Watch

from .calls import message_of, run_call
from .data_table import DataTable


class LiveListScreen(Screen[None]):
    """A plugin screen around one list, kept current.

    On mount (after the subclass's own ``on_mount``, which sets its sub-title and columns) it
    focuses the list, watches :attr:`TOPICS` through the host (``host.watch``: a change
    committed on any terminal reads the list again, about a second later, while the screen
    is on top) and reads it; on unmount it stops watching. A subclass says what to read
    (:meth:`list_call`) and how to show it (:meth:`loaded`); a read that fails is said on
    :attr:`STATUS`.

    Args:
        host: the plugin's host.

    Attributes:
        rows: what the list shows, one entry per table row; None until first read.
    """

    TOPICS: ClassVar[tuple[str, ...]] = ()
    """The change topics that make the list read again (``"staff.tasks"``)."""
    LIST: ClassVar[str] = "DataTable"
    """The list's table (a selector: ``"#tasks"``)."""
    STATUS: ClassVar[str] = "#hr-title"
    """The ``Static`` where a failure to read is said."""
    NOTIFY: ClassVar[bool] = False
    """Whether a failure to read is also notified by the host (besides :attr:`STATUS`)."""

    def __init__(self, host: ScreenHost) -> None:
        super().__init__()
        self.host = host
        self.rows: list[Any] | None = None
        self._live: Watch | None = None

    def on_mount(self) -> None:
        self.query_one(self.LIST, DataTable).focus()
        self._live = self.host.watch(self, self.TOPICS, self.load)
        self.load()

    def on_unmount(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def list_call(self) -> tuple[Callable[..., Any], ...]:
        """The service function to call (as ``fn(ctx, *args)``, read only) and its arguments."""
        raise NotImplementedError

    def loaded(self, result: Any) -> None:
        """Show what :meth:`list_call` returned (called on the UI thread, only while mounted)."""
        raise NotImplementedError

    def load(self) -> None:
        """Read the list again."""
        fn, *args = self.list_call()
        run_call(self, self.host, fn, *args, write=False, notify=self.NOTIFY, done=self.loaded,
                 failed=self.not_loaded)

    def not_loaded(self, error: BaseException) -> None:
        self.query_one(self.STATUS, Static).update(message_of(error))

    def highlighted(self) -> Any:
        """The entry of :attr:`rows` under the cursor (None when there is none)."""
        if not self.rows:
            return None
        table = self.query_one(self.LIST, DataTable)
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]


__all__ = ["LiveListScreen"]
