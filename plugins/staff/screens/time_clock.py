"""The time clock, for everyone: where one stands (in, on a break, out; today's and the pay
period's hours) and this period's punches; ``i`` clocks in (or back from a break), ``b``
starts a break, ``o`` clocks out, ``r`` reads again. Keys typed ahead are done in order, one
at a time, each as ``medoffice timeclock in|break|out`` would. The screen follows other
terminals (the ``staff.timeclock`` topic)."""

from __future__ import annotations

from collections import deque
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Static

from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, LiveListScreen, message_of, run_call


def _hours(minutes: int | None) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}" if minutes else "-"


def _standing(ctx) -> Any:
    """The signed-in user's status and this period's punches, with their local times."""
    from ..timeclock import punches, status

    now = status(ctx)
    rows = [(p.id, f"{ctx.local(p.clock_in):%a %m-%d %H:%M}", f"{ctx.local(p.clock_out):%H:%M}" if p.clock_out else "",
             "break" if p.ended_for == "break" else "", _hours(p.minutes), p.reason or "")
            for p in punches(ctx, since=now.period_start, until=now.period_end)]
    since = f" since {ctx.local(now.since):%H:%M}" if now.since and now.state != "out" else ""
    return now, since, rows


def _punch(ctx, action: str) -> Any:
    from .. import timeclock

    if action == "in":
        return timeclock.clock_in(ctx)
    return timeclock.clock_out(ctx, for_break=action == "break")


class TimeClockScreen(LiveListScreen):
    """Clocking oneself in and out.

    Args:
        host: the staff plugin's host.
    """

    CSS_PATH = "timeclock.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "punch('in')", "Clock in", id="staff.timeclock.in"),
        Binding("b", "punch('break')", "Break", id="staff.timeclock.break"),
        Binding("o", "punch('out')", "Clock out", id="staff.timeclock.out"),
        Binding("r", "reload", "Reload", id="staff.timeclock.reload"),
    ]

    TOPICS = ("staff.timeclock",)
    LIST = "#punches"
    STATUS = "#clock-title"
    NOTIFY = True

    def __init__(self, host: ScreenHost) -> None:
        super().__init__(host)
        self.state: str | None = None
        """``in``, ``on break`` or ``out`` once loaded."""
        self.waiting: deque[str] = deque()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the time clock…", id="clock-title", classes="title", markup=False)
        yield DataTable(id="punches", cursor_type="row", zebra_stripes=True)
        yield Static("i clock in · b break · o clock out", id="clock-status", classes="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Time clock"
        table = self.query_one("#punches", DataTable)
        for label, width in (("#", 5), ("In", 15), ("Out", 5), ("", 5), ("Hours", 5), ("Note", 26)):
            table.add_column(label, width=width)

    def list_call(self) -> tuple[Any, ...]:
        return (_standing,)

    def loaded(self, found: Any) -> None:
        if not self.is_attached:
            return
        now, since, rows = found
        self.state = now.state
        self.query_one("#clock-title", Static).update(
            f"{now.staff}: {now.state}{since} · today {_hours(now.today_minutes)} · "
            f"period {now.period_start:%m-%d} to {now.period_end:%m-%d} {_hours(now.period_minutes)}")
        table = self.query_one("#punches", DataTable)
        table.clear()
        for row in rows:
            table.add_row(*(Text(str(v), justify="right") if i in (0, 4) else str(v) for i, v in enumerate(row)),
                          key=str(row[0]))

    def action_punch(self, action: str) -> None:
        self.waiting.append(action)
        self._next()

    def _next(self) -> None:
        if self.busy or not self.waiting:
            return
        self.busy = True
        run_call(self, self.host, _punch, self.waiting.popleft(), done=self._punched, failed=self._refused,
                 notify=False)

    def _punched(self, punch: Any) -> None:
        self.busy = False
        if self.is_attached:
            self.query_one("#clock-status", Static).update(f"punch {punch.id} saved")
            self.load()
        self._next()

    def _refused(self, error: BaseException) -> None:
        self.busy = False
        self.waiting.clear()  # what was typed after a refused punch no longer means what was meant
        if self.is_attached:
            self.query_one("#clock-status", Static).update(message_of(error))

    def action_reload(self) -> None:
        self.load()


__all__ = ["TimeClockScreen"]
