"""The day's flow: check in, room, done, no-show, and undo of the last of them, beside the
front desk's rules for when each may be taken.

A step needs the right status (you room a patient who has arrived, not one who is only
booked) and the right moment, judged by the practice's clock in its own time zone:

- **check in**: only on the appointment's own local day, however late the patient is. A
  patient already marked a no-show who turns up that day is checked in all the same (their
  slot is taken back, unless someone was booked into it meanwhile).
- **room**: only on the day, for a patient who has arrived. A room holds one patient: a
  room someone is still in is refused, naming them, unless a user who may overbook puts the
  patient in anyway with a reason. A visit done, a no-show or a cancellation frees the room.
- **no-show**: only once the practice's grace period has passed since the start
  (:data:`GRACE_KEY`, 15 minutes unless the practice sets another; ``medoffice schedule
  grace set``). Later days are fine (the desk may tidy up yesterday's board).
- **done** (complete): not before the appointment's day has started; later days are fine.
- **cancel**: any time, for a booked or an arrived appointment (``booking.cancel``).

**Undo** takes back the last of these steps, but cancel (which offers the slot to the
waitlist, so has its own way back: book again): a check-in, a rooming, a visit done, a
no-show. It is refused when something happened since that the undo would contradict: the
no-show's slot was booked again, the room of a visit put back in it has another patient,
or a plugin that acted on the step refuses (billing, once charges are posted for a visit
done). Plugins hear of an undo through ``medoffice_appointment_changed`` with kind
``"undone"`` (``previous`` is the appointment before the undo, ``reason`` the step taken
back); raising there refuses it and rolls it back.

The services refuse a step that breaks the rules, and the day board asks the same
functions (:func:`refusal`, :func:`status_refusal`) which keys to offer. Messages name the
patient and the time, as the desk says them, never an id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs
from sqlalchemy import and_, or_, select

from medoffice.core import Conflict, Context, ValidationError
from medoffice.core.records import AppointmentChange, AppointmentRecord, VisitRecord
from medoffice.core.storage.models import Patient, Room, Staff

from .models import ACTIVE_STATUSES, Appointment, AppointmentType, FlowStep, Setting
from .permissions import BOOK, MANAGE, OVERBOOK, READ

GRACE_KEY: Final = "flow.no_show_grace_minutes"
"""The practice's setting (``scheduling_setting``): minutes after an appointment's start
before its patient may be marked a no-show. One value for every terminal, as the clinic's
policy is one."""

DEFAULT_GRACE_MINUTES: Final = 15
LONGEST_GRACE_MINUTES: Final = 24 * 60


@attrs.frozen
class Step:
    """One step of the day's flow.

    Attributes:
        allowed_from: the statuses it may start from.
        status: the status it leaves.
        stamp: the appointment's column that records when it was taken, if any.
        action: the audit log's action.
        verb: how a refusal names it (``cannot be …``).
        when: its time rule: ``"any time"``, ``"on the day"``, ``"after the grace"`` or
            ``"from the day"``.
    """

    allowed_from: tuple[str, ...]
    status: str
    stamp: str | None
    action: str
    verb: str
    when: str


STEPS: Final[dict[str, Step]] = {
    "cancelled": Step(("booked", "arrived"), "cancelled", "cancelled_at", "appointment.cancelled", "cancelled",
                      "any time"),
    "no_show": Step(("booked",), "no_show", None, "appointment.no_show", "marked as a no-show", "after the grace"),
    "checked_in": Step(("booked", "no_show"), "arrived", "arrived_at", "appointment.checked_in", "checked in",
                       "on the day"),
    "roomed": Step(("arrived", "in_room"), "in_room", "roomed_at", "appointment.roomed", "roomed", "on the day"),
    "completed": Step(("arrived", "in_room"), "completed", "completed_at", "appointment.completed", "done",
                      "from the day"),
}
"""Change kind (as ``medoffice_appointment_changed`` names it) -> its step. Rooming a patient
who is in a room already moves them to another room (its time stays the first rooming's)."""

UNDOABLE: Final[dict[str, str]] = {"arrived": "checked_in", "in_room": "roomed", "completed": "completed",
                                   "no_show": "no_show"}
"""Status -> the step that left it, which undo takes back."""

STATUS_WORDS: Final[dict[str, str]] = {"booked": "booked", "arrived": "checked in", "in_room": "in a room",
                                       "completed": "done", "cancelled": "cancelled",
                                       "no_show": "marked as a no-show"}
"""Statuses as the desk says them."""

STEP_NAMES: Final[dict[str, str]] = {"checked_in": "check-in", "roomed": "rooming", "completed": "done",
                                     "no_show": "no-show", "cancelled": "cancellation"}
"""Steps as an undo names them (``undid the check-in``)."""


def refusal(kind: str, who: str, starts_at: dt.datetime, now: dt.datetime, zone: ZoneInfo,
            grace: dt.timedelta = dt.timedelta(minutes=DEFAULT_GRACE_MINUTES)) -> str | None:
    """Why step ``kind`` may not be taken now on the appointment starting at ``starts_at``, in
    one line, or None when it may (the status is checked apart, see :func:`status_refusal`).

    Args:
        kind: a key of :data:`STEPS`.
        who: the appointment as the desk names it (``Ann Lee's 09:00 appointment``).
        starts_at: the appointment's start (aware).
        now: the practice's clock (aware).
        zone: the practice's time zone, where days begin and end.
        grace: how long after the start a no-show may be marked.
    """
    step = STEPS[kind]
    start = starts_at.astimezone(zone)
    today = now.astimezone(zone).date()
    if step.when == "on the day" and start.date() != today:
        return (f"{who} is on {start:%a %Y-%m-%d}, not today ({today:%a %Y-%m-%d}): "
                f"a patient is {step.verb} only on the day of the appointment")
    if step.when == "after the grace" and now < starts_at + grace:
        until = (starts_at + grace).astimezone(zone)
        day = "" if start.date() == today else f" on {start:%a %Y-%m-%d}"
        minutes = int(grace.total_seconds() // 60)
        return (f"{who} starts at {start:%H:%M}{day}: a no-show may be marked from {until:%H:%M} "
                f"({minutes} minutes' grace for a late patient)")
    if step.when == "from the day" and today < start.date():
        return f"{who} is on {start:%a %Y-%m-%d}: it cannot be {step.verb} before its day"
    return None


def status_refusal(kind: str, who: str, status: str) -> str | None:
    """Why step ``kind`` may not follow ``status``, in one line, or None when it may."""
    step = STEPS[kind]
    if status in step.allowed_from:
        return None
    return f"{who} is {STATUS_WORDS.get(status, status)} and cannot be {step.verb}"


def allowed(kind: str, status: str, starts_at: dt.datetime, now: dt.datetime, zone: ZoneInfo,
            grace: dt.timedelta = dt.timedelta(minutes=DEFAULT_GRACE_MINUTES)) -> bool:
    """Whether step ``kind`` may be taken now (status and time): what the day board offers."""
    return status_refusal(kind, "", status) is None and refusal(kind, "", starts_at, now, zone, grace) is None


def person(first_name: str, last_name: str) -> str:
    """A patient as the desk says it: ``Ann Lee``."""
    return f"{first_name} {last_name}".strip()


def named(patient: str, start: dt.datetime) -> str:
    """An appointment as the desk says it: ``Ann Lee's 09:00 appointment`` (start local)."""
    return f"{patient}'s {start:%H:%M} appointment"


# -- the grace period ------------------------------------------------------------------------


@attrs.frozen
class GraceSetting:
    """How long after an appointment's start its patient may be marked a no-show."""

    minutes: int
    default: bool


def grace(ctx: Context) -> dt.timedelta:
    """The practice's grace period (the default when it has not set one)."""
    return dt.timedelta(minutes=grace_setting(ctx, check=False).minutes)


def grace_setting(ctx: Context, *, check: bool = True) -> GraceSetting:
    """The practice's grace period before a no-show, and whether it is the default."""
    if check:
        ctx.require(READ)
    row = ctx.session.get(Setting, GRACE_KEY)
    if row is None:
        return GraceSetting(DEFAULT_GRACE_MINUTES, True)
    return GraceSetting(int(row.value), False)


def set_grace(ctx: Context, minutes: Any) -> GraceSetting:
    """Set the practice's grace period before a no-show, in whole minutes (0 to 1440).

    Raises:
        PermissionDenied: without ``scheduling.manage``.
        ValidationError: not a whole number of minutes from 0 to 1440.
    """
    ctx.require(MANAGE)
    text = str(minutes).strip() if isinstance(minutes, (int, str)) and not isinstance(minutes, bool) else None
    if text is None or not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= LONGEST_GRACE_MINUTES:
        raise ValidationError(f"the grace period is a whole number of minutes from 0 to {LONGEST_GRACE_MINUTES}, "
                              f"got {minutes!r}", field="minutes")
    value = int(text)
    before = grace_setting(ctx, check=False)
    row = ctx.session.get(Setting, GRACE_KEY)
    if row is None:
        ctx.session.add(Setting(key=GRACE_KEY, value=str(value)))
    else:
        row.value = str(value)
    ctx.session.flush()
    ctx.audit("scheduling.grace.set", "setting", GRACE_KEY, summary={"minutes": value, "before": before.minutes})
    return GraceSetting(value, False)


# -- rooms -----------------------------------------------------------------------------------


@attrs.frozen
class Occupant:
    """Who is in a room now (an appointment in the room, not done yet)."""

    room: str
    appointment_id: int
    patient: str
    since: dt.datetime | None


def occupants(ctx: Context, location: str | None = None) -> dict[str, Occupant]:
    """Room name -> who is in it now, for today's appointments (of one location, if named).

    Raises:
        PermissionDenied: without ``scheduling.read`` and ``patients.read``.
    """
    ctx.require(READ)
    ctx.require("patients.read")
    from .timing import day_bounds

    start, end = day_bounds(ctx.local(ctx.now()).date(), ctx.timezone)
    query = (select(Room.name, Appointment.id, Patient.first_name, Patient.last_name, Appointment.roomed_at,
                    Appointment.location_id)
             .join(Room, Room.id == Appointment.room_id).join(Patient, Patient.id == Appointment.patient_id)
             .where(Appointment.status == "in_room", Appointment.starts_at >= start, Appointment.starts_at < end)
             .order_by(Appointment.roomed_at))
    if location is not None:
        from . import catalogue

        query = query.where(Appointment.location_id == catalogue.location_by_name(ctx, location).id)
    found: dict[str, Occupant] = {}
    for name, appointment_id, first, last, since, _ in ctx.session.execute(query):
        found.setdefault(name, Occupant(name, appointment_id, person(first, last),
                                        ctx.local(since) if since else None))
    return found


def _occupant(ctx: Context, room_id: int, exclude: int) -> Occupant | None:
    """Who else is in room ``room_id`` today, if anyone."""
    from .timing import day_bounds

    start, end = day_bounds(ctx.local(ctx.now()).date(), ctx.timezone)
    found = ctx.session.execute(
        select(Room.name, Appointment.id, Patient.first_name, Patient.last_name, Appointment.roomed_at)
        .join(Room, Room.id == Appointment.room_id).join(Patient, Patient.id == Appointment.patient_id)
        .where(Appointment.status == "in_room", Appointment.room_id == room_id, Appointment.id != exclude,
               Appointment.starts_at >= start, Appointment.starts_at < end)
        .order_by(Appointment.roomed_at).limit(1)).first()
    if found is None:
        return None
    name, appointment_id, first, last, since = found
    return Occupant(name, appointment_id, person(first, last), ctx.local(since) if since else None)


def _room_taken(occupant: Occupant) -> str:
    since = f" since {occupant.since:%H:%M}" if occupant.since else ""
    return f"{occupant.room} is taken: {occupant.patient} is in it{since}"


def _booked_room_refusal(ctx: Context, row: Appointment, room_id: int, room_name: str) -> str | None:
    """Why the room cannot hold ``row`` for its booked time: another visit booked into it
    then (done visits do not count), in the desk's words."""
    from . import booking

    clash = ctx.session.execute(
        select(Appointment.starts_at, Appointment.ends_at, Patient.first_name, Patient.last_name)
        .join(Patient, Patient.id == Appointment.patient_id)
        .where(Appointment.room_id == room_id, Appointment.id != row.id,
               Appointment.status.in_(("booked", "arrived", "in_room")), Appointment.overbooked.is_(False),
               Appointment.starts_at < row.ends_at, Appointment.ends_at > row.starts_at,
               Appointment.starts_at >= row.starts_at - booking.LONGEST)
        .order_by(Appointment.starts_at).limit(1)).first()
    if clash is None or row.overbooked:
        return None
    starts, ends, first, last = clash
    return (f"{room_name} is booked {ctx.local(starts):%H:%M}-{ctx.local(ends):%H:%M} for {person(first, last)}; "
            "choose another room")


# -- taking a step ---------------------------------------------------------------------------


def _who(ctx: Context, row: Appointment) -> str:
    patient = ctx.session.get(Patient, row.patient_id)
    return named(person(patient.first_name, patient.last_name), ctx.local(row.starts_at))


def _retake_slot(ctx: Context, row: Appointment, who: str) -> None:
    """Hold again the slot a no-show freed (its time, room and equipment), or refuse naming
    what took it meanwhile."""
    from . import resources

    if not row.overbooked:
        kind = ctx.session.get(AppointmentType, row.type_id)
        found = _taken_by(ctx, row)
        if row.location_id is not None:
            found += resources.equipment_conflicts(ctx, kind, row.location_id, row.starts_at, row.ends_at,
                                                   exclude=row.id)
        if found:
            raise Conflict(f"{who}'s time was given away after the no-show: " + "; ".join(found))
    resources.reserve(ctx, row, holds=not row.overbooked)


def _taken_by(ctx: Context, row: Appointment) -> list[str]:
    """What holds the provider, the patient or the room of ``row`` at its time now, named as
    the desk says it (``Bo Lee is booked 09:00-09:30 with Dr Adams``), as booking's own
    check finds it (``booking.conflicts``: the same statuses and bounds)."""
    from . import booking

    if not booking.conflicts(ctx, provider_id=row.provider_id, patient_id=row.patient_id, room_id=row.room_id,
                             start=row.starts_at, end=row.ends_at, exclude=row.id):
        return []
    same = [Appointment.provider_id == row.provider_id, Appointment.patient_id == row.patient_id]
    if row.room_id is not None:
        same.append(and_(Appointment.room_id == row.room_id, Appointment.status != "completed"))
    found = ctx.session.execute(
        select(Appointment.starts_at, Appointment.ends_at, Patient.first_name, Patient.last_name, Staff.name)
        .join(Patient, Patient.id == Appointment.patient_id).join(Staff, Staff.id == Appointment.provider_id)
        .where(Appointment.id != row.id, Appointment.status.in_(ACTIVE_STATUSES), Appointment.overbooked.is_(False),
               Appointment.starts_at < row.ends_at, Appointment.ends_at > row.starts_at,
               Appointment.starts_at >= row.starts_at - booking.LONGEST, or_(*same))
        .order_by(Appointment.starts_at)).all()
    return [f"{person(first, last)} is booked {ctx.local(start):%H:%M}-{ctx.local(end):%H:%M} with {provider}"
            for start, end, first, last, provider in found]


def advance(ctx: Context, appointment_id: int, kind: str, *, reason: str | None = None,
            room: str | None = None, override_reason: str | None = None) -> AppointmentRecord:
    """Take step ``kind`` if the appointment's status and the practice's clock allow it: a
    step out of order is a Conflict, one at the wrong moment a ValidationError. The caller
    checked the permission."""
    from . import booking, resources

    step = STEPS[kind]
    row = booking._appointment(ctx, appointment_id)
    who = _who(ctx, row)
    out_of_order = status_refusal(kind, who, row.status)
    if out_of_order:
        raise Conflict(out_of_order)
    now = ctx.now()
    too_soon_or_late = refusal(kind, who, row.starts_at, now, ctx.timezone, grace(ctx))
    if too_soon_or_late:
        raise ValidationError(too_soon_or_late, field="id")
    summary: dict[str, Any] = {}
    if reason:
        summary["reason"] = reason
    history = _snapshot(ctx, row, kind, now) if kind in UNDOABLE.values() else None
    if kind == "checked_in" and row.status == "no_show":
        _retake_slot(ctx, row, who)
        summary["after_no_show"] = True
    if kind == "roomed":
        summary |= _put_in_room(ctx, row, room, override_reason)
    moved = kind == "roomed" and row.status == "in_room"
    booking.revised(ctx, row, calendar=booking.calendar_changed(row.status, step.status))
    row.status = step.status
    if step.stamp and not moved:  # a move to another room keeps the time of the first rooming
        setattr(row, step.stamp, now)
    if history is not None:
        history.status_after = row.status
        ctx.session.add(history)
    if kind == "cancelled":
        row.cancel_reason = reason
    if step.status in ("cancelled", "no_show"):
        resources.release(ctx, row.id)
    booking._flush(ctx)
    ctx.audit(step.action, "appointment", row.id, patient_id=row.patient_id, summary=summary or None)
    record = booking.to_record(row, ctx.session.get(AppointmentType, row.type_id).name)
    ctx.hooks.appointment_changed(ctx, AppointmentChange(kind, record, reason=reason))
    if kind == "completed":
        ctx.hooks.visit_completed(ctx, VisitRecord(record, now))
    return record


def _snapshot(ctx: Context, row: Appointment, kind: str, now: dt.datetime) -> FlowStep:
    """The step about to be taken on ``row``, with what undo will put back (the caller sets
    ``status_after`` and adds it)."""
    return FlowStep(appointment_id=row.id, kind=kind, status_before=row.status, status_after=row.status,
                    room_before_id=row.room_id, overbooked_before=bool(row.overbooked),
                    arrived_before=row.arrived_at, roomed_before=row.roomed_at, completed_before=row.completed_at,
                    taken_at=now, taken_by=ctx.user.username)


def _put_in_room(ctx: Context, row: Appointment, room: str | None, override_reason: str | None) -> dict[str, Any]:
    """Set the appointment's room (the named one, else the one it was booked in), refusing a
    room someone is in unless overridden; what the audit entry says about it."""
    from . import booking

    if room is not None and room.strip():
        if row.location_id is None:
            raise ValidationError(f"{_who(ctx, row)} has no location to find the room {room!r} in", field="room")
        room_id = booking._room_id(ctx, row.location_id, room)
    else:
        room_id = row.room_id
    if room_id is None:
        if row.status == "in_room":
            raise ValidationError(f"{_who(ctx, row)} is in a room already: name the room to move them to",
                                  field="room")
        return {}
    room_name = ctx.session.get(Room, room_id).name
    if row.status == "in_room" and room_id == row.room_id:
        raise Conflict(f"{_who(ctx, row)} is in {room_name} already; choose another room to move them")
    occupant = _occupant(ctx, room_id, row.id)
    summary: dict[str, Any] = {"room_id": room_id, "room_before_id": row.room_id}
    if occupant is not None:
        if override_reason is None:
            raise Conflict(_room_taken(occupant) + " (finish that visit first, or share the room with a reason: "
                                                   "needs scheduling.overbook)")
        summary |= {"shared_with_appointment_id": occupant.appointment_id, "override_reason": override_reason}
    taken = _booked_room_refusal(ctx, row, room_id, room_name)
    if taken:
        if override_reason is None:
            raise Conflict(taken)
        row.overbooked = True  # sharing a room booked for another visit overbooks it, with the reason
        summary |= {"overbooked": True, "override_reason": override_reason}
    row.room_id = room_id
    return summary


def no_show(ctx: Context, appointment_id: int) -> AppointmentRecord:
    """The patient did not come (once the grace period is over); the slot is free again."""
    ctx.require(BOOK)
    return advance(ctx, appointment_id, "no_show")


def check_in(ctx: Context, appointment_id: int) -> AppointmentRecord:
    """The patient arrived: records the time, which starts their wait. A patient marked a
    no-show who comes after all, that day, is checked in too if their slot is still free."""
    ctx.require(BOOK)
    return advance(ctx, appointment_id, "checked_in")


def room(ctx: Context, appointment_id: int, room_name: str | None = None, *,
         override_reason: str | None = None) -> AppointmentRecord:
    """The patient went into a room (``room_name`` at the appointment's location, else the
    room it was booked in, if any).

    Args:
        override_reason: put the patient in a room someone else is in, for this reason (needs
            ``scheduling.overbook``).

    Raises:
        Conflict: the room has a patient in it (named), or is booked for another visit now.
    """
    from . import booking

    ctx.require(BOOK)
    if override_reason is not None:
        ctx.require(OVERBOOK)
        override_reason = booking._reason(override_reason, field="override_reason", required=True)
    return advance(ctx, appointment_id, "roomed", room=room_name, override_reason=override_reason)


def complete(ctx: Context, appointment_id: int) -> AppointmentRecord:
    """The visit is over; its room is free. Announces ``medoffice_visit_completed`` (billing
    and inventory listen)."""
    ctx.require(BOOK)
    return advance(ctx, appointment_id, "completed")


@attrs.frozen
class OfferNote:
    """A waitlist offer as the desk reads it: who was offered the freed time, and when."""

    patient: str
    appointment_type: str
    start: dt.datetime
    provider: str


@attrs.frozen
class Cancelled:
    """A cancellation and the waitlist offers it set off (``medoffice_waitlist_offer``)."""

    appointment: AppointmentRecord
    offers: tuple[OfferNote, ...]


def cancel(ctx: Context, appointment_id: int, reason: str) -> Cancelled:
    """Cancel as ``booking.cancel`` does, and say to whom the freed time was offered (the
    waitlist's offers made in this operation), for the screen that cancelled.

    Raises:
        the same as ``booking.cancel``.
    """
    from . import booking, waitlist

    record = booking.cancel(ctx, appointment_id, reason)
    notes = []
    for offer in waitlist.offers_made(ctx):
        patient = ctx.session.get(Patient, offer.patient_id)
        notes.append(OfferNote(person(patient.first_name, patient.last_name), offer.appointment_type,
                               ctx.local(offer.start), ctx.session.get(Staff, offer.provider_id).name))
    return Cancelled(record, tuple(notes))


# -- undo ------------------------------------------------------------------------------------


@attrs.frozen
class Undone:
    """An undone step: which one, and the appointment after it."""

    step: str
    appointment: AppointmentRecord


def undo(ctx: Context, appointment_id: int) -> Undone:
    """Take back the appointment's last step of the day (check-in, rooming or a move to
    another room, done, no-show), putting back what it changed: the status, the room (a
    patient moved from one room to another goes back to the first; one roomed straight from
    the waiting room goes back to the room the appointment was booked in, or none) and the
    step times. Undo again to go further back, one step at a time.

    Raises:
        PermissionDenied: without ``scheduling.book``.
        Conflict: nothing to undo (booked or cancelled), or something happened since: the
            no-show's time was booked again, the room the patient would go back into has
            another patient, or a plugin refused (billing, once charges are posted for the visit).
    """
    from . import booking

    ctx.require(BOOK)
    row = booking._appointment(ctx, appointment_id)
    who = _who(ctx, row)
    step = UNDOABLE.get(row.status)
    if step is None:
        hint = " (book it again instead)" if row.status == "cancelled" else ""
        raise Conflict(f"{who} is {STATUS_WORDS.get(row.status, row.status)}: there is no step to undo{hint}")
    type_name = ctx.session.get(AppointmentType, row.type_id).name
    before = booking.to_record(row, type_name)
    summary: dict[str, Any] = {"undone": step, "status_before": row.status}
    last = ctx.session.execute(select(FlowStep).where(FlowStep.appointment_id == row.id, FlowStep.undone_at.is_(None))
                               .order_by(FlowStep.id.desc()).limit(1)).scalar_one_or_none()
    if last is not None and last.status_after == row.status and last.kind in STEPS:
        step = last.kind
        summary["undone"] = step
        room_before = row.room_id
        _put_back(ctx, row, last, who)
        last.undone_at, last.undone_by = ctx.now(), ctx.user.username
        if row.room_id != room_before:
            summary |= {"room_id": row.room_id, "room_before_id": room_before}
    else:
        _undo_by_status(ctx, row, step, who)
    summary["status_after"] = row.status
    booking.revised(ctx, row, calendar=booking.calendar_changed(before.status, row.status))
    booking._flush(ctx)
    ctx.audit("appointment.undone", "appointment", row.id, patient_id=row.patient_id, summary=summary)
    record = booking.to_record(row, type_name)
    ctx.hooks.appointment_changed(ctx, AppointmentChange("undone", record, previous=before, reason=step))
    return Undone(step, record)


def _room_name(ctx: Context, room_id: int | None) -> str | None:
    return ctx.session.get(Room, room_id).name if room_id is not None else None


def _put_back(ctx: Context, row: Appointment, last: FlowStep, who: str) -> None:
    """Put ``row`` back as it was before step ``last``, or refuse naming what stands in the way."""
    from . import resources

    if last.kind == "no_show":  # the slot first, as the status change would be flushed by its look-ups
        _retake_slot(ctx, row, who)
    elif last.status_before == "in_room" and last.room_before_id is not None:
        # back into a room (a visit done, or a move): nobody else may be in it now
        occupant = _occupant(ctx, last.room_before_id, row.id)
        if occupant is not None:
            if last.kind == "completed":
                raise Conflict(f"cannot undo done: {who} would go back into {_room_taken(occupant)}")
            raise Conflict(f"cannot undo the move to {_room_name(ctx, row.room_id)}: {_room_taken(occupant)}")
    room_id = last.room_before_id
    row.overbooked = last.overbooked_before
    if last.kind == "roomed" and last.status_before != "in_room" and room_id is not None \
            and _booked_room_refusal(ctx, row, room_id, _room_name(ctx, room_id) or "") is not None:
        room_id = None  # back to waiting: the room it was booked in went to another visit meanwhile
    row.room_id = room_id
    row.status = last.status_before
    row.arrived_at, row.roomed_at, row.completed_at = last.arrived_before, last.roomed_before, last.completed_before
    if row.status == "no_show":  # a check-in after a no-show taken back: the slot is free again
        resources.release(ctx, row.id)


def _undo_by_status(ctx: Context, row: Appointment, step: str, who: str) -> None:
    """Undo a step taken before steps were kept (``sch0005``): by the status alone."""
    if step == "checked_in":
        row.status, row.arrived_at = "booked", None
    elif step == "roomed":
        row.status, row.roomed_at = "arrived", None
    elif step == "completed":
        if row.roomed_at is not None and row.room_id is not None:
            occupant = _occupant(ctx, row.room_id, row.id)
            if occupant is not None:
                raise Conflict(f"cannot undo done: {who} would go back into {_room_taken(occupant)}")
        row.status, row.completed_at = ("in_room" if row.roomed_at is not None else "arrived"), None
    else:  # no-show: the slot first, as the status change would be flushed by its look-ups
        _retake_slot(ctx, row, who)
        row.status = "booked"


__all__ = ["GRACE_KEY", "STEPS", "Cancelled", "GraceSetting", "OfferNote", "Occupant", "Undone", "advance",
           "allowed", "cancel", "check_in", "complete", "grace", "grace_setting", "no_show", "occupants", "refusal",
           "room", "set_grace", "status_refusal", "undo"]
