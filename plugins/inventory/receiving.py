"""Receiving a delivery against a purchase order, line by line, and the expense it books.

A receipt names, per item on the order, the packs that came (``{"GLV-M": 2}``) and, for a
lot-tracked item, the lot and its expiry. Fewer packs than ordered leave the rest on
backorder (the order is *partially received* and stays open); more than ordered is refused
unless the receiver says the over-shipment is accepted. The units go into stock as
``received`` movements at each item's home location (or the location named), at the order's
pack price, which becomes the lot's cost.

**Exactly one expense per receipt, through one path** (docs/hooks.md#medoffice_order_received):
in the receiving unit of work, the receipt's value is booked through the billing role's
``record_expense`` (``ctx.role_service("billing")``), and the expense's id is kept on the
receipt, which is what makes booking it again a no-op. Only then is
``medoffice_order_received`` announced, for reactions that must not book it again. Without
billing nothing is booked and nothing fails; :func:`book_missing_expenses` books those
receipts later, once each, when billing is enabled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import attrs
from sqlalchemy import select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.records import ExpenseDraft, ReceivedOrder, ReceivedOrderLine
from medoffice.core.validation import parse_date

from . import ledger
from .catalogue import find_item, find_location
from medoffice.core.validation import Fields
from .common import parse_day, parse_quantity, today
from .models import Item, OrderLine, PurchaseOrder, Receipt, ReceiptLine, Vendor
from .orders import RECEIVABLE, load_order
from .permissions import ORDER, READ, RECEIVE
from .stock import ensure_lot
from .topics import ORDERS_TOPIC, STOCK_TOPIC

EXPENSE_CATEGORY = "supplies"
EXPENSE_SOURCE = "inventory"
UNIT_COST = Decimal("0.0001")
MAX_DAYS_LATE = 366
"""How far back a receipt may be dated (`--on`): a delivery entered late, not history."""


@attrs.frozen
class ReceiptLineRecord:
    sku: str
    item: str
    packs: int
    units: int
    lot: str | None
    expires_on: dt.date | None
    line_total: Decimal
    over: int
    """Packs beyond what was ordered (an accepted over-shipment)."""


@attrs.frozen
class ReceiptRecord:
    id: int
    order_id: int
    vendor: str
    received_on: dt.date
    received_by: str
    total: Decimal
    expense_id: int | None
    order_status: str
    lines: tuple[ReceiptLineRecord, ...]
    backordered: tuple[tuple[str, int], ...]
    """(SKU, packs) still to come on the order."""


def reference_of(receipt: Receipt) -> str:
    """The expense's reference: names the order and the receipt, for the books and for people."""
    return f"PO {receipt.order_id} receipt {receipt.id}"


def _parse_lines(ctx: Context, order: PurchaseOrder, packs: Mapping[str, object], lots: Mapping[str, str],
                 expires: Mapping[str, object]) -> list[tuple[OrderLine, Item, int, str | None, dt.date | None]]:
    if not packs:
        raise ValidationError("name what came: at least one item and its packs", field="lines")
    fields = Fields()
    lines = {line.item_id: line for line in ctx.session.execute(
        select(OrderLine).where(OrderLine.order_id == order.id)).scalars()}
    found, seen = [], set()

    def item_id(ref: str) -> int | None:
        try:
            return find_item(ctx, ref).id
        except (NotFound, ValidationError):
            return None

    named = {item_id(ref) for ref in packs} - {None}
    lot_of, expiry_of = {}, {}
    for source, target in ((lots, lot_of), (expires, expiry_of)):
        for ref, value in source.items():
            key = item_id(ref)
            if key is None or key not in named:
                fields.add(f"lot:{ref}", f"a lot or expiry is given for {ref!r}, but no packs of it")
            else:
                target[key] = value
    for ref, value in packs.items():
        try:
            item = find_item(ctx, ref)
        except (NotFound, ValidationError) as error:
            fields.add(f"item:{ref}", error.message)
            continue
        if item.id in seen:
            fields.add(f"item:{ref}", f"{item.name} is named twice")
            continue
        seen.add(item.id)
        line = lines.get(item.id)
        if line is None:
            fields.add(f"item:{ref}", f"{item.name} is not on purchase order {order.id}")
            continue
        count = fields.parse(f"packs:{ref}", parse_quantity, value)
        lot, when = lot_of.get(item.id), expiry_of.get(item.id)
        day = fields.parse(f"expires:{ref}", parse_date, when) if when not in (None, "") else None
        if item.tracks_lots and not (lot or "").strip():
            fields.add(f"lot:{ref}", f"{item.name} is tracked by lot: give its lot number")
        if not item.tracks_lots and ((lot or "").strip() or day):
            fields.add(f"lot:{ref}", f"{item.name} is not tracked by lot")
        found.append((line, item, count, (lot or "").strip() or None, day))
    fields.done()
    return found


