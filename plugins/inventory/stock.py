"""Stock on hand and every way it changes: use, adjustment, transfer, waste, expiry write-off
and return to the vendor (receiving is in :mod:`.receiving`, counts in :mod:`.counts`).

Each operation writes movements through :func:`.ledger.post`, audits once and names the
``inventory.stock`` change topic. Withdrawals pick lots first-expiry-first-out; use refuses
expired stock; nothing goes below zero unless a manager (``inventory.below_zero``) allows it
with a reason. A refused operation writes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import bindparam, func, select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.storage import from_cents
from medoffice.core.storage.plain import Statement
from medoffice.core.validation import optional_text, require_text

from . import ledger
from .catalogue import ItemRecord, find_item, find_location, item_record_query
from medoffice.core.validation import Fields
from .common import cents_of, expiry_day, parse_quantity, stored_day, today, value_of
from .kit_models import Shortage
from .models import MAX_CODE, MAX_NAME, MAX_TEXT, Balance, Item, Location, Lot, Movement
from .permissions import ADJUST, BELOW_ZERO, MOVE, READ, USE, VALUES
from .topics import STOCK_TOPIC

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
    short: int = 0
    """Units visits' kits wanted and did not get (open shortages, :mod:`.visit_supplies`)."""


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


@functools.cache
def _levels_statements() -> tuple[Statement, Statement, Statement, Statement]:
    """Every active item; every balance not at zero with its lot's expiry and price (all
    locations, and one: ``location_id``); the units open shortages still owe per item: plain
    statements run by the driver (:class:`~medoffice.core.storage.plain.Statement`), built
    once, their rows tuples of stored values (this reads every item and every balance, see
    bench/inventory.py)."""
    item, balance, lot, shortage = Item.__table__, Balance.__table__, Lot.__table__, Shortage.__table__
    items = select(item.c.id, item.c.sku, item.c.name, item.c.category, item.c.unit, item.c.reorder_point,
                   item.c.par, item.c.pack_price, item.c.pack_size).where(item.c.active.is_(True))
    balances = (select(balance.c.item_id, balance.c.on_hand, lot.c.expires_on, lot.c.pack_price, lot.c.pack_size)
                .select_from(balance.outerjoin(lot, lot.c.id == balance.c.lot_id)).where(balance.c.on_hand != 0))
    owed = (select(shortage.c.item_id, func.sum(shortage.c.short)).where(shortage.c.status == "open")
            .group_by(shortage.c.item_id))
    return (Statement(items), Statement(balances),
            Statement(balances.where(balance.c.location_id == bindparam("location_id"))), Statement(owed))


def stock_levels(ctx: Context, *, location: str | None = None, search: str | None = None,
                 low_only: bool = False) -> list[StockRow]:
    """Every active item's stock, by name: usable (unexpired) and expired units, low when it
    has a par and the usable units are at or below the reorder point (as the reorder list).

    Read with plain statements (in a read-only unit of work, no ORM session is made unless a
    ``location`` is named): values are added up in whole cents, one ``Decimal`` per item."""
    ctx.require(READ)
    day, values = today(ctx), ctx.can(VALUES)
    items_statement, all_balances, balances_at, owed_statement = _levels_statements()
    if location:
        balances = ctx.plain_rows(balances_at, {"location_id": find_location(ctx, location).id})
    else:
        balances = ctx.plain_rows(all_balances)
    items = {row[0]: row for row in ctx.plain_rows(items_statement)}
    usable: dict[int, int] = dict.fromkeys(items, 0)
    expired: dict[int, int] = dict.fromkeys(items, 0)
    worth: dict[int, int | None] = dict.fromkeys(items, 0)
    stored = stored_day
    for item_id, on_hand, expires_on, lot_price, lot_size in balances:
        item = items.get(item_id)
        if item is None:
            continue
        if expires_on is not None and stored(expires_on) < day:
            expired[item_id] += on_hand
        else:
            usable[item_id] += on_hand
        if values:
            so_far = worth[item_id]
            if so_far is not None:
                price, size = (lot_price, lot_size) if lot_price is not None else (item[7], item[8])
                worth[item_id] = None if price is None else so_far + cents_of(on_hand, price, size)
    owed = {item_id: int(units) for item_id, units in ctx.plain_rows(owed_statement)}
    needle = (search or "").strip().lower()
    rows = []
    for item_id, sku, name, category, unit, reorder_point, par, _price, _size in sorted(
            items.values(), key=lambda r: r[2].lower()):
        if needle and needle not in name.lower() and needle not in sku.lower():
            continue
        units = usable[item_id]
        low = par > 0 and units <= reorder_point  # as the reorder list: no par, never low
        if low_only and not low:
            continue
        cents = worth[item_id] if values else None
        rows.append(StockRow(sku, name, category, unit, units, expired[item_id], reorder_point, par, low,
                             None if cents is None else from_cents(cents), owed.get(item_id, 0)))
    return rows


