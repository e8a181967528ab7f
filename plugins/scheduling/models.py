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

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Time
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medoffice.core.storage import UTCDateTime, new_metadata
from medoffice.core.storage.models import Location, Patient, Room, Staff

from .vocabulary import ACTIVE_STATUSES, PATIENT_KINDS, WEEKDAYS  # noqa: F401 (re-exported)




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
