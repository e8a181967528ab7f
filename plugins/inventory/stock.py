"""Stock on hand and every way it changes: use, adjustment, transfer, waste, expiry write-off
and return to the vendor (receiving is in :mod:`.receiving`, counts in :mod:`.counts`).

Each operation writes movements through :func:`.ledger.post`, audits once and names the
``inventory.stock`` change topic. Withdrawals pick lots first-expiry-first-out; use refuses
expired stock; nothing goes below zero unless a manager (``inventory.below_zero``) allows it
with a reason. A refused operation writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import attrs
from sqlalchemy import func, select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.validation import optional_text, require_text

from . import ledger
from .catalogue import ItemRecord, find_item, find_location, item_record
from medoffice.core.validation import Fields
from .common import STOCK_TOPIC, parse_quantity, today, value_of
from .models import MAX_CODE, MAX_TEXT, Balance, Item, Location, Lot, Movement
from .permissions import ADJUST, BELOW_ZERO, MOVE, READ, USE, VALUES

MAX_APPOINTMENT_ID = 2**31 - 1
SIGNED = re.compile(r"[+-]?[0-9]{1,9}")
"""A change of stock as typed: ``5``, ``+5``, ``-3``."""


@attrs.frozen
class MovementRecord:
    id: int
    at: dt.datetime
    kind: str
    sku: str
    item: str
    location: str
    lot: str | None
    quantity: int
    reason: str | None
    reference: str | None
    by: str
    below_zero: bool


@attrs.frozen
class StockChange:
    """What one operation did: its movements and the item's on-hand after it (all locations)."""

    sku: str
    item: str
    unit: str
    movements: tuple[MovementRecord, ...]
    on_hand: int


@attrs.frozen
class StockRow:
    """One item's stock over every location (or one): usable and expired units, and whether it is low."""

    sku: str
    name: str
    category: str
    unit: str
    on_hand: int
    expired: int
    reorder_point: int
    par: int
    low: bool
    value: Decimal | None
    """At cost, for ``inventory.values`` only (None otherwise, or when a price is unknown)."""


@attrs.frozen
class BalanceRow:
    location: str
    lot: str | None
    expires_on: dt.date | None
    on_hand: int
    expired: bool
    value: Decimal | None


@attrs.frozen
class ItemStock:
    item: ItemRecord
    on_hand: int
    rows: tuple[BalanceRow, ...]


# -- reading ----------------------------------------------------------------------------------


def item_on_hand(ctx: Context, item_id: int) -> int:
    """All units of the item, every location and lot, expired ones too."""
    return int(ctx.session.execute(select(func.coalesce(func.sum(Balance.on_hand), 0))
                                   .where(Balance.item_id == item_id)).scalar_one())


def usable_on_hand(ctx: Context, day: dt.date) -> dict[int, int]:
    """Units not in an expired lot, per item id (items with none are left out)."""
    query = (select(Balance.item_id, func.sum(Balance.on_hand)).outerjoin(Lot, Lot.id == Balance.lot_id)
             .where((Lot.expires_on.is_(None)) | (Lot.expires_on >= day)).group_by(Balance.item_id))
    return {item_id: int(total) for item_id, total in ctx.session.execute(query).all()}


def _lot_price(lot: Lot | None, item: Item) -> tuple[Decimal | None, int]:
    if lot is not None and lot.pack_price is not None:
        return lot.pack_price, lot.pack_size
    return item.pack_price, item.pack_size


def stock_levels(ctx: Context, *, location: str | None = None, search: str | None = None,
                 low_only: bool = False) -> list[StockRow]:
    """Every active item's stock, by name: usable (unexpired) and expired units, low when it
    has a par and the usable units are at or below the reorder point (as the reorder list)."""
    ctx.require(READ)
    day, values = today(ctx), ctx.can(VALUES)
    where = location and find_location(ctx, location).id
    items = {r.id: r for r in ctx.session.execute(select(Item).where(Item.active.is_(True))).scalars()}
    query = select(Balance, Lot).outerjoin(Lot, Lot.id == Balance.lot_id).where(Balance.on_hand != 0)
    if where:
        query = query.where(Balance.location_id == where)
    usable: dict[int, int] = dict.fromkeys(items, 0)
    expired: dict[int, int] = dict.fromkeys(items, 0)
    worth: dict[int, Decimal | None] = dict.fromkeys(items, Decimal("0.00"))
    for balance, lot in ctx.session.execute(query).all():
        if balance.item_id not in items:
            continue
        gone = lot is not None and lot.expires_on is not None and lot.expires_on < day
        (expired if gone else usable)[balance.item_id] += balance.on_hand
        price, size = _lot_price(lot, items[balance.item_id])
        part = value_of(balance.on_hand, price, size)
        worth[balance.item_id] = None if part is None or worth[balance.item_id] is None else worth[balance.item_id] + part
    needle = (search or "").strip().lower()
    rows = []
    for item in sorted(items.values(), key=lambda r: r.name.lower()):
        if needle and needle not in item.name.lower() and needle not in item.sku.lower():
            continue
        low = item.par > 0 and usable[item.id] <= item.reorder_point  # as the reorder list: no par, never low
        if low_only and not low:
            continue
        rows.append(StockRow(item.sku, item.name, item.category, item.unit, usable[item.id], expired[item.id],
                             item.reorder_point, item.par, low, worth[item.id] if values else None))
    return rows


