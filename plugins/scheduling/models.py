"""The scheduling plugin's tables, in its own ``MetaData`` (its own Alembic branch).

Appointment types, providers' weekly availability templates and the appointments
themselves. Times of appointments are stored in UTC; templates hold local wall-clock times
in the practice's time zone, which is what a provider's week is made of.

The guards against double booking (an exclusion constraint on PostgreSQL, triggers on
SQLite) are not part of the models: they are created by the migration, with SQL of each
dialect, and ``schema_diff`` does not compare them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    false,
    literal,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medoffice.core.storage import UTCDateTime, generation, new_metadata
from medoffice.core.storage.models import Location, Patient, Room, Staff

from .vocabulary import (  # noqa: F401 (re-exported)
    ACTIVE_STATUSES,
    EXCEPTION_KINDS,
    PATIENT_KINDS,
    RECURRENCE_FREQUENCIES,
    WAITLIST_STATUSES,
    WEEKDAYS,
)

MAX_NAME = 80
MAX_REASON = 500
MAX_USERNAME = 60


class Base(DeclarativeBase):
    """The plugin's declarative base: its own ``MetaData`` with the house naming convention."""

    metadata = new_metadata()


class AppointmentType(Base):
    """A kind of visit: its name, length, colour on the day board and who it is for."""

    __tablename__ = "scheduling_appointment_type"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("patient_kind IN ('new', 'established', 'any')", name="patient_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(20))
    patient_kind: Mapped[str] = mapped_column(String(12))
    needs_room: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AvailabilityTemplate(Base):
    """One weekly block of a provider's availability at a location (Mon 09:00–12:00)."""

    __tablename__ = "scheduling_template"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("end_time > start_time", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey(Location.__table__.c.id), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)


class Appointment(Base):
    """One booking of a patient with a provider, and where it is in the day's flow."""

    __tablename__ = "scheduling_appointment"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("status IN ('booked', 'arrived', 'in_room', 'completed', 'cancelled', 'no_show')",
                        name="status"),
        Index("ix_scheduling_appointment_provider_start", "provider_id", "starts_at"),
        Index("ix_scheduling_appointment_patient_start", "patient_id", "starts_at"),
        Index("ix_scheduling_appointment_room_start", "room_id", "starts_at"),
        Index("ix_scheduling_appointment_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id))
    provider_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id))
    type_id: Mapped[int] = mapped_column(ForeignKey(AppointmentType.__table__.c.id), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey(Room.__table__.c.id))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12))
    overbooked: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(MAX_REASON))
    cancel_reason: Mapped[str | None] = mapped_column(String(MAX_REASON))
    booked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    booked_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    arrived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    roomed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    series_id: Mapped[int | None] = mapped_column(ForeignKey("scheduling_series.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """How often a calendar holding the appointment must replace it (moved, cancelled, missed, or
    back from cancelled or missed): the iCalendar ``SEQUENCE``, which may only grow."""
    changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """The last change of any kind (booked, moved, a step of the day, an undo): ``LAST-MODIFIED``.
    Kept here, not read back from the audit log, which is evidence, not storage."""


def holds_its_slot() -> ColumnElement[bool]:
    """``status IN ('booked', 'arrived', 'in_room', 'completed')`` (:data:`ACTIVE_STATUSES`)
    with one plain bound value per status: a statement built once with it is compiled once,
    where ``in_(ACTIVE_STATUSES)`` expands its list again at every execution."""
    return Appointment.status.in_([literal(status) for status in ACTIVE_STATUSES])


class FlowStep(Base):
    """One step of an appointment's day (a check-in, a rooming or a move to another room, a
    visit done, a no-show) and the appointment as it was just before it: undo puts that back,
    the newest step first, and marks the step undone (``day_flow.undo``)."""

    __tablename__ = "scheduling_flow_step"
    __table_args__ = (
        CheckConstraint("kind IN ('checked_in', 'roomed', 'completed', 'no_show')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey(Appointment.__table__.c.id, ondelete="CASCADE"),
                                                index=True)
    kind: Mapped[str] = mapped_column(String(12))
    status_before: Mapped[str] = mapped_column(String(12))
    status_after: Mapped[str] = mapped_column(String(12))
    room_before_id: Mapped[int | None] = mapped_column(ForeignKey(Room.__table__.c.id))
    overbooked_before: Mapped[bool] = mapped_column(Boolean)
    arrived_before: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    roomed_before: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    completed_before: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    taken_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    taken_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    undone_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))


# -- availability rules: who may take a type, what it needs, when nobody works ---------------


class TypeProvider(Base):
    """A provider who may take an appointment type. A type with no rows here is open to
    every provider."""

    __tablename__ = "scheduling_type_provider"

    type_id: Mapped[int] = mapped_column(ForeignKey(AppointmentType.__table__.c.id, ondelete="CASCADE"),
                                         primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), primary_key=True)


class Resource(Base):
    """A piece of equipment that appointments reserve (ECG machine, spirometer). Rooms are
    the core's; a type that needs a room says so with ``AppointmentType.needs_room``."""

    __tablename__ = "scheduling_resource"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class TypeResource(Base):
    """Equipment an appointment type needs for its whole length."""

    __tablename__ = "scheduling_type_resource"

    type_id: Mapped[int] = mapped_column(ForeignKey(AppointmentType.__table__.c.id, ondelete="CASCADE"),
                                         primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey(Resource.__table__.c.id), primary_key=True)


class Reservation(Base):
    """Equipment held by an appointment, with the appointment's times: the database refuses
    two overlapping reservations of one resource that both hold it (as for appointments)."""

    __tablename__ = "scheduling_reservation"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_scheduling_reservation_resource_start", "resource_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey(Appointment.__table__.c.id, ondelete="CASCADE"),
                                                index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey(Resource.__table__.c.id))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    holds: Mapped[bool] = mapped_column(Boolean, default=True)


