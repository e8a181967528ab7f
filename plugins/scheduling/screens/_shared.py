"""What the scheduling screens share: how statuses, types and times read. (Running a service
call, permissions and the dialogs are the UI kit's: :mod:`medoffice.ui`.)"""

from __future__ import annotations

import datetime as dt
import logging

from rich.style import Style
from rich.text import Text
from textual.color import Color, ColorParseError

log = logging.getLogger("medoffice.scheduling.screens")

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