def item_stock(ctx: Context, ref: str) -> ItemStock:
    """One item's stock per location and lot (first expiry first)."""
    ctx.require(READ)
    item = find_item(ctx, ref)
    day, values = today(ctx), ctx.can(VALUES)
    query = (select(Balance, Lot, Location.name).outerjoin(Lot, Lot.id == Balance.lot_id)
             .join(Location, Location.id == Balance.location_id)
             .where(Balance.item_id == item.id, Balance.on_hand != 0)
             .order_by(Location.name, Lot.expires_on.is_(None), Lot.expires_on, Balance.lot_key))
    rows = []
    for balance, lot, place in ctx.session.execute(query).all():
        price, size = _lot_price(lot, item)
        rows.append(BalanceRow(place, lot.lot_number if lot else None, lot.expires_on if lot else None,
                               balance.on_hand, bool(lot and lot.expires_on and lot.expires_on < day),
                               value_of(balance.on_hand, price, size) if values else None))
    return ItemStock(item_record(ctx, item), sum(r.on_hand for r in rows), tuple(rows))


def movement_records(ctx: Context, rows: list[Movement]) -> tuple[MovementRecord, ...]:
    out = []
    for row in rows:
        item = ctx.session.get(Item, row.item_id)
        lot = ctx.session.get(Lot, row.lot_id) if row.lot_id else None
        out.append(MovementRecord(row.id, row.at, row.kind, item.sku, item.name,
                                  ctx.session.get(Location, row.location_id).name, lot.lot_number if lot else None,
                                  row.quantity, row.reason, row.reference, row.by, row.below_zero))
    return tuple(out)


def history(ctx: Context, ref: str, *, limit: int = 50) -> list[MovementRecord]:
    """The item's last ``limit`` movements, newest first."""
    ctx.require(READ)
    item = find_item(ctx, ref)
    count = parse_quantity(limit, field="limit", maximum=10_000)
    rows = list(ctx.session.execute(select(Movement).where(Movement.item_id == item.id)
                                    .order_by(Movement.id.desc()).limit(count)).scalars())
    return list(movement_records(ctx, rows))


# -- lots -------------------------------------------------------------------------------------


def find_lot(ctx: Context, item: Item, number: str | None, *, field: str = "lot") -> Lot:
    text = require_text(number, field=field, max_length=MAX_CODE)
    lot = ctx.session.execute(select(Lot).where(Lot.item_id == item.id, func.upper(Lot.lot_number) == text.upper())
                              ).scalar_one_or_none()
    if lot is None:
        raise NotFound(f"{item.name} has no lot {text!r}")
    return lot


def ensure_lot(ctx: Context, item: Item, number: str, expires_on: dt.date | None, *,
               pack_price: Decimal | None, pack_size: int) -> Lot:
    """The item's lot ``number``, made when new; an existing lot must have the same expiry."""
    text = require_text(number, field="lot", max_length=MAX_CODE)
    lot = ctx.session.execute(select(Lot).where(Lot.item_id == item.id, func.upper(Lot.lot_number) == text.upper())
                              ).scalar_one_or_none()
    if lot is None:
        if expires_on is None:
            raise ValidationError(f"lot {text} of {item.name} is new: give its expiry date", field="expires")
        lot = Lot(item_id=item.id, lot_number=text, expires_on=expires_on, pack_price=pack_price, pack_size=pack_size)
        ctx.session.add(lot)
        ctx.session.flush()
    elif expires_on is not None and lot.expires_on != expires_on:
        raise Conflict(f"lot {lot.lot_number} of {item.name} expires on {lot.expires_on}, not {expires_on}")
    return lot


# -- withdrawals ------------------------------------------------------------------------------


def _below_zero(ctx: Context, allowed: bool, reason: str | None) -> bool:
    if allowed:
        ctx.require(BELOW_ZERO)
        if not (reason or "").strip():
            raise ValidationError("say why stock may go below zero (a reason)", field="reason")
    return allowed


