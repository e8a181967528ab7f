"""Booking: book, move and cancel (the rest of the day's flow is in :mod:`.day_flow`).

Every function takes the operation's context first and checks its permission before it
reads anything. Input is validated whole before anything is written; every change is
audited and announced through ``medoffice_appointment_changed`` in the same unit of work.

A new booking is three steps, kept apart so a recurring series can check all its dates
before it writes any: :func:`check` applies every rule and writes nothing, :func:`insert`
writes and audits a checked booking, and only then is it announced (:func:`book` does all
three for one appointment).

No double booking: the database refuses an overlapping appointment of the provider, the
room or the patient (an exclusion constraint on PostgreSQL, a trigger on SQLite). On
PostgreSQL the service looks for one first, inside the write transaction, since the
constraint's refusal ends the transaction; on SQLite (whose transaction already holds the
write lock, ``BEGIN IMMEDIATE``) a new booking's insert is the look-up, its refusal undoing
the insert alone. Either way it ends as ``SlotTaken("slot taken: …")`` naming what holds the
time. A user with ``scheduling.overbook`` may book over a conflict with a reason.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

import attrs
from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.exc import DBAPIError

from medoffice.core import Conflict, Context, NotFound, SlotTaken, ValidationError
from medoffice.core.records import AppointmentChange, AppointmentProposal, AppointmentRecord
from medoffice.core.services import patient_merge, patients
from medoffice.core.storage import plain, refusals
from medoffice.core.storage.models import Patient, Room, Staff
from medoffice.core.storage.refusals import Refusal
from medoffice.core.validation import optional_text

from . import availability, catalogue, day_flow, resources
from .models import ACTIVE_STATUSES, MAX_REASON, Appointment, AppointmentType, holds_its_slot
from .permissions import BOOK, OVERBOOK
from .timing import parse_local

SLOT_TAKEN = "slot taken"

LARGEST_ID = 2**31 - 1
"""The largest id an INTEGER column holds on PostgreSQL."""

LONGEST = dt.timedelta(days=1)
"""No appointment lasts longer (a type is at most 1440 minutes; the SQLite triggers refuse
longer rows), so overlap look-ups need not read further back than this."""


# -- records ---------------------------------------------------------------------------------


def to_record(row: Any, type_name: str) -> AppointmentRecord:
    return AppointmentRecord(row.id, row.patient_id, row.provider_id, type_name, row.starts_at, row.ends_at,
                             row.status, row.location_id, row.room_id, row.note)


def _record(ctx: Context, row: Appointment) -> AppointmentRecord:
    return to_record(row, ctx.session.get(AppointmentType, row.type_id).name)


# -- checks ----------------------------------------------------------------------------------


def _appointment(ctx: Context, appointment_id: int) -> Appointment:
    if isinstance(appointment_id, bool) or not isinstance(appointment_id, int) or appointment_id < 1:
        raise ValidationError(f"an appointment id is a positive whole number, got {appointment_id!r}", field="id")
    if appointment_id > LARGEST_ID:  # beyond the column's integers: no such row, not a driver's overflow
        raise NotFound(f"no appointment with id {appointment_id}")
    row = ctx.session.get(Appointment, appointment_id)
    if row is None:
        raise NotFound(f"no appointment with id {appointment_id}")
    return row


def _location_for(ctx: Context, provider: Any, start: dt.datetime, end: dt.datetime) -> int:
    """The location of the provider's availability block that holds [start, end), or refuse."""
    first, last = ctx.local(start), ctx.local(end)
    same_day = last.date() == first.date() or (last.date() == first.date() + dt.timedelta(days=1)
                                               and last.time() == dt.time())
    if same_day:
        until = dt.time.max if last.date() != first.date() else last.time()
        weekday, begins = first.weekday(), first.time()
        for row in catalogue.load_templates(ctx, provider.id):
            if row.weekday == weekday and row.start_time <= begins and until <= row.end_time:
                return row.location_id
    raise ValidationError(f"{provider.name} is not available {first:%a %Y-%m-%d %H:%M}-{last:%H:%M} "
                          "(outside their availability)", field="start")


def _room_id(ctx: Context, location_id: int, room: str | None) -> int | None:
    if room is None or not room.strip():
        return None
    location = catalogue.location_by_id(ctx, location_id)
    for candidate in location.rooms:
        if candidate.name.lower() == room.strip().lower():
            return candidate.id
    known = ", ".join(r.name for r in location.rooms) or "none"
    raise NotFound(f"no room named {room.strip()!r} at {location.name} (rooms: {known})")


