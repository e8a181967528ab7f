"""Time off: whole local days a staff member asks for, and the manager's decision.

Who may do what:

- ``hr.time_off`` (every role by default): request, list and cancel time off *for
  oneself*, that is for the staff record linked to one's user (``medoffice staff edit ID
  --set user=NAME``). A user with no linked staff record cannot request for anyone.
- ``hr.rota`` (manager, admin): request for anyone (entering a request made on
  paper or by phone), approve or decline with a note, cancel anyone's, list everyone's.

A request is ``requested``; a manager approves or declines it; the requester or a manager
may cancel a requested or approved one (``decided_by`` and ``decision_note`` then hold who
cancelled and why). Only ``approved`` days take a person off the rota: no shift can be added
on them, the coverage report leaves them out, and a provider on approved leave cannot be
booked: the scheduling plugin asks the staff role (:meth:`.domain.StaffDomain.leave`) and
refuses it, overbooking included. Approving reports the person's shifts and, for a
provider, the appointments still booked on those days (asked of the scheduling role, when a
plugin provides it), so the manager can reassign them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from sqlalchemy import select

from medoffice.core import Conflict, Context, NotFound, PermissionDenied, ValidationError
from medoffice.core.records import StaffRecord
from medoffice.core.services import staff
from medoffice.core.validation import optional_text

from .vocabulary import TIME_OFF_STATUSES

from .models import MAX_REASON, TimeOff
from .permissions import ROTA, TIME_OFF
from .rota import (
    ShiftRecord,
    parse_range,
    shift_records,
    shifts_between,
    staff_member,
)

OPEN = ("requested", "approved")
PENDING_STATUSES = ("booked", "arrived", "in_room")
"""Appointments still to be seen: those a provider's approved leave leaves to reassign."""
MAX_DAYS = 366


@attrs.frozen
class TimeOffRecord:
    """A time-off request: ``first_day``…``last_day`` are local days, both included."""

    id: int
    staff_id: int
    staff: str
    first_day: dt.date
    last_day: dt.date
    days: int
    reason: str | None
    status: str
    requested_at: dt.datetime
    requested_by: str
    decided_at: dt.datetime | None
    decided_by: str | None
    decision_note: str | None


@attrs.frozen
class BookedVisit:
    """An appointment still booked with a provider on the days of their leave."""

    id: int
    start: dt.datetime
    end: dt.datetime
    status: str


@attrs.frozen
class Approval:
    """An approved request, with what it collides with: the person's shifts on those days
    and, for a provider, their appointments still to come."""

    time_off: TimeOffRecord
    shifts: tuple[ShiftRecord, ...]
    appointments: tuple[BookedVisit, ...]


def _record(ctx: Context, row: TimeOff, name: str) -> TimeOffRecord:
    local = ctx.local
    return TimeOffRecord(row.id, row.staff_id, name, row.first_day, row.last_day,
                         (row.last_day - row.first_day).days + 1, row.reason, row.status, local(row.requested_at),
                         row.requested_by, local(row.decided_at) if row.decided_at else None, row.decided_by,
                         row.decision_note)


def _own(ctx: Context) -> StaffRecord | None:
    """The staff record linked to the signed-in user, if any."""
    if not ctx.user.id:
        return None
    for person in staff.list_staff(ctx, include_inactive=True):
        if person.user_id == ctx.user.id:
            return person
    return None


def _own_or_refuse(ctx: Context) -> StaffRecord:
    person = _own(ctx)
    if person is None:
        raise ValidationError(f"user {ctx.user.username!r} is not linked to a staff record, so has no time off "
                              "of their own; a manager can link it (medoffice staff edit ID --set user=NAME)",
                              field="staff")
    return person


def _row(ctx: Context, time_off_id: Any) -> TimeOff:
    if isinstance(time_off_id, bool) or not isinstance(time_off_id, int) or time_off_id < 1:
        raise ValidationError(f"a time-off id is a positive whole number, got {time_off_id!r}", field="id")
    row = ctx.session.get(TimeOff, time_off_id)
    if row is None:
        raise NotFound(f"no time off with id {time_off_id}")
    return row


