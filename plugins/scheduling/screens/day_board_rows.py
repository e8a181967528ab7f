"""What the day board reads and how one of its rows reads: the day's data in one unit of work,
the columns' widths for the terminal, and an appointment as the board's cells.

Kept apart from the screen (:mod:`.day_board`), which is about keys and the cursor: these are
plain functions of the data, tested without a terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
from rich.text import Text

from medoffice.core import Context

from .. import appointment_lists, catalogue, day_flow
from ._shared import clock, status_text, type_text

NARROW = 100
"""Terminals narrower than this get the short headers (Arr., Wait) and narrower fixed columns."""

COLUMNS = {
    # key: (narrow header, wide header, least width, grows with its content)
    "time": ("Time", "Time", 5, False),
    "patient": ("Patient", "Patient", 14, True),
    "type": ("Type", "Type", 9, True),
    "provider": ("Provider", "Provider", 10, True),
    "room": ("Room", "Room", 6, True),
    "status": ("Status", "Status", 9, False),
    "arrived": ("Arr.", "Arrived", 5, False),
    "wait": ("Wait", "Waiting", 4, False),
}
"""The board's columns; the least widths fit 80 columns."""

GROWS_FIRST = ("patient", "provider", "type", "room")
"""Which columns get the width left over first, each up to its longest text."""

CELL_PADDING = 2
"""A DataTable cell's padding, one column each side."""

SCROLLBAR = 2
"""Kept free for the table's vertical scrollbar."""


def column_widths(width: int, rows: Sequence[Any], narrow: bool) -> dict[str, int]:
    """Each column's width on a terminal ``width`` wide: the least, then what is left shared
    out in :data:`GROWS_FIRST` order, each growing up to its longest text on the day."""
    texts = {"patient": [v.patient for v in rows], "type": [v.appointment_type for v in rows],
             "provider": [v.provider for v in rows], "room": [v.room or "" for v in rows]}
    widths = {key: max(least, len(short if narrow else long)) for key, (short, long, least, _) in COLUMNS.items()}
    spare = width - SCROLLBAR - sum(w + CELL_PADDING for w in widths.values())
    for key in GROWS_FIRST:
        longest = max((len(t or "") for t in texts[key]), default=0)
        extra = max(0, min(longest - widths[key], spare))
        widths[key] += extra
        spare -= extra
    return widths


def desk_name(view: Any) -> str:
    """``Lee, Ann`` as the desk says it: ``Ann Lee``."""
    last, _, first = view.patient.partition(", ")
    return f"{first} {last}".strip()


WAITING = ("arrived",)
"""Statuses whose waiting time still grows."""


@attrs.frozen
class BoardData:
    """What one load of the board brings back, read in one unit of work.

    Attributes:
        day: the day shown.
        now: the practice's local time when it was read.
        appointments: the day's appointments (``appointment_lists.AppointmentView``), by start time.
        colours: appointment type name -> its colour.
        rooms: location name -> its rooms' names.
        grace: the practice's grace period before a no-show.
        occupants: room name -> who is in it now (``day_flow.Occupant``).
    """

    day: dt.date
    now: dt.datetime
    appointments: tuple[Any, ...]
    colours: dict[str, str] = attrs.field(eq=False)
    rooms: dict[str, tuple[str, ...]] = attrs.field(eq=False)
    grace: dt.timedelta = dt.timedelta(minutes=day_flow.DEFAULT_GRACE_MINUTES)
    occupants: dict[str, Any] = attrs.field(factory=dict, eq=False)


def board_data(ctx: Context, day: dt.date | None) -> BoardData:
    """The board for local ``day`` (None: today), as the services give it: the appointments,
    the types' colours, the rooms and who is in them now, the practice's grace period."""
    now = ctx.local(ctx.now())
    day = day or now.date()
    appointments = tuple(appointment_lists.day(ctx, day))
    colours = {t.name: t.colour for t in catalogue.list_types(ctx)}
    rooms = {loc.name: tuple(r.name for r in loc.rooms) for loc in ctx.practice.locations}
    return BoardData(day, now, appointments, colours, rooms, day_flow.grace(ctx), day_flow.occupants(ctx))


def waiting_minutes(view: Any, now: dt.datetime) -> int | None:
    """Minutes waited: still counting for a patient who arrived and is not yet in a room."""
    if view.status in WAITING and view.arrived_at is not None:
        return max(0, int((now - view.arrived_at).total_seconds() // 60))
    return view.waiting_minutes


def row_cells(view: Any, data: BoardData, widths: dict[str, int], *, first_of_group: bool = True) -> tuple[Any, ...]:
    """One appointment as the board's cells, cut to the column widths; the provider's name is
    bold on the first row of its group and dim on the others."""
    def fit(text: str | None, key: str) -> str:
        text = text or ""
        width = widths[key]
        return text if len(text) <= width else text[: width - 1] + "…"

    waited = waiting_minutes(view, data.now)
    kind = type_text(fit(view.appointment_type, "type"), data.colours.get(view.appointment_type))
    patient = Text(fit(view.patient, "patient"))
    if view.overbooked:
        patient.stylize("italic")
    provider = Text(fit(view.provider, "provider"), style="bold" if first_of_group else "dim")
    return (clock(view.start), patient, kind, provider, fit(view.room, "room"),
            status_text(view.status), clock(view.arrived_at), "" if waited is None else str(waited))
