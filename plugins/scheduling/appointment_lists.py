"""Reading appointments as people read them: the patient's list, a day board, one
appointment (names instead of ids, times in the practice's zone).

Kept apart from :mod:`.booking`, which writes: the lists are read far more often than
appointments change, so they come from one query of plain rows, not ORM objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
from sqlalchemy import select

from medoffice.core import Context, NotFound, ValidationError
from medoffice.core.services import patients
from medoffice.core.storage.models import Location, Patient, Room, Staff

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


def views(ctx: Context, rows: Iterable[tuple[Any, str]]) -> list[AppointmentView]:
    """People-readable views of listing rows (see :func:`_listing`): every name is in the row."""
    local = ctx.local
    return [AppointmentView(
        row.id, row.patient_id, row.mrn, f"{row.last_name}, {row.first_name}", row.provider_id,
        row.provider_name, type_name, local(row.starts_at), local(row.ends_at), row.status, row.location_name,
        row.room_name, row.overbooked, row.note, row.cancel_reason,
        *(local(t) if t else None for t in (row.arrived_at, row.roomed_at, row.completed_at)))
        for row, type_name in rows]


def view(ctx: Context, appointment_id: int) -> AppointmentView:
    """One appointment as people read it."""
    ctx.require(READ)
    found = views(ctx, _pairs(ctx, _listing(ctx).where(Appointment.id == appointment_id)))
    if not found:
        raise NotFound(f"no appointment with id {appointment_id}")
    return found[0]


# -- reading ---------------------------------------------------------------------------------


_SHOWN = (Appointment.id, Appointment.patient_id, Appointment.provider_id, Appointment.starts_at,
          Appointment.ends_at, Appointment.status, Appointment.location_id, Appointment.room_id,
          Appointment.overbooked, Appointment.note, Appointment.cancel_reason, Appointment.arrived_at,
          Appointment.roomed_at, Appointment.completed_at)


def _listing(ctx: Context):
    """Appointments with every name a list shows (patient, provider, type, location, room), in
    one query of plain rows, not ORM objects: the day board is read far more often than it
    changes. The names come from the core's tables, read-only; showing patients' names needs
    ``patients.read`` as the core's own look-ups do."""
    ctx.require("patients.read")
    return (select(*_SHOWN, Patient.mrn, Patient.first_name, Patient.last_name,
                   Staff.name.label("provider_name"), Location.name.label("location_name"),
                   Room.name.label("room_name"), AppointmentType.name)
            .join(AppointmentType, AppointmentType.id == Appointment.type_id)
            .join(Patient, Patient.id == Appointment.patient_id)
            .join(Staff, Staff.id == Appointment.provider_id)
            .outerjoin(Location, Location.id == Appointment.location_id)
            .outerjoin(Room, Room.id == Appointment.room_id))


def _pairs(ctx: Context, query: Any) -> list[tuple[Any, str]]:
    return [(row, row[-1]) for row in ctx.session.execute(query)]


def patient_rows(ctx: Context, patient_id: int) -> list[tuple[Appointment, str]]:
    ctx.require(READ)
    query = _listing(ctx).where(Appointment.patient_id == patient_id).order_by(Appointment.starts_at, Appointment.id)
    return _pairs(ctx, query)


def range_rows(ctx: Context, first: dt.date, last: dt.date, *, provider_id: int | None = None,
               location_id: int | None = None) -> list[tuple[Appointment, str]]:
    """Appointments starting on local days ``first``…``last``, by start time."""
    ctx.require(READ)
    if last < first:
        raise ValidationError(f"the last day ({last}) is before the first ({first})", field="to")
    start, _ = day_bounds(first, ctx.timezone)
    _, end = day_bounds(last, ctx.timezone)
    query = _listing(ctx).where(Appointment.starts_at >= start, Appointment.starts_at < end)
    if provider_id is not None:
        query = query.where(Appointment.provider_id == provider_id)
    if location_id is not None:
        query = query.where(Appointment.location_id == location_id)
    return _pairs(ctx, query.order_by(Appointment.starts_at, Appointment.id))


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
    return views(ctx, range_rows(ctx, date, date, provider_id=provider_id, location_id=location_id))
