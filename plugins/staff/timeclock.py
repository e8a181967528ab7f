"""The time clock: clocking in and out at the desk, breaks, a manager's corrections, paid time
off hours, and each person's timesheet per pay period to approve.

Everyone clocks *themselves* (the staff record linked to the signed-in user), to the minute
(seconds dropped: the payroll minute). A break ends the open punch (``ended_for`` break);
clocking in again ends the break; the break's minutes are not paid.

A manager (``hr.timesheets``) enters a forgotten punch, corrects or voids one with a reason:
the original is never edited, it is voided and kept, the correction points at it, and both
are audited. Overlapping punches and a clock-out at or before the clock-in are refused; a
person has one open punch at most (a partial unique index backs the check, so two terminals
clocking the same person in at once cannot both succeed). Once a person's timesheet for a
period is approved its punches and paid time off are settled: changes are refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import attrs
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from medoffice.core.context import Context
from medoffice.core.errors import Conflict, NotFound, ValidationError
from medoffice.core.storage.models import Staff
from medoffice.core.storage.refusals import UNIQUE, refusal
from medoffice.core.validation import Fields, optional_text, require_text

from . import pay_periods
from .common import local_time, own_staff_id, staff_row, today
from .models import MAX_TEXT, PaidLeave, PayrollRegister, Punch, Timesheet
from .overtime import Split, classify, local_midnight, minutes_by_day
from .pay_periods import Period
from .permissions import TIMECLOCK, TIMESHEETS

TOPIC = "staff.timeclock"
MAX_SPAN = dt.timedelta(hours=24)
"""The longest punch a manager may enter: a longer one is a typo (a wrong day)."""
MAX_OPEN = dt.timedelta(hours=36)
"""The longest a punch clocked at the desk may stay open: a later clock-out is refused (a
manager corrects it). So no closed punch is longer, and a span's punches are found among
those clocked in at most this long before it (an index range, not the whole history)."""
HOUR = Decimal(60)


def hours(minutes: int) -> Decimal:
    """Minutes as hours to the hundredth (ROUND_HALF_UP), for people; the sums stay in minutes."""
    return (Decimal(minutes) / HOUR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@attrs.frozen
class PunchRecord:
    id: int
    staff_id: int
    staff: str
    clock_in: dt.datetime
    clock_out: dt.datetime | None
    ended_for: str | None
    minutes: int | None
    entered_by: str
    reason: str | None = None
    replaces_id: int | None = None
    voided_at: dt.datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None


@attrs.frozen
class ClockStatus:
    """Where a person stands now: ``in`` (since), ``on break`` (since), or ``out``."""

    staff_id: int
    staff: str
    state: str
    since: dt.datetime | None
    today_minutes: int
    period_start: dt.date
    period_end: dt.date
    period_minutes: int


@attrs.frozen
class TimesheetDay:
    day: dt.date
    worked_minutes: int
    regular_minutes: int
    overtime_minutes: int
    double_minutes: int
    pto_minutes: int


@attrs.frozen
class PtoRecord:
    id: int
    staff_id: int
    staff: str
    day: dt.date
    minutes: int
    reason: str | None
    entered_by: str
    voided: bool


@attrs.frozen
class TimesheetRecord:
    """A person's hours in one pay period, day by day, as the overtime rule classifies them."""

    staff_id: int
    staff: str
    period_start: dt.date
    period_end: dt.date
    overtime_rule: str
    days: tuple[TimesheetDay, ...]
    punches: tuple[PunchRecord, ...]
    pto: tuple[PtoRecord, ...]
    worked_minutes: int
    regular_minutes: int
    overtime_minutes: int
    double_minutes: int
    pto_minutes: int
    open_punch: bool
    approved_at: dt.datetime | None
    approved_by: str | None


# -- reading ---------------------------------------------------------------------------------


