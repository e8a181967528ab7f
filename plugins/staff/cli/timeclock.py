"""``medoffice timeclock …``: clocking oneself in and out, a manager's corrections, paid time
off and timesheets. Times are typed and shown in the practice's zone."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import on_first_use

service = on_first_use("timeclock")


@click.group()
def timeclock() -> None:
    """The time clock: clock in, out and for a break; punches, corrections, paid time off, timesheets."""


def _at(ctx, moment) -> str:
    return f"{ctx.local(moment):%Y-%m-%d %H:%M}" if moment else ""


def _punch_line(ctx, p) -> str:
    span = f"{_at(ctx, p.clock_in)} to " + (f"{ctx.local(p.clock_out):%H:%M}" if p.clock_out else "(still in)")
    return f"punch {p.id}: {p.staff}, {span}" + (f" ({p.ended_for})" if p.ended_for == "break" else "")


def _hours(minutes) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}" if minutes else "-"


@timeclock.command("in")
@json_option
def clock_in(as_json: bool) -> None:
    """Clock yourself in (or back from a break), now."""
    with operation() as ctx:
        record = service.clock_in(ctx)
        text = f"{record.staff} clocked in at {ctx.local(record.clock_in):%H:%M} (punch {record.id})"
    emit(record, as_json=as_json, human=lambda _r: say(text))


@timeclock.command("out")
@json_option
def clock_out(as_json: bool) -> None:
    """Clock yourself out for the day, now."""
    with operation() as ctx:
        record = service.clock_out(ctx)
        text = f"{record.staff} clocked out at {ctx.local(record.clock_out):%H:%M}, {_hours(record.minutes)} on punch {record.id}"
    emit(record, as_json=as_json, human=lambda _r: say(text))


@timeclock.command("break")
@json_option
def clock_break(as_json: bool) -> None:
    """Start an unpaid break, now (``medoffice timeclock in`` ends it)."""
    with operation() as ctx:
        record = service.clock_out(ctx, for_break=True)
        text = f"{record.staff} on a break from {ctx.local(record.clock_out):%H:%M} (clock in to come back)"
    emit(record, as_json=as_json, human=lambda _r: say(text))


@timeclock.command("status")
@click.option("--staff", "staff_id", type=RECORD_ID, help="A staff member's (managers).")
@click.option("--everyone", is_flag=True, help="Everyone clocked in now (managers).")
@json_option
def status(staff_id, everyone: bool, as_json: bool) -> None:
    """Whether you are clocked in, on a break or out, with today's and the period's hours."""
    if everyone and staff_id is not None:
        raise click.UsageError("give --staff or --everyone, not both")
    with operation(write=False) as ctx:
        found = service.who_is_in(ctx) if everyone else service.status(ctx, staff_id)
        rows = found if everyone else [found]
        lines = [(s.staff, s.state, _at(ctx, s.since), _hours(s.today_minutes), _hours(s.period_minutes))
                 for s in rows]
    emit(found, as_json=as_json, human=lambda _r: table(lines, ("staff", "now", "since", "today", "period")))


@timeclock.command("punches")
@click.option("--staff", "staff_id", type=RECORD_ID, help="A staff member's (managers).")
@click.option("--everyone", is_flag=True, help="Everyone's (managers).")
@click.option("--since", help="First day (YYYY-MM-DD; the pay period's first by default).")
@click.option("--until", help="Last day (YYYY-MM-DD; the pay period's last by default).")
@click.option("--voided", is_flag=True, help="Voided and corrected punches too.")
@json_option
def punches(staff_id, everyone: bool, since, until, voided: bool, as_json: bool) -> None:
    """Punches: yours, or a staff member's or everyone's (managers)."""
    if everyone and staff_id is not None:
        raise click.UsageError("give --staff or --everyone, not both")
    with operation(write=False) as ctx:
        found = service.punches(ctx, staff_id=0 if everyone else staff_id, since=since, until=until,
                                include_voided=voided)
        rows = [(p.id, p.staff, _at(ctx, p.clock_in), _at(ctx, p.clock_out), p.ended_for or "",
                 _hours(p.minutes or 0), p.entered_by,
                 f"void: {p.void_reason}" if p.voided_at else (f"{p.reason}" if p.reason else ""))
                for p in found]
    emit(found, as_json=as_json, human=lambda _r: table(rows, ("id", "staff", "in", "out", "ended", "hours", "by",
                                                              "note")))


@timeclock.command("add")
@click.argument("staff_id", type=RECORD_ID)
@click.option("--in", "clock_in", required=True, help="Clocked in at (YYYY-MM-DD HH:MM).")
@click.option("--out", "clock_out", help="Clocked out at (YYYY-MM-DD HH:MM; none: still in).")
@click.option("--break", "for_break", is_flag=True, help="The punch ended for a break.")
@click.option("--reason", required=True, help="Why it is entered by hand.")
@json_option
def add(staff_id: int, clock_in: str, clock_out, for_break: bool, reason: str, as_json: bool) -> None:
    """Enter a punch STAFF_ID forgot (a manager; audited)."""
    with operation() as ctx:
        record = service.add_punch(ctx, staff_id, clock_in=clock_in, clock_out=clock_out, reason=reason,
                                   ended_for="break" if for_break else "out")
        text = "added " + _punch_line(ctx, record)
    emit(record, as_json=as_json, human=lambda _r: say(text))


@timeclock.command("correct")
@click.argument("punch_id", type=RECORD_ID)
@click.option("--in", "clock_in", help="The right clock-in (YYYY-MM-DD HH:MM).")
@click.option("--out", "clock_out", help="The right clock-out (YYYY-MM-DD HH:MM).")
@click.option("--reason", required=True, help="Why it is corrected.")
@json_option
def correct(punch_id: int, clock_in, clock_out, reason: str, as_json: bool) -> None:
    """Correct a punch (a manager): the original is voided and kept, audited."""
    if clock_in is None and clock_out is None:
        raise click.UsageError("give --in, --out or both")
    with operation() as ctx:
        record = service.correct(ctx, punch_id, clock_in=clock_in, clock_out=clock_out, reason=reason)
        text = f"corrected punch {punch_id}: " + _punch_line(ctx, record)
    emit(record, as_json=as_json, human=lambda _r: say(text))


@timeclock.command("void")
@click.argument("punch_id", type=RECORD_ID)
@click.option("--reason", required=True, help="Why it does not count.")
@json_option
def void(punch_id: int, reason: str, as_json: bool) -> None:
    """Void a punch made in error (a manager): kept on file, no longer counted."""
    with operation() as ctx:
        record = service.void(ctx, punch_id, reason=reason)
    emit(record, as_json=as_json, human=lambda r: say(f"voided punch {r.id} of {r.staff}"))


@timeclock.command("pto")
@click.argument("staff_id", type=RECORD_ID)
@click.option("--day", required=True, help="The day off (YYYY-MM-DD).")
@click.option("--hours", required=True, help="Paid hours: 8, 7.5 or 7:30.")
@click.option("--reason", help="Vacation, sick, holiday…")
@json_option
def pto(staff_id: int, day: str, hours: str, reason, as_json: bool) -> None:
    """Put paid time off hours on STAFF_ID's timesheet (a manager)."""
    with operation() as ctx:
        record = service.add_pto(ctx, staff_id, day=day, hours=hours, reason=reason)
    emit(record, as_json=as_json, human=lambda r: say(
        f"paid time off {r.id}: {r.staff}, {_hours(r.minutes)} on {r.day}"))


