"""Stock counts (cycle counts): count one location, post the variance as audited adjustments.

Starting a count lists what the books say is at the location, per item and lot (and every
active item whose home it is, at zero if none is there), as ``expected``. Counted quantities
are recorded line by line (an item or lot found that was not listed gets a line of its own).
Posting compares each counted line with the books *at posting time*, so use recorded while
counting is not counted as missing twice, and posts each difference as an ``adjusted``
movement with the reason ``count N``; lines not counted are left alone.
"""

from __future__ import annotations

import datetime as dt

import attrs
from sqlalchemy import select

from medoffice.core import Conflict, Context, NotFound

from . import ledger
from .catalogue import find_item, find_location
from .common import nothing_to_do, parse_quantity
from .models import Balance, Item, Location, Lot, StockCount, StockCountLine
from .permissions import ADJUST, READ
from .stock import find_lot
from .topics import STOCK_TOPIC


@attrs.frozen
class CountLineRecord:
    sku: str
    item: str
    lot: str | None
    expected: int
    counted: int | None
    variance: int | None


@attrs.frozen
class CountRecord:
    id: int
    location: str
    status: str
    started_at: dt.datetime
    started_by: str
    posted_at: dt.datetime | None
    lines: tuple[CountLineRecord, ...]


def _record(ctx: Context, count: StockCount) -> CountRecord:
    query = (select(StockCountLine, Item, Lot).join(Item, Item.id == StockCountLine.item_id)
             .outerjoin(Lot, Lot.id == StockCountLine.lot_id).where(StockCountLine.count_id == count.id)
             .order_by(Item.name, StockCountLine.lot_key))
    lines = tuple(CountLineRecord(item.sku, item.name, lot.lot_number if lot else None, line.expected, line.counted,
                                  line.variance) for line, item, lot in ctx.session.execute(query).all())
    return CountRecord(count.id, ctx.session.get(Location, count.location_id).name, count.status, count.started_at,
                       count.started_by, count.posted_at, lines)


def _load(ctx: Context, count_id, *, lock: bool = False) -> StockCount:
    number = parse_quantity(count_id, field="count", maximum=2**31 - 1)
    query = select(StockCount).where(StockCount.id == number)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    count = ctx.session.execute(query).scalar_one_or_none()
    if count is None:
        raise NotFound(f"no stock count {number}")
    return count


def start(ctx: Context, location: str) -> CountRecord:
    """Open a count of ``location`` with what the books say is there."""
    ctx.require(ADJUST)
    place = find_location(ctx, location)
    already = ctx.session.execute(select(StockCount.id).where(StockCount.location_id == place.id,
                                                              StockCount.status == "open")).scalar_one_or_none()
    if already is not None:
        raise Conflict(f"count {already} of {place.name} is still open: post or cancel it first")
    count = StockCount(location_id=place.id, status="open", started_at=ctx.now(), started_by=ctx.user.username)
    ctx.session.add(count)
    ctx.session.flush()
    listed = set()
    for balance in ctx.session.execute(select(Balance).where(Balance.location_id == place.id, Balance.on_hand != 0)
                                       ).scalars():
        listed.add((balance.item_id, balance.lot_key))
        ctx.session.add(StockCountLine(count_id=count.id, item_id=balance.item_id, lot_id=balance.lot_id,
                                       lot_key=balance.lot_key, expected=balance.on_hand))
    for item in ctx.session.execute(select(Item).where(Item.location_id == place.id, Item.active.is_(True))).scalars():
        if not any(key[0] == item.id for key in listed):
            ctx.session.add(StockCountLine(count_id=count.id, item_id=item.id, lot_id=None, lot_key=0, expected=0))
    ctx.session.flush()
    ctx.audit("inventory.count.started", "inventory_count", count.id, summary={"location": place.name})
    return _record(ctx, count)


def record(ctx: Context, count_id, item: str, counted, *, lot: str | None = None) -> CountRecord:
    """What was counted of ``item`` (in ``lot``) on an open count; counting again replaces it."""
    ctx.require(ADJUST)
    quantity = parse_quantity(counted, field="counted", allow_zero=True)
    count = _load(ctx, count_id, lock=True)
    if count.status != "open":
        raise Conflict(f"stock count {count.id} is {count.status}: it takes no more counts")
    row = find_item(ctx, item)
    chosen = find_lot(ctx, row, lot) if lot and lot.strip() else None
    key = chosen.id if chosen else 0
    line = ctx.session.execute(select(StockCountLine).where(StockCountLine.count_id == count.id,
                                                            StockCountLine.item_id == row.id,
                                                            StockCountLine.lot_key == key)).scalar_one_or_none()
    if line is None:
        if row.tracks_lots and chosen is None and ctx.session.execute(select(StockCountLine.id).where(
                StockCountLine.count_id == count.id, StockCountLine.item_id == row.id,
                StockCountLine.lot_key != 0)).first():
            raise Conflict(f"{row.name} is counted by lot here: name the lot")
        line = StockCountLine(count_id=count.id, item_id=row.id, lot_id=chosen.id if chosen else None, lot_key=key,
                              expected=0)
        ctx.session.add(line)
    line.counted = quantity
    ctx.session.flush()
    return _record(ctx, count)


def post(ctx: Context, count_id) -> CountRecord:
    """Post each counted line's variance against the books now as an audited adjustment."""
    ctx.require(ADJUST)
    count = _load(ctx, count_id, lock=True)
    if count.status == "posted":
        raise nothing_to_do(f"stock count {count.id} is posted already; nothing to post")
    if count.status != "open":
        raise Conflict(f"stock count {count.id} is {count.status}: only an open count is posted")
    lines = list(ctx.session.execute(select(StockCountLine).where(StockCountLine.count_id == count.id,
                                                                  StockCountLine.counted.is_not(None))).scalars())
    posted = []
    for line in lines:
        balance = ledger.balance_row(ctx, line.item_id, count.location_id, line.lot_id)
        ctx.session.refresh(balance, with_for_update=True)
        line.variance = line.counted - balance.on_hand
        if line.variance:
            row = ledger.post(ctx, "adjusted", item_id=line.item_id, location_id=count.location_id,
                              lot_id=line.lot_id, quantity=line.variance, reason=f"count {count.id}",
                              reference=f"count {count.id}", count_id=count.id)
            ctx.session.flush()
            posted.append([row.id, line.item_id, line.lot_id, line.variance])
    count.status, count.posted_at, count.posted_by = "posted", ctx.now(), ctx.user.username
    ctx.session.flush()
    ctx.audit("inventory.count.posted", "inventory_count", count.id, summary={"variances": posted})
    if posted:
        ctx.changed(STOCK_TOPIC)
    return _record(ctx, count)


def get(ctx: Context, count_id) -> CountRecord:
    ctx.require(READ)
    return _record(ctx, _load(ctx, count_id))


def cancel(ctx: Context, count_id) -> CountRecord:
    """Drop an open count without posting anything."""
    ctx.require(ADJUST)
    count = _load(ctx, count_id, lock=True)
    if count.status == "cancelled":
        raise nothing_to_do(f"stock count {count.id} is cancelled already; nothing to cancel")
    if count.status != "open":
        raise Conflict(f"stock count {count.id} is {count.status}: only an open count is cancelled")
    count.status = "cancelled"
    ctx.session.flush()
    ctx.audit("inventory.count.cancelled", "inventory_count", count.id)
    return _record(ctx, count)
