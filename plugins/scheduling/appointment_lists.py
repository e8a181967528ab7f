"""Reading appointments as people read them: the patient's list, a day board, one
appointment (names instead of ids, times in the practice's zone).

Kept apart from :mod:`.booking`, which writes: the lists are read far more often than
appointments change, so they come from one query of plain rows, not ORM objects.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from sqlalchemy import bindparam, select

from medoffice.core import Context, NotFound, ValidationError
from medoffice.core.services import patients
from medoffice.core.storage.models import Location, Patient, Room, Staff
from medoffice.core.storage.plain import Statement, stored_time

from . import catalogue
from .models import Appointment, AppointmentType
from .permissions import READ
from .timing import day_bounds, parse_date


@attrs.frozen
class AppointmentView:
    """An appointment as people read it: names instead of ids, times in the practice's zone."""

    id: int
    patient_id: int
    mrn: str
    patient: str
    provider_id: int
    provider: str
    appointment_type: str
    start: dt.datetime
    end: dt.datetime
    status: str
    location: str | None
    room: str | None
    overbooked: bool
    note: str | None
    cancel_reason: str | None
    arrived_at: dt.datetime | None
    roomed_at: dt.datetime | None
    completed_at: dt.datetime | None

    @property
    def waiting_minutes(self) -> int | None:
        """Minutes from arrival to the room (or to completion when never roomed)."""
        seen = self.roomed_at or self.completed_at
        if self.arrived_at is None or seen is None:
            return None
        return int((seen - self.arrived_at).total_seconds() // 60)


@functools.lru_cache(maxsize=16_384)
def _local(stored: Any, zone: ZoneInfo) -> dt.datetime:
    """A stored time (SQLite's text, PostgreSQL's datetime) in ``zone``: made once per value
    and zone, since a practice's appointments start and end on a few hundred instants a week."""
    return stored_time(stored).astimezone(zone)


def stored_views(ctx: Context, rows: Iterable[Any]) -> list[AppointmentView]:
    """People-readable views of the rows of :data:`_BOARD` as the driver gives them (stored
    times): each made once per row and zone, and made again only when a value shown changed."""
    zone = ctx.timezone
    view = _view
    return [view(row, zone) for row in rows]


@functools.lru_cache(maxsize=8_192)
def _view(row: tuple[Any, ...], zone: ZoneInfo) -> AppointmentView:
    """The view of one row of :data:`_BOARD` (every value it shows is in the row, so an
    unchanged row has an unchanged view: the day board is read again at every change on any
    desk, and most of its rows are as they were)."""
    (id_, patient_id, mrn, first_name, last_name, provider_id, provider_name, type_name, starts_at, ends_at, status,
     location_name, room_name, overbooked, note, cancel_reason, arrived_at, roomed_at, completed_at) = row
    local = _local
    return AppointmentView(id_, patient_id, mrn, f"{last_name}, {first_name}", provider_id, provider_name, type_name,
                           local(starts_at, zone), local(ends_at, zone), status, location_name, room_name,
                           bool(overbooked), note, cancel_reason, arrived_at and local(arrived_at, zone),
                           roomed_at and local(roomed_at, zone), completed_at and local(completed_at, zone))


def views(ctx: Context, rows: Iterable[tuple[Any, str]]) -> list[AppointmentView]:
    """People-readable views of listing rows (see :data:`_LISTING`): every name is in the row."""
    zone = ctx.timezone
    found = []
    for row, type_name in rows:
        (id_, patient_id, provider_id, starts_at, ends_at, status, _location_id, _room_id, overbooked, note,
         cancel_reason, arrived_at, roomed_at, completed_at, mrn, first_name, last_name, provider_name,
         location_name, room_name) = row[:20]
        found.append(AppointmentView(
            id_, patient_id, mrn, f"{last_name}, {first_name}", provider_id, provider_name, type_name,
            starts_at.astimezone(zone), ends_at.astimezone(zone), status, location_name, room_name, overbooked,
            note, cancel_reason, arrived_at.astimezone(zone) if arrived_at else None,
            roomed_at.astimezone(zone) if roomed_at else None,
            completed_at.astimezone(zone) if completed_at else None))
    return found


def view(ctx: Context, appointment_id: int) -> AppointmentView:
    """One appointment as people read it."""
    ctx.require(READ)
    found = views(ctx, _pairs(ctx, _ONE, {"appointment_id": appointment_id}))
    if not found:
        raise NotFound(f"no appointment with id {appointment_id}")
    return found[0]


# -- reading ---------------------------------------------------------------------------------


_SHOWN = (Appointment.id, Appointment.patient_id, Appointment.provider_id, Appointment.starts_at,
          Appointment.ends_at, Appointment.status, Appointment.location_id, Appointment.room_id,
          Appointment.overbooked, Appointment.note, Appointment.cancel_reason, Appointment.arrived_at,
          Appointment.roomed_at, Appointment.completed_at)


_LISTING = (select(*_SHOWN, Patient.mrn, Patient.first_name, Patient.last_name,
                   Staff.name.label("provider_name"), Location.name.label("location_name"),
                   Room.name.label("room_name"), AppointmentType.name)
            .join(AppointmentType, AppointmentType.id == Appointment.type_id)
            .join(Patient, Patient.id == Appointment.patient_id)
            .join(Staff, Staff.id == Appointment.provider_id)
            .outerjoin(Location, Location.id == Appointment.location_id)
            .outerjoin(Room, Room.id == Appointment.room_id))
"""Appointments with every name a list shows (patient, provider, type, location, room), in
one query of plain rows, not ORM objects: the day board is read far more often than it
changes. Built once: each list adds bound conditions, so SQLAlchemy compiles each shape once
per process and reuses it."""

_IN_RANGE = {
    (by_provider, by_location): _LISTING.where(
        Appointment.starts_at >= bindparam("start"), Appointment.starts_at < bindparam("end"),
        *([Appointment.provider_id == bindparam("provider_id")] if by_provider else []),
        *([Appointment.location_id == bindparam("location_id")] if by_location else []),
    ).order_by(Appointment.starts_at, Appointment.id)
    for by_provider in (False, True) for by_location in (False, True)}
_BOARD = (select(Appointment.id, Appointment.patient_id, Patient.mrn, Patient.first_name, Patient.last_name,
                 Appointment.provider_id, Staff.name, AppointmentType.name, Appointment.starts_at,
                 Appointment.ends_at, Appointment.status, Location.name, Room.name, Appointment.overbooked,
                 Appointment.note, Appointment.cancel_reason, Appointment.arrived_at, Appointment.roomed_at,
                 Appointment.completed_at)
          .join(AppointmentType, AppointmentType.id == Appointment.type_id)
          .join(Patient, Patient.id == Appointment.patient_id)
          .join(Staff, Staff.id == Appointment.provider_id)
          .outerjoin(Location, Location.id == Appointment.location_id)
          .outerjoin(Room, Room.id == Appointment.room_id))
"""What an :class:`AppointmentView` shows, in its order, run by the driver
(:class:`~medoffice.core.storage.plain.Statement`): the day board's rows, as stored."""

_BOARD_IN_RANGE = {
    (by_provider, by_location): Statement(_BOARD.where(
        Appointment.starts_at >= bindparam("start"), Appointment.starts_at < bindparam("end"),
        *([Appointment.provider_id == bindparam("provider_id")] if by_provider else []),
        *([Appointment.location_id == bindparam("location_id")] if by_location else []),
    ).order_by(Appointment.starts_at, Appointment.id))
    for by_provider in (False, True) for by_location in (False, True)}
_OF_PATIENT = _LISTING.where(Appointment.patient_id == bindparam("patient_id")).order_by(
    Appointment.starts_at, Appointment.id)
_ONE = _LISTING.where(Appointment.id == bindparam("appointment_id"))


def _listing(ctx: Context):
    """The listing query (see :data:`_LISTING`), for a list of one's own making. The names
    come from the core's tables, read-only; showing patients' names needs ``patients.read``
    as the core's own look-ups do."""
    ctx.require("patients.read")
    return _LISTING


def _pairs(ctx: Context, query: Any, parameters: dict[str, Any] | None = None) -> list[tuple[Any, str]]:
    """The rows of a listing query, run as a plain statement on the unit of work's connection
    (no ORM result processing: the rows are tuples), each with its type's name."""
    ctx.require("patients.read")
    return [(row, row[-1]) for row in ctx.session.connection().execute(query, parameters or {}).all()]


def patient_rows(ctx: Context, patient_id: int) -> list[tuple[Appointment, str]]:
    ctx.require(READ)
    return _pairs(ctx, _OF_PATIENT, {"patient_id": patient_id})


def _range_parameters(start: dt.datetime, end: dt.datetime, provider_id: int | None,
                      location_id: int | None) -> dict[str, Any]:
    """The values of the range statements (``_IN_RANGE``, ``_BOARD_IN_RANGE``): a provider and a
    location only when the statement chosen names them."""
    parameters: dict[str, Any] = {"start": start, "end": end}
    if provider_id is not None:
        parameters["provider_id"] = provider_id
    if location_id is not None:
        parameters["location_id"] = location_id
    return parameters


def range_rows(ctx: Context, first: dt.date, last: dt.date, *, provider_id: int | None = None,
               location_id: int | None = None) -> list[tuple[Appointment, str]]:
    """Appointments starting on local days ``first``…``last``, by start time."""
    ctx.require(READ)
    if last < first:
        raise ValidationError(f"the last day ({last}) is before the first ({first})", field="to")
    start, _ = day_bounds(first, ctx.timezone)
    _, end = day_bounds(last, ctx.timezone)
    parameters = _range_parameters(start, end, provider_id, location_id)
    return _pairs(ctx, _IN_RANGE[provider_id is not None, location_id is not None], parameters)


def list_for_patient(ctx: Context, mrn: str) -> list[AppointmentView]:
    """A patient's appointments, oldest first."""
    ctx.require(READ)
    patient = patients.get(ctx, mrn)
    return views(ctx, patient_rows(ctx, patient.id))


def day(ctx: Context, day: str | dt.date, *, provider_id: int | None = None,
        location: str | None = None) -> list[AppointmentView]:
    """The day board: one local day's appointments, by start time, for a provider or a location."""
    ctx.require(READ)
    date = parse_date(day, field="day")
    if provider_id is not None:
        catalogue.provider(ctx, provider_id)
    location_id = catalogue.location_by_name(ctx, location).id if location else None
    ctx.require("patients.read")
    start, end = day_bounds(date, ctx.timezone)
    parameters = _range_parameters(start, end, provider_id, location_id)
    return stored_views(ctx, ctx.plain_rows(_BOARD_IN_RANGE[provider_id is not None, location_id is not None],
                                            parameters))
