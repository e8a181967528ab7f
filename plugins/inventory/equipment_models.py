"""The tables of the equipment (imported by :mod:`.models`, same ``MetaData``).

- **Assets** (``inventory_asset``): a piece of equipment the office owns, where it stands,
  who sold it, when and for how much, its warranty, whether it is in service (and why not).
- **Maintenance plans** (``inventory_maintenance_plan``): a recurring task on one asset
  every so many months, with the date it is next due.
- **The service log** (``inventory_service_entry``): each service done, by whom, what it
  cost and, for a plan's task, the next due date it set.
- **Asset events** (``inventory_asset_event``): out of service and back, with the reason.

Every amount is a :class:`~medoffice.core.storage.Cents` column.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medoffice.core.storage import Cents, UTCDateTime

from .models import MAX_CODE, MAX_NAME, MAX_SHORT, MAX_TEXT, MAX_USERNAME, Base, Location, Vendor, _in


ASSET_EVENTS = ("out_of_service", "back_in_service")


class Asset(Base):
    """A piece of equipment the office owns and keeps working: the ECG machine, the autoclave,
    the vaccine fridge itself. ``resource`` is the name scheduling books it under, when
    appointment types need it (see docs/inventory.md#equipment-and-booking)."""

    __tablename__ = "inventory_asset"
    __table_args__ = (
        CheckConstraint("purchase_cost IS NULL OR purchase_cost >= 0", name="purchase_cost_not_negative"),
        CheckConstraint("in_service OR out_reason IS NOT NULL", name="out_of_service_has_reason"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    model: Mapped[str | None] = mapped_column(String(MAX_NAME))
    serial: Mapped[str | None] = mapped_column(String(MAX_CODE))
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey(Vendor.__table__.c.id), index=True)
    purchased_on: Mapped[dt.date | None] = mapped_column(Date)
    purchase_cost: Mapped[Decimal | None] = mapped_column(Cents())
    warranty_ends: Mapped[dt.date | None] = mapped_column(Date)
    resource: Mapped[str | None] = mapped_column(String(MAX_NAME))
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    in_service: Mapped[bool] = mapped_column(Boolean, default=True)
    out_reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    """Why it is out of service (None while in service)."""
    out_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """Since when it is out of service: when it was put out, or the start of the day it is
    out of service from (a day to come: bookings before it are not refused)."""
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """When the office stopped keeping it (sold, scrapped): it leaves the lists and what is due."""
    retire_reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))


class MaintenancePlan(Base):
    """A recurring task on one asset (calibration every 12 months, service every 6): when it is
    next due, moved on each time the task is logged done."""

    __tablename__ = "inventory_maintenance_plan"
    __table_args__ = (
        UniqueConstraint("asset_id", "task"),
        CheckConstraint("every_months BETWEEN 1 AND 120", name="every_months_range"),
        Index("ix_inventory_maintenance_plan_next_due", "next_due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey(Asset.__table__.c.id))
    task: Mapped[str] = mapped_column(String(MAX_SHORT))
    """What is done, lower case (``calibration``, ``service``, ``electrical safety check``)."""
    every_months: Mapped[int] = mapped_column(Integer)
    next_due: Mapped[dt.date] = mapped_column(Date)


class ServiceEntry(Base):
    """One service done on an asset (the service log): when, who did it (a vendor or a person),
    what was done, what it cost, and the next due date it set for its plan."""

    __tablename__ = "inventory_service_entry"
    __table_args__ = (CheckConstraint("cost IS NULL OR cost >= 0", name="cost_not_negative"),
                      Index("ix_inventory_service_entry_asset_done", "asset_id", "done_on"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey(Asset.__table__.c.id))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey(MaintenancePlan.__table__.c.id), index=True)
    """The plan it fulfilled (None: a repair or a one-off)."""
    done_on: Mapped[dt.date] = mapped_column(Date)
    done_by: Mapped[str] = mapped_column(String(MAX_NAME))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey(Vendor.__table__.c.id))
    work: Mapped[str] = mapped_column(String(MAX_TEXT))
    cost: Mapped[Decimal | None] = mapped_column(Cents())
    next_due: Mapped[dt.date | None] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


class AssetEvent(Base):
    """An asset put out of service or back in service, with the reason: its history, kept as
    a fact (the audit log is evidence, not data the screens read)."""

    __tablename__ = "inventory_asset_event"
    __table_args__ = (CheckConstraint(_in("kind", ASSET_EVENTS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey(Asset.__table__.c.id), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(MAX_TEXT))
