"""Hours per person per pay period, for the office manager: the ``staff.hours`` report and
the time clock's dashboard card (who is clocked in, timesheets awaiting approval). Hours
only, never pay: ``hr.timesheets`` sees them, pay needs ``hr.payroll``."""

from __future__ import annotations

from collections.abc import Mapping

from medoffice.core import Context, DashboardCard
from medoffice.core.records import ReportResult

from . import pay_periods, timeclock
from .permissions import TIMESHEETS


def report(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """``staff.hours``: one row per person with hours in the period holding the day
    ``period`` (the last that ended by default): worked, regular, overtime, double, paid
    time off, and whether the timesheet is approved."""
    ctx.require(TIMESHEETS)
    period = pay_periods.chosen(ctx, params.get("period"))
    from .payroll import compute

    draft = compute(ctx, period)
    waiting = {staff_id for staff_id, _ in timeclock.awaiting_approval(ctx, period)}
    rows = [(line.staff, timeclock.hours_text(line.worked_minutes), timeclock.hours_text(line.regular_minutes),
             timeclock.hours_text(line.overtime_minutes), timeclock.hours_text(line.double_minutes),
             timeclock.hours_text(line.pto_minutes), "no" if line.staff_id in waiting else "yes")
            for line in draft.lines]
    worked = sum(line.worked_minutes for line in draft.lines)
    return ReportResult(f"Hours {period}", ("staff", "worked", "regular", "overtime", "double", "pto", "approved"),
                        rows, notes=f"{len(rows)} people, {timeclock.hours_text(worked)} hours worked, "
                                    f"{len(waiting)} timesheet(s) awaiting approval ({draft.overtime_rule} overtime)")


def cards(ctx: Context) -> list[DashboardCard]:
    """"Time clock": people clocked in now, and the last period's timesheets awaiting approval."""
    if not ctx.can(TIMESHEETS):
        return []
    period = pay_periods.last_ended(ctx)
    waiting = timeclock.awaiting_approval(ctx, period)
    clocked_in = timeclock.open_punch_count(ctx)
    if not waiting and not clocked_in:
        return []
    detail = (f"{len(waiting)} timesheet(s) of {period} to approve; medoffice timeclock approve"
              if waiting else f"timesheets of {period} approved")
    return [DashboardCard("Clocked in", str(clocked_in), detail, "warning" if waiting else "info")]
