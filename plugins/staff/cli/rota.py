"""``medoffice rota …``: shifts, time off, staffing needs and the coverage report.

The commands parse arguments and print; the services (:mod:`..rota`, :mod:`..time_off`,
:mod:`..coverage`) do the rest. Days and times are the practice's local ones. A domain error
is one line on stderr with exit code 1, and nothing is written.
"""

from __future__ import annotations

import datetime as dt

import click

from medoffice.core.cli import emit, json_option, operation, table
from medoffice.core.cli.params import RECORD_ID

from ..vocabulary import TIME_OFF_STATUSES
from ._lazy import on_first_use

rota_service = on_first_use("rota")
time_off = on_first_use("time_off")
coverage_service = on_first_use("coverage")

DAY_HELP = "Local day, YYYY-MM-DD."
DAYS_HELP = "Weekdays: mon, mon,wed,fri, mon-fri or all."


@click.group()
def rota() -> None:
    """The staff rota: shifts, time off, staffing needs and coverage gaps."""


# -- shifts ----------------------------------------------------------------------------------


def _shift_table(rows) -> None:
    table([(s.id, f"{s.start:%a %Y-%m-%d}", f"{s.start:%H:%M}",
            f"{s.end:%H:%M}" + (" +1" if s.end.date() != s.start.date() else ""), s.staff, s.staff_id, s.role,
            s.location, s.note) for s in rows],
          ("id", "day", "start", "end", "staff", "staff id", "role", "location", "note"))


@rota.group("shifts")
def shifts() -> None:
    """Shifts of non-provider staff, per role and location."""


@shifts.command("add")
@click.option("--staff", "staff_id", type=RECORD_ID, required=True, help="The staff member's id (not a provider).")
@click.option("--location", required=True, help="The location's name.")
@click.option("--day", required=True, help=f"{DAY_HELP} The day the shift starts.")
@click.option("--start", required=True, help="Local time, HH:MM.")
@click.option("--end", required=True, help="Local time, HH:MM (after the start, or the next day with --overnight).")
@click.option("--overnight", is_flag=True, help="A night shift that ends the next day.")
@click.option("--role", help="The role worked (default: the staff member's role).")
@click.option("--note", help="Anything the team should know.")
@json_option
def shifts_add(staff_id, location, day, start, end, overnight, role, note, as_json) -> None:
    """Put a staff member on the rota for one shift."""
    with operation() as ctx:
        added = rota_service.add_shift(ctx, staff_id, location, day, start, end, role=role, overnight=overnight,
                                       note=note)
    emit(added, as_json=as_json, human=lambda s: click.echo(
        f"added shift {s.id}: {s.staff} ({s.role}) {s.span} at {s.location}"))


@shifts.command("list")
@click.option("--week", help=f"{DAY_HELP} The week (Monday to Sunday) holding this day (default: this week).")
@click.option("--day", help=f"{DAY_HELP} Only this day.")
@click.option("--from", "first", help=f"{DAY_HELP} First day of a range (with --to).")
@click.option("--to", "last", help=f"{DAY_HELP} Last day of a range.")
@click.option("--location", help="Only this location.")
@click.option("--staff", "staff_id", type=RECORD_ID, help="Only this staff member (id).")
@json_option
def shifts_list(week, day, first, last, location, staff_id, as_json) -> None:
    """Shifts by start time: a week, a day or a range."""
    chosen = [name for name, value in (("--week", week), ("--day", day), ("--from/--to", first or last)) if value]
    if len(chosen) > 1:
        raise click.UsageError(f"give one of --week, --day or --from/--to, not {' and '.join(chosen)}")
    with operation(write=False) as ctx:
        if day:
            span = (day, day)
        elif first or last:
            span = (first or last, last or first)
        else:
            span = rota_service.week_of(week or ctx.local(ctx.now()).date())
        found = rota_service.list_shifts(ctx, *span, location=location, staff_id=staff_id)
    emit(found, as_json=as_json, human=_shift_table)


@shifts.command("remove")
@click.argument("shift_id", type=RECORD_ID)
@json_option
def shifts_remove(shift_id, as_json) -> None:
    """Take the shift SHIFT_ID off the rota."""
    with operation() as ctx:
        removed = rota_service.remove_shift(ctx, shift_id)
    emit(removed, as_json=as_json, human=lambda s: click.echo(
        f"removed shift {s.id}: {s.staff} ({s.role}) {s.span} at {s.location}"))