def receive(ctx: Context, order_id, packs: Mapping[str, object], *, lots: Mapping[str, str] | None = None,
            expires: Mapping[str, object] | None = None, received_on: str | dt.date | None = None,
            location: str | None = None, accept_over: bool = False) -> ReceiptRecord:
    """Receive ``packs`` (SKU or name -> packs) against the sent order ``order_id``.

    Raises:
        ValidationError: every bad line at once (unknown item, not on the order, bad packs,
            a tracked item without its lot, a new lot without its expiry).
        Conflict: the order is not sent (or partially received); more packs than ordered
            without ``accept_over``; a lot number that exists with another expiry.
    """
    ctx.require(RECEIVE)
    day = parse_day(received_on, ctx, field="received_on")
    if day > today(ctx):
        raise ValidationError(f"a delivery cannot be received on {day}, a day still to come", field="received_on")
    if day < today(ctx) - dt.timedelta(days=MAX_DAYS_LATE):
        raise ValidationError(f"a delivery is entered at most {MAX_DAYS_LATE} days late, not on {day}",
                              field="received_on")
    place = find_location(ctx, location) if location and location.strip() else None
    order = load_order(ctx, order_id, lock=True)
    if order.status not in RECEIVABLE:
        hint = " (mark it sent first)" if order.status == "approved" else ""
        raise Conflict(f"purchase order {order.id} is {order.status.replace('_', ' ')}: nothing can be received "
                       f"against it{hint}")
    wanted = _parse_lines(ctx, order, packs, lots or {}, expires or {})
    over = []
    for line, item, count, _, _ in wanted:
        extra = line.packs_received + count - line.packs
        if extra > 0 and not accept_over:
            over.append(f"{item.name}: {count} {item.pack_unit} would be {extra} more than ordered")
    if over:
        raise Conflict("; ".join(over) + " (accept the over-shipment to receive it)")
    vendor = ctx.session.get(Vendor, order.vendor_id)
    total = sum((line.pack_price * count for line, _, count, _, _ in wanted), Decimal("0.00"))
    receipt = Receipt(order_id=order.id, location_id=place.id if place else None, received_on=day,
                      received_at=ctx.now(), received_by=ctx.user.username, total=total)
    ctx.session.add(receipt)
    ctx.session.flush()
    records = []
    for line, item, count, lot_number, expiry in wanted:
        lot = (ensure_lot(ctx, item, lot_number, expiry, pack_price=line.pack_price, pack_size=line.pack_size)
               if lot_number else None)
        extra = max(line.packs_received + count - line.packs, 0)
        line.packs_received += count
        ctx.session.add(ReceiptLine(receipt_id=receipt.id, order_line_id=line.id, packs=count,
                                    lot_id=lot.id if lot else None))
        units = count * line.pack_size
        ledger.post(ctx, "received", item_id=item.id, location_id=place.id if place else item.location_id,
                    lot_id=lot.id if lot else None, quantity=units, reference=f"PO {order.id}",
                    receipt_id=receipt.id)
        records.append(ReceiptLineRecord(item.sku, item.name, count, units, lot.lot_number if lot else None,
                                         lot.expires_on if lot else None, line.pack_price * count, extra))
    ctx.session.flush()
    all_lines = ctx.session.execute(select(OrderLine, Item).join(Item, Item.id == OrderLine.item_id)
                                    .where(OrderLine.order_id == order.id).order_by(OrderLine.id)).all()
    waiting = tuple((item.sku, line.packs - line.packs_received) for line, item in all_lines
                    if line.packs > line.packs_received)
    order.status = "partially_received" if waiting else "received"
    book_expense(ctx, receipt, vendor.name)
    ctx.audit("inventory.order.received", "inventory_receipt", receipt.id,
              summary={"order": order.id, "total": str(total), "expense_id": receipt.expense_id,
                       "lines": [[r.sku, r.packs, r.lot] for r in records], "status": order.status})
    ctx.changed(STOCK_TOPIC, ORDERS_TOPIC)
    ctx.hooks.order_received(ctx, ReceivedOrder(order.id, vendor.name, day, total, tuple(
        ReceivedOrderLine(r.item, r.units, (r.line_total / r.units).quantize(UNIT_COST)) for r in records)))
    return ReceiptRecord(receipt.id, order.id, vendor.name, day, ctx.user.username, total, receipt.expense_id,
                         order.status, tuple(records), waiting)


