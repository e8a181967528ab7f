"""Lots that expire soon (within 30, 60 or 90 days, or any number of days up to a year) and
lots that have expired, with what they are worth at cost; and writing expired stock off.

A lot expires at the end of its expiry date: on that day it may still be used.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
from sqlalchemy import select

from medoffice.core import Context

from . import ledger
from .common import parse_quantity, today, value_of
from .topics import STOCK_TOPIC
from .models import Balance, Item, Location, Lot, Movement
from .permissions import ADJUST, READ, VALUES

WINDOWS = (30, 60, 90)


@attrs.frozen
class LotRow:
    sku: str
    item: str
    lot: str
    expires_on: dt.date
    days_left: int
    location: str
    on_hand: int
    unit: str
    value: Decimal | None
    """At cost, for ``inventory.values`` only."""


@attrs.frozen
class LotList:
    rows: tuple[LotRow, ...]
    total_value: Decimal | None


def _rows(ctx: Context, condition) -> LotList:
    day, values = today(ctx), ctx.can(VALUES)
    query = (select(Balance, Lot, Item, Location.name).join(Lot, Lot.id == Balance.lot_id)
             .join(Item, Item.id == Balance.item_id).join(Location, Location.id == Balance.location_id)
             .where(Balance.on_hand > 0, Lot.expires_on.is_not(None), condition)
             .order_by(Lot.expires_on, Item.name, Location.name))
    rows = []
    for balance, lot, item, place in ctx.session.execute(query).all():
        price, size = (lot.pack_price, lot.pack_size) if lot.pack_price is not None else (item.pack_price,
                                                                                          item.pack_size)
        rows.append(LotRow(item.sku, item.name, lot.lot_number, lot.expires_on, (lot.expires_on - day).days, place,
                           balance.on_hand, item.unit, value_of(balance.on_hand, price, size) if values else None))
    total = sum((r.value for r in rows if r.value is not None), Decimal("0.00")) if values else None
    return LotList(tuple(rows), total)


def expiring(ctx: Context, days=30) -> LotList:
    """Lots in stock that expire within ``days`` (today included), first expiry first."""
    ctx.require(READ)
    window = parse_quantity(days, field="days", maximum=366)
    day = today(ctx)
    return _rows(ctx, Lot.expires_on.between(day, day + dt.timedelta(days=window)))


def expired(ctx: Context) -> LotList:
    """Lots in stock whose expiry date has passed: they may not be used; write them off."""
    ctx.require(READ)
    return _rows(ctx, Lot.expires_on < today(ctx))


def write_off_expired(ctx: Context) -> list[LotRow]:
    """Take every expired lot out of stock as ``expired`` movements, audited; what was written off."""
    ctx.require(ADJUST)
    day = today(ctx)
    query = (select(Balance, Lot).join(Lot, Lot.id == Balance.lot_id)
             .where(Balance.on_hand > 0, Lot.expires_on < day).with_for_update(of=Balance)
             .execution_options(populate_existing=True))
    locked = ctx.session.execute(query).all()
    gone = expired(ctx).rows  # read after the lock: what is written off below
    rows: list[Movement] = []
    for balance, _lot in locked:
        rows.append(ledger.post(ctx, "expired", item_id=balance.item_id, location_id=balance.location_id,
                                lot_id=balance.lot_id, quantity=-balance.on_hand, reason="expired"))
    ctx.session.flush()
    if rows:
        ctx.audit("inventory.stock.expired_written_off", "inventory_movement", None,
                  summary={"movements": [[r.id, r.item_id, r.lot_id, r.quantity] for r in rows]})
        ctx.changed(STOCK_TOPIC)
    return list(gone)