def withdraw(ctx: Context, kind: str, item: Item, location: Location, quantity: int, *, lot: Lot | None = None,
             include_expired: bool = False, below_zero: bool = False, reason: str | None = None,
             reference: str | None = None, appointment_id: int | None = None) -> list[Movement]:
    """Take ``quantity`` units of the item from the location, first expiry first (or from
    ``lot``), as movements of ``kind``.

    Raises:
        ValidationError: the lot named has expired and expired stock may not be taken.
        Conflict: not that many units (usable ones, for use), unless ``below_zero``.
    """
    day = today(ctx)
    if lot is not None and not include_expired and lot.expires_on is not None and lot.expires_on < day:
        raise ValidationError(f"lot {lot.lot_number} of {item.name} expired on {lot.expires_on}: it may not be used; "
                              "write it off", field="lot")
    available = ledger.fefo_balances(ctx, item.id, location.id, today=day, include_expired=include_expired)
    if lot is not None:
        available = [(b, lt) for b, lt in available if b.lot_id == lot.id]
    have = sum(b.on_hand for b, _ in available)
    if have < quantity and not below_zero:
        what = f"lot {lot.lot_number} of {item.name}" if lot else item.name
        expired_note = ""
        if not include_expired and lot is None:
            all_rows = ledger.fefo_balances(ctx, item.id, location.id, today=day, include_expired=True)
            stale = sum(b.on_hand for b, _ in all_rows) - have
            expired_note = f" ({stale} more expired, which may not be used)" if stale else ""
        raise Conflict(f"only {have} {item.unit} of {what} at {location.name}{expired_note}, "
                       f"not {quantity}")
    rows, left = [], quantity
    for balance, lt in available:
        if left == 0:
            break
        take = min(left, balance.on_hand)
        rows.append(ledger.post(ctx, kind, item_id=item.id, location_id=location.id, lot_id=balance.lot_id,
                                quantity=-take, reason=reason, reference=reference, appointment_id=appointment_id,
                                short_message=f"{item.name} at {location.name} changed meanwhile; try again"))
        left -= take
    if left:
        rows.append(ledger.post(ctx, kind, item_id=item.id, location_id=location.id,
                                lot_id=lot.id if lot else None, quantity=-left, reason=reason, reference=reference,
                                below_zero=True, appointment_id=appointment_id))
    return rows


def _done(ctx: Context, action: str, item: Item, rows: list[Movement], summary: dict) -> StockChange:
    ctx.session.flush()
    ctx.audit(action, "inventory_item", item.id,
              summary={"sku": item.sku, **summary,
                       "movements": [[r.id, r.kind, r.quantity, r.lot_id, r.location_id] for r in rows]})
    ctx.changed(STOCK_TOPIC)
    return StockChange(item.sku, item.name, item.unit, movement_records(ctx, rows), item_on_hand(ctx, item.id))


def _where(ctx: Context, item: Item, location: str | None) -> Location:
    if location is None or not str(location).strip():
        return ctx.session.get(Location, item.location_id)
    return find_location(ctx, location)


def _parse_common(ctx: Context, ref: str, quantity, location: str | None, lot: str | None,
                  reason: str | None, *, reason_required: bool = False):
    fields = Fields()
    count = fields.parse("quantity", parse_quantity, quantity)
    why = fields.parse("reason", require_text if reason_required else optional_text, reason, max_length=MAX_TEXT)
    fields.done()
    item = find_item(ctx, ref)
    place = _where(ctx, item, location)
    chosen = find_lot(ctx, item, lot) if lot is not None and str(lot).strip() else None
    return item, place, count, chosen, why


def use(ctx: Context, ref: str, quantity, *, location: str | None = None, lot: str | None = None,
        reason: str | None = None, appointment_id: int | None = None, below_zero: bool = False) -> StockChange:
    """Record ``quantity`` units of the item used (at the desk, or in the visit
    ``appointment_id``), first expiry first from its home location or ``location``.

    Raises:
        ValidationError: a bad quantity, an expired lot named.
        Conflict: not enough usable (unexpired) stock, unless a manager allows below zero.
    """
    ctx.require(USE)
    item, place, count, chosen, why = _parse_common(ctx, ref, quantity, location, lot, reason)
    if appointment_id is not None:
        appointment_id = parse_quantity(appointment_id, field="appointment", maximum=MAX_APPOINTMENT_ID)
    allowed = _below_zero(ctx, below_zero, why)
    rows = withdraw(ctx, "used", item, place, count, lot=chosen, below_zero=allowed, reason=why,
                    reference=f"visit {appointment_id}" if appointment_id else None, appointment_id=appointment_id)
    return _done(ctx, "inventory.stock.used", item, rows, {"quantity": count, "location": place.name})