def _record(row: Punch, name: str) -> PunchRecord:
    minutes = int((row.clock_out - row.clock_in).total_seconds()) // 60 if row.clock_out else None
    return PunchRecord(row.id, row.staff_id, name, row.clock_in, row.clock_out, row.ended_for, minutes,
                       row.entered_by, row.reason, row.replaces_id, row.voided_at, row.voided_by, row.void_reason)


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def _utc_span(ctx: Context, period: Period) -> tuple[dt.datetime, dt.datetime]:
    return local_midnight(period.start, ctx.timezone), local_midnight(period.end + dt.timedelta(days=1), ctx.timezone)


def closed_overlapping(start: dt.datetime, end: dt.datetime) -> Any:
    """A closed punch that overlaps [start, end): clocked in at most :data:`MAX_OPEN` before
    ``start``, so it is read through the ``clock_in`` index, not the whole history."""
    return and_(Punch.clock_in >= start - MAX_OPEN, Punch.clock_in < end, Punch.clock_out > start)


def still_open() -> Any:
    """A punch still open: exactly the partial unique index's condition, so the database
    reads that small index (the callers keep those clocked in before their span's end; a
    bound on ``clock_in`` here would send SQLite through the whole history instead)."""
    return and_(Punch.clock_out.is_(None), Punch.voided_at.is_(None))


def overlapping(start: dt.datetime, end: dt.datetime, *, voided: bool = False) -> Any:
    """Any punch that overlaps [start, end) (voided ones too with ``voided``), for one
    person's queries; the payroll's reads use the two parts apart, each on its index."""
    either = or_(closed_overlapping(start, end), and_(Punch.clock_out.is_(None), Punch.clock_in < end))
    return either if voided else and_(Punch.voided_at.is_(None), either)


def live_punches(ctx: Context, staff_ids: list[int] | None, start: dt.datetime, end: dt.datetime) -> list[Punch]:
    """Punches not voided that overlap [start, end) (open ones too), by person and time."""
    found = []
    for condition in (and_(Punch.voided_at.is_(None), closed_overlapping(start, end)), still_open()):
        query = select(Punch).where(condition)
        if staff_ids is not None:
            query = query.where(Punch.staff_id.in_(staff_ids))
        found.extend(p for p in ctx.session.execute(query).scalars() if p.clock_in < end)
    return sorted(found, key=lambda p: (p.staff_id, p.clock_in))


def live_spans(ctx: Context, start: dt.datetime, end: dt.datetime) -> tuple[list[tuple[int, dt.datetime, dt.datetime]],
                                                                           set[int]]:
    """Everyone's closed punches that overlap [start, end) as ``(staff_id, in, out)``, and
    who has a punch open: the register's read, as plain rows."""
    closed = ctx.session.execute(select(Punch.staff_id, Punch.clock_in, Punch.clock_out).where(
        Punch.voided_at.is_(None), closed_overlapping(start, end))).all()
    open_ids = {staff_id for staff_id, clock_in in ctx.session.execute(
        select(Punch.staff_id, Punch.clock_in).where(still_open())).all() if clock_in < end}
    return [tuple(r) for r in closed], open_ids


def _open_punch(ctx: Context, staff_id: int) -> Punch | None:
    return ctx.session.execute(select(Punch).where(Punch.staff_id == staff_id, Punch.clock_out.is_(None),
                                                   Punch.voided_at.is_(None))).scalars().first()


def _last_punch(ctx: Context, staff_id: int) -> Punch | None:
    return ctx.session.execute(select(Punch).where(Punch.staff_id == staff_id, Punch.voided_at.is_(None))
                               .order_by(Punch.clock_in.desc()).limit(1)).scalars().first()


def _worked(ctx: Context, staff_id: int, start: dt.datetime, end: dt.datetime) -> int:
    """Minutes worked in [start, end), an open punch counted up to now."""
    now = _minute(ctx.now())
    total = 0
    for row in live_punches(ctx, [staff_id], start, end):
        span_end = min(row.clock_out or now, end)
        span_start = max(row.clock_in, start)
        if span_end > span_start:
            total += int((span_end - span_start).total_seconds()) // 60
    return total