def book_expense(ctx: Context, receipt: Receipt, vendor: str) -> int | None:
    """Book the receipt's value through the billing role, once: a receipt that has its
    expense already, is worth nothing, or meets no billing provider books nothing."""
    if receipt.expense_id is not None or receipt.total <= 0:
        return receipt.expense_id
    billing = ctx.role_service("billing")
    if billing is None:
        return None
    booked = billing.record_expense(ctx, ExpenseDraft(EXPENSE_CATEGORY, receipt.total, receipt.received_on, vendor,
                                                      reference_of(receipt), EXPENSE_SOURCE))
    receipt.expense_id = booked.id
    ctx.session.flush()
    return booked.id


def book_missing_expenses(ctx: Context) -> list[tuple[int, int]]:
    """Book the expense of every receipt that has none (made while billing was not enabled):
    ``(receipt id, expense id)`` for each booked. Refused when no plugin provides billing."""
    ctx.require(ORDER)
    if ctx.role_service("billing") is None:
        raise Conflict("no enabled plugin provides billing: there is nowhere to book the expenses")
    query = (select(Receipt, Vendor.name).join(PurchaseOrder, PurchaseOrder.id == Receipt.order_id)
             .join(Vendor, Vendor.id == PurchaseOrder.vendor_id)
             .where(Receipt.expense_id.is_(None), Receipt.total > 0).order_by(Receipt.id)
             .with_for_update(of=Receipt))
    booked = []
    for receipt, vendor in ctx.session.execute(query).all():
        expense = book_expense(ctx, receipt, vendor)
        if expense is not None:
            booked.append((receipt.id, expense))
            ctx.audit("inventory.receipt.expense_booked", "inventory_receipt", receipt.id,
                      summary={"expense_id": expense})
    return booked


@attrs.frozen
class ReceiptSummary:
    id: int
    order_id: int
    vendor: str
    received_on: dt.date
    received_by: str
    total: Decimal
    expense_id: int | None


def list_receipts(ctx: Context, *, order_id=None) -> list[ReceiptSummary]:
    """Receipts, newest first (of one order when given)."""
    ctx.require(READ)
    query = (select(Receipt, Vendor.name).join(PurchaseOrder, PurchaseOrder.id == Receipt.order_id)
             .join(Vendor, Vendor.id == PurchaseOrder.vendor_id).order_by(Receipt.id.desc()))
    if order_id is not None:
        query = query.where(Receipt.order_id == load_order(ctx, order_id).id)
    return [ReceiptSummary(r.id, r.order_id, v, r.received_on, r.received_by, r.total, r.expense_id)
            for r, v in ctx.session.execute(query).all()]
