"""The day board: one day's appointments and the patients' way through it, one key per step.

The board lists the day's appointments by provider (or by location, ``g``), optionally one
provider or location at a time (``f``): the provider's name is bold on the first row of its
group. The table takes every row the terminal has, and its columns the width: names are cut
only when the terminal is too narrow for them. On the selected row, ``c`` checks the patient
in, ``r`` puts them in a room (the choices say which rooms are free and who is in the
others), ``d`` completes the visit, ``n`` marks a no-show (after the practice's grace
period), ``u`` undoes the last of those steps, ``x`` cancels with a reason (and says to whom
the waitlist offered the time) and ``m`` reschedules through the slot finder; ``b`` books
someone new and Enter opens the patient's card. Every
step calls the same service as ``medoffice appointments …`` in a worker thread. Other
terminals' changes appear within about a second, without a key press: the board watches
``scheduling.appointments`` through ``host.watch`` and reloads when any terminal commits a
change, the cursor staying on the same appointment (and not while a dialog or the booking
flow covers it: once, when it is back). It also reloads every
:attr:`DayBoardScreen.refresh_seconds` for the clock's sake (the minutes waited).

The line under the board says what the last action did, in the desk's words (the patient's
name and time, never an id), and clears itself after :data:`MESSAGE_SECONDS`; a newer
message replaces it.

The footer offers a step only when the selected appointment allows it now (its status and
the rules of :mod:`..day_flow`); a dimmed key pressed says why in one line. Telling the
footer to look again costs a rebuild, so the board does it only when what it would offer
changes (another row, another status, another day), not on every reload. An empty day says
so, with the keys to move days and to book.

What the board reads, and how one row reads, are in :mod:`.day_board_rows`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from medoffice.core import MedofficeError
from medoffice.core.ui import ScreenHost
from medoffice.ui import ChoiceDialog, DataTable, Footer, ReasonDialog, may, message_of, run_call

from .. import day_flow
from ..permissions import BOOK, OVERBOOK
from ._shared import clock, day_title, log
from .day_board_rows import (COLUMNS, NARROW, WAITING, BoardData, board_data, column_widths, desk_name, row_cells,
                             waiting_minutes)

DAYS = Binding.Group("Day")
"""``[`` and ``]`` share one label in the footer, so that the board's keys fit 80 columns
(``t``, today, is in F1's list and in the empty day's hint)."""

MESSAGE_SECONDS = 12.0
"""How long a message stays under the board (a waitlist offer's, twice as long)."""

STEP_KINDS = {"check_in": "checked_in", "room": "roomed", "complete": "completed", "no_show": "no_show",
              "cancel": "cancelled"}
"""The board's actions that take a step of the day's flow -> the step (``day_flow.STEPS``)."""

ROW_ACTIONS = (*STEP_KINDS, "undo", "reschedule")
"""Actions on the selected appointment: offered only when it allows them."""


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
        Binding("u", "undo", "Undo", show=False, id="scheduling.board.undo"),  # each step's message says u
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
    ACTING = frozenset({"check_in", "room", "complete", "no_show", "undo", "cancel", "reschedule", "book"})
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
        self._widths: dict[str, int] | None = None
        self._message_timer: Any = None
        self._offered: tuple[bool, ...] | None = None
        """What the footer was last told to offer (see :meth:`_refresh_offered`)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the day…", id="board-title", markup=False)
        yield DataTable(id="board", cursor_type="row", zebra_stripes=True)
        notice = Static("", id="board-empty", markup=False)
        notice.display = False  # shown only on an empty day: the table has every row until then
        yield notice
        message = Static("", id="board-message", markup=False)
        message.display = False  # until there is something to say
        yield message
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

    def on_screen_resume(self) -> None:
        """Shown again (back from the waitlist, a card, another section): read the day again,
        in case what happened meanwhile did not come through the change feed."""
        if self.data is not None:
            self.load()
            live = getattr(self, "_live", None)
            if live is not None:  # this read covers a change the feed still holds for us
                live.caught_up()

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
        widths = column_widths(self.size.width, rows, narrow)
        signature = (narrow, tuple(widths.values()), data.now.replace(second=0, microsecond=0), tuple(rows))
        self._update_title(data, rows)
        self._show_empty(data, rows)
        if signature == self._signature:
            self._refresh_offered()  # the same rows, but a later minute may allow a no-show
            return  # nothing changed: leave the table (and the cursor) alone
        table = self.query_one("#board", DataTable)
        selected = self.selected()
        if (narrow, widths) != (self._narrow, self._widths):
            table.clear(columns=True)
            for key, (short, long, _, _) in COLUMNS.items():
                table.add_column(short if narrow else long, width=widths[key], key=key)
            self._narrow, self._widths = narrow, widths
        else:
            table.clear()
        previous = None
        for view in rows:
            group = self._group_of(view)
            table.add_row(*row_cells(view, data, widths, first_of_group=group != previous), key=str(view.id))
            previous = group
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
        if table.display == empty or notice.display != empty:
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
        """A wider or narrower terminal: the columns take the new width."""
        if self.data is not None and column_widths(self.size.width, self.shown, self.size.width < NARROW) \
                != self._widths:
            self.show(self.data)

    def say(self, message: str, *, seconds: float | None = None) -> None:
        """Show one line under the board (the last action's outcome), replacing the one before,
        for ``seconds`` (default :data:`MESSAGE_SECONDS`)."""
        if not self.is_attached:
            return
        line = self.query_one("#board-message", Static)
        line.update(message)
        line.display = bool(message)  # an empty line gives its row back to the table
        if self._message_timer is not None:
            self._message_timer.stop()
        wait = MESSAGE_SECONDS if seconds is None else seconds
        self._message_timer = self.set_timer(wait, lambda: self.say("")) if message else None

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
        who = day_flow.named(desk_name(view), view.start)
        status = day_flow.STATUS_WORDS.get(view.status, view.status)
        if action == "reschedule":
            return None if view.status == "booked" else f"only a booked appointment moves; {who} is {status}"
        if action == "undo":
            return None if view.status in day_flow.UNDOABLE else f"{who} is {status}: there is no step to undo"
        kind = STEP_KINDS[action]
        now = self.data.now
        return (day_flow.status_refusal(kind, who, view.status)
                or day_flow.refusal(kind, who, view.start, now, now.tzinfo, self.data.grace))

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

    def _act(self, fn: Callable[..., Any], verb: str, *args: Any, undo_hint: bool = True,
             told: Callable[[Any, Any], str] | None = None, **options: Any) -> None:
        """Call ``fn`` on the selected appointment; say what it did (``told(view, result)``, by
        default ``{verb} Ann Lee (09:00 Check-up).``), or why not, in the desk's words."""
        view = self.selected()
        if view is None:
            self.say("No appointment selected.")
            return
        name = desk_name(view)
        self.say(f"{verb} {name}…")

        def done(result: Any) -> None:
            if told is not None:
                self.say(told(view, result), seconds=2 * MESSAGE_SECONDS)
            else:
                hint = "   u: undo" if undo_hint and may(self.host, BOOK) else ""
                self.say(f"{verb} {name} ({clock(view.start)} {view.appointment_type}).{hint}")
            self.load()

        def failed(error: BaseException) -> None:
            self.say(f"Not done: {message_of(error)}")
            self.load()

        run_call(self, self.host, fn, view.id, *args, done=done, failed=failed, **options)

    # -- keys --------------------------------------------------------------------------------

    def action_check_in(self) -> None:
        """The patient is here: record the arrival time (however late, on the day)."""
        self._act(day_flow.check_in, "Checked in")

    def room_choices(self, view: Any) -> list[tuple[str, str]]:
        """(label, room) for each room of the appointment's location: free, or who is in it."""
        assert self.data is not None
        choices = []
        for name in self.data.rooms.get(view.location or "", ()):
            occupant = self.data.occupants.get(name)
            if occupant is None or occupant.appointment_id == view.id:
                choices.append((f"{name}   free", name))
            else:
                since = f" since {occupant.since:%H:%M}" if occupant.since else ""
                choices.append((f"{name}   taken: {occupant.patient}{since}", name))
        return choices

    def action_room(self) -> None:
        """The patient goes into a room: choose one of the location's rooms (the first free one
        is highlighted)."""
        view = self.selected()
        if view is None or self.data is None:
            self.say("No appointment selected.")
            return
        choices = self.room_choices(view)
        if not choices:
            self._act(day_flow.room, "Roomed")
            return

        rooms = dict(choices)  # in the location's order, so a room is always in the same place
        current = next((label for label, name in choices if name == view.room), None) or \
            next((label for label, _ in choices if "taken:" not in label), None)  # else the first free one

        def chosen(label: str | None) -> None:
            if label is None:
                return
            name = rooms[label]
            occupant = self.data.occupants.get(name) if self.data is not None else None
            if occupant is None or occupant.appointment_id == view.id or not may(self.host, OVERBOOK):
                self._act(day_flow.room, f"In {name}:", name)  # a taken room is refused, naming who is in it
                return

            def shared(reason: str | None) -> None:
                if reason is not None:
                    self._act(day_flow.room, f"In {name} with {occupant.patient}:", name, override_reason=reason)

            self.host.push_screen(ReasonDialog(f"{occupant.patient} is in {name}. Why share it?",
                                               "mother and child, interpreter…"), shared)

        self.host.push_screen(ChoiceDialog(f"Which room for {desk_name(view)}?", list(rooms), current=current),
                              chosen)

    def action_complete(self) -> None:
        """The visit is over; its room is free."""
        self._act(day_flow.complete, "Done:")

    def action_no_show(self) -> None:
        """The patient did not come (after the grace period); the slot is free again."""
        self._act(day_flow.no_show, "No-show:")

    def action_undo(self) -> None:
        """Take back the selected appointment's last step (check-in, room, done, no-show)."""
        def told(view: Any, undone: Any) -> str:
            step = day_flow.STEP_NAMES[undone.step]
            status = day_flow.STATUS_WORDS[undone.appointment.status]
            return f"Undid the {step} of {desk_name(view)} ({clock(view.start)}): {status} again."

        self._act(day_flow.undo, "Undoing the last step of", told=told)

    def action_cancel(self) -> None:
        """Cancel the appointment, asking why; say to whom the waitlist offered the time."""

        view = self.selected()
        if view is None:
            self.say("No appointment selected.")
            return

        def told(view: Any, cancelled: Any) -> str:
            line = f"Cancelled {desk_name(view)} ({clock(view.start)} {view.appointment_type})."
            offers = [f"{o.patient} ({o.appointment_type}, {o.start:%a %H:%M} with {o.provider})"
                      for o in cancelled.offers]
            return line + (f" Offered the time to {', '.join(offers)} from the waitlist." if offers else "")

        def answered(reason: str | None) -> None:
            if reason is not None:
                self._act(day_flow.cancel, "Cancelling", reason, told=told)

        self.host.push_screen(ReasonDialog(f"Why is {desk_name(view)}'s {clock(view.start)} cancelled?",
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
