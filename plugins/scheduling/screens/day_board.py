"""The day board: one day's appointments and the patients' way through it, one key per step.

The board lists the day's appointments by provider (or by location, ``g``), optionally one
provider or location at a time (``f``). On the selected row, ``c`` checks the patient in,
``r`` puts them in a room, ``d`` completes the visit, ``n`` marks a no-show, ``x`` cancels
with a reason and ``m`` reschedules through the slot finder; ``b`` books someone new and
Enter opens the patient's card. Every
step calls the same service as ``medoffice appointments …`` in a worker thread. Other
terminals' changes appear within about a second, without a key press: the board watches
``scheduling.appointments`` through ``host.watch`` and reloads when any terminal commits a
change, the cursor staying on the same appointment (and not while a dialog or the booking
flow covers it: once, when it is back). It also reloads every
:attr:`DayBoardScreen.refresh_seconds` for the clock's sake (the minutes waited).

The footer offers a step only when the selected appointment allows it now (its status and
the rules of :mod:`..day_flow`); a dimmed key pressed says why in one line. Telling the
footer to look again costs a rebuild, so the board does it only when what it would offer
changes (another row, another status, another day), not on every reload. An empty day says
so, with the keys to move days and to book.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import attrs
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from medoffice.core import Context, MedofficeError
from medoffice.core.ui import ScreenHost

from .. import booking, catalogue, day_flow
from ._shared import BOOK, clock, day_title, log, may, run_call, status_text, type_text

DAYS = Binding.Group("Day")
"""``[`` and ``]`` share one label in the footer, so that the board's keys fit 80 columns
(``t``, today, is in F1's list and in the empty day's hint)."""

NARROW = 100
"""Terminals narrower than this get the compact columns (80 columns fit)."""

COLUMNS = {
    # key: (narrow header, narrow width, wide header, wide width)
    "time": ("Time", 5, "Time", 5),
    "patient": ("Patient", 14, "Patient", 24),
    "type": ("Type", 9, "Type", 14),
    "provider": ("Provider", 10, "Provider", 16),
    "room": ("Room", 6, "Room", 10),
    "status": ("Status", 9, "Status", 9),
    "arrived": ("Arr.", 5, "Arrived", 7),
    "wait": ("Wait", 4, "Waiting", 7),
}

WAITING = ("arrived",)
"""Statuses whose waiting time still grows."""

STEP_KINDS = {"check_in": "checked_in", "room": "roomed", "complete": "completed", "no_show": "no_show",
              "cancel": "cancelled"}
"""The board's actions that take a step of the day's flow -> the step (``day_flow.STEPS``)."""

ROW_ACTIONS = (*STEP_KINDS, "reschedule")
"""Actions on the selected appointment: offered only when it allows them."""


@attrs.frozen
class BoardData:
    """What one load of the board brings back, read in one unit of work.

    Attributes:
        day: the day shown.
        now: the practice's local time when it was read.
        appointments: the day's appointments (``booking.AppointmentView``), by start time.
        colours: appointment type name -> its colour.
        rooms: location name -> its rooms' names.
    """

    day: dt.date
    now: dt.datetime
    appointments: tuple[Any, ...]
    colours: dict[str, str] = attrs.field(eq=False)
    rooms: dict[str, tuple[str, ...]] = attrs.field(eq=False)


def board_data(ctx: Context, day: dt.date | None) -> BoardData:
    """The board for local ``day`` (None: today), as the services give it."""
    now = ctx.local(ctx.now())
    day = day or now.date()
    appointments = tuple(booking.day(ctx, day))
    colours = {t.name: t.colour for t in catalogue.list_types(ctx)}
    rooms = {loc.name: tuple(r.name for r in loc.rooms) for loc in ctx.practice.locations}
    return BoardData(day, now, appointments, colours, rooms)


def waiting_minutes(view: Any, now: dt.datetime) -> int | None:
    """Minutes waited: still counting for a patient who arrived and is not yet in a room."""
    if view.status in WAITING and view.arrived_at is not None:
        return max(0, int((now - view.arrived_at).total_seconds() // 60))
    return view.waiting_minutes


def row_cells(view: Any, data: BoardData, widths: dict[str, int]) -> tuple[Any, ...]:
    """One appointment as the board's cells, cut to the column widths."""
    def fit(text: str | None, key: str) -> str:
        text = text or ""
        width = widths[key]
        return text if len(text) <= width else text[: width - 1] + "…"

    waited = waiting_minutes(view, data.now)
    kind = type_text(fit(view.appointment_type, "type"), data.colours.get(view.appointment_type))
    patient = Text(fit(view.patient, "patient"))
    if view.overbooked:
        patient.stylize("italic")
    return (clock(view.start), patient, kind, fit(view.provider, "provider"), fit(view.room, "room"),
            status_text(view.status), clock(view.arrived_at), "" if waited is None else str(waited))