def _check_patient_kind(ctx: Context, kind: AppointmentType, patient_id: int, start: dt.datetime,
                        exclude: int | None, pending: Sequence[dt.datetime] = ()) -> None:
    """Refuse a type for new patients to one seen before ``start`` (and one for established
    patients to one never seen); ``pending`` are the starts of the patient's bookings checked
    in this operation but not written yet, which count as visits."""
    if kind.patient_kind == "any":
        return
    query = select(Appointment.id).where(Appointment.patient_id == patient_id,
                                         Appointment.status.in_(ACTIVE_STATUSES), Appointment.starts_at < start)
    if exclude is not None:
        query = query.where(Appointment.id != exclude)
    seen_before = any(earlier < start for earlier in pending) or \
        ctx.session.execute(query.limit(1)).first() is not None
    if kind.patient_kind == "new" and seen_before:
        raise ValidationError(f"{kind.name!r} is for new patients, and this patient has been seen before",
                              field="type")
    if kind.patient_kind == "established" and not seen_before:
        raise ValidationError(f"{kind.name!r} is for established patients, and this patient is new", field="type")


def span_words(ctx: Context, begins: dt.datetime, ends: dt.datetime, near: dt.datetime) -> str:
    """``09:00-09:30`` in the practice's zone, with the day (``Mon 2026-01-05 23:30-00:30``)
    when it starts on another local day than ``near``."""
    first = ctx.local(begins)
    day = f"{first:%a %Y-%m-%d} " if first.date() != ctx.local(near).date() else ""
    return f"{day}{first:%H:%M}-{ctx.local(ends):%H:%M}"


def conflicts(ctx: Context, *, provider_id: int | None, patient_id: int | None, room_id: int | None,
              start: dt.datetime, end: dt.datetime, exclude: int | None = None) -> list[str]:
    """What already holds the provider, the patient or the room (those given) during [start, end),
    one line per appointment, as the desk says it: whose visit and when, in the practice's
    zone (``Ann Lee already has a Check-up 09:00-09:30 with Dr Adams``, ``Dr Adams is booked
    09:00-09:30 for Ann Lee's Check-up``, ``Exam 1 is taken 09:00-09:30 by Ann Lee's
    Check-up``); never an appointment id. A visit done holds its provider and patient, not
    its room.

    .. versionchanged:: 0.4 names the patient, the type and the provider or room instead of
       ``the provider is already booked 09:00-09:30 (appointment 12)``.
    """
    shape = (provider_id is not None, patient_id is not None, room_id is not None, exclude is not None)
    if not any(shape[:3]):
        return []
    parameters = {"start": start, "end": end, "since": start - LONGEST, "provider_id": provider_id,
                  "patient_id": patient_id, "room_id": room_id, "exclude": exclude}
    found = []
    for (provider, patient, room, status, begins, ends, first, last, provider_name, type_name,
         room_name) in ctx.plain_rows(_conflicts_query(*shape), parameters):
        span = span_words(ctx, plain.stored_time(begins), plain.stored_time(ends), start)
        name = day_flow.person(first, last)
        if patient_id is not None and patient == patient_id:
            found.append(f"{name} already has a {type_name} {span} with {provider_name}")
        elif provider_id is not None and provider == provider_id:
            found.append(f"{provider_name} is booked {span} for {name}'s {type_name}")
        elif room_id is not None and room == room_id and status != "completed":
            found.append(f"{room_name} is taken {span} by {name}'s {type_name}")
    return found


@functools.cache
def _conflicts_query(provider: bool, patient: bool, room: bool, exclude: bool) -> plain.Statement:
    """The statement :func:`conflicts` runs, for which of the provider, the patient and the
    room it asks about (and whether one appointment is left out): built once per shape, with
    bound values, and run by the driver (PostgreSQL's booking asks it before every insert)."""
    who = [column == bindparam(name) for column, name, wanted in (
        (Appointment.provider_id, "provider_id", provider), (Appointment.patient_id, "patient_id", patient))
        if wanted]
    if room:  # a visit done has left its room (sch0004)
        who.append(and_(Appointment.room_id == bindparam("room_id"), Appointment.status != "completed"))
    query = (select(Appointment.provider_id, Appointment.patient_id, Appointment.room_id, Appointment.status,
                    Appointment.starts_at, Appointment.ends_at, Patient.first_name, Patient.last_name,
                    Staff.name, AppointmentType.name, Room.name)
             .join(Patient, Patient.id == Appointment.patient_id).join(Staff, Staff.id == Appointment.provider_id)
             .join(AppointmentType, AppointmentType.id == Appointment.type_id)
             .outerjoin(Room, Room.id == Appointment.room_id)
             .where(holds_its_slot(), Appointment.overbooked.is_(False),
                    Appointment.starts_at < bindparam("end"), Appointment.ends_at > bindparam("start"), or_(*who),
                    # An appointment lasts at most a day: this bound turns the look-up into short index
                    # ranges instead of a walk through the provider's whole history.
                    Appointment.starts_at >= bindparam("since")))
    if exclude:
        query = query.where(Appointment.id != bindparam("exclude"))
    return plain.Statement(query.order_by(Appointment.starts_at, Appointment.id))


