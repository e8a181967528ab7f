"""The staff rota: shifts of non-provider staff, per role and location.

A shift is a staff member working in a role at a location from a local start to a local end
on one day, or over midnight into the next day (a night shift, ``overnight=True``). It is
stored in UTC, so a shift over the night the clocks change lasts its real length. Providers
have no shifts: their hours are their weekly availability templates.

No person works two shifts at once. The service looks for an overlapping shift of the same
person inside the write transaction (on SQLite that transaction already holds the write lock,
``BEGIN IMMEDIATE``); on PostgreSQL, where two terminals could both pass that check at once,
the exclusion constraint ``staff_shift_no_overlap`` refuses the second (a trigger is the
same backstop on SQLite). A shift on a day the person has approved time off is refused, and
so is one on a day a credential their work requires has expired, unless a manager overrode
the block (:mod:`.credentials`: the same rule that refuses booking a provider).

Time off is in :mod:`.time_off`; staffing needs and the coverage report in :mod:`.coverage`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.records import StaffRecord
from medoffice.core.services import staff
from medoffice.core.storage import refusals
from medoffice.core.storage.refusals import Refusal
from medoffice.core.validation import optional_text, parse_date, require_text

from medoffice.core.wallclock import day_bounds, localize, parse_clock

from . import credentials
from .booking_checks import OpenOverride
from .common import location_by_name
from .models import MAX_REASON, Shift, TimeOff
from .permissions import ROTA
from .permissions import ROTA_READ as READ

MAX_ROLE = 60
MAX_COPY_WEEKS = 52
MAX_RANGE_DAYS = 366
SHIFT_TAKEN = "shift overlaps"
SHIFT_CODE = "shift_overlaps"
CREDENTIAL_CODE = "credential_expired"


@attrs.frozen
class ShiftRecord:
    """A shift as people read it: names, local times, and ``day``, the local day it starts."""

    id: int
    staff_id: int
    staff: str
    role: str
    location_id: int
    location: str
    day: dt.date
    start: dt.datetime
    end: dt.datetime
    minutes: int
    note: str | None

    @property
    def span(self) -> str:
        """``Mon 2026-01-05 08:00-16:30`` (``… 22:00-06:00 next day`` over midnight)."""
        over = " next day" if self.end.date() != self.start.date() else ""
        return f"{self.start:%a %Y-%m-%d %H:%M}-{self.end:%H:%M}{over}"


@attrs.frozen
class CopyResult:
    """What :func:`copy_week` wrote: the new shifts, how many were there already, what it skipped."""

    copied: tuple[ShiftRecord, ...]
    already_there: int
    skipped: tuple[str, ...]


# -- shared checks (time_off and coverage use them too) -------------------------------------


def parse_role(value: str | None, *, field: str = "role") -> str:
    """A role as the rota keys it: trimmed, lower case, single spaces (``Front desk`` → ``front desk``)."""
    text = require_text(value, field=field, max_length=MAX_ROLE)
    return " ".join(text.split()).lower()


def staff_member(ctx: Context, staff_id: Any) -> StaffRecord:
    """The staff member with id ``staff_id``, or NotFound."""
    if isinstance(staff_id, bool) or not isinstance(staff_id, int) or staff_id < 1:
        raise ValidationError(f"a staff id is a positive whole number, got {staff_id!r}", field="staff")
    try:
        return staff.get(ctx, staff_id)
    except NotFound:
        raise NotFound(f"no staff member with id {staff_id}") from None


def refusal(person: StaffRecord) -> str | None:
    """Why ``person`` cannot have shifts, or None."""
    if person.is_provider:
        return (f"{person.name} (staff id {person.id}) is a provider: a provider's hours are their weekly "
                "availability (medoffice schedule templates), not shifts")
    if not person.active:
        return f"{person.name} (staff id {person.id}) is no longer active"
    return None


def days_touched(ctx: Context, start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last local day a span [start, end) touches (a shift ending at midnight
    does not touch the next day)."""
    return ctx.local(start).date(), ctx.local(end - dt.timedelta(microseconds=1)).date()