def status(ctx: Context, staff_id: int | None = None) -> ClockStatus:
    """Where one stands (or, for a manager, ``staff_id``): clocked in, on a break, or out,
    with today's and the pay period's minutes so far."""
    staff_id = _whose(ctx, staff_id)
    person = staff_row(ctx, staff_id)
    open_row = _open_punch(ctx, staff_id)
    if open_row is not None:
        state, since = "in", open_row.clock_in
    else:
        last = _last_punch(ctx, staff_id)
        on_break = last is not None and last.ended_for == "break" and last.clock_out is not None \
            and ctx.local(last.clock_out).date() == today(ctx)
        state, since = ("on break", last.clock_out) if on_break else ("out", last.clock_out if last else None)
    now_day = today(ctx)
    zone = ctx.timezone
    day_start, day_end = local_midnight(now_day, zone), local_midnight(now_day + dt.timedelta(days=1), zone)
    period = pay_periods.period_at(ctx, now_day)
    start, end = _utc_span(ctx, period)
    return ClockStatus(staff_id, person.name, state, since, _worked(ctx, staff_id, day_start, day_end),
                       period.start, period.end, _worked(ctx, staff_id, start, end))


def _whose(ctx: Context, staff_id: int | None) -> int:
    """``staff_id`` for a manager; one's own record when not given (``hr.timeclock``)."""
    if staff_id is None:
        ctx.require(TIMECLOCK)
        return own_staff_id(ctx)
    if not ctx.can(TIMESHEETS):
        ctx.require(TIMECLOCK)
        if staff_id != own_staff_id(ctx):
            ctx.require(TIMESHEETS)
    return staff_id


def who_is_in(ctx: Context) -> list[ClockStatus]:
    """Everyone clocked in now (``hr.timesheets``), longest in first."""
    ctx.require(TIMESHEETS)
    rows = ctx.session.execute(select(Punch.staff_id).where(Punch.clock_out.is_(None), Punch.voided_at.is_(None))
                               .order_by(Punch.clock_in)).scalars().all()
    return [status(ctx, staff_id) for staff_id in rows]


def punches(ctx: Context, *, staff_id: int | None = None, since: Any = None, until: Any = None,
            include_voided: bool = False) -> list[PunchRecord]:
    """Punches from ``since`` to ``until`` (days, both included; the current pay period when
    not given): one's own, or a manager's pick (``staff_id``; everyone's with ``0``)."""
    everyone = staff_id == 0
    if everyone:
        ctx.require(TIMESHEETS)
    else:
        staff_id = _whose(ctx, staff_id)
        staff_row(ctx, staff_id)
    fields = Fields()
    first = fields.parse("since", _optional_day, since)
    last = fields.parse("until", _optional_day, until)
    fields.done()
    period = pay_periods.period_at(ctx)
    first, last = first or period.start, last or period.end
    if first > last:
        raise ValidationError(f"since {first} is after until {last}", field="since")
    start, end = _utc_span(ctx, Period(first, last))
    query = select(Punch, Staff.name).join(Staff, Staff.id == Punch.staff_id).where(
        overlapping(start, end, voided=include_voided))
    if not everyone:
        query = query.where(Punch.staff_id == staff_id)
    rows = ctx.session.execute(query.order_by(Staff.name, Punch.clock_in, Punch.id)).all()
    return [_record(row, name) for row, name in rows]


def _optional_day(value: Any, *, field: str) -> dt.date | None:
    from .common import optional_day

    return optional_day(value, field=field)


# -- clocking oneself ------------------------------------------------------------------------


def _lock_person(ctx: Context, staff_id: int) -> Staff:
    """The person's row, held to the end of the unit of work on PostgreSQL: punches of one
    person are written one terminal at a time, so each sees the other's."""
    row = ctx.session.execute(select(Staff).where(Staff.id == staff_id).with_for_update()).scalars().first()
    if row is None:
        raise NotFound(f"no staff member with id {staff_id}")
    return row


def _settled_check(ctx: Context, staff_id: int, start: dt.datetime, end: dt.datetime | None) -> None:
    """Refuse a change to days of an approved timesheet."""
    first = ctx.local(start).date()
    last = ctx.local(end).date() if end is not None else first
    approved = ctx.session.execute(select(Timesheet).where(
        Timesheet.staff_id == staff_id, Timesheet.period_start <= last, Timesheet.period_end >= first)).scalars().first()
    if approved is not None:
        raise Conflict(f"the timesheet for {approved.period_start} to {approved.period_end} was approved by "
                       f"{approved.approved_by}; it cannot change")