def _slot_taken(found: Refusal) -> SlotTaken | None:
    """The database's refusal of an overlap (an exclusion constraint on PostgreSQL, a trigger
    on SQLite) as :class:`SlotTaken`, else None.

    On PostgreSQL two terminals inserting overlapping appointments at the same moment may each
    wait for the other's exclusion check; the server then aborts one with a deadlock and the
    other goes on to book the slot, so that is a taken slot too.
    """
    if found.kind == refusals.DEADLOCK:
        return SlotTaken(f"{SLOT_TAKEN}: another terminal booked the same time just now")
    trigger = found.kind == refusals.RAISED and found.raised == SLOT_TAKEN  # SQLite's stand-in
    if found.kind != refusals.EXCLUSION and not trigger:
        return None
    if found.constraint == "scheduling_reservation_no_overlap" or (trigger and found.table == "scheduling_reservation"):
        return SlotTaken(f"{SLOT_TAKEN}: the equipment is already reserved at that time")
    if found.kind == refusals.EXCLUSION:
        for what in ("provider", "room", "patient"):
            if found.constraint == f"scheduling_appointment_no_{what}_overlap":
                return SlotTaken(f"{SLOT_TAKEN}: the {what} is already booked at that time")
        return SlotTaken(f"{SLOT_TAKEN}: the time overlaps another appointment")
    return SlotTaken(f"{SLOT_TAKEN}: the provider, room or patient is already booked at that time")


def _flush(ctx: Context) -> None:
    """Write what the operation added through the ORM (reservations), if it made a session."""
    session = ctx.made_session
    if session is None:
        return
    try:
        session.flush()
    except DBAPIError as error:
        refusal = refusals.refused(error, _slot_taken)
        if refusal is None:
            raise
        raise refusal from None


def _reason(value: str | None, *, field: str, required: bool = False) -> str | None:
    text = optional_text(value, field=field, max_length=MAX_REASON)
    if required and not text:
        raise ValidationError(f"{field.replace('_', ' ')} is required", field=field)
    return text


def _slot_words(ctx: Context, proposal: AppointmentProposal) -> list[str]:
    return conflicts(ctx, provider_id=proposal.provider_id, patient_id=proposal.patient_id,
                     room_id=proposal.room_id, start=proposal.start, end=proposal.end,
                     exclude=proposal.appointment_id)


def insert_checks_the_slot(ctx: Context) -> bool:
    """Whether the insert of a new booking is its own overlap check: on SQLite the trigger
    refuses an overlap of the provider, the patient or the room (sch0003, sch0004) as the
    look-up of :func:`conflicts` would, and its refusal undoes the insert alone, so the
    operation may go on. (PostgreSQL's exclusion constraint ends the whole transaction: the
    service looks first there.)"""
    return ctx.runtime.engine.dialect.name == "sqlite"


def _claim(ctx: Context, proposal: AppointmentProposal, overbook_reason: str | None, *,
           kind: AppointmentType | None = None, slot_at_insert: bool = False) -> bool:
    """Check the slot (and the equipment ``kind`` needs) and the other plugins' vetoes; True
    when this is an overbooking. ``slot_at_insert``: the provider's, the patient's and the
    room's time is left to the insert's own check (:func:`insert_checks_the_slot`)."""
    found = [] if slot_at_insert else _slot_words(ctx, proposal)
    if kind is not None:
        found += resources.equipment_conflicts(ctx, kind, proposal.location_id, proposal.start, proposal.end,
                                               exclude=proposal.appointment_id)
    if found and overbook_reason is None:
        raise SlotTaken(f"{SLOT_TAKEN}: " + "; ".join(found))
    reasons = ctx.hooks.validate_appointment(ctx, proposal)
    if reasons:
        raise Conflict("cannot book: " + "; ".join(reasons))
    return bool(found)


