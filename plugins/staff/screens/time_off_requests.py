"""Time off: the requests, the manager's decisions, and asking for one's own days.

The list shows the requests by first day: everyone's for a manager (``hr.rota``),
one's own for anyone else whose user is linked to a staff record. ``s`` shows one status at a
time (requested, approved, declined, cancelled, then all again). ``n`` asks for time off (a
form: first day, last day, reason; a manager also chooses whose). A manager approves the
highlighted request with ``a`` — the shifts and, for a provider, the appointments on those
days are then listed, to reassign — or declines it with ``d`` and a note. ``x`` cancels a
requested or approved one (one's own, or anyone's for a manager). Everything goes through
:mod:`..time_off`, as ``medoffice rota time-off …`` does.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from medoffice.core import Context, MedofficeError
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Field, Footer, FormDialog, NoticeDialog, ReasonDialog, fit, may, message_of, run_call

from ..permissions import ROTA
from . import log

STATUSES = (None, "requested", "approved", "declined", "cancelled")
"""What ``s`` steps through: None is every status."""

STATUS_STYLES = {"requested": "bold yellow", "approved": "green", "declined": "red", "cancelled": "dim strike"}


@attrs.frozen
class TimeOffList:
    """One load of the screen.

    Attributes:
        requests: the requests shown (``time_off.TimeOffRecord``), by first day.
        staff: (id, name) of the active staff a manager may enter a request for (empty for
            anyone else).
        problem: why there is no list (a user with no staff record), or None.
    """

    requests: tuple[Any, ...]
    staff: tuple[tuple[int, str], ...] = attrs.field(eq=False)
    problem: str | None = None


def time_off_list(ctx: Context, status: str | None) -> TimeOffList:
    """The requests the user may see, of ``status`` (None: all)."""
    from medoffice.core import ValidationError
    from medoffice.core.services import staff

    from .. import time_off

    people: tuple[tuple[int, str], ...] = ()
    if ctx.can(ROTA):
        people = tuple((p.id, p.name) for p in staff.list_staff(ctx))
    try:
        found = tuple(time_off.list_time_off(ctx, status=status))
    except ValidationError as error:  # not linked to a staff record: nothing of one's own
        return TimeOffList((), people, str(error))
    return TimeOffList(found, people)


class TimeOffScreen(Screen[None]):
    """Time-off requests: approve, decline, cancel, ask.

    Args:
        host: the staff plugin's host.
    """

    CSS_PATH = "time_off_requests.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "request", "Request", id="scheduling.time_off.request"),
        Binding("a", "approve", "Approve", id="scheduling.time_off.approve"),
        Binding("d", "decline", "Decline", id="scheduling.time_off.decline"),
        Binding("x", "cancel", "Cancel it", id="scheduling.time_off.cancel"),
        Binding("s", "status", "Status", id="scheduling.time_off.status"),
    ]
    DECIDING = frozenset({"approve", "decline"})
    """Actions for ``hr.rota`` only."""

    def __init__(self, host: ScreenHost) -> None:
        super().__init__()
        self.host = host
        self.status: str | None = None
        self.data: TimeOffList | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the requests…", id="time-off-title", markup=False)
        yield DataTable(id="requests", cursor_type="row", zebra_stripes=True)
        yield Static("", id="time-off-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Time off"
        table = self.query_one("#requests", DataTable)
        for label, width in (("#", 4), ("Staff", 14), ("From", 10), ("To", 10), ("Days", 4), ("Status", 9),
                             ("Reason / note", 13)):  # 78 columns with the cells' padding: 80 fit
            table.add_column(label, width=width)
        self.load()

    @work(thread=True, exclusive=True, group="scheduling-time-off", exit_on_error=False)
    def load(self) -> None:
        """Read the requests again, off the UI thread."""
        worker = get_current_worker()
        try:
            data = self.host.call(time_off_list, self.status, write=False)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("loading time off failed")
            self.host.notify_error(exc)
            message = str(exc) if isinstance(exc, MedofficeError) else "The requests could not load."
            self.app.call_from_thread(self.say, message)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show, data)

    def show(self, data: TimeOffList) -> None:
        """Show the requests, the cursor kept on the same row number."""
        if not self.is_attached:
            return
        self.data = data
        table = self.query_one("#requests", DataTable)
        row = table.cursor_row
        table.clear()
        for item in data.requests:
            words = item.decision_note if item.status in ("declined", "cancelled") and item.decision_note \
                else item.reason or ""
            table.add_row(str(item.id), fit(item.staff, 14), str(item.first_day), str(item.last_day), str(item.days),
                          Text(item.status, style=STATUS_STYLES.get(item.status, "")), fit(words, 13),
                          key=str(item.id))
        if data.requests:
            table.move_cursor(row=min(max(row, 0), len(data.requests) - 1), animate=False)
        waiting = sum(r.status == "requested" for r in data.requests)
        which = self.status or "all statuses"
        whose = "everyone's" if may(self.host, ROTA) else "yours"
        self.query_one("#time-off-title", Static).update(
            f"Time off ({whose}, {which})  ·  {len(data.requests)} request{'s' * (len(data.requests) != 1)}"
            + (f", {waiting} to decide" if waiting and may(self.host, ROTA) else ""))
        if data.problem:
            self.say(data.problem)

    def say(self, message: str) -> None:
        """One line under the list."""
        if self.is_attached:
            self.query_one("#time-off-message", Static).update(message)

    def selected(self) -> Any | None:
        """The request under the cursor, or None."""
        table = self.query_one("#requests", DataTable)
        if self.data is None or not self.data.requests or table.row_count == 0:
            return None
        row = table.cursor_row
        return self.data.requests[row] if 0 <= row < len(self.data.requests) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.DECIDING:
            return may(self.host, ROTA)
        return True

    # -- keys --------------------------------------------------------------------------------

    def action_status(self) -> None:
        """The next status to show (then all again)."""
        self.status = STATUSES[(STATUSES.index(self.status) + 1) % len(STATUSES)]
        self.load()

    def action_request(self) -> None:
        """Ask for time off: for oneself, or (a manager) for anyone."""
        from .. import time_off

        staff = self.data.staff if self.data is not None else ()
        fields = [Field("first_day", "First day", placeholder="YYYY-MM-DD"),
                  Field("last_day", "Last day", placeholder="YYYY-MM-DD (blank: the first day)"),
                  Field("reason", "Reason", placeholder="optional")]
        if staff:
            fields.insert(0, Field("staff", "Staff", options=((("(myself)", 0),) + tuple(
                (name, pid) for pid, name in staff))))

        def build(values: dict[str, Any]) -> Any:
            who = values.get("staff") or None
            return (time_off.request, (values["first_day"], values["last_day"] or None),
                    {"staff_id": who, "reason": values["reason"] or None})

        def asked(record: Any) -> None:
            if record is not None:
                self.say(f"Requested: {record.staff}, {record.first_day} to {record.last_day} (time off {record.id}).")
                self.load()

        self.host.push_screen(FormDialog(self.host, "Request time off", fields, build), asked)

    def action_approve(self) -> None:
        """Approve the highlighted request; list the shifts and appointments on those days."""
        from .. import time_off

        item = self.selected()
        if item is None:
            self.say("No request selected.")
            return

        def done(approval: Any) -> None:
            record = approval.time_off
            self.say(f"Approved {record.staff}, {record.first_day} to {record.last_day}.")
            self.load()
            lines = [f"shift {s.span} at {s.location} ({s.role})" for s in approval.shifts]
            lines += [f"appointment {a.start:%a %Y-%m-%d %H:%M} ({a.status})" for a in approval.appointments]
            if lines:
                self.host.push_screen(NoticeDialog(
                    f"Approved. {record.staff} is still on these; reassign them:", lines))

        run_call(self, self.host, time_off.approve, item.id, done=done,
                 failed=lambda error: self.say(f"Not approved: {message_of(error)}"))

    def action_decline(self) -> None:
        """Decline the highlighted request, with a note (required)."""
        from .. import time_off

        item = self.selected()
        if item is None:
            self.say("No request selected.")
            return

        def answered(note: str | None) -> None:
            if note is None:
                return

            def done(record: Any) -> None:
                self.say(f"Declined {record.staff}, {record.first_day} to {record.last_day}.")
                self.load()

            run_call(self, self.host, time_off.decline, item.id, note, done=done,
                     failed=lambda error: self.say(f"Not declined: {message_of(error)}"))

        self.host.push_screen(ReasonDialog(f"Why decline {item.staff}'s {item.first_day} to {item.last_day}?",
                                           "the note they will read"), answered)

    def action_cancel(self) -> None:
        """Cancel the highlighted request, saying why."""
        from .. import time_off

        item = self.selected()
        if item is None:
            self.say("No request selected.")
            return

        def answered(reason: str | None) -> None:
            if reason is None:
                return

            def done(record: Any) -> None:
                self.say(f"Cancelled {record.staff}, {record.first_day} to {record.last_day}.")
                self.load()

            run_call(self, self.host, time_off.cancel, item.id, reason, done=done,
                     failed=lambda error: self.say(f"Not cancelled: {message_of(error)}"))

        self.host.push_screen(ReasonDialog(f"Why cancel {item.staff}'s {item.first_day} to {item.last_day}?",
                                           "plans changed…"), answered)


__all__ = ["TimeOffList", "TimeOffScreen", "time_off_list"]
