"""The payroll register of a pay period, for the office manager (``hr.payroll``): hours
regular, overtime, double and paid time off and the gross pay per person, the totals, and
what stops approval. ``[`` and ``]`` step to the previous and next period (typed ahead, they
add up), ``a`` approves (after a confirmation), ``o`` reopens an approved one (with a reason,
audited: its timesheets can then be corrected), ``r`` reads again. The CSV for the payroll
service is ``medoffice payroll register --format csv``."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Static

from medoffice.core.ui import ScreenHost
from medoffice.ui import ChoiceDialog, DataTable, Footer, LiveListScreen, ReasonDialog, message_of, run_call

APPROVE = "Approve the register"


def _register(ctx, offset: int) -> Any:
    """The register ``offset`` periods after the last that ended (negative: before)."""
    from .. import pay_periods, payroll

    rules = pay_periods.settings(ctx)
    period = pay_periods.last_ended(ctx)
    step = pay_periods.following if offset > 0 else pay_periods.previous
    for _ in range(abs(offset)):
        period = step(rules, period)
    return payroll.register(ctx, period=period.start)


def _approve(ctx, day: dt.date) -> Any:
    from ..payroll import approve

    return approve(ctx, period=day)


def _reopen(ctx, day: dt.date, reason: str) -> Any:
    from ..payroll import reopen

    return reopen(ctx, period=day, reason=reason)


class PayrollRegisterScreen(LiveListScreen):
    """One pay period's register.

    Args:
        host: the staff plugin's host.
    """

    CSS_PATH = "timeclock.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "step(-1)", "Earlier", key_display="[", id="staff.payroll.earlier"),
        Binding("right_square_bracket", "step(1)", "Later", key_display="]", id="staff.payroll.later"),
        Binding("a", "approve", "Approve", id="staff.payroll.approve"),
        Binding("o", "reopen", "Reopen", id="staff.payroll.reopen"),
        Binding("r", "reload", "Reload", id="staff.payroll.reload"),
    ]

    TOPICS = ("staff.timeclock",)
    LIST = "#register"
    STATUS = "#register-title"
    NOTIFY = True

    def __init__(self, host: ScreenHost) -> None:
        super().__init__(host)
        self.shift = 0
        """Periods from the last that ended: what ``[`` and ``]`` typed so far ask for."""
        self.shown: Any = None
        self.asked = 0
        self.note = ""
        """What the last approval said, shown until the manager moves on."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the register…", id="register-title", classes="title", markup=False)
        yield DataTable(id="register", cursor_type="row", zebra_stripes=True)
        yield Static("", id="register-status", classes="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Payroll register"
        table = self.query_one("#register", DataTable)
        for label, width in (("Staff", 20), ("Pay", 6), ("Reg", 6), ("OT", 6), ("Dbl", 5), ("PTO", 5),
                             ("Gross", 10)):
            table.add_column(label, width=width)

    def load(self) -> None:
        """Read the period asked for; an answer for a period asked before is dropped."""
        self.asked += 1
        asked, offset = self.asked, self.shift
        run_call(self, self.host, _register, offset, write=False, done=lambda found: self.show(found, asked),
                 failed=self.not_loaded)

    def show(self, found: Any, asked: int) -> None:
        if not self.is_attached or asked != self.asked:
            return  # a later period was asked for meanwhile
        from ..timeclock import hours

        self.shown = found
        self.query_one("#register-title", Static).update(
            f"{found.period_start} to {found.period_end} · {found.status}"
            + (f" by {found.approved_by}" if found.approved_by else "") + f" · {found.overtime_rule} overtime")
        table = self.query_one("#register", DataTable)
        table.clear()
        for line in found.lines:
            table.add_row(line.staff, line.pay_kind, *(Text(str(v), justify="right") for v in (
                line.regular_hours, line.overtime_hours, line.double_hours, line.pto_hours, f"{line.gross:,.2f}")),
                key=str(line.staff_id))
        totals = (f"{len(found.lines)} people · reg {hours(found.regular_minutes)} · OT "
                  f"{hours(found.overtime_minutes)} · dbl {hours(found.double_minutes)} · PTO "
                  f"{hours(found.pto_minutes)} · gross {found.gross:,.2f}")
        status = self.note or (f"to approve: {found.problems[0]}" if found.problems else totals)
        self.query_one("#register-status", Static).update(status)

    def action_step(self, step: int) -> None:
        self.shift += step
        self.note = ""
        self.load()

    def action_approve(self) -> None:
        found = self.shown
        if found is None or found.status == "approved":
            self.query_one("#register-status", Static).update(
                "approved already" if found is not None else "the register is still loading")
            return
        day = found.period_start

        def answered(choice: str | None) -> None:
            if choice == APPROVE:
                run_call(self, self.host, _approve, day, done=self.approved, failed=self.refused, notify=False)

        self.app.push_screen(ChoiceDialog(f"Approve the register {found.period_start} to {found.period_end}, gross "
                                          f"{found.gross:,.2f}?", [APPROVE, "Not now"]), answered)

    def action_reopen(self) -> None:
        found = self.shown
        if found is None or found.status != "approved":
            self.query_one("#register-status", Static).update(
                "not approved: nothing to reopen" if found is not None else "the register is still loading")
            return
        day = found.period_start

        def answered(reason: str | None) -> None:
            if reason:
                run_call(self, self.host, _reopen, day, reason, done=self.reopened, failed=self.refused,
                         notify=False)

        self.app.push_screen(ReasonDialog(f"Why reopen the register {found.period_start} to {found.period_end}? "
                                          "(Its expense stays booked.)"), answered)

    def reopened(self, found: Any) -> None:
        if self.is_attached:
            self.note = "reopened: a draft again, its timesheets can be corrected (approving again books no expense)"
            self.load()

    def approved(self, found: Any) -> None:
        if self.is_attached:
            booked = f", booked as expense {found.expense_id}" if found.expense_id else ""
            self.note = f"approved, gross {found.gross:,.2f}{booked}"
            self.load()

    def refused(self, error: BaseException) -> None:
        if self.is_attached:
            self.query_one("#register-status", Static).update(message_of(error))

    def action_reload(self) -> None:
        self.note = ""
        self.load()


__all__ = ["PayrollRegisterScreen"]
