"""``medoffice payroll …``: pay rates, the pay period settings and the payroll register
(managers and admins only: ``hr.payroll``)."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, export_operation, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import on_first_use

service = on_first_use("payroll")
periods = on_first_use("pay_periods")


@click.group()
def payroll() -> None:
    """Pay rates, pay periods and overtime rule, and the payroll register of a period."""


@payroll.command("settings")
@click.option("--frequency", help="weekly, biweekly or semimonthly.")
@click.option("--anchor", help="The first day of some pay period (weekly and biweekly), YYYY-MM-DD.")
@click.option("--workweek-starts", "workweek_starts", help="The workweek's first day (sunday, monday… or 0-6).")
@click.option("--overtime", "overtime_rule", help="federal (over 40 h a week) or california (daily too).")
@json_option
def settings(frequency, anchor, workweek_starts, overtime_rule, as_json: bool) -> None:
    """Show the pay period settings, or change them with the options."""
    changes = {"frequency": frequency, "anchor": anchor, "workweek_starts": workweek_starts,
               "overtime_rule": overtime_rule}
    changing = any(v is not None for v in changes.values())
    with operation(write=changing) as ctx:
        if changing:
            found = periods.change(ctx, changes)
        else:
            from medoffice.plugins.staff.permissions import PAYROLL

            ctx.require(PAYROLL)
            found = periods.settings(ctx)
        current = periods.period_at(ctx)
    emit(found, as_json=as_json, human=lambda s: say(
        f"pay periods {s.frequency}" + (f" from {s.anchor}" if s.frequency != "semimonthly" else "")
        + f", workweek from {s.workweek_starts_on}, {s.overtime_rule} overtime; this period: {current}"))


@payroll.group()
def rates() -> None:
    """Pay rates: hourly or salary, each from a day."""


@rates.command("set")
@click.argument("staff_id", type=RECORD_ID)
@click.option("--hourly", help="Per hour, e.g. 22.50.")
@click.option("--salary", help="Per year, e.g. 85000.")
@click.option("--from", "effective_from", required=True, help="The day it takes effect (YYYY-MM-DD).")
@json_option
def set_rate(staff_id: int, hourly, salary, effective_from: str, as_json: bool) -> None:
    """Pay STAFF_ID an hourly rate or a yearly salary from a day."""
    if (hourly is None) == (salary is None):
        raise click.UsageError("give --hourly or --salary (one of them)")
    with operation() as ctx:
        record = service.set_rate(ctx, staff_id, kind="hourly" if hourly is not None else "salary",
                                  amount=hourly if hourly is not None else salary, effective_from=effective_from)
    emit(record, as_json=as_json, human=lambda r: say(
        f"pay rate {r.id}: {r.staff}, {r.amount:,.2f} {'an hour' if r.kind == 'hourly' else 'a year'} "
        f"from {r.effective_from}"))


@rates.command("list")
@click.option("--staff", "staff_id", type=RECORD_ID, help="One staff member's history.")
@click.option("--on", help="Only the rate in effect on this day (YYYY-MM-DD).")
@json_option
def list_rates(staff_id, on, as_json: bool) -> None:
    """Pay rates on file, by person and day."""
    with operation(write=False) as ctx:
        found = service.rates(ctx, staff_id=staff_id, on=on)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(r.id, r.staff, r.kind, f"{r.amount:,.2f}", str(r.effective_from), r.set_by) for r in rows],
        ("id", "staff", "kind", "amount", "from", "set by")))


def _show(found) -> None:
    from medoffice.plugins.staff.timeclock import hours

    say(f"payroll register {found.period_start} to {found.period_end} ({found.frequency}, {found.overtime_rule} "
        f"overtime): {found.status}" + (f" by {found.approved_by}" if found.approved_by else "")
        + (f", expense {found.expense_id}" if found.expense_id else ""))
    table([(l.staff, l.pay_kind, l.regular_hours, l.overtime_hours, l.double_hours, l.pto_hours, f"{l.gross:,.2f}")
           for l in found.lines]
          + [("TOTAL", "", hours(found.regular_minutes), hours(found.overtime_minutes), hours(found.double_minutes),
              hours(found.pto_minutes), f"{found.gross:,.2f}")],
          ("staff", "pay", "regular", "overtime", "double", "pto", "gross"))
    for problem in found.problems:
        say(f"to approve: {problem}")


@payroll.command("register")
@click.option("--period", help="A day in the pay period (YYYY-MM-DD; the last that ended by default).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), help="Export as CSV or JSON.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the export to FILE.")
@json_option
def register(period, fmt, output, as_json: bool) -> None:
    """The payroll register of a pay period: hours and gross pay per person (no tax)."""
    if output and not fmt:
        raise click.UsageError("--output needs --format csv or json")
    if fmt and as_json:
        raise click.UsageError("give --format or --json, not both")
    if not fmt:
        with operation(write=False) as ctx:
            found = service.register(ctx, period=period)
        emit(found, as_json=as_json, human=_show)
        return
    with export_operation(output) as (ctx, target):  # the export is audited with its file complete
        found, text = service.export(ctx, period=period, fmt=fmt)
        if target is not None:
            target.write(text)
    if output:
        say(f"wrote {output}: {len(found.lines)} people, gross {found.gross:,.2f} ({found.status})", err=True)
    else:
        click.echo(text, nl=False)


@payroll.command("approve")
@click.option("--period", help="A day in the pay period (YYYY-MM-DD; the last that ended by default).")
@json_option
def approve(period, as_json: bool) -> None:
    """Approve a period's register: it is kept as approved and its gross booked as an expense, once."""
    with operation() as ctx:
        found = service.approve(ctx, period=period)
    emit(found, as_json=as_json, human=lambda r: say(
        f"approved the payroll register {r.period_start} to {r.period_end}: {len(r.lines)} people, gross "
        f"{r.gross:,.2f}" + (f", booked as expense {r.expense_id}" if r.expense_id else ", no expense booked "
                             "(billing is not enabled)")))


@payroll.command("reopen")
@click.option("--period", help="A day in the pay period (YYYY-MM-DD; the last that ended by default).")
@click.option("--reason", required=True, help="Why it is reopened (kept in the audit log).")
@json_option
def reopen(period, reason: str, as_json: bool) -> None:
    """Reopen a period's approved register: a draft again; its expense stays booked, once."""
    with operation() as ctx:
        found = service.reopen(ctx, period=period, reason=reason)
    emit(found, as_json=as_json, human=lambda r: say(
        f"reopened the payroll register {r.period_start} to {r.period_end}: a draft again (its timesheets can be "
        "reopened and corrected; approving it again books no second expense)"))