def _overlap_check(ctx: Context, staff_id: int, start: dt.datetime, end: dt.datetime | None,
                   *, besides: int | None = None) -> None:
    query = select(Punch).where(Punch.staff_id == staff_id, Punch.voided_at.is_(None),
                                or_(Punch.clock_out.is_(None), Punch.clock_out > start))
    if end is not None:
        query = query.where(Punch.clock_in < end)
    if besides is not None:
        query = query.where(Punch.id != besides)
    other = ctx.session.execute(query.order_by(Punch.clock_in).limit(1)).scalars().first()
    if other is not None:
        shown = f"{ctx.local(other.clock_in):%Y-%m-%d %H:%M}" + (
            f" to {ctx.local(other.clock_out):%H:%M}" if other.clock_out else " (still clocked in)")
        raise Conflict(f"overlaps punch {other.id} ({shown})")


def _insert(ctx: Context, row: Punch) -> None:
    ctx.session.add(row)
    try:
        with ctx.session.begin_nested():
            ctx.session.flush()
    except IntegrityError as error:
        found = refusal(error)
        if found is not None and found.kind == UNIQUE:
            raise Conflict("already clocked in (another terminal clocked in first)") from None
        raise


def clock_in(ctx: Context) -> PunchRecord:
    """Clock the signed-in user's staff record in (or back from a break), now."""
    ctx.require(TIMECLOCK)
    staff_id = own_staff_id(ctx)
    person = _lock_person(ctx, staff_id)
    now = _minute(ctx.now())
    open_row = _open_punch(ctx, staff_id)
    if open_row is not None:
        raise Conflict(f"{person.name} is clocked in already since {ctx.local(open_row.clock_in):%Y-%m-%d %H:%M}")
    _overlap_check(ctx, staff_id, now, None)
    _settled_check(ctx, staff_id, now, None)
    row = Punch(staff_id=staff_id, clock_in=now, entered_by=ctx.user.username)
    _insert(ctx, row)
    ctx.audit("hr.punch.in", "staff_punch", row.id, summary={"staff_id": staff_id, "at": now.isoformat()})
    ctx.changed(TOPIC)
    return _record(row, person.name)


def clock_out(ctx: Context, *, for_break: bool = False) -> PunchRecord:
    """Clock the signed-in user's staff record out (for the day, or for a break), now."""
    ctx.require(TIMECLOCK)
    staff_id = own_staff_id(ctx)
    person = _lock_person(ctx, staff_id)
    row = _open_punch(ctx, staff_id)
    if row is None:
        raise Conflict(f"{person.name} is not clocked in")
    now = _minute(ctx.now())
    if now <= row.clock_in:
        raise Conflict(f"clocked in at {ctx.local(row.clock_in):%H:%M}: the clock-out must be after it "
                       f"(from {ctx.local(row.clock_in + dt.timedelta(minutes=1)):%H:%M})")
    if now - row.clock_in > MAX_OPEN:
        raise Conflict(f"clocked in since {ctx.local(row.clock_in):%Y-%m-%d %H:%M}, more than 36 hours ago: "
                       "ask a manager to correct the punch (medoffice timeclock correct)")
    _settled_check(ctx, staff_id, row.clock_in, now)
    row.clock_out, row.ended_for = now, "break" if for_break else "out"
    ctx.session.flush()
    ctx.audit("hr.punch.break" if for_break else "hr.punch.out", "staff_punch", row.id,
              summary={"staff_id": staff_id, "at": now.isoformat()})
    ctx.changed(TOPIC)
    return _record(row, person.name)


# -- a manager's corrections -----------------------------------------------------------------