@timeclock.command("void-pto")
@click.argument("pto_id", type=RECORD_ID)
@click.option("--reason", required=True)
@json_option
def void_pto(pto_id: int, reason: str, as_json: bool) -> None:
    """Take paid time off hours back off a timesheet (a manager)."""
    with operation() as ctx:
        record = service.void_pto(ctx, pto_id, reason=reason)
    emit(record, as_json=as_json, human=lambda r: say(f"voided paid time off {r.id} of {r.staff} on {r.day}"))


def _sheet(ctx, s) -> None:
    state = f"approved by {s.approved_by} on {_at(ctx, s.approved_at)}" if s.approved_at else "not approved"
    say(f"{s.staff}: {s.period_start} to {s.period_end} ({s.overtime_rule} overtime), {state}")
    table([(str(d.day), f"{d.day:%a}", _hours(d.worked_minutes), _hours(d.regular_minutes),
            _hours(d.overtime_minutes), _hours(d.double_minutes), _hours(d.pto_minutes))
           for d in s.days if d.worked_minutes or d.pto_minutes]
          + [("total", "", _hours(s.worked_minutes), _hours(s.regular_minutes), _hours(s.overtime_minutes),
              _hours(s.double_minutes), _hours(s.pto_minutes))],
          ("day", "", "worked", "regular", "overtime", "double", "pto"))
    if s.open_punch:
        say("still clocked in: the open punch is not counted yet")


@timeclock.command("timesheet")
@click.option("--staff", "staff_id", type=RECORD_ID, help="A staff member's (managers).")
@click.option("--period", help="A day in the pay period (YYYY-MM-DD; today's period by default).")
@json_option
def timesheet(staff_id, period, as_json: bool) -> None:
    """Your timesheet (or a staff member's) for a pay period: hours per day, overtime, paid time off."""
    with operation(write=False) as ctx:
        found = service.timesheet(ctx, staff_id=staff_id, period=period)
        if not as_json:
            _sheet(ctx, found)
    if as_json:
        emit(found, as_json=True)


@timeclock.command("approve")
@click.argument("staff_id", type=RECORD_ID)
@click.option("--period", help="A day in the pay period (YYYY-MM-DD; the last that ended by default).")
@json_option
def approve(staff_id: int, period, as_json: bool) -> None:
    """Approve STAFF_ID's timesheet for a pay period that has ended (a manager)."""
    with operation() as ctx:
        found = service.approve(ctx, staff_id, period=period)
    emit(found, as_json=as_json, human=lambda s: say(
        f"approved the timesheet of {s.staff} for {s.period_start} to {s.period_end}: "
        f"{_hours(s.worked_minutes)} worked, {_hours(s.pto_minutes)} paid time off"))


@timeclock.command("reopen")
@click.argument("staff_id", type=RECORD_ID)
@click.option("--period", help="A day in the pay period (YYYY-MM-DD; the last that ended by default).")
@click.option("--reason", required=True, help="Why it is reopened (kept in the audit log).")
@json_option
def reopen(staff_id: int, period, reason: str, as_json: bool) -> None:
    """Reopen STAFF_ID's approved timesheet so it can be corrected (a manager, with a reason)."""
    with operation() as ctx:
        found = service.reopen(ctx, staff_id, period=period, reason=reason)
    emit(found, as_json=as_json, human=lambda s: say(
        f"reopened the timesheet of {s.staff} for {s.period_start} to {s.period_end}: it can be corrected, "
        "then approved again"))