@shifts.command("copy-week")
@click.option("--week", required=True, help=f"{DAY_HELP} The week (Monday to Sunday) holding this day.")
@click.option("--weeks", default="1", show_default=True, help="How many following weeks to copy it to (1-52).")
@click.option("--location", help="Only the shifts at this location.")
@click.option("--skip-conflicts", is_flag=True,
              help="Copy what fits and report the rest (default: copy nothing when anything conflicts).")
@json_option
def shifts_copy_week(week, weeks, location, skip_conflicts, as_json) -> None:
    """Copy a week's shifts to the following weeks, at the same local times."""
    with operation() as ctx:
        result = rota_service.copy_week(ctx, week, weeks=weeks, location=location, skip_conflicts=skip_conflicts)

    def human(r) -> None:
        click.echo(f"copied {len(r.copied)} shift(s)"
                   + (f"; {r.already_there} already there" if r.already_there else "")
                   + (f"; skipped {len(r.skipped)}:" if r.skipped else ""))
        for line in r.skipped:
            click.echo(f"  {line}")

    emit(result, as_json=as_json, human=human)


# -- time off --------------------------------------------------------------------------------


def _time_off_line(verb: str):
    def human(t) -> None:
        span = str(t.first_day) if t.days == 1 else f"{t.first_day} to {t.last_day}"
        click.echo(f"{verb} time off {t.id}: {t.staff} {span} ({t.days} day{'s' if t.days != 1 else ''}, {t.status})"
                   + (f": {t.decision_note}" if t.decision_note and verb != "requested" else ""))
    return human


@rota.group("time-off")
def time_off_group() -> None:
    """Time-off requests: request, approve, decline, cancel, list."""


@time_off_group.command("request")
@click.option("--first", "first_day", required=True, help=f"{DAY_HELP} The first day off.")
@click.option("--last", "last_day", help=f"{DAY_HELP} The last day off (default: the first).")
@click.option("--staff", "staff_id", type=RECORD_ID,
              help="For this staff member (needs hr.rota; default: your own staff record).")
@click.option("--reason", help="Why (holiday, course, …).")
@json_option
def time_off_request(first_day, last_day, staff_id, reason, as_json) -> None:
    """Ask for whole days off."""
    with operation() as ctx:
        made = time_off.request(ctx, first_day, last_day, staff_id=staff_id, reason=reason)
    emit(made, as_json=as_json, human=_time_off_line("requested"))


@time_off_group.command("approve")
@click.argument("time_off_id", type=RECORD_ID)
@click.option("--note", help="A note to the requester.")
@json_option
def time_off_approve(time_off_id, note, as_json) -> None:
    """Approve the request TIME_OFF_ID; lists the shifts and bookings it collides with."""
    with operation() as ctx:
        approval = time_off.approve(ctx, time_off_id, note)

    def human(a) -> None:
        _time_off_line("approved")(a.time_off)
        if a.shifts:
            click.echo(f"{len(a.shifts)} shift(s) on those days to reassign:")
            for s in a.shifts:
                click.echo(f"  shift {s.id}: {s.span} at {s.location} ({s.role})")
        if a.appointments:
            click.echo(f"{len(a.appointments)} appointment(s) still booked on those days:")
            for v in a.appointments:
                click.echo(f"  appointment {v.id}: {v.start:%a %Y-%m-%d %H:%M}-{v.end:%H:%M} ({v.status})")

    emit(approval, as_json=as_json, human=human)


@time_off_group.command("decline")
@click.argument("time_off_id", type=RECORD_ID)
@click.option("--note", required=True, help="Why it is declined.")
@json_option
def time_off_decline(time_off_id, note, as_json) -> None:
    """Decline the request TIME_OFF_ID, saying why."""
    with operation() as ctx:
        declined = time_off.decline(ctx, time_off_id, note)
    emit(declined, as_json=as_json, human=_time_off_line("declined"))


@time_off_group.command("cancel")
@click.argument("time_off_id", type=RECORD_ID)
@click.option("--reason", help="Why it is withdrawn.")
@json_option
def time_off_cancel(time_off_id, reason, as_json) -> None:
    """Withdraw the request TIME_OFF_ID (requested or approved)."""
    with operation() as ctx:
        cancelled = time_off.cancel(ctx, time_off_id, reason)
    emit(cancelled, as_json=as_json, human=_time_off_line("cancelled"))