class AvailabilityException(Base):
    """A span when a provider does not see patients despite the template (leave, meeting)."""

    __tablename__ = "scheduling_exception"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_scheduling_exception_provider_start", "provider_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(MAX_REASON))
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


class Closure(Base):
    """Whole days the practice, or one location, is closed (local calendar days)."""

    __tablename__ = "scheduling_closure"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="last_after_first"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id), index=True)
    first_day: Mapped[dt.date] = mapped_column(Date, index=True)
    last_day: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(MAX_REASON))
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


class Setting(Base):
    """The plugin's practice-wide settings (``holidays.country``, ``holidays.subdivision``)."""

    __tablename__ = "scheduling_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


# -- waitlist and recurring bookings --------------------------------------------------------


class WaitlistEntry(Base):
    """A patient waiting for an earlier slot of a type, with any or one provider."""

    __tablename__ = "scheduling_waitlist"
    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'offered', 'booked', 'removed')", name="status"),
        CheckConstraint("latest_day IS NULL OR latest_day >= earliest_day", name="latest_after_earliest"),
        Index("ix_scheduling_waitlist_status_type", "status", "type_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey(AppointmentType.__table__.c.id))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey(Staff.__table__.c.id))
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id))
    earliest_day: Mapped[dt.date] = mapped_column(Date)
    latest_day: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(MAX_REASON))
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    offered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    offers: Mapped[int] = mapped_column(Integer, default=0)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey(Appointment.__table__.c.id))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_reason: Mapped[str | None] = mapped_column(String(MAX_REASON))


class Offer(Base):
    """A freed slot offered to a waitlist entry: which span, with whom, where, and why it
    was free. One row per offer; the entry's newest is what the front desk calls about."""

    __tablename__ = "scheduling_waitlist_offer"
    __table_args__ = (
        CheckConstraint("cause IN ('cancelled', 'rescheduled')", name="cause"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey(WaitlistEntry.__table__.c.id, ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    """The entry's how-manieth offer (1 for the first)."""
    freed_appointment_id: Mapped[int | None] = mapped_column(ForeignKey(Appointment.__table__.c.id))
    cause: Mapped[str] = mapped_column(String(12))
    provider_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id))
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    offered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Series(Base):
    """The rule that made a set of recurring appointments (weekly, every N weeks, monthly)."""

    __tablename__ = "scheduling_series"
    __table_args__ = (
        CheckConstraint("frequency IN ('weekly', 'monthly')", name="frequency"),
        CheckConstraint("every > 0", name="every_positive"),
        CheckConstraint("occurrences IS NULL OR occurrences > 0", name="occurrences_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id))
    type_id: Mapped[int] = mapped_column(ForeignKey(AppointmentType.__table__.c.id))
    frequency: Mapped[str] = mapped_column(String(12))
    every: Mapped[int] = mapped_column(Integer)
    occurrences: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[dt.date | None] = mapped_column(Date)
    first_start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


class Generation(Base):
    """The plugin's set-up generation (one row, id 1; sch0008): raised by triggers whenever a
    table of :data:`SETUP_TABLES` changes (``medoffice.core.storage.generation``)."""

    __tablename__ = "scheduling_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


SETUP_TABLES = (AppointmentType.__tablename__, AvailabilityTemplate.__tablename__, TypeProvider.__tablename__,
                Resource.__tablename__, TypeResource.__tablename__, Setting.__tablename__, Closure.__tablename__)
"""The plugin's set-up: kept in memory between units of work (``ctx.cached``); migration
sch0008 makes their changes raise the set-up generation."""

generation.watch(*SETUP_TABLES)


EXCEPTIONS_OWNER = "scheduling_exceptions"
"""The providers' exceptions are kept in memory too, under a generation of their own
(sch0009): they change a few times a week, and a change need not drop the rest of the set-up;
a database not upgraded to sch0009 has no such counter, so nothing of them is kept there."""


class ExceptionsGeneration(Base):
    """The generation of the providers' exceptions (one row, id 1; sch0009), raised by
    triggers whenever ``scheduling_exception`` changes."""

    __tablename__ = generation.counter(EXCEPTIONS_OWNER)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


generation.watch(AvailabilityException.__tablename__)