def utc_range(ctx: Context, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Where local days ``first``…``last`` start and end, in UTC."""
    return day_bounds(first, ctx.timezone)[0], day_bounds(last, ctx.timezone)[1]


def parse_range(first: Any, last: Any, *, first_field: str = "from", last_field: str = "to",
                max_days: int = MAX_RANGE_DAYS) -> tuple[dt.date, dt.date]:
    """Two local days, checked together: both real dates, the last not before the first, at
    most ``max_days`` days."""
    errors: dict[str, str] = {}
    days: dict[str, dt.date] = {}
    for field, value in ((first_field, first), (last_field, last)):
        try:
            days[field] = parse_date(value, field=field)
        except ValidationError as error:
            errors[field] = error.message
    if not errors and days[last_field] < days[first_field]:
        errors[last_field] = f"the last day ({days[last_field]}) is before the first ({days[first_field]})"
    elif not errors and (days[last_field] - days[first_field]).days + 1 > max_days:
        errors[last_field] = f"a range is at most {max_days} days"
    if errors:
        raise ValidationError.of_fields(errors)
    return days[first_field], days[last_field]


def approved_leave(ctx: Context, first: dt.date, last: dt.date,
                   staff_ids: Iterable[int] | None = None) -> list[TimeOff]:
    """Approved time off touching local days ``first``…``last`` (of these staff), in one query."""
    query = select(TimeOff).where(TimeOff.status == "approved", TimeOff.first_day <= last, TimeOff.last_day >= first)
    if staff_ids is not None:
        query = query.where(TimeOff.staff_id.in_(sorted(set(staff_ids))))
    return list(ctx.session.execute(query.order_by(TimeOff.first_day, TimeOff.id)).scalars())


def leave_message(person_name: str, leave: TimeOff) -> str:
    span = str(leave.first_day) if leave.first_day == leave.last_day else f"{leave.first_day} to {leave.last_day}"
    why = f": {leave.reason}" if leave.reason else ""
    return f"{person_name} has approved time off {span} (time off {leave.id}{why})"


def shift_records(ctx: Context, rows: Iterable[Shift], names: dict[int, str] | None = None) -> list[ShiftRecord]:
    """People-readable records of shift rows."""
    rows = list(rows)
    if names is None:
        names = {s.id: s.name for s in staff.list_staff(ctx, include_inactive=True)}
    places = {loc.id: loc.name for loc in ctx.practice.locations}
    found = []
    for row in rows:
        start, end = ctx.local(row.starts_at), ctx.local(row.ends_at)
        found.append(ShiftRecord(row.id, row.staff_id, names.get(row.staff_id, "?"), row.role, row.location_id,
                                 places.get(row.location_id, "?"), start.date(), start, end,
                                 int((row.ends_at - row.starts_at).total_seconds() // 60), row.note))
    return found


def shifts_between(ctx: Context, first: dt.date, last: dt.date, *, location_ids: Iterable[int] | None = None,
                   staff_id: int | None = None) -> list[Shift]:
    """Shift rows starting on local days ``first``…``last``, by start, in one query."""
    start, end = utc_range(ctx, first, last)
    query = select(Shift).where(Shift.starts_at >= start, Shift.starts_at < end)
    if location_ids is not None:
        query = query.where(Shift.location_id.in_(sorted(set(location_ids))))
    if staff_id is not None:
        query = query.where(Shift.staff_id == staff_id)
    return list(ctx.session.execute(query.order_by(Shift.starts_at, Shift.staff_id, Shift.id)).scalars())


def _shift_taken(found: Refusal) -> Conflict | None:
    """The database's refusal of an overlapping shift (``staff_shift_no_overlap``: an
    exclusion constraint on PostgreSQL, a trigger on SQLite), else None. A deadlock between
    two terminals writing the same person's shifts ends the same way."""
    if found.kind == refusals.DEADLOCK:
        return Conflict(f"{SHIFT_TAKEN}: another terminal wrote a shift of the same person just now", code=SHIFT_CODE)
    trigger = found.kind == refusals.RAISED and found.raised == SHIFT_TAKEN  # SQLite's stand-in
    if found.constraint == "staff_shift_no_overlap" or trigger:
        return Conflict(f"{SHIFT_TAKEN}: the person already works at that time (written just now by another "
                        "terminal)", code=SHIFT_CODE)
    return None


def flush(ctx: Context) -> None:
    """Flush, turning the database's refusal of an overlapping shift into a Conflict."""
    try:
        ctx.session.flush()
    except DBAPIError as error:
        refusal = refusals.refused(error, _shift_taken)
        if refusal is None:
            raise
        raise refusal from None


# -- shifts ----------------------------------------------------------------------------------


