"""The inventory plugin's tables, in its own ``MetaData`` (its own Alembic branch ``inventory``).

- **Where things are** (``inventory_location``: the supply room, the vaccine fridge) and
  **who sells them** (``inventory_vendor``).
- **Items** (``inventory_item``): what the office stocks, counted in its *unit of issue* (a
  pair of gloves) and bought in *packs* (a box of 50 pairs) from its preferred vendor at a
  pack price; its par level and reorder point; whether lots and expiry are tracked.
- **Lots** (``inventory_lot``): one lot number of one item, its expiry, and what a pack of it
  cost when it came in (the value of stock at cost).
- **The ledger** (``inventory_movement``): every change of stock is a row, never an
  overwritten number: received, used, adjusted, transferred, wasted, expired, returned, in
  units of issue, signed. ``inventory_balance`` is its running sum per item, location and lot,
  written in the same unit of work as each movement: it makes on-hand fast and is the row a
  withdrawal locks (or updates conditionally), so two desks taking the last unit never
  take stock below zero. The sum of the ledger and the balance always agree (tested).
- **Stock counts** (``inventory_count`` and its lines): counted quantities whose variance is
  posted as adjustments.
- **Purchase orders** (``inventory_order`` and its lines, in packs) and **receipts**
  (``inventory_receipt`` and its lines): each receipt books one expense through the billing
  role and keeps that expense's id (``expense_id``, a plain integer: billing may be absent).

Every amount is a :class:`~medoffice.core.storage.Cents` column (integer cents in the
database, ``Decimal`` in Python). ``appointment_id`` on a movement is a plain integer (the
scheduling plugin may be absent), for the supplies a visit uses.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medoffice.core.storage import Cents, UTCDateTime, new_metadata

MAX_NAME = 120
MAX_SHORT = 60
MAX_CODE = 40
MAX_TEXT = 500
MAX_USERNAME = 60

CATEGORIES = ("medical", "office", "drug", "lab")
"""Medical supply, office supply, vaccine or drug (with its NDC), laboratory supply."""
MOVEMENT_KINDS = ("received", "used", "adjusted", "transferred", "wasted", "expired", "returned")
ORDER_STATUSES = ("draft", "approved", "sent", "partially_received", "received", "closed", "cancelled")
COUNT_STATUSES = ("open", "posted", "cancelled")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """The plugin's declarative base: its own ``MetaData`` with the house naming convention."""

    metadata = new_metadata()


