"""The tables of supply kits and what visits drew (imported by :mod:`.models`, same ``MetaData``).

- **Kits** (``inventory_kit`` and its lines): the supplies one appointment type uses, named
  by the appointment type's name as the scheduling role's records carry it
  (``AppointmentRecord.appointment_type``), matched without regard to case or spacing
  (``type_key``). The scheduling plugin may be absent: the name is plain text.
- **Visit draws** (``inventory_visit_draw``): one row per completed visit that had a kit,
  keyed by the appointment's id (a plain integer), ``drawn`` or ``returned`` (its
  completion was undone). The unique appointment id makes completing, undoing and
  completing again draw once per completion, never twice.
- **Takes** (``inventory_draw_take``): each ledger movement a draw wrote, so that undoing
  the visit returns exactly those units to exactly those lots; the returns are linked too
  (already ``returned``, so never put back twice), and the sum of a draw's movements is
  what the visit holds.
- **Shortages** (``inventory_shortage``): what a kit wanted and the stock could not give.
  Completing a visit is never refused for want of supplies; the shortfall is recorded, shown,
  and resolved later (drawn once stock is in, or dismissed by a manager).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medoffice.core.storage import UTCDateTime

from .models import MAX_NAME, MAX_TEXT, MAX_USERNAME, Base, Item, Location, Movement, _in

DRAW_STATUSES = ("drawn", "returned")
SHORTAGE_STATUSES = ("open", "resolved", "dismissed", "cancelled")
"""``resolved``: drawn later; ``dismissed``: a manager closed it without drawing;
``cancelled``: the visit's completion was undone."""


class Kit(Base):
    """The supplies one appointment type uses, drawn when a visit of that type completes."""

    __tablename__ = "inventory_kit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_type: Mapped[str] = mapped_column(String(MAX_NAME))
    """The appointment type's name as people wrote it (``Flu shot``)."""
    type_key: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    """The name folded (lower case, single spaces): what a visit's type is matched on."""
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id))
    """Where the kit is drawn from (None: each item from its home location)."""
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))


class KitLine(Base):
    """So many units of one item in a kit."""

    __tablename__ = "inventory_kit_line"
    __table_args__ = (UniqueConstraint("kit_id", "item_id"), CheckConstraint("quantity >= 1", name="quantity_positive"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kit_id: Mapped[int] = mapped_column(ForeignKey(Kit.__table__.c.id, ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.__table__.c.id), index=True)
    quantity: Mapped[int] = mapped_column(Integer)


class VisitDraw(Base):
    """A completed visit's kit: drawn, or returned when the completion was undone."""

    __tablename__ = "inventory_visit_draw"
    __table_args__ = (CheckConstraint(_in("status", DRAW_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_id: Mapped[int] = mapped_column(Integer, unique=True)
    appointment_type: Mapped[str] = mapped_column(String(MAX_NAME))
    patient_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="drawn")
    drawn_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    drawn_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    returned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    returned_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))


class DrawTake(Base):
    """One movement a visit's draw wrote (or its undo: those are ``returned`` from the start);
    ``returned`` once the undo put it back."""

    __tablename__ = "inventory_draw_take"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey(VisitDraw.__table__.c.id), index=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey(Movement.__table__.c.id), unique=True)
    returned: Mapped[bool] = mapped_column(Boolean, default=False)


class Shortage(Base):
    """Units a visit's kit wanted that the stock could not give."""

    __tablename__ = "inventory_shortage"
    __table_args__ = (CheckConstraint(_in("status", SHORTAGE_STATUSES), name="status"),
                      CheckConstraint("short >= 1 AND wanted >= short", name="short_positive"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey(VisitDraw.__table__.c.id), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.__table__.c.id), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey(Location.__table__.c.id))
    wanted: Mapped[int] = mapped_column(Integer)
    short: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