def _note(value: str | None, *, field: str, required: bool = False) -> str | None:
    text = optional_text(value, field=field, max_length=MAX_REASON)
    if required and not text:
        raise ValidationError(f"{field.replace('_', ' ')} is required", field=field)
    return text


def request(ctx: Context, first_day: str | dt.date, last_day: str | dt.date | None = None, *,
            staff_id: int | None = None, reason: str | None = None) -> TimeOffRecord:
    """Ask for local days ``first_day``…``last_day`` off (default: the one day).

    Without ``staff_id`` it is for the signed-in user's own staff record.

    Raises:
        PermissionDenied: without ``hr.time_off``, or for someone else without
            ``hr.rota``.
        ValidationError: bad days, the last before the first, more than a year, an inactive
            staff member, a user with no staff record of their own.
        NotFound: unknown staff member.
        Conflict: the person already has time off requested or approved on one of those days.
    """
    manager = ctx.can(ROTA)
    if not manager:
        ctx.require(TIME_OFF)
    errors: dict[str, str] = {}
    try:
        first, last = parse_range(first_day, first_day if last_day is None else last_day,
                                  first_field="first_day", last_field="last_day", max_days=MAX_DAYS)
    except ValidationError as error:
        errors |= error.errors or {"first_day": error.message}
        if last_day is None:  # the last day is the first: name the bad day once
            errors.pop("last_day", None)
    try:
        reason = _note(reason, field="reason")
    except ValidationError as error:
        errors["reason"] = error.message
    if errors:
        raise ValidationError.of_fields(errors)
    if staff_id is None:
        person = _own_or_refuse(ctx)
    else:
        if not manager:
            own = _own(ctx)
            if own is None or own.id != staff_id:
                raise PermissionDenied(ctx.user.username, ROTA)
        person = staff_member(ctx, staff_id)
    if not person.active:
        raise ValidationError(f"{person.name} (staff id {person.id}) is no longer active", field="staff")
    clash = ctx.session.execute(select(TimeOff).where(
        TimeOff.staff_id == person.id, TimeOff.status.in_(OPEN), TimeOff.first_day <= last,
        TimeOff.last_day >= first).order_by(TimeOff.first_day).limit(1)).scalars().first()
    if clash is not None:
        raise Conflict(f"{person.name} already has time off {clash.status} {clash.first_day} to {clash.last_day} "
                       f"(time off {clash.id})")
    row = TimeOff(staff_id=person.id, first_day=first, last_day=last, reason=reason, status="requested",
                  requested_at=ctx.now(), requested_by=ctx.user.username)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("time_off.requested", "time_off", row.id, summary={
        "staff_id": person.id, "first_day": str(first), "last_day": str(last)})
    return _record(ctx, row, person.name)


def _decide(ctx: Context, time_off_id: int, status: str, note: str | None) -> tuple[TimeOff, StaffRecord]:
    row = _row(ctx, time_off_id)
    if row.status != "requested":
        verb = {"approved": "approve", "declined": "decline"}[status]
        raise Conflict(f"time off {row.id} is {row.status}; only a requested one can be {status} "
                       f"(cannot {verb} it)")
    person = staff_member(ctx, row.staff_id)
    row.status, row.decided_at, row.decided_by, row.decision_note = status, ctx.now(), ctx.user.username, note
    ctx.session.flush()
    ctx.audit(f"time_off.{status}", "time_off", row.id, summary={
        "staff_id": row.staff_id, "first_day": str(row.first_day), "last_day": str(row.last_day), "note": note})
    return row, person


def approve(ctx: Context, time_off_id: int, note: str | None = None) -> Approval:
    """Approve a request. Returns it with the person's shifts on those days and, for a
    provider, the appointments still booked then: both are left as they are, to reassign.

    Raises:
        PermissionDenied: without ``hr.rota``.
        NotFound: no such request.
        Conflict: the request is not ``requested`` any more.
    """
    ctx.require(ROTA)
    note = _note(note, field="note")
    row, person = _decide(ctx, time_off_id, "approved", note)
    shifts = shift_records(ctx, shifts_between(ctx, row.first_day, row.last_day, staff_id=row.staff_id),
                           {person.id: person.name})
    visits = _booked_during(ctx, person, row.first_day, row.last_day)
    return Approval(_record(ctx, row, person.name), tuple(shifts), tuple(visits))