# -- booking ---------------------------------------------------------------------------------


@attrs.frozen
class Checked:
    """A booking (or a move) that passed every rule of :func:`check`: what :func:`insert` writes.

    ``overridden`` names the provider's absences an overbooking overrode (for the audit log).
    """

    proposal: AppointmentProposal
    type_id: int
    overbooked: bool
    overridden: tuple[str, ...] = ()
    overbook_reason: str | None = None
    slot_at_insert: bool = False
    """The provider's, patient's and room's time is checked by the insert itself (SQLite's
    trigger), whose refusal :func:`insert` turns into the same ``slot taken: …`` words."""


def clean_note(note: str | None) -> str | None:
    """The note of a booking (why the patient comes), trimmed; None when blank.

    Raises:
        ValidationError: a note too long.
    """
    return _reason(note, field="note")


def _room_for(ctx: Context, kind: AppointmentType, location_id: int, room: str | None, starts_at: dt.datetime,
              ends_at: dt.datetime, moving: Appointment | None) -> int | None:
    """The room of a booking: the one named; else a free one when the type needs a room. A
    moved appointment keeps its room when it stays at its location (and the room is free)."""
    if moving is None:
        return resources.pick_room(ctx, kind, location_id, _room_id(ctx, location_id, room), starts_at, ends_at)
    if room is not None:
        return _room_id(ctx, location_id, room)
    keep = moving.room_id if location_id == moving.location_id else None
    if not kind.needs_room:
        return keep
    return resources.pick_room(ctx, kind, location_id, None, starts_at, ends_at, exclude=moving.id, keep=keep)


def check(ctx: Context, patient_id: int, provider: Any, kind: AppointmentType, starts_at: dt.datetime, *,
          room: str | None = None, overbook_reason: str | None = None,
          pending: Sequence[dt.datetime] = (), moving: Appointment | None = None,
          patient: Any = None, slot_at_insert: bool = False) -> Checked:
    """Every rule a new booking (or a move) must pass, writing nothing and announcing nothing.

    The rules: the provider's availability (templates, closures, exceptions, time off), who
    may take the type, a free room when the type needs one, the type's patients (new or
    established), the provider, patient, room and equipment already booked, and the other
    plugins' vetoes (``medoffice_validate_appointment``, a question, not an announcement).
    The caller has checked the permissions and cleaned ``overbook_reason``.

    Args:
        ctx: the operation.
        patient_id: the patient's id.
        provider: the provider's staff record.
        kind: the appointment type.
        starts_at: the aware start; the type's duration gives the end.
        room: a room of the location where the provider is available then.
        overbook_reason: book even over a taken slot or an absence.
        pending: the starts of this patient's bookings checked but not written yet in this
            operation (a series' earlier dates): they count as visits for the type's patients.
        moving: the appointment being moved (:func:`move`): it does not conflict with itself,
            keeps its room when it can, and its patient is not checked again.
        patient: the patient's record when the caller read it in this unit of work: an
            active one is not read again (an inactive or merged one is refused as always).
        slot_at_insert: a new booking written by :func:`insert` at once, on a database
            whose insert checks the slot (:func:`insert_checks_the_slot`): the provider's, the
            patient's and the room's time is not looked up first (not with an overbook
            reason, which must know whether the slot is taken).

    Raises:
        ValidationError, NotFound, Conflict: as :func:`book`.
    """
    if moving is None and not (patient is not None and patient.id == patient_id and patient.active):
        patient_merge.require_active(ctx, patient_id)  # not a deactivated or merged record
    ends_at = starts_at + dt.timedelta(minutes=kind.duration_minutes)
    location_id = _location_for(ctx, provider, starts_at, ends_at)
    resources.check_provider(ctx, kind, provider)
    overridden = availability.check_booking(ctx, provider, location_id, starts_at, ends_at,
                                            may_override=overbook_reason is not None)
    room_id = _room_for(ctx, kind, location_id, room, starts_at, ends_at, moving)
    exclude = moving.id if moving is not None else None
    _check_patient_kind(ctx, kind, patient_id, starts_at, exclude, pending)
    proposal = AppointmentProposal(patient_id, provider.id, kind.name, starts_at, ends_at, location_id, room_id,
                                   appointment_id=exclude,
                                   equipment=tuple(r.name for r in resources.needs(ctx, kind.id)))
    at_insert = slot_at_insert and overbook_reason is None and moving is None
    overbooked = _claim(ctx, proposal, overbook_reason, kind=kind, slot_at_insert=at_insert)
    return Checked(proposal, kind.id, overbooked, tuple(overridden), overbook_reason, at_insert)


