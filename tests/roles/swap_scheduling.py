"""A second, minimal scheduling provider, for tests only (never shipped): the role's swap test.

It keeps the role's guarantee (docs/architecture.md#roles) and nothing more: a table of
visits, the ``SchedulingService`` answers, the ``scheduling.read`` permission, the change
topic ``scheduling.appointments``, and the events ``medoffice_appointment_changed`` and
``medoffice_visit_completed``. No screens, no commands, no panel: what the patient card,
billing and the reports show under it comes from the role, not from this plugin.

conftest.py loads this file as the module ``medoffice_swap_scheduling``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medoffice.core import PermissionSpec, PluginInfo, SchemaContribution, hookimpl
from medoffice.core.errors import NotFound
from medoffice.core.records import AppointmentChange, AppointmentRecord, MergePreview, MovedRow, VisitRecord
from medoffice.core.storage import UTCDateTime, new_metadata
from medoffice.core.storage.models import Patient, Staff

plugin_info = PluginInfo(id="swap-scheduling", title="Swap scheduling (test)", api_version=1,
                         provides="scheduling", description="A minimal scheduling provider for the swap tests.")

TOPIC = "scheduling.appointments"


class Base(DeclarativeBase):
    metadata = new_metadata()


class Visit(Base):
    __tablename__ = "swap_scheduling_visit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id))
    kind: Mapped[str] = mapped_column(String(40))
    start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    end: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12))


def to_record(row: Visit) -> AppointmentRecord:
    return AppointmentRecord(id=row.id, patient_id=row.patient_id, provider_id=row.provider_id,
                             appointment_type=row.kind, start=row.start, end=row.end, status=row.status)


# -- the plugin's own operations (what its commands would call) ---------------------------------


def book(ctx, patient_id: int, provider_id: int, kind: str, start: dt.datetime, minutes: int = 15) -> AppointmentRecord:
    ctx.require("scheduling.read")
    row = Visit(patient_id=patient_id, provider_id=provider_id, kind=kind, start=start,
                end=start + dt.timedelta(minutes=minutes), status="booked")
    ctx.session.add(row)
    ctx.session.flush()
    record = to_record(row)
    ctx.changed(TOPIC)
    ctx.hooks.appointment_changed(ctx, AppointmentChange("booked", record))
    return record


def complete(ctx, visit_id: int) -> AppointmentRecord:
    row = ctx.session.get(Visit, visit_id)
    if row is None:
        raise NotFound(f"no visit {visit_id}")
    before = to_record(row)
    row.status = "completed"
    ctx.session.flush()
    record = to_record(row)
    ctx.changed(TOPIC)
    ctx.hooks.appointment_changed(ctx, AppointmentChange("completed", record, previous=before))
    ctx.hooks.visit_completed(ctx, VisitRecord(record, ctx.now()))
    return record


# -- the role ---------------------------------------------------------------------------------


class SwapScheduling:
    """Satisfies ``SchedulingService`` from the plugin's one table."""

    def patient_appointments(self, ctx, patient_id):
        rows = ctx.session.execute(select(Visit).where(Visit.patient_id == patient_id).order_by(Visit.start))
        return [to_record(r) for r in rows.scalars()]

    def day_appointments(self, ctx, day, provider_id=None):
        zone = ctx.timezone
        start = dt.datetime.combine(day, dt.time(), zone).astimezone(dt.timezone.utc)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.timezone.utc)
        query = select(Visit).where(Visit.start >= start, Visit.start < end).order_by(Visit.start, Visit.id)
        if provider_id is not None:
            query = query.where(Visit.provider_id == provider_id)
        return [to_record(r) for r in ctx.session.execute(query).scalars()]


SERVICE = SwapScheduling()


@hookimpl
def medoffice_scheduling_service(ctx):
    return SERVICE


@hookimpl
def medoffice_schema():
    return SchemaContribution(Base.metadata, Path(__file__).parent / "swap_migrations")


@hookimpl
def medoffice_permissions():
    return [PermissionSpec("scheduling.read", "See appointments", ("front_desk", "billing", "manager", "admin"))]


@hookimpl
def medoffice_patient_merge_preview(ctx, merge):
    count = len(SERVICE.patient_appointments(ctx, merge.absorb.id))
    return MergePreview((f"{count} visits",)) if count else None


@hookimpl
def medoffice_patient_merge(ctx, merge):
    rows = ctx.session.execute(select(Visit).where(Visit.patient_id == merge.absorb.id)).scalars().all()
    for row in rows:
        row.patient_id = merge.keep.id
    return [MovedRow(Visit.__tablename__, row.id) for row in rows] or None