@functools.cache
def _item_stock_statements() -> tuple[Statement, Statement, Statement]:
    """One item's record found by SKU, and by name; its balances (location, lot) not at zero,
    first expiry first: plain statements run by the driver
    (:class:`~medoffice.core.storage.plain.Statement`), built once, as a look at one item is
    a cheap, frequent read (bench/inventory.py: "one item's lots"). Two statements rather
    than one join, so the item's seventeen columns are not fetched again with every lot."""
    balance, lot, place = Balance.__table__, Lot.__table__, Location.__table__
    columns, joined = item_record_query()
    item = Item.__table__
    items = select(*columns).select_from(joined)
    balances = (select(place.c.name, lot.c.lot_number, lot.c.expires_on, balance.c.on_hand, lot.c.pack_price,
                       lot.c.pack_size)
                .select_from(balance.join(place, place.c.id == balance.c.location_id)
                             .outerjoin(lot, lot.c.id == balance.c.lot_id))
                .where(balance.c.item_id == bindparam("item_id"), balance.c.on_hand != 0)
                .order_by(place.c.name, lot.c.expires_on.is_(None), lot.c.expires_on, balance.c.lot_key))
    return (Statement(items.where(item.c.sku == bindparam("sku"))),
            Statement(items.where(func.lower(item.c.name) == bindparam("name"))), Statement(balances))


def item_stock(ctx: Context, ref: str) -> ItemStock:
    """One item's stock per location and lot (first expiry first); the item is named as
    :func:`.catalogue.find_item` finds it. Two plain statements (three when the item is
    named by name), no ORM session in a read-only unit of work; the records are made once
    per answer (:func:`_item_stock`). The practice's zone is asked only when a lot expires
    within a day of today (:func:`.common.expiry_day`)."""
    ctx.require(READ)
    text = require_text(ref, field="item", max_length=MAX_NAME)
    by_sku, by_name, balances = _item_stock_statements()
    found = ctx.plain_rows(by_sku, {"sku": text.upper()}) or ctx.plain_rows(by_name, {"name": text.lower()})
    if not found:
        raise NotFound(f"no item with the SKU or name {text!r}")
    item = found[0]
    rows = tuple(ctx.plain_rows(balances, {"item_id": item[0]}))
    day = expiry_day(ctx, [stored_day(row[2]) for row in rows])
    return _item_stock(item, rows, day, ctx.can(VALUES))


@functools.lru_cache(maxsize=1_024)
def _item_stock(item_row: tuple[Any, ...], rows: tuple[tuple[Any, ...], ...], day: dt.date,
                values: bool) -> ItemStock:
    """The :class:`ItemStock` of an item's row and its balances' rows (:func:`_item_stock_statements`)
    as the driver gives them (SQLite's booleans are 0 and 1, dates text; prices whole cents):
    every value it shows is in the rows, so the same rows on the same day give the same
    (immutable) record, made once (an item is looked at again and again while its stock
    does not move)."""
    (id_, sku, name, category, ndc, unit, pack_unit, pack_size, tracks_lots, par, reorder_point, home, vendor,
     vendor_item_number, pack_price, lead_time_days, active) = item_row
    item_price = None if pack_price is None else from_cents(pack_price)
    item = ItemRecord(id_, sku, name, category, ndc, unit, pack_unit, pack_size, bool(tracks_lots), par,
                      reorder_point, home, vendor, vendor_item_number, item_price, lead_time_days, bool(active))
    made = []
    for place, number, expires_on, on_hand, lot_price, lot_size in rows:
        expires = stored_day(expires_on)
        if not values:
            value = None
        elif lot_price is not None:
            value = value_of(on_hand, from_cents(lot_price), lot_size)
        else:
            value = value_of(on_hand, item_price, pack_size)
        made.append(BalanceRow(place, number, expires, on_hand, expires is not None and expires < day, value))
    return ItemStock(item, sum(r.on_hand for r in made), tuple(made))


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