def _span(ctx: Context, clock_in: Any, clock_out: Any) -> tuple[dt.datetime, dt.datetime | None]:
    fields = Fields()
    def moment(value: Any, *, field: str) -> dt.datetime:
        return local_time(ctx, value, field=field)

    start = fields.parse("clock_in", moment, clock_in) if clock_in is not None else None
    end = None
    if clock_out is not None and not (isinstance(clock_out, str) and not clock_out.strip()):
        end = fields.parse("clock_out", moment, clock_out)
    if clock_in is None:
        fields.add("clock_in", "clock in is required")
    fields.done()
    assert start is not None
    if end is not None and end <= start:
        raise ValidationError(f"the clock-out {ctx.local(end):%Y-%m-%d %H:%M} must be after the clock-in "
                              f"{ctx.local(start):%Y-%m-%d %H:%M}", field="clock_out")
    if end is not None and end - start > MAX_SPAN:
        raise ValidationError("a punch spans 24 hours at most: check the days", field="clock_out")
    now = ctx.now()
    if start > now or (end is not None and end > now):
        raise ValidationError("a punch cannot be in the future", field="clock_out" if start <= now else "clock_in")
    return _minute(start), _minute(end) if end is not None else None


def _reason(value: Any) -> str:
    return require_text(value, field="reason", max_length=MAX_TEXT)


def add_punch(ctx: Context, staff_id: int, *, clock_in: Any, clock_out: Any, reason: Any,
              ended_for: str = "out") -> PunchRecord:
    """Enter a punch the person forgot (``YYYY-MM-DD HH:MM`` in the practice's zone), with a reason."""
    ctx.require(TIMESHEETS)
    fields = Fields()
    why = fields.parse("reason", lambda v, field: _reason(v), reason)
    fields.done()
    if ended_for not in ("out", "break"):
        raise ValidationError("ended for must be out or break", field="ended_for")
    person = _lock_person(ctx, staff_id)
    start, end = _span(ctx, clock_in, clock_out)
    _overlap_check(ctx, staff_id, start, end)
    _settled_check(ctx, staff_id, start, end)
    row = Punch(staff_id=staff_id, clock_in=start, clock_out=end, ended_for=ended_for if end else None,
                entered_by=ctx.user.username, reason=why)
    _insert(ctx, row)
    ctx.audit("hr.punch.added", "staff_punch", row.id,
              summary={"staff_id": staff_id, "in": start.isoformat(), "out": end.isoformat() if end else None,
                       "reason": why})
    ctx.changed(TOPIC)
    return _record(row, person.name)