@time_off_group.command("list")
@click.option("--staff", "staff_id", type=RECORD_ID, help="Only this staff member (id).")
@click.option("--status", help=f"Only this status: {', '.join(TIME_OFF_STATUSES)}.")
@click.option("--from", "first", help=f"{DAY_HELP} Only requests touching this day or later.")
@click.option("--to", "last", help=f"{DAY_HELP} Only requests touching this day or earlier.")
@json_option
def time_off_list(staff_id, status, first, last, as_json) -> None:
    """Time-off requests by first day: everyone's for a manager, your own otherwise."""
    with operation(write=False) as ctx:
        found = time_off.list_time_off(ctx, staff_id=staff_id, status=status, first=first, last=last)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(t.id, t.staff, t.staff_id, str(t.first_day), str(t.last_day), t.days, t.status, t.reason, t.decided_by,
          t.decision_note) for t in rows],
        ("id", "staff", "staff id", "first", "last", "days", "status", "reason", "decided by", "note")))


# -- staffing needs --------------------------------------------------------------------------


def _needs_table(rows) -> None:
    table([(n.location, n.role, n.day_name, n.headcount) for n in rows], ("location", "role", "weekday", "headcount"))


@rota.group("needs")
def needs() -> None:
    """How many people of each role a location needs on each weekday."""


@needs.command("set")
@click.argument("role")
@click.option("--location", required=True, help="The location's name.")
@click.option("--days", required=True, help=DAYS_HELP)
@click.option("--headcount", required=True, help="How many people (1-999).")
@json_option
def needs_set(role, location, days, headcount, as_json) -> None:
    """Need HEADCOUNT people of ROLE at a location on some weekdays."""
    with operation() as ctx:
        found = coverage_service.set_need(ctx, role, location, days, headcount)
    emit(found, as_json=as_json, human=lambda rows: click.echo(
        f"{rows[0].location} needs {rows[0].headcount} {rows[0].role} on {', '.join(n.day_name for n in rows)}"))


@needs.command("list")
@click.option("--location", help="Only this location.")
@json_option
def needs_list(location, as_json) -> None:
    """The staffing needs, by location, role and weekday."""
    with operation(write=False) as ctx:
        found = coverage_service.list_needs(ctx, location)
    emit(found, as_json=as_json, human=_needs_table)


@needs.command("clear")
@click.argument("role")
@click.option("--location", required=True, help="The location's name.")
@click.option("--days", default="all", show_default=True, help=DAYS_HELP)
@json_option
def needs_clear(role, location, days, as_json) -> None:
    """Need nobody of ROLE at a location on some weekdays any more."""
    with operation() as ctx:
        found = coverage_service.clear_need(ctx, role, location, days)
    emit(found, as_json=as_json, human=lambda rows: click.echo(
        f"cleared {rows[0].role} at {rows[0].location} on {', '.join(n.day_name for n in rows)}"))


# -- coverage --------------------------------------------------------------------------------


@rota.command("coverage")
@click.option("--from", "first", help=f"{DAY_HELP} First day (default: today).")
@click.option("--to", "last", help=f"{DAY_HELP} Last day (default: a week from the first).")
@click.option("--location", "locations", multiple=True, help="Only this location (repeat for several).")
@click.option("--gaps-only", is_flag=True, help="Only the days and roles short of people.")
@json_option
def coverage(first, last, locations, gaps_only, as_json) -> None:
    """Per day, location and role: required, scheduled, gap and who."""
    with operation(write=False) as ctx:
        first = first or ctx.local(ctx.now()).date().isoformat()
        if last is None:
            try:
                last = (dt.date.fromisoformat(first) + dt.timedelta(days=6)).isoformat()
            except ValueError:
                last = first  # the service names the bad day
        found = coverage_service.coverage(ctx, first, last, locations=locations)
    if gaps_only:
        found = [row for row in found if row.gap]

    def human(rows) -> None:
        table([(str(r.day), r.weekday, r.location, r.role, r.required, r.scheduled, r.gap or "", ", ".join(r.names),
                ", ".join(r.on_leave)) for r in rows],
              ("day", "weekday", "location", "role", "required", "scheduled", "gap", "names", "on leave"))
        gaps = [r for r in rows if r.gap]
        click.echo(f"{len(gaps)} gap(s), {sum(r.gap for r in gaps)} person-day(s) short" if gaps else "no gaps")

    emit(found, as_json=as_json, human=human)