def _parse_shift(ctx: Context, day: Any, start: Any, end: Any, overnight: bool, role: str | None,
                 note: str | None) -> dict[str, Any]:
    """Every field of a new shift, checked at once."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, parse, raw in (("day", parse_date, day), ("start", parse_clock, start), ("end", parse_clock, end)):
        try:
            values[field] = parse(raw, field=field)
        except ValidationError as error:
            errors[field] = error.message
    if role is not None:
        try:
            values["role"] = parse_role(role)
        except ValidationError as error:
            errors["role"] = error.message
    try:
        values["note"] = optional_text(note, field="note", max_length=MAX_REASON)
    except ValidationError as error:
        errors["note"] = error.message
    if not errors:
        begins, ends = values["start"], values["end"]
        if not overnight and ends <= begins:
            errors["end"] = (f"the end ({ends:%H:%M}) must be after the start ({begins:%H:%M}); "
                             "a night shift that ends the next day is marked overnight")
        else:
            try:
                values["starts_at"] = localize(dt.datetime.combine(values["day"], begins), ctx.timezone, field="start")
            except ValidationError as error:
                errors["start"] = error.message
            try:
                end_day = values["day"] + dt.timedelta(days=1 if overnight else 0)
                values["ends_at"] = localize(dt.datetime.combine(end_day, ends), ctx.timezone, field="end")
            except ValidationError as error:
                errors["end"] = error.message
    if errors:
        raise ValidationError.of_fields(errors)
    return values


def _check_free(ctx: Context, person: StaffRecord, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    """Refuse a span that overlaps another shift of the person or falls on their approved time off."""
    clash = ctx.session.execute(select(Shift).where(
        Shift.staff_id == person.id, Shift.starts_at < ends_at, Shift.ends_at > starts_at,
    ).order_by(Shift.starts_at).limit(1)).scalars().first()
    if clash is not None:
        (other,) = shift_records(ctx, [clash], {person.id: person.name})
        raise Conflict(f"{SHIFT_TAKEN}: {person.name} already works {other.span} at {other.location} "
                       f"(shift {other.id})", code=SHIFT_CODE)
    first, last = days_touched(ctx, starts_at, ends_at)
    leave = approved_leave(ctx, first, last, [person.id])
    if leave:
        raise Conflict(f"cannot add the shift: {leave_message(person.name, leave[0])}")


def _check_credentials(ctx: Context, person: StaffRecord, starts_at: dt.datetime,
                       ends_at: dt.datetime) -> list[OpenOverride]:
    """Refuse a shift on a day a credential the person's work requires has expired (and no
    manager overrode it); return the overrides that let it through, for the audit log."""
    first, last = days_touched(ctx, starts_at, ends_at)
    blocks = credentials.work_blocks(ctx, [person.id], first, last)
    used: list[OpenOverride] = []
    for day in (first, last):
        blocked, lifted = blocks.on(person.id, day)
        if blocked:
            raise Conflict(f"cannot add the shift: {credentials.block_message(person.name, blocked)}",
                           code=CREDENTIAL_CODE)
        used += [o for o in lifted if o not in used]
    return used


def add_shift(ctx: Context, staff_id: int, location: str, day: str | dt.date, start: str | dt.time,
              end: str | dt.time, *, role: str | None = None, overnight: bool = False,
              note: str | None = None) -> ShiftRecord:
    """Put a staff member on the rota: ``day`` from ``start`` to ``end`` (local) at ``location``.

    Args:
        ctx: the operation.
        staff_id: a non-provider, active staff member.
        location: the location's name.
        day: the local day the shift starts, ``YYYY-MM-DD``.
        start: local time ``HH:MM``.
        end: local time ``HH:MM``, after ``start``, or on the next day when ``overnight``.
        role: the role worked (default: the staff member's role).
        overnight: the shift ends the next day (a night shift).
        note: anything the team should know.

    Raises:
        PermissionDenied: without ``hr.rota``.
        ValidationError: bad day or times (every one at once), end not after start, a time
            the clocks skip, a provider or an inactive staff member.
        NotFound: unknown staff member or location.
        Conflict: the person already works then, has approved time off that day, or a
            credential their work requires has expired by then and no manager overrode it
            (``medoffice credentials override``; each shift an override lets through is audited).
    """
    ctx.require(ROTA)
    values = _parse_shift(ctx, day, start, end, overnight, role, note)
    person = staff_member(ctx, staff_id)
    why = refusal(person)
    if why:
        raise ValidationError(why, field="staff")
    place = location_by_name(ctx, location)
    _check_free(ctx, person, values["starts_at"], values["ends_at"])
    overridden = _check_credentials(ctx, person, values["starts_at"], values["ends_at"])
    row = Shift(staff_id=person.id, role=values.get("role") or parse_role(person.role), location_id=place.id,
                starts_at=values["starts_at"], ends_at=values["ends_at"], note=values["note"],
                created_by=ctx.user.username)
    ctx.session.add(row)
    flush(ctx)
    ctx.audit("shift.added", "shift", row.id, summary={
        "staff_id": person.id, "role": row.role, "location": place.name,
        "start": row.starts_at.isoformat(), "end": row.ends_at.isoformat()})
    credentials.audit_override_used(ctx, overridden, person.id, shift=str(row.id),
                                    shift_start=row.starts_at.isoformat())
    (record,) = shift_records(ctx, [row], {person.id: person.name})
    return record


def week_of(day: str | dt.date, *, field: str = "week") -> tuple[dt.date, dt.date]:
    """The Monday and the Sunday of the week holding ``day``."""
    date = parse_date(day, field=field)
    monday = date - dt.timedelta(days=date.weekday())
    return monday, monday + dt.timedelta(days=6)


def list_shifts(ctx: Context, first: str | dt.date, last: str | dt.date | None = None, *,
                location: str | None = None, staff_id: int | None = None) -> list[ShiftRecord]:
    """Shifts starting on local days ``first``…``last`` (default: that one day), by start,
    at one location or of one person when given."""
    ctx.require(READ)
    first_day, last_day = parse_range(first, first if last is None else last)
    location_ids = [location_by_name(ctx, location).id] if location else None
    if staff_id is not None:
        staff_member(ctx, staff_id)
    return shift_records(ctx, shifts_between(ctx, first_day, last_day, location_ids=location_ids,
                                             staff_id=staff_id))


def remove_shift(ctx: Context, shift_id: int) -> ShiftRecord:
    """Take a shift off the rota; returns what it was."""
    ctx.require(ROTA)
    if isinstance(shift_id, bool) or not isinstance(shift_id, int) or shift_id < 1:
        raise ValidationError(f"a shift id is a positive whole number, got {shift_id!r}", field="id")
    row = ctx.session.get(Shift, shift_id)
    if row is None:
        raise NotFound(f"no shift with id {shift_id}")
    (record,) = shift_records(ctx, [row])
    ctx.session.delete(row)
    ctx.session.flush()
    ctx.audit("shift.removed", "shift", shift_id, summary={
        "staff_id": record.staff_id, "role": record.role, "location": record.location,
        "start": row.starts_at.isoformat(), "end": row.ends_at.isoformat()})
    return record


def _parse_weeks(value: Any) -> int:
    try:
        weeks = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"weeks must be a whole number, got {value!r}", field="weeks") from None
    if not 1 <= weeks <= MAX_COPY_WEEKS:
        raise ValidationError(f"weeks must be between 1 and {MAX_COPY_WEEKS}, got {weeks}", field="weeks")
    return weeks


def copy_week(ctx: Context, week: str | dt.date, *, weeks: int | str = 1, location: str | None = None,
              skip_conflicts: bool = False) -> CopyResult:
    """Copy the shifts of the week holding ``week`` (Monday to Sunday) to the ``weeks`` weeks after.

    Each copy keeps its local wall-clock times (08:00 stays 08:00 across a change of the
    clocks). A copy identical to a shift already there is left out (so copying twice is
    harmless). Copies that would overlap another shift, fall on approved time off or on a
    day a required credential of the person has expired (not overridden), or belong to
    someone no longer active are conflicts: by default nothing is written and every
    conflict is named; with ``skip_conflicts`` the rest are written and those are reported.

    The work is a fixed number of queries, whatever the number of weeks: the source week,
    the staff, the target weeks' shifts, approved time off and expired required credentials
    with their overrides, then the inserts.
    """
    ctx.require(ROTA)
    errors: dict[str, str] = {}
    try:
        monday, sunday = week_of(week)
    except ValidationError as error:
        errors["week"] = error.message
    try:
        count = _parse_weeks(weeks)
    except ValidationError as error:
        errors["weeks"] = error.message
    if errors:
        raise ValidationError.of_fields(errors)
    location_ids = [location_by_name(ctx, location).id] if location else None
    source = shifts_between(ctx, monday, sunday, location_ids=location_ids)
    if not source:
        where = f" at {location}" if location else ""
        raise ValidationError(f"there are no shifts in the week of {monday}{where} to copy", field="week")
    people = {s.id: s for s in staff.list_staff(ctx, include_inactive=True)}
    zone = ctx.timezone
    planned: list[tuple[Shift, dt.datetime, dt.datetime]] = []
    skipped: list[str] = []
    for offset in range(1, count + 1):
        for shift in source:
            who = people[shift.staff_id].name
            walls = [ctx.local(t).replace(tzinfo=None) + dt.timedelta(weeks=offset)
                     for t in (shift.starts_at, shift.ends_at)]
            try:
                starts_at, ends_at = (localize(wall, zone, field=name) for wall, name in zip(walls, ("start", "end")))
            except ValidationError as error:
                skipped.append(f"{who} {walls[0]:%Y-%m-%d}: {error.message}")
                continue
            planned.append((shift, starts_at, ends_at))
    if planned:
        earliest, latest = min(p[1] for p in planned), max(p[2] for p in planned)
        staff_ids = sorted({p[0].staff_id for p in planned})
        existing = list(ctx.session.execute(select(Shift).where(
            Shift.staff_id.in_(staff_ids), Shift.starts_at < latest, Shift.ends_at > earliest)).scalars())
        first_day, last_day = ctx.local(earliest).date(), ctx.local(latest).date()
        leave = approved_leave(ctx, first_day, last_day, staff_ids)
        blocks = credentials.work_blocks(ctx, staff_ids, first_day, last_day)
    else:
        existing, leave, blocks = [], [], credentials.WorkBlocks({}, {})
    rows: list[Shift] = []
    overridden: list[tuple[int, dt.datetime, list[OpenOverride]]] = []
    already = 0
    for shift, starts_at, ends_at in planned:
        person = people[shift.staff_id]
        label = f"{person.name} {ctx.local(starts_at):%a %Y-%m-%d %H:%M}"
        same = [e for e in existing if e.staff_id == shift.staff_id and e.starts_at < ends_at and e.ends_at > starts_at]
        if any(e.starts_at == starts_at and e.ends_at == ends_at and e.location_id == shift.location_id
               and e.role == shift.role for e in same):
            already += 1
            continue
        why = refusal(person)
        if why is None and same:
            why = f"already works then (shift {same[0].id})"
        if why is None:
            first, last = days_touched(ctx, starts_at, ends_at)
            on_leave = [t for t in leave if t.staff_id == person.id and t.first_day <= last and t.last_day >= first]
            if on_leave:
                why = leave_message(person.name, on_leave[0])
        lifted: list[OpenOverride] = []
        if why is None:
            for day in days_touched(ctx, starts_at, ends_at):
                blocked, used = blocks.on(person.id, day)
                if blocked:
                    why = credentials.block_message(person.name, blocked)
                    break
                lifted += used
        if why is not None:
            skipped.append(f"{label}: {why}")
            continue
        overridden.append((shift.staff_id, starts_at, lifted))
        rows.append(Shift(staff_id=shift.staff_id, role=shift.role, location_id=shift.location_id,
                          starts_at=starts_at, ends_at=ends_at, note=shift.note, created_by=ctx.user.username))
    if skipped and not skip_conflicts:
        shown = "; ".join(skipped[:5]) + (f"; and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        raise Conflict(f"cannot copy the week of {monday}: {len(skipped)} shift(s) conflict: {shown}; "
                       "nothing was copied (skipping conflicts copies the rest)")
    ctx.session.add_all(rows)
    flush(ctx)
    for row in rows:
        ctx.audit("shift.added", "shift", row.id, summary={
            "staff_id": row.staff_id, "role": row.role, "location_id": row.location_id,
            "start": row.starts_at.isoformat(), "end": row.ends_at.isoformat(), "copied_from_week": str(monday)})
    for (staff_id, starts_at, lifted), row in zip(overridden, rows):
        credentials.audit_override_used(ctx, dict.fromkeys(lifted), staff_id, shift=str(row.id),
                                        shift_start=starts_at.isoformat())
    names = {pid: p.name for pid, p in people.items()}
    return CopyResult(tuple(shift_records(ctx, rows, names)), already, tuple(skipped))
