"""What the scheduling screens share: how statuses, types and times read, and running one
service call off the UI thread with its error shown in one line."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.color import Color, ColorParseError
from textual.widget import Widget
from textual.worker import get_current_worker

from medoffice.core import MedofficeError
from medoffice.core.ui import ScreenHost

log = logging.getLogger("medoffice.scheduling.screens")

READ = "scheduling.read"
BOOK = "scheduling.book"
OVERBOOK = "scheduling.overbook"

STATUS_LABELS = {"booked": "booked", "arrived": "arrived", "in_room": "in room", "completed": "done",
                 "cancelled": "cancelled", "no_show": "no-show"}
"""Statuses as the board shows them (short enough for 80 columns)."""

STATUS_STYLES = {"arrived": "bold yellow", "in_room": "bold cyan", "completed": "green",
                 "cancelled": "dim strike", "no_show": "dim red"}


def status_text(status: str) -> Text:
    """An appointment's status, coloured by where the patient is."""
    return Text(STATUS_LABELS.get(status, status), style=STATUS_STYLES.get(status, ""))


def type_style(colour: str | None) -> Style:
    """The style of an appointment type's colour (any CSS colour name or ``#rrggbb``); no
    style for a colour the terminal cannot show."""
    if not colour:
        return Style()
    try:
        return Style(color=Color.parse(colour.strip()).rich_color)
    except (ColorParseError, ValueError):
        return Style()


def type_text(name: str, colour: str | None) -> Text:
    """An appointment type's name in its colour."""
    return Text(name, style=type_style(colour))


def clock(moment: dt.datetime | None) -> str:
    """``HH:MM`` of a local time, or nothing."""
    return f"{moment:%H:%M}" if moment is not None else ""


def when(moment: dt.datetime) -> str:
    """``Tue 2026-01-06 09:00`` for a local time."""
    return f"{moment:%a %Y-%m-%d %H:%M}"


def day_title(day: dt.date, today: dt.date) -> str:
    """``Mon 2026-01-05 (today)``, ``… (tomorrow)``, ``… (yesterday)`` or just the day."""
    names = {0: "today", 1: "tomorrow", -1: "yesterday"}
    relative = names.get((day - today).days)
    return f"{day:%a %Y-%m-%d}" + (f" ({relative})" if relative else "")


def may(host: ScreenHost, permission: str) -> bool:
    """Whether the signed-in user has ``permission`` (False once nobody is signed in)."""
    try:
        return host.user.can(permission)
    except MedofficeError:
        return False


def run_call(widget: Widget, host: ScreenHost, fn: Callable[..., Any], *args: Any,
             done: Callable[[Any], object], failed: Callable[[str], object] | None = None,
             write: bool = True, **kwargs: Any) -> None:
    """In a worker thread: ``host.call(fn, *args, **kwargs)``; then ``done(result)`` on the UI
    thread. A domain error (or a bug) is shown in one line by the host and passed to
    ``failed(message)``: the screen stays up and nothing half-done is left (the unit of work
    rolled back).

    Args:
        widget: the screen or widget the worker belongs to (cancelled with it).
        host: the plugin's host.
        fn: a service function taking the operation's context first.
        done: gets the result, on the UI thread.
        failed: gets the one-line error, on the UI thread.
        write: False for reads.
    """

    def work() -> None:
        worker = get_current_worker()
        try:
            result = host.call(fn, *args, write=write, **kwargs)
        except Exception as exc:  # a domain error is the user's to read; a bug is logged by the host
            host.notify_error(exc)
            if failed is not None and not worker.is_cancelled:
                message = str(exc) if isinstance(exc, MedofficeError) else f"unexpected {type(exc).__name__}"
                widget.app.call_from_thread(failed, message)
            return
        if not worker.is_cancelled:  # the screen has gone: nothing left to show it on
            widget.app.call_from_thread(done, result)

    widget.run_worker(work, thread=True, exit_on_error=False, group=f"scheduling-{getattr(fn, '__name__', 'call')}")