class DayBoardScreen(Screen[None]):
    """The day's appointments per provider or location, with a key for each step of the day.

    Args:
        host: the scheduling plugin's host.
        day: the day to show first (default: the practice's today).
    """

    CSS_PATH = "day_board.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "check_in", "Check in", id="scheduling.board.check_in"),
        Binding("r", "room", "Room", id="scheduling.board.room"),
        Binding("d", "complete", "Done", id="scheduling.board.complete"),
        Binding("n", "no_show", "No-show", id="scheduling.board.no_show"),
        Binding("x", "cancel", "Cancel", id="scheduling.board.cancel"),
        Binding("m", "reschedule", "Move", id="scheduling.board.reschedule"),
        Binding("b", "book", "Book", id="scheduling.board.book"),
        Binding("left_square_bracket", "previous_day", "Previous day", key_display="[",
                id="scheduling.board.previous_day", group=DAYS),
        Binding("right_square_bracket", "next_day", "Next day", key_display="]", id="scheduling.board.next_day",
                group=DAYS),
        Binding("left", "previous_day", "Previous day", show=False, priority=True),
        Binding("right", "next_day", "Next day", show=False, priority=True),
        Binding("t", "today", "Today", show=False, id="scheduling.board.today"),
        Binding("g", "group", "Provider/location", show=False, id="scheduling.board.group"),
        Binding("f", "filter", "One provider/location", show=False, id="scheduling.board.filter"),
    ]
    ACTING = frozenset({"check_in", "room", "complete", "no_show", "cancel", "reschedule", "book"})
    """Actions that change appointments: they need ``scheduling.book``."""

    refresh_seconds: float = 30.0
    """How often the board reloads for the clock (the minutes waited, a no-show allowed once
    the appointment has begun); other terminals' changes come through ``host.watch``."""

    def __init__(self, host: ScreenHost, day: dt.date | None = None) -> None:
        super().__init__()
        self.host = host
        self.day = day
        self.data: BoardData | None = None
        self.grouping = "provider"
        self.only: str | None = None
        self.shown: list[Any] = []
        self._signature: tuple[Any, ...] | None = None
        self._narrow: bool | None = None
        self._offered: tuple[bool, ...] | None = None
        """What the footer was last told to offer (see :meth:`_refresh_offered`)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the day…", id="board-title", markup=False)
        yield DataTable(id="board", cursor_type="row", zebra_stripes=True)
        yield Static("", id="board-empty", markup=False)
        yield Static("", id="board-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Day board"
        self.set_interval(self.refresh_seconds, self.load)
        self._live = self.host.watch(self, ["scheduling.appointments"], self.load)
        self.load()

    def on_unmount(self) -> None:
        live = getattr(self, "_live", None)
        if live is not None:
            live.stop()

    # -- loading -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="day-board", exit_on_error=False)
    def load(self) -> None:
        """Read the board's day again, off the UI thread."""
        worker = get_current_worker()
        try:
            data = self.host.call(board_data, self.day, write=False)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("loading the day board failed")
            self.host.notify_error(exc)
            message = str(exc) if isinstance(exc, MedofficeError) else "The board could not load."
            self.app.call_from_thread(self.say, message)
            return
        if not worker.is_cancelled:  # a newer load (another day) is on its way
            self.app.call_from_thread(self.show, data)

    def show(self, data: BoardData) -> None:
        """Show ``data``, keeping the cursor on the appointment it was on."""
        if not self.is_attached:
            return
        self.data = data
        self.day = data.day
        rows = self.visible(data)
        narrow = self.size.width < NARROW
        widths = {key: spec[1] if narrow else spec[3] for key, spec in COLUMNS.items()}
        signature = (narrow, data.now.replace(second=0, microsecond=0), tuple(rows))
        self._update_title(data, rows)
        self._show_empty(data, rows)
        if signature == self._signature:
            self._refresh_offered()  # the same rows, but a later minute may allow a no-show
            return  # nothing changed: leave the table (and the cursor) alone
        table = self.query_one("#board", DataTable)
        selected = self.selected()
        if narrow != self._narrow:
            table.clear(columns=True)
            for key, (short, short_width, long, long_width) in COLUMNS.items():
                table.add_column(short if narrow else long, width=short_width if narrow else long_width, key=key)
            self._narrow = narrow
        else:
            table.clear()
        for view in rows:
            table.add_row(*row_cells(view, data, widths), key=str(view.id))
        self.shown = rows
        self._signature = signature
        if selected is not None:
            index = next((i for i, v in enumerate(rows) if v.id == selected.id), None)
            if index is not None:
                table.move_cursor(row=index, animate=False)
        self._refresh_offered()

    def _show_empty(self, data: BoardData, rows: Sequence[Any]) -> None:
        """On a day with nothing to list, say so and how to move on, instead of a bare table."""
        empty = not rows
        table, notice = self.query_one("#board", DataTable), self.query_one("#board-empty", Static)
        if empty:
            day = day_title(data.day, data.now.date())
            key = self.host.screen_key("scheduling.book")
            book = f"   b{f' or {key}' if key else ''}: book an appointment" if may(self.host, BOOK) else ""
            notice.update(f"No appointments on {day}.\n\n[ and ]: the day before and after   t: today{book}")
        if table.display == empty:
            table.display, notice.display = not empty, empty
            if not empty:
                table.focus()  # it lost the focus while hidden

    def _refresh_offered(self) -> None:
        """Have the footer look at the keys again, only if what they offer has changed."""
        offered = tuple(self.check_action(action, ()) is True for action in ROW_ACTIONS)
        if offered != self._offered:
            self._offered = offered
            self.refresh_bindings()

    def visible(self, data: BoardData) -> list[Any]:
        """The rows shown: the chosen provider's or location's (or all), grouped, by time."""
        key = self._group_of
        rows = [v for v in data.appointments if self.only is None or key(v) == self.only]
        return sorted(rows, key=lambda v: (key(v), v.start, v.id))

    def _group_of(self, view: Any) -> str:
        return (view.provider if self.grouping == "provider" else view.location) or ""

    def groups(self) -> list[str]:
        """The providers (or locations) with appointments on the day, by name."""
        if self.data is None:
            return []
        return sorted({self._group_of(v) for v in self.data.appointments})

    def _update_title(self, data: BoardData, rows: Sequence[Any]) -> None:
        which = self.only or f"all {'providers' if self.grouping == 'provider' else 'locations'}"
        waiting = sum(v.status in WAITING for v in rows)
        count = f"{len(rows)} appointment{'s' * (len(rows) != 1)}" + (f", {waiting} waiting" if waiting else "")
        self.query_one("#board-title", Static).update(f"{day_title(data.day, data.now.date())}  ·  {count}  ·  {which}")

    def on_resize(self) -> None:
        if self.data is not None and (self.size.width < NARROW) != self._narrow:
            self.show(self.data)

    def say(self, message: str) -> None:
        """Show one line under the board (the last action's outcome)."""
        if self.is_attached:
            self.query_one("#board-message", Static).update(message)

    # -- the selected appointment ------------------------------------------------------------

    def selected(self) -> Any | None:
        """The appointment under the cursor, or None when the board is empty."""
        if not self.shown or not self.is_mounted:
            return None
        table = self.query_one("#board", DataTable)
        if table.row_count == 0:
            return None
        row = table.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Acting keys need ``scheduling.book`` (hidden without it); a step is offered (not
        dimmed) when the selected appointment allows it now."""
        if action in self.ACTING and not may(self.host, BOOK):
            return False
        if action in ROW_ACTIONS:
            return True if self.why_not(action) is None else None
        return True

    def why_not(self, action: str) -> str | None:
        """Why ``action`` is not offered on the selected appointment, in one line, or None."""
        view = self.selected()
        if view is None or self.data is None:
            return "no appointment selected"
        if action == "reschedule":
            return None if view.status == "booked" else \
                f"only a booked appointment moves; appointment {view.id} is {view.status.replace('_', ' ')}"
        kind = STEP_KINDS[action]
        now = self.data.now
        return (day_flow.status_refusal(kind, view.id, view.status)
                or day_flow.refusal(kind, view.id, view.start, now, now.tzinfo))

    def on_key(self, event: events.Key) -> None:
        """A dimmed step's key says why it is not offered (the binding itself does nothing)."""
        active = self.active_bindings.get(event.key)
        if active is not None and not active.enabled and active.binding.action in ROW_ACTIONS:
            reason = self.why_not(active.binding.action)
            if reason:
                self.say(f"Not offered: {reason}")

    @on(DataTable.RowHighlighted, "#board")
    def _row_moved(self) -> None:
        self._refresh_offered()

    def _act(self, fn: Callable[..., Any], verb: str, *args: Any) -> None:
        view = self.selected()
        if view is None:
            self.say("No appointment selected.")
            return
        self.say(f"{verb} {view.patient}…")

        def done(_: Any) -> None:
            self.say(f"{verb} {view.patient} ({clock(view.start)} {view.appointment_type}).")
            self.load()

        def failed(message: str) -> None:
            self.say(f"Not done: {message}")
            self.load()

        run_call(self, self.host, fn, view.id, *args, done=done, failed=failed)

    # -- keys --------------------------------------------------------------------------------

    def action_check_in(self) -> None:
        """The patient is here: record the arrival time."""

        self._act(booking.check_in, "Checked in")

    def action_room(self) -> None:
        """The patient goes into a room: choose one of the location's rooms."""

        view = self.selected()
        if view is None or self.data is None:
            self.say("No appointment selected.")
            return
        rooms = self.data.rooms.get(view.location or "", ())
        if not rooms:
            self._act(booking.room, "Roomed")
            return
        from .dialogs import ChoiceDialog

        def chosen(name: str | None) -> None:
            if name is not None:
                self._act(booking.room, f"In {name}:", name)

        self.host.push_screen(ChoiceDialog(f"Which room for {view.patient}?", rooms, current=view.room), chosen)

    def action_complete(self) -> None:
        """The visit is over."""

        self._act(booking.complete, "Completed")

    def action_no_show(self) -> None:
        """The patient did not come; the slot is free again."""

        self._act(booking.no_show, "No-show:")

    def action_cancel(self) -> None:
        """Cancel the appointment, asking why."""
        from .dialogs import ReasonDialog

        view = self.selected()
        if view is None:
            self.say("No appointment selected.")
            return

        def answered(reason: str | None) -> None:
            if reason is not None:
                self._act(booking.cancel, "Cancelled", reason)

        self.host.push_screen(ReasonDialog(f"Why is {view.patient}'s {clock(view.start)} cancelled?",
                                           "patient called, provider ill…"), answered)

    def action_reschedule(self) -> None:
        """Find another slot of the same type for the appointment."""
        from .booking import BookingScreen

        view = self.selected()
        if view is None:
            self.say("No appointment selected.")
            return
        self.host.push_screen(BookingScreen(self.host, reschedule=view), self._after_booking)

    def action_book(self) -> None:
        """Book an appointment (from the board's day on, if it is not past)."""
        from .booking import BookingScreen

        self.host.push_screen(BookingScreen(self.host, start_day=self.day), self._after_booking)

    def _after_booking(self, record: Any) -> None:
        if record is not None:
            self.load()

    def _go_to(self, day: dt.date | None) -> None:
        self.day = day
        self._signature = None
        self.query_one("#board-title", Static).update("Loading the day…")
        self.load()

    def action_previous_day(self) -> None:
        """The day before."""
        if self.day is not None:
            self._go_to(self.day - dt.timedelta(days=1))

    def action_next_day(self) -> None:
        """The day after."""
        if self.day is not None:
            self._go_to(self.day + dt.timedelta(days=1))

    def action_today(self) -> None:
        """Back to today."""
        self._go_to(None)

    def action_group(self) -> None:
        """Group by provider or by location."""
        self.grouping = "location" if self.grouping == "provider" else "provider"
        self.only = None
        if self.data is not None:
            self.show(self.data)

    def action_filter(self) -> None:
        """Show one provider (or location) at a time: all, the first, the next… then all."""
        groups = self.groups()
        if self.only in groups and groups.index(self.only) + 1 < len(groups):
            self.only = groups[groups.index(self.only) + 1]
        else:
            self.only = groups[0] if self.only is None and groups else None
        if self.data is not None:
            self.show(self.data)

    @on(DataTable.RowSelected, "#board")
    def _row_chosen(self) -> None:
        """Enter on a row opens the patient's card."""
        from medoffice.core.services import patients

        view = self.selected()
        if view is not None:
            run_call(self, self.host, patients.get, view.mrn, write=False, done=self.host.open_patient)


__all__ = ["BoardData", "DayBoardScreen", "board_data", "waiting_minutes"]