def revised(ctx: Context, row: Appointment, *, calendar: bool) -> None:
    """Note that ``row`` changed now (``LAST-MODIFIED`` of its calendar event) and, when a
    calendar holding it must replace it (a move, or a change between holding its slot and
    not), one more revision (its ``SEQUENCE``)."""
    row.changed_at = ctx.now()
    if calendar:
        row.revision = (row.revision or 0) + 1


def calendar_changed(status_before: str, status_after: str) -> bool:
    """Whether the exported event changes: ``CONFIRMED`` to ``CANCELLED`` or back."""
    return (status_before in ACTIVE_STATUSES) != (status_after in ACTIVE_STATUSES)


_BOOKED_COLUMNS = ("patient_id", "provider_id", "type_id", "location_id", "room_id", "starts_at", "ends_at", "status",
                   "overbooked", "note", "series_id", "booked_at", "booked_by", "revision", "changed_at")
_INSERT = plain.Statement(Appointment.__table__.insert().values(
    {name: bindparam(name, type_=Appointment.__table__.c[name].type) for name in _BOOKED_COLUMNS}),
    returning_key=True)
"""A booking's row, written as a plain statement run by the driver (no ORM object to build
and flush, no SQLAlchemy execution)."""


@attrs.frozen
class Booked:
    """The row :func:`insert` wrote, as what follows it reads it (reservations, the record)."""

    id: int
    patient_id: int
    provider_id: int
    type_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    location_id: int | None
    room_id: int | None
    note: str | None


def insert(ctx: Context, checked: Checked, *, note: str | None = None,
           series_id: int | None = None) -> AppointmentChange:
    """Write and audit a booking :func:`check` passed, and return its announcement unsent.

    The caller announces it (``ctx.hooks.appointment_changed``) once the booking is sure to
    stay: a series announces its dates only after every one of them is written.

    Raises:
        SlotTaken: ``slot taken: …`` (a :class:`Conflict`) when the database refuses an overlap that got past the
            check (another terminal booked the slot meanwhile).
    """
    proposal = checked.proposal
    now = ctx.now()
    values = {"patient_id": proposal.patient_id, "provider_id": proposal.provider_id, "type_id": checked.type_id,
              "location_id": proposal.location_id, "room_id": proposal.room_id, "starts_at": proposal.start,
              "ends_at": proposal.end, "status": "booked", "overbooked": checked.overbooked, "note": note,
              "series_id": series_id, "booked_at": now, "booked_by": ctx.user.username, "revision": 0,
              "changed_at": now}
    try:  # what the operation wrote before (a series' row) is flushed first
        (new_id,), = ctx.plain_rows(_INSERT, values)
    except DBAPIError as error:
        refusal = refusals.refused(error, _slot_taken)
        if refusal is None:
            raise
        found = _slot_words(ctx, proposal) if checked.slot_at_insert and isinstance(refusal, SlotTaken) else []
        if found:  # the insert was the look-up: the desk's words for what holds the time
            raise SlotTaken(f"{SLOT_TAKEN}: " + "; ".join(found)) from None
        raise refusal from None
    row = Booked(new_id, proposal.patient_id, proposal.provider_id, checked.type_id, proposal.start, proposal.end,
                 "booked", proposal.location_id, proposal.room_id, note)
    resources.reserve(ctx, row, holds=not checked.overbooked, new=True)
    _flush(ctx)
    summary: dict[str, Any] = {"provider_id": proposal.provider_id, "type": proposal.appointment_type,
                               "start": proposal.start.isoformat(), "end": proposal.end.isoformat(),
                               "room_id": proposal.room_id}
    if checked.overbooked:
        summary |= {"overbooked": True, "overbook_reason": checked.overbook_reason}
    if checked.overridden:
        summary |= {"overrides": list(checked.overridden), "overbook_reason": checked.overbook_reason}
    ctx.audit("appointment.booked", "appointment", row.id, patient_id=proposal.patient_id, summary=summary)
    return AppointmentChange("booked", to_record(row, proposal.appointment_type),
                             reason=checked.overbook_reason if checked.overbooked else None)