def waste(ctx: Context, ref: str, quantity, reason: str, *, location: str | None = None, lot: str | None = None,
          kind: str = "wasted") -> StockChange:
    """Write off ``quantity`` units (dropped, damaged, or ``kind="expired"``), expired lots first."""
    ctx.require(ADJUST)
    item, place, count, chosen, why = _parse_common(ctx, ref, quantity, location, lot, reason, reason_required=True)
    rows = withdraw(ctx, kind, item, place, count, lot=chosen, include_expired=True, reason=why)
    return _done(ctx, "inventory.stock.wasted", item, rows, {"quantity": count, "reason": why})


def return_to_vendor(ctx: Context, ref: str, quantity, reason: str, *, location: str | None = None,
                     lot: str | None = None) -> StockChange:
    """Send ``quantity`` units back to the vendor (a recall, a wrong item)."""
    ctx.require(ADJUST)
    item, place, count, chosen, why = _parse_common(ctx, ref, quantity, location, lot, reason, reason_required=True)
    rows = withdraw(ctx, "returned", item, place, count, lot=chosen, include_expired=True, reason=why)
    return _done(ctx, "inventory.stock.returned", item, rows, {"quantity": count, "reason": why})


def transfer(ctx: Context, ref: str, quantity, to: str, *, source: str | None = None,
             lot: str | None = None) -> StockChange:
    """Move ``quantity`` units from ``source`` (the item's home by default) to ``to``, keeping
    their lots (first expiry first, expired ones too: a fridge may be emptied)."""
    ctx.require(MOVE)
    item, place, count, chosen, _ = _parse_common(ctx, ref, quantity, source, lot, None)
    target = find_location(ctx, to, field="to")
    if target.id == place.id:
        raise ValidationError(f"the stock is already at {place.name}: name another location", field="to")
    reference = f"{place.name} -> {target.name}"[:60]
    taken = withdraw(ctx, "transferred", item, place, count, lot=chosen, include_expired=True, reference=reference)
    put = [ledger.post(ctx, "transferred", item_id=item.id, location_id=target.id, lot_id=row.lot_id,
                       quantity=-row.quantity, reference=reference) for row in taken]
    return _done(ctx, "inventory.stock.transferred", item, taken + put,
                 {"quantity": count, "from": place.name, "to": target.name})


def adjust(ctx: Context, ref: str, change, reason: str, *, location: str | None = None, lot: str | None = None,
           expires: str | dt.date | None = None, below_zero: bool = False) -> StockChange:
    """Add (``change`` > 0) or remove (< 0) units, with a reason: opening stock, a found box,
    a count done by hand. Adding a lot-tracked item needs its lot (and the expiry of a new lot).
    """
    from medoffice.core.validation import parse_date

    ctx.require(ADJUST)
    fields = Fields()
    if isinstance(change, bool) or not isinstance(change, int):
        text = str(change or "").strip()
        number = int(text) if SIGNED.fullmatch(text) else None
    else:
        number = change
    if number is None or number == 0:
        fields.add("change", f"change must be a whole number other than zero, like 5 or -3, got {change!r}")
    else:
        fields.parse("change", parse_quantity, abs(number))
    why = fields.parse("reason", require_text, reason, max_length=MAX_TEXT)
    day = fields.parse("expires", parse_date, expires) if expires not in (None, "") else None
    fields.done()
    item = find_item(ctx, ref)
    place = _where(ctx, item, location)
    allowed = _below_zero(ctx, below_zero, why)
    if number > 0:
        if item.tracks_lots and not (lot and str(lot).strip()):
            raise ValidationError(f"{item.name} is tracked by lot: name the lot (and its expiry if it is new)",
                                  field="lot")
        chosen = (ensure_lot(ctx, item, lot, day, pack_price=item.pack_price, pack_size=item.pack_size)
                  if item.tracks_lots else None)
        if lot and not item.tracks_lots:
            raise ValidationError(f"{item.name} is not tracked by lot", field="lot")
        rows = [ledger.post(ctx, "adjusted", item_id=item.id, location_id=place.id,
                            lot_id=chosen.id if chosen else None, quantity=number, reason=why)]
    else:
        chosen = find_lot(ctx, item, lot) if lot and str(lot).strip() else None
        rows = withdraw(ctx, "adjusted", item, place, -number, lot=chosen, include_expired=True,
                        below_zero=allowed, reason=why)
    return _done(ctx, "inventory.stock.adjusted", item, rows, {"change": number, "reason": why,
                                                               "location": place.name})