def _punch(ctx: Context, punch_id: int) -> Punch:
    row = ctx.session.get(Punch, punch_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no punch with id {punch_id}")
    if row.voided_at is not None:
        raise Conflict(f"punch {row.id} was voided by {row.voided_by} ({row.void_reason})")
    return row


def correct(ctx: Context, punch_id: int, *, clock_in: Any = None, clock_out: Any = None,
            reason: Any) -> PunchRecord:
    """Correct a punch's times with a reason: the original is voided and kept, the corrected
    punch points at it. Times not given stay as they were."""
    ctx.require(TIMESHEETS)
    why = _reason(reason)
    row = _punch(ctx, punch_id)
    person = _lock_person(ctx, row.staff_id)
    new_in = clock_in if clock_in is not None else row.clock_in
    new_out = clock_out if clock_out is not None else row.clock_out
    start, end = _span(ctx, new_in, new_out)
    if (start, end) == (row.clock_in, row.clock_out):
        raise ValidationError("nothing to change: give --in or --out with other times")
    _overlap_check(ctx, row.staff_id, start, end, besides=row.id)
    _settled_check(ctx, row.staff_id, row.clock_in, row.clock_out)
    _settled_check(ctx, row.staff_id, start, end)
    row.voided_at, row.voided_by, row.void_reason = ctx.now(), ctx.user.username, f"corrected: {why}"
    ctx.session.flush()
    fixed = Punch(staff_id=row.staff_id, clock_in=start, clock_out=end,
                  ended_for=(row.ended_for or "out") if end else None, entered_by=ctx.user.username, reason=why,
                  replaces_id=row.id)
    _insert(ctx, fixed)
    ctx.audit("hr.punch.corrected", "staff_punch", fixed.id,
              summary={"staff_id": row.staff_id, "replaces": row.id, "reason": why,
                       "was": [row.clock_in.isoformat(), row.clock_out.isoformat() if row.clock_out else None],
                       "now": [start.isoformat(), end.isoformat() if end else None]})
    ctx.changed(TOPIC)
    return _record(fixed, person.name)


def void(ctx: Context, punch_id: int, *, reason: Any) -> PunchRecord:
    """Void a punch made in error, with a reason (kept on file, no longer counted)."""
    ctx.require(TIMESHEETS)
    why = _reason(reason)
    row = _punch(ctx, punch_id)
    person = staff_row(ctx, row.staff_id)
    _settled_check(ctx, row.staff_id, row.clock_in, row.clock_out)
    row.voided_at, row.voided_by, row.void_reason = ctx.now(), ctx.user.username, why
    ctx.session.flush()
    ctx.audit("hr.punch.voided", "staff_punch", row.id, summary={"staff_id": row.staff_id, "reason": why})
    ctx.changed(TOPIC)
    return _record(row, person.name)


# -- paid time off ---------------------------------------------------------------------------


def _hours(value: Any, *, field: str) -> int:
    """Hours as ``8``, ``7.5`` or ``7:30``, to the minute, more than 0 and at most 24: minutes."""
    text = str(value).strip()
    try:
        if ":" in text:
            whole_hours, _, mins = text.partition(":")
            if not (whole_hours.isdigit() and mins.isdigit() and len(mins) == 2 and int(mins) < 60):
                raise InvalidOperation
            minutes = Decimal(int(whole_hours) * 60 + int(mins))
        else:
            if isinstance(value, float) or isinstance(value, bool):
                raise InvalidOperation
            minutes = Decimal(text) * 60
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{field} must be hours as 8, 7.5 or 7:30, got {text[:40]!r}", field=field) from None
    if not minutes.is_finite() or minutes != minutes.to_integral_value():
        raise ValidationError(f"{field} must be whole minutes (7.5 hours, not 7.51), got {text[:40]!r}", field=field)
    if not 0 < minutes <= 24 * 60:
        raise ValidationError(f"{field} must be more than 0 and at most 24, got {text[:40]!r}", field=field)
    return int(minutes)


def _pto_record(row: PaidLeave, name: str) -> PtoRecord:
    return PtoRecord(row.id, row.staff_id, name, row.day, row.minutes, row.reason, row.entered_by,
                     row.voided_at is not None)


def add_pto(ctx: Context, staff_id: int, *, day: Any, hours: Any, reason: Any = None) -> PtoRecord:
    """Put paid time off hours on a person's timesheet for a day (kind PTO)."""
    ctx.require(TIMESHEETS)
    from .common import day as parse_day

    fields = Fields()
    on = fields.parse("day", parse_day, day)
    minutes = fields.parse("hours", _hours, hours)
    why = fields.parse("reason", optional_text, reason, max_length=MAX_TEXT)
    fields.done()
    person = _lock_person(ctx, staff_id)
    start = local_midnight(on, ctx.timezone)
    _settled_check(ctx, staff_id, start, start)
    already = sum(ctx.session.execute(select(PaidLeave.minutes).where(
        PaidLeave.staff_id == staff_id, PaidLeave.day == on, PaidLeave.voided_at.is_(None))).scalars())
    if already + minutes > 24 * 60:
        raise Conflict(f"{person.name} has {hours_text(already)} hours of paid time off on {on} already; "
                       "a day holds 24")
    row = PaidLeave(staff_id=staff_id, day=on, minutes=minutes, reason=why, entered_by=ctx.user.username,
                    entered_at=ctx.now())
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("hr.pto.added", "staff_paid_leave", row.id,
              summary={"staff_id": staff_id, "day": on.isoformat(), "minutes": minutes, "reason": why})
    ctx.changed(TOPIC)
    return _pto_record(row, person.name)


def void_pto(ctx: Context, pto_id: int, *, reason: Any) -> PtoRecord:
    """Take paid time off hours back off a timesheet, with a reason (kept on file)."""
    ctx.require(TIMESHEETS)
    why = _reason(reason)
    row = ctx.session.get(PaidLeave, pto_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no paid time off entry with id {pto_id}")
    if row.voided_at is not None:
        raise Conflict(f"paid time off entry {row.id} was voided already")
    start = local_midnight(row.day, ctx.timezone)
    _settled_check(ctx, row.staff_id, start, start)
    row.voided_at, row.voided_by = ctx.now(), ctx.user.username
    ctx.session.flush()
    ctx.audit("hr.pto.voided", "staff_paid_leave", row.id, summary={"staff_id": row.staff_id, "reason": why})
    ctx.changed(TOPIC)
    return _pto_record(row, staff_row(ctx, row.staff_id).name)


def hours_text(minutes: int) -> str:
    return f"{hours(minutes):.2f}"


# -- timesheets ------------------------------------------------------------------------------


def workweeks_span(ctx: Context, period: Period, workweek_starts: int) -> tuple[dt.datetime, dt.datetime]:
    """The UTC span of the whole workweeks that overlap ``period`` (the weekly rule needs them)."""
    from .overtime import workweek_start

    first = workweek_start(period.start, workweek_starts)
    last = workweek_start(period.end, workweek_starts) + dt.timedelta(days=6)
    return _utc_span(ctx, Period(first, last))


def timesheet(ctx: Context, *, staff_id: int | None = None, period: Any = None) -> TimesheetRecord:
    """One's own timesheet (or, for a manager, ``staff_id``'s) for the pay period holding the
    day ``period`` (today's when not given): each day's hours, classified by the practice's
    overtime rule, the punches and the paid time off. Hours only: no pay."""
    staff_id = _whose(ctx, staff_id)
    person = staff_row(ctx, staff_id)
    found = pay_periods.period_at(ctx, period)
    rules = pay_periods.settings(ctx)
    start, end = workweeks_span(ctx, found, rules.workweek_starts)
    rows = list(live_punches(ctx, [staff_id], start, end))
    closed = [(r.clock_in, r.clock_out) for r in rows if r.clock_out is not None]
    by_day = minutes_by_day(closed, ctx.timezone)
    classified = classify(by_day, rule=rules.overtime_rule, workweek_starts=rules.workweek_starts)
    leave = ctx.session.execute(select(PaidLeave).where(
        PaidLeave.staff_id == staff_id, PaidLeave.voided_at.is_(None), PaidLeave.day >= found.start,
        PaidLeave.day <= found.end).order_by(PaidLeave.day, PaidLeave.id)).scalars().all()
    pto_by_day: dict[dt.date, int] = {}
    for row in leave:
        pto_by_day[row.day] = pto_by_day.get(row.day, 0) + row.minutes
    days = []
    for offset in range(found.days):
        on = found.start + dt.timedelta(days=offset)
        split = classified.get(on, Split())
        days.append(TimesheetDay(on, split.worked, split.regular, split.overtime, split.double, pto_by_day.get(on, 0)))
    period_start, period_end = _utc_span(ctx, found)
    shown = [_record(r, person.name) for r in rows if r.clock_in < period_end
             and (r.clock_out is None or r.clock_out > period_start)]
    approved = _approval(ctx, staff_id, found)
    return TimesheetRecord(staff_id, person.name, found.start, found.end, rules.overtime_rule, tuple(days),
                           tuple(shown), tuple(_pto_record(r, person.name) for r in leave),
                           sum(d.worked_minutes for d in days), sum(d.regular_minutes for d in days),
                           sum(d.overtime_minutes for d in days), sum(d.double_minutes for d in days),
                           sum(d.pto_minutes for d in days), any(r.clock_out is None for r in shown),
                           approved.approved_at if approved else None, approved.approved_by if approved else None)


def _approval(ctx: Context, staff_id: int, period: Period) -> Timesheet | None:
    return ctx.session.execute(select(Timesheet).where(Timesheet.staff_id == staff_id,
                                                       Timesheet.period_start == period.start)).scalars().first()


def approve(ctx: Context, staff_id: int, *, period: Any = None) -> TimesheetRecord:
    """Approve a person's timesheet for a pay period that has ended (the last one when
    ``period`` is not given): its punches and paid time off are settled. Refused while a
    punch of the period is still open."""
    ctx.require(TIMESHEETS)
    _lock_person(ctx, staff_id)
    found = pay_periods.chosen(ctx, period)
    if found.end >= today(ctx):
        raise Conflict(f"the period {found} has not ended yet (it ends on {found.end})")
    sheet = timesheet(ctx, staff_id=staff_id, period=found.start)
    if sheet.approved_at is not None:
        raise Conflict(f"the timesheet of {sheet.staff} for {found} was approved by {sheet.approved_by} already")
    if sheet.open_punch:
        raise Conflict(f"{sheet.staff} has an open punch in {found}: clock out or correct it first")
    row = Timesheet(staff_id=staff_id, period_start=found.start, period_end=found.end, approved_at=ctx.now(),
                    approved_by=ctx.user.username)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("hr.timesheet.approved", "staff_timesheet", row.id,
              summary={"staff_id": staff_id, "period": [found.start.isoformat(), found.end.isoformat()],
                       "worked_minutes": sheet.worked_minutes, "pto_minutes": sheet.pto_minutes})
    ctx.changed(TOPIC)
    return attrs.evolve(sheet, approved_at=row.approved_at, approved_by=row.approved_by)


def reopen(ctx: Context, staff_id: int, *, period: Any = None, reason: Any) -> TimesheetRecord:
    """Reopen a person's approved timesheet for a reason (audited): its punches and paid time
    off can be corrected again, and it must be approved again. Refused while the period's
    payroll register is approved (reopen the register first)."""
    ctx.require(TIMESHEETS)
    why = require_text(reason, field="reason", max_length=MAX_TEXT)
    _lock_person(ctx, staff_id)
    found = pay_periods.chosen(ctx, period)
    row = _approval(ctx, staff_id, found)
    if row is None:
        raise Conflict(f"the timesheet of staff {staff_id} for {found} is not approved: nothing to reopen")
    if ctx.session.execute(select(PayrollRegister.id).where(PayrollRegister.period_start == found.start,
                                                            PayrollRegister.reopened_at.is_(None))).first():
        raise Conflict(f"the payroll register for {found} is approved: reopen it first "
                       f"(medoffice payroll reopen --period {found.start} --reason ...)")
    ctx.audit("hr.timesheet.reopened", "staff_timesheet", row.id,
              summary={"staff_id": staff_id, "period": [found.start.isoformat(), found.end.isoformat()],
                       "reason": why, "approved_by": row.approved_by, "approved_at": row.approved_at.isoformat()})
    ctx.session.delete(row)
    ctx.session.flush()
    ctx.changed(TOPIC)
    return timesheet(ctx, staff_id=staff_id, period=found.start)


def awaiting_approval(ctx: Context, period: Period) -> list[tuple[int, str]]:
    """People with punches or paid time off in ``period`` whose timesheet is not approved.

    Four plain index reads (who worked, who is still in, who had paid time off, who is
    approved) rather than one query correlated per person: the register asks this for
    every period it shows."""
    start, end = _utc_span(ctx, period)
    people = set(ctx.session.execute(select(Punch.staff_id).where(
        Punch.voided_at.is_(None), closed_overlapping(start, end)).distinct()).scalars())
    people |= {staff_id for staff_id, clock_in in ctx.session.execute(
        select(Punch.staff_id, Punch.clock_in).where(still_open())).all() if clock_in < end}
    people |= set(ctx.session.execute(select(PaidLeave.staff_id).where(
        PaidLeave.voided_at.is_(None), PaidLeave.day >= period.start, PaidLeave.day <= period.end).distinct()).scalars())
    people -= set(ctx.session.execute(select(Timesheet.staff_id).where(
        Timesheet.period_start == period.start)).scalars())
    if not people:
        return []
    return [tuple(r) for r in ctx.session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(people))
                                                  .order_by(Staff.name, Staff.id)).all()]


def open_punch_count(ctx: Context) -> int:
    from sqlalchemy import func

    return ctx.session.execute(select(func.count()).select_from(Punch).where(
        Punch.clock_out.is_(None), Punch.voided_at.is_(None))).scalar_one()