def _booked_during(ctx: Context, person: StaffRecord, first: dt.date, last: dt.date) -> list[BookedVisit]:
    """A provider's appointments still to be seen on local days ``first``…``last``, asked of
    the scheduling role (none when no plugin provides it)."""
    schedule = ctx.role_service("scheduling") if person.is_provider else None
    if schedule is None:
        return []
    found: list[BookedVisit] = []
    day = first
    while day <= last:
        found += [BookedVisit(a.id, ctx.local(a.start), ctx.local(a.end), a.status)
                  for a in schedule.day_appointments(ctx, day, person.id) if a.status in PENDING_STATUSES]
        day += dt.timedelta(days=1)
    return found


def decline(ctx: Context, time_off_id: int, note: str) -> TimeOffRecord:
    """Decline a request, saying why (the note is required)."""
    ctx.require(ROTA)
    note = _note(note, field="note", required=True)
    row, person = _decide(ctx, time_off_id, "declined", note)
    return _record(ctx, row, person.name)


def cancel(ctx: Context, time_off_id: int, reason: str | None = None) -> TimeOffRecord:
    """Withdraw a requested or approved request: one's own (``hr.time_off``) or
    anyone's (``hr.rota``)."""
    manager = ctx.can(ROTA)
    if not manager:
        ctx.require(TIME_OFF)
    reason = _note(reason, field="reason")
    row = _row(ctx, time_off_id)
    if not manager:
        own = _own(ctx)
        if own is None or own.id != row.staff_id:
            raise PermissionDenied(ctx.user.username, ROTA)
    if row.status not in OPEN:
        raise Conflict(f"time off {row.id} is {row.status} already; only a requested or approved one can be "
                       "cancelled")
    before = row.status
    row.status, row.decided_at, row.decided_by, row.decision_note = "cancelled", ctx.now(), ctx.user.username, reason
    ctx.session.flush()
    ctx.audit("time_off.cancelled", "time_off", row.id, summary={
        "staff_id": row.staff_id, "was": before, "first_day": str(row.first_day), "last_day": str(row.last_day),
        "reason": reason})
    return _record(ctx, row, staff_member(ctx, row.staff_id).name)


def list_time_off(ctx: Context, *, staff_id: int | None = None, status: str | None = None,
                  first: str | dt.date | None = None, last: str | dt.date | None = None) -> list[TimeOffRecord]:
    """Requests by first day: everyone's (``hr.rota``) or one's own
    (``hr.time_off``), of one status, touching ``first``…``last`` when given."""
    manager = ctx.can(ROTA)
    if not manager:
        ctx.require(TIME_OFF)
    errors: dict[str, str] = {}
    wanted = (status or "").strip().lower() or None
    if wanted is not None and wanted not in TIME_OFF_STATUSES:
        errors["status"] = f"status must be one of {', '.join(TIME_OFF_STATUSES)}, got {status!r}"
    span: tuple[dt.date, dt.date] | None = None
    if first is not None or last is not None:
        try:
            span = parse_range(first if first is not None else last, last if last is not None else first,
                               max_days=100 * MAX_DAYS)
        except ValidationError as error:
            errors |= error.errors or {"from": error.message}
    if errors:
        raise ValidationError.of_fields(errors)
    if not manager:
        own = _own_or_refuse(ctx)
        if staff_id is not None and staff_id != own.id:
            raise PermissionDenied(ctx.user.username, ROTA)
        staff_id = own.id
    elif staff_id is not None:
        staff_member(ctx, staff_id)
    query = select(TimeOff)
    if staff_id is not None:
        query = query.where(TimeOff.staff_id == staff_id)
    if wanted is not None:
        query = query.where(TimeOff.status == wanted)
    if span is not None:
        query = query.where(TimeOff.first_day <= span[1], TimeOff.last_day >= span[0])
    names = {s.id: s.name for s in staff.list_staff(ctx, include_inactive=True)}
    rows = ctx.session.execute(query.order_by(TimeOff.first_day, TimeOff.staff_id, TimeOff.id)).scalars()
    return [_record(ctx, row, names.get(row.staff_id, "?")) for row in rows]