def book(ctx: Context, mrn: str, provider_id: int, appointment_type: str, start: str | dt.datetime, *,
         room: str | None = None, note: str | None = None, overbook_reason: str | None = None) -> AppointmentRecord:
    """Book the patient with ``mrn`` with a provider, at ``start`` in the practice's time zone.

    Args:
        ctx: the operation.
        mrn: the patient's MRN.
        provider_id: the provider's staff id.
        appointment_type: the type's name; its duration gives the end.
        start: ``YYYY-MM-DD HH:MM`` local, or an aware datetime.
        room: a room of the location where the provider is available then.
        note: why the patient comes.
        overbook_reason: book even over a taken slot (needs ``scheduling.overbook``).

    Raises:
        PermissionDenied: without ``scheduling.book`` (or ``scheduling.overbook`` to overbook).
        ValidationError: a bad or non-existent time, a time outside the provider's availability,
            a type not for this patient.
        NotFound: unknown patient, provider, type or room.
        SlotTaken: ``slot taken: …``; Conflict: another plugin refused the booking.
    """
    ctx.require(BOOK)
    if overbook_reason is not None:
        ctx.require(OVERBOOK)
        overbook_reason = _reason(overbook_reason, field="overbook_reason", required=True)
    starts_at = parse_local(start, ctx.timezone)
    note = clean_note(note)
    patient = patients.key(ctx, mrn)
    who = catalogue.provider(ctx, provider_id)
    kind = catalogue.kind_named(ctx, appointment_type)
    checked = check(ctx, patient.id, who, kind, starts_at, room=room, overbook_reason=overbook_reason,
                    patient=patient, slot_at_insert=insert_checks_the_slot(ctx))
    change = insert(ctx, checked, note=note)
    ctx.hooks.appointment_changed(ctx, change)
    return change.appointment


def move(ctx: Context, appointment_id: int, start: str | dt.datetime, *, provider_id: int | None = None,
         room: str | None = None, overbook_reason: str | None = None) -> AppointmentRecord:
    """Reschedule a booked appointment to ``start`` (and another provider or room, if given).

    Raises:
        the same as :func:`book`, and Conflict when the appointment is no longer booked.
    """
    ctx.require(BOOK)
    if overbook_reason is not None:
        ctx.require(OVERBOOK)
        overbook_reason = _reason(overbook_reason, field="overbook_reason", required=True)
    starts_at = parse_local(start, ctx.timezone)
    row = _appointment(ctx, appointment_id)
    if row.status != "booked":
        raise Conflict(f"{day_flow._who(ctx, row)} is {day_flow.STATUS_WORDS.get(row.status, row.status)}: "
                       "only a booked appointment can be moved")
    before = _record(ctx, row)
    who = catalogue.provider(ctx, provider_id if provider_id is not None else row.provider_id)
    kind = ctx.session.get(AppointmentType, row.type_id)
    checked = check(ctx, row.patient_id, who, kind, starts_at, room=room, overbook_reason=overbook_reason,
                    moving=row)
    proposal, overbooked, overridden = checked.proposal, checked.overbooked, list(checked.overridden)
    ends_at, location_id, room_id = proposal.end, proposal.location_id, proposal.room_id
    row.provider_id, row.starts_at, row.ends_at = who.id, starts_at, ends_at
    row.location_id, row.room_id, row.overbooked = location_id, room_id, overbooked
    revised(ctx, row, calendar=True)
    _flush(ctx)
    resources.reserve(ctx, row, holds=not overbooked)
    _flush(ctx)
    summary: dict[str, Any] = {"from": before.start.isoformat(), "to": starts_at.isoformat(),
                               "provider_id": who.id, "room_id": room_id}
    if overbooked:
        summary |= {"overbooked": True, "overbook_reason": overbook_reason}
    if overridden:
        summary |= {"overrides": overridden, "overbook_reason": overbook_reason}
    ctx.audit("appointment.rescheduled", "appointment", row.id, patient_id=row.patient_id, summary=summary)
    record = to_record(row, kind.name)
    ctx.hooks.appointment_changed(ctx, AppointmentChange("rescheduled", record, previous=before,
                                                         reason=overbook_reason if overbooked else None))
    return record


# -- cancelling -------------------------------------------------------------------------------


def cancel(ctx: Context, appointment_id: int, reason: str) -> AppointmentRecord:
    """Cancel a booked (or arrived) appointment with a reason; its slot is free again (and
    offered to the waitlist). The rest of the day's flow is in :mod:`.day_flow`."""
    ctx.require(BOOK)
    reason = _reason(reason, field="reason", required=True)
    return day_flow.advance(ctx, appointment_id, "cancelled", reason=reason)