class Location(Base):
    """A place stock is kept: the supply room, an exam room's cabinet, the vaccine fridge."""

    __tablename__ = "inventory_location"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_SHORT), unique=True)
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Vendor(Base):
    """A supplier: who to call, the practice's account with them, their terms and how to order."""

    __tablename__ = "inventory_vendor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    contact: Mapped[str | None] = mapped_column(String(MAX_NAME))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    account_number: Mapped[str | None] = mapped_column(String(MAX_CODE))
    terms: Mapped[str | None] = mapped_column(String(MAX_SHORT))
    ordering_method: Mapped[str] = mapped_column(String(20), default="email")
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Item(Base):
    """A stocked item, counted in units of issue and bought in packs of ``pack_size`` units."""

    __tablename__ = "inventory_item"
    __table_args__ = (
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint("pack_size >= 1", name="pack_size_positive"),
        CheckConstraint("par >= 0 AND reorder_point >= 0 AND reorder_point <= par", name="par_and_reorder_point"),
        CheckConstraint("pack_price IS NULL OR pack_price >= 0", name="pack_price_not_negative"),
        CheckConstraint("lead_time_days IS NULL OR lead_time_days >= 0", name="lead_time_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(MAX_CODE), unique=True)
    """The office's own code, upper case (``GLV-M``): what the desk types."""
    name: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    category: Mapped[str] = mapped_column(String(20))
    ndc: Mapped[str | None] = mapped_column(String(13))
    """A vaccine's or drug's National Drug Code, as printed (``49281-0421-10``)."""
    unit: Mapped[str] = mapped_column(String(20))
    """The unit of issue (``pair``, ``each``, ``dose``)."""
    pack_unit: Mapped[str] = mapped_column(String(20))
    """What the vendor sells (``box``, ``case``)."""
    pack_size: Mapped[int] = mapped_column(Integer)
    tracks_lots: Mapped[bool] = mapped_column(Boolean, default=False)
    par: Mapped[int] = mapped_column(Integer, default=0)
    reorder_point: Mapped[int] = mapped_column(Integer, default=0)
    location_id: Mapped[int] = mapped_column(ForeignKey(Location.__table__.c.id), index=True)
    """Its home: where it is received, used from and counted unless another place is named."""
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey(Vendor.__table__.c.id), index=True)
    vendor_item_number: Mapped[str | None] = mapped_column(String(MAX_CODE))
    pack_price: Mapped[Decimal | None] = mapped_column(Cents())
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Lot(Base):
    """One lot of one item: its expiry and what a pack of it cost."""

    __tablename__ = "inventory_lot"
    __table_args__ = (
        UniqueConstraint("item_id", "lot_number"),
        CheckConstraint("pack_size >= 1", name="pack_size_positive"),
        Index("ix_inventory_lot_expires_on", "expires_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.__table__.c.id))
    lot_number: Mapped[str] = mapped_column(String(MAX_CODE))
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    pack_price: Mapped[Decimal | None] = mapped_column(Cents())
    pack_size: Mapped[int] = mapped_column(Integer)


class Balance(Base):
    """On hand of one item at one location in one lot (``lot_key`` 0: not in a lot): the
    ledger's running sum, kept in the same unit of work as each movement."""

    __tablename__ = "inventory_balance"
    __table_args__ = (UniqueConstraint("item_id", "location_id", "lot_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.__table__.c.id))
    location_id: Mapped[int] = mapped_column(ForeignKey(Location.__table__.c.id), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey(Lot.__table__.c.id), index=True)
    lot_key: Mapped[int] = mapped_column(Integer, default=0)
    """``lot_id`` or 0, so that "no lot" is one row under the unique constraint."""
    on_hand: Mapped[int] = mapped_column(Integer, default=0)


class StockCount(Base):
    """A cycle count of one location: counted quantities, whose variance is posted as adjustments."""

    __tablename__ = "inventory_count"
    __table_args__ = (CheckConstraint(_in("status", COUNT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey(Location.__table__.c.id), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    started_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    posted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    posted_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))


class StockCountLine(Base):
    """One item (and lot) of a count: what the books said when counting began, what was counted
    and, once posted, the variance posted."""

    __tablename__ = "inventory_count_line"
    __table_args__ = (
        UniqueConstraint("count_id", "item_id", "lot_key"),
        CheckConstraint("counted IS NULL OR counted >= 0", name="counted_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey(StockCount.__table__.c.id))
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.__table__.c.id), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey(Lot.__table__.c.id))
    lot_key: Mapped[int] = mapped_column(Integer, default=0)
    expected: Mapped[int] = mapped_column(Integer)
    counted: Mapped[int | None] = mapped_column(Integer)
    variance: Mapped[int | None] = mapped_column(Integer)


class PurchaseOrder(Base):
    """An order to one vendor: draft, approved, sent, partially received, received, closed, or cancelled."""

    __tablename__ = "inventory_order"
    __table_args__ = (CheckConstraint(_in("status", ORDER_STATUSES), name="status"),
                      Index("ix_inventory_order_status", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey(Vendor.__table__.c.id), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id))
    """Where it is delivered (None: the office; each item goes to its home location)."""
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    approved_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """When it was closed or cancelled."""
    end_reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))


class OrderLine(Base):
    """An item on an order, in packs at the pack price and size agreed when it was ordered."""

    __tablename__ = "inventory_order_line"
    __table_args__ = (
        UniqueConstraint("order_id", "item_id"),
        CheckConstraint("packs >= 1", name="packs_positive"),
        CheckConstraint("packs_received >= 0", name="packs_received_not_negative"),
        CheckConstraint("pack_size >= 1", name="pack_size_positive"),
        CheckConstraint("pack_price >= 0", name="pack_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey(PurchaseOrder.__table__.c.id))
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.__table__.c.id), index=True)
    packs: Mapped[int] = mapped_column(Integer)
    pack_size: Mapped[int] = mapped_column(Integer)
    pack_price: Mapped[Decimal] = mapped_column(Cents())
    vendor_item_number: Mapped[str | None] = mapped_column(String(MAX_CODE))
    packs_received: Mapped[int] = mapped_column(Integer, default=0)


class Receipt(Base):
    """One delivery received against an order: its value and the expense it booked."""

    __tablename__ = "inventory_receipt"
    __table_args__ = (CheckConstraint("total >= 0", name="total_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey(PurchaseOrder.__table__.c.id), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id))
    """Where it was put (None: each item at its home location)."""
    received_on: Mapped[dt.date] = mapped_column(Date)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    received_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    total: Mapped[Decimal] = mapped_column(Cents())
    expense_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    """The billing role's expense for this receipt (None: billing was not enabled, or nothing to pay)."""


class ReceiptLine(Base):
    """Packs of one order line that came in a receipt, and the lot they came in."""

    __tablename__ = "inventory_receipt_line"
    __table_args__ = (CheckConstraint("packs >= 1", name="packs_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey(Receipt.__table__.c.id), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey(OrderLine.__table__.c.id), index=True)
    packs: Mapped[int] = mapped_column(Integer)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey(Lot.__table__.c.id))


class Movement(Base):
    """One change of stock, in units of issue (signed): the ledger, appended to, never changed."""

    __tablename__ = "inventory_movement"
    __table_args__ = (
        CheckConstraint(_in("kind", MOVEMENT_KINDS), name="kind"),
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        Index("ix_inventory_movement_item_at", "item_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.__table__.c.id))
    location_id: Mapped[int] = mapped_column(ForeignKey(Location.__table__.c.id))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey(Lot.__table__.c.id), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    reference: Mapped[str | None] = mapped_column(String(MAX_SHORT))
    """What caused it, for people: ``PO 3``, ``count 2``, ``visit 118``."""
    by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    below_zero: Mapped[bool] = mapped_column(Boolean, default=False)
    """A manager let this withdrawal take stock below zero (``reason`` says why)."""
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey(Receipt.__table__.c.id), index=True)
    count_id: Mapped[int | None] = mapped_column(ForeignKey(StockCount.__table__.c.id), index=True)
    appointment_id: Mapped[int | None] = mapped_column(Integer, index=True)


# The kits' and the equipment's tables join this MetaData. Imported as modules, not names, so
# that either may be imported first (``from .kit_models import …`` before anything imported
# this module), without a circular import.
from . import equipment_models, kit_models  # noqa: E402, F401
