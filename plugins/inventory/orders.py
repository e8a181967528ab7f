"""Purchase orders and the reorder list.

An order goes to one vendor, in packs at the pack price agreed when it was drafted:
draft → approved → sent → partially received → received → closed, or cancelled before
anything arrived. The manager drafts (``inventory.order``, by hand or from the reorder list),
edits and marks sent; approving, closing and cancelling need ``inventory.approve``.
Receiving is in :mod:`.receiving`.

The reorder list is every active item with a par level whose usable (unexpired) stock is at
or below its reorder point. Its suggestion is the packs that bring stock, counting what is
already on order (any open order, draft included), back up to par, rounded up to whole packs;
``draft_reorder`` turns the suggestions into one draft order per preferred vendor, so running
it twice drafts nothing the second time. When it finds something to order and a plugin
provides the staff role, it also files one "Reorder …" task for the role that orders (through
``StaffService.create_task``, keyed so that no second one is filed while it is open); without
a staff plugin it does the same as before.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
from sqlalchemy import func, select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.validation import optional_text, require_text

from .catalogue import find_item, find_location, find_vendor
from medoffice.core.validation import Fields, parse_money
from .common import nothing_to_do, parse_quantity, today
from .models import MAX_TEXT, Item, Location, OrderLine, PurchaseOrder, Receipt, Vendor
from .permissions import APPROVE, ORDER, READ
from .topics import ORDERS_TOPIC

REORDER_TASK_KEY = "inventory.reorder"

OPEN = ("draft", "approved", "sent", "partially_received")
RECEIVABLE = ("sent", "partially_received")
ZERO = Decimal("0.00")


@attrs.frozen
class OrderLineRecord:
    id: int
    sku: str
    item: str
    vendor_item_number: str | None
    packs: int
    pack_unit: str
    pack_size: int
    pack_price: Decimal
    total: Decimal
    packs_received: int

    @property
    def backordered(self) -> int:
        """Packs still to come."""
        return max(self.packs - self.packs_received, 0)


@attrs.frozen
class OrderRecord:
    id: int
    vendor: str
    status: str
    location: str | None
    note: str | None
    created_at: dt.datetime
    created_by: str
    approved_by: str | None
    sent_at: dt.datetime | None
    ended_at: dt.datetime | None
    end_reason: str | None
    lines: tuple[OrderLineRecord, ...]
    total: Decimal


@attrs.frozen
class ReorderRow:
    sku: str
    item: str
    on_hand: int
    reorder_point: int
    par: int
    on_order: int
    unit: str
    vendor: str | None
    packs: int
    """Packs to order to reach par (0: what is on order covers it)."""
    pack_unit: str
    pack_price: Decimal | None


# -- reading ----------------------------------------------------------------------------------


def order_record(ctx: Context, order: PurchaseOrder) -> OrderRecord:
    lines = []
    query = (select(OrderLine, Item).join(Item, Item.id == OrderLine.item_id).where(OrderLine.order_id == order.id)
             .order_by(OrderLine.id))
    for line, item in ctx.session.execute(query).all():
        lines.append(OrderLineRecord(line.id, item.sku, item.name, line.vendor_item_number, line.packs,
                                     item.pack_unit, line.pack_size, line.pack_price, line.pack_price * line.packs,
                                     line.packs_received))
    place = ctx.session.get(Location, order.location_id) if order.location_id else None
    return OrderRecord(order.id, ctx.session.get(Vendor, order.vendor_id).name, order.status,
                       place.name if place else None, order.note, order.created_at, order.created_by,
                       order.approved_by, order.sent_at, order.ended_at, order.end_reason, tuple(lines),
                       sum((line.total for line in lines), ZERO))


def load_order(ctx: Context, order_id, *, lock: bool = False) -> PurchaseOrder:
    from .common import parse_quantity as _whole

    number = _whole(order_id, field="order", maximum=2**31 - 1)
    query = select(PurchaseOrder).where(PurchaseOrder.id == number)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    order = ctx.session.execute(query).scalar_one_or_none()
    if order is None:
        raise NotFound(f"no purchase order {number}")
    return order


def get_order(ctx: Context, order_id) -> OrderRecord:
    ctx.require(READ)
    return order_record(ctx, load_order(ctx, order_id))


def list_orders(ctx: Context, *, status: str | None = None, open_only: bool = False) -> list[OrderRecord]:
    """Orders, newest first (of one status, or the open ones, when asked)."""
    ctx.require(READ)
    query = select(PurchaseOrder).order_by(PurchaseOrder.id.desc())
    if status:
        from .models import ORDER_STATUSES

        if status not in ORDER_STATUSES:
            raise ValidationError(f"status must be one of {', '.join(ORDER_STATUSES)}, got {status!r}", field="status")
        query = query.where(PurchaseOrder.status == status)
    if open_only:
        query = query.where(PurchaseOrder.status.in_(OPEN))
    return [order_record(ctx, o) for o in ctx.session.execute(query).scalars()]


# -- drafting and editing ---------------------------------------------------------------------


def _touch(ctx: Context, action: str, order: PurchaseOrder, **summary) -> OrderRecord:
    ctx.session.flush()
    ctx.audit(action, "inventory_order", order.id, summary={"status": order.status, **summary})
    ctx.changed(ORDERS_TOPIC)
    return order_record(ctx, order)


def _new_order(ctx: Context, vendor: Vendor, location: Location | None, note: str | None) -> PurchaseOrder:
    order = PurchaseOrder(vendor_id=vendor.id, status="draft", location_id=location.id if location else None,
                          note=note, created_at=ctx.now(), created_by=ctx.user.username)
    ctx.session.add(order)
    ctx.session.flush()
    return order


def create_order(ctx: Context, vendor: str, *, location: str | None = None, note: str | None = None) -> OrderRecord:
    """A new draft order to ``vendor`` (delivered to ``location``, else each item goes home)."""
    ctx.require(ORDER)
    text = optional_text(note, field="note", max_length=MAX_TEXT)
    row = find_vendor(ctx, vendor)
    place = find_location(ctx, location) if location and location.strip() else None
    order = _new_order(ctx, row, place, text)
    return _touch(ctx, "inventory.order.drafted", order, vendor=row.name)


def _editable(order: PurchaseOrder) -> None:
    if order.status != "draft":
        raise Conflict(f"purchase order {order.id} is {order.status.replace('_', ' ')}: only a draft may be edited")


def set_line(ctx: Context, order_id, item: str, packs, *, pack_price=None) -> OrderRecord:
    """Order ``packs`` packs of ``item`` on the draft (replacing its line if it has one), at
    ``pack_price`` or the item's pack price from its preferred vendor."""
    ctx.require(ORDER)
    fields = Fields()
    count = fields.parse("packs", parse_quantity, packs)
    price = fields.parse("price", parse_money, pack_price) if pack_price not in (None, "") else None
    fields.done()
    order = load_order(ctx, order_id, lock=True)
    _editable(order)
    row = find_item(ctx, item)
    if not row.active:
        raise Conflict(f"{row.name} is retired: restore it before ordering it")
    own_vendor = row.vendor_id == order.vendor_id
    if price is None:
        if row.pack_price is None or not own_vendor:
            raise ValidationError(f"give the pack price of {row.name} from this vendor", field="price")
        price = row.pack_price
    line = ctx.session.execute(select(OrderLine).where(OrderLine.order_id == order.id, OrderLine.item_id == row.id)
                               ).scalar_one_or_none()
    if line is None:
        line = OrderLine(order_id=order.id, item_id=row.id, packs=count, pack_size=row.pack_size, pack_price=price,
                         vendor_item_number=row.vendor_item_number if own_vendor else None, packs_received=0)
        ctx.session.add(line)
    else:
        line.packs, line.pack_price = count, price
    return _touch(ctx, "inventory.order.line_set", order, sku=row.sku, packs=count, pack_price=str(price))


def remove_line(ctx: Context, order_id, item: str) -> OrderRecord:
    ctx.require(ORDER)
    order = load_order(ctx, order_id, lock=True)
    _editable(order)
    row = find_item(ctx, item)
    line = ctx.session.execute(select(OrderLine).where(OrderLine.order_id == order.id, OrderLine.item_id == row.id)
                               ).scalar_one_or_none()
    if line is None:
        raise NotFound(f"purchase order {order.id} has no line for {row.name}")
    ctx.session.delete(line)
    return _touch(ctx, "inventory.order.line_removed", order, sku=row.sku)


# -- the lifecycle ----------------------------------------------------------------------------


def _not_again(order: PurchaseOrder, done: str, verb: str) -> None:
    """Refuse, code ``nothing_to_do``, to ``verb`` an order that is ``done`` already."""
    if order.status == done:
        raise nothing_to_do(f"purchase order {order.id} is {done} already; nothing to {verb}")


def approve(ctx: Context, order_id) -> OrderRecord:
    """Approve a draft that has at least one line."""
    ctx.require(APPROVE)
    order = load_order(ctx, order_id, lock=True)
    _not_again(order, "approved", "approve")
    if order.status != "draft":
        raise Conflict(f"purchase order {order.id} is {order.status.replace('_', ' ')}: only a draft is approved")
    if not ctx.session.execute(select(OrderLine.id).where(OrderLine.order_id == order.id)).first():
        raise Conflict(f"purchase order {order.id} has no lines to approve")
    order.status, order.approved_at, order.approved_by = "approved", ctx.now(), ctx.user.username
    return _touch(ctx, "inventory.order.approved", order)


def mark_sent(ctx: Context, order_id) -> OrderRecord:
    """The approved order went to the vendor (by its ordering method)."""
    ctx.require(ORDER)
    order = load_order(ctx, order_id, lock=True)
    _not_again(order, "sent", "send")
    if order.status != "approved":
        raise Conflict(f"purchase order {order.id} is {order.status.replace('_', ' ')}: only an approved order is sent")
    order.status, order.sent_at = "sent", ctx.now()
    return _touch(ctx, "inventory.order.sent", order)


def cancel(ctx: Context, order_id, reason: str) -> OrderRecord:
    """Cancel an order nothing has been received against."""
    ctx.require(APPROVE)
    why = require_text(reason, field="reason", max_length=MAX_TEXT)
    order = load_order(ctx, order_id, lock=True)
    _not_again(order, "cancelled", "cancel")
    if order.status not in ("draft", "approved", "sent"):
        hint = "; close it instead" if order.status == "partially_received" else ""
        raise Conflict(f"purchase order {order.id} is {order.status.replace('_', ' ')}: it cannot be cancelled{hint}")
    order.status, order.ended_at, order.end_reason = "cancelled", ctx.now(), why
    return _touch(ctx, "inventory.order.cancelled", order, reason=why)


def close(ctx: Context, order_id, reason: str | None = None) -> OrderRecord:
    """Close a received order, or a partially received one whose backorders will not come
    (that needs a reason)."""
    ctx.require(APPROVE)
    why = optional_text(reason, field="reason", max_length=MAX_TEXT)
    order = load_order(ctx, order_id, lock=True)
    _not_again(order, "closed", "close")
    if order.status not in ("received", "partially_received"):
        raise Conflict(f"purchase order {order.id} is {order.status.replace('_', ' ')}: only a received or partially "
                       "received order is closed")
    if order.status == "partially_received" and why is None:
        raise ValidationError(f"purchase order {order.id} still has backorders: say why it is closed without them",
                              field="reason")
    order.status, order.ended_at, order.end_reason = "closed", ctx.now(), why
    return _touch(ctx, "inventory.order.closed", order, reason=why)


# -- reorder ----------------------------------------------------------------------------------


def on_order(ctx: Context) -> dict[int, int]:
    """Units still to come per item id, over every open order (drafts included)."""
    query = (select(OrderLine.item_id, func.sum((OrderLine.packs - OrderLine.packs_received) * OrderLine.pack_size))
             .join(PurchaseOrder, PurchaseOrder.id == OrderLine.order_id)
             .where(PurchaseOrder.status.in_(OPEN), OrderLine.packs > OrderLine.packs_received)
             .group_by(OrderLine.item_id))
    return {item_id: int(units) for item_id, units in ctx.session.execute(query).all()}


def low_items(ctx: Context) -> list[tuple[Item, int]]:
    """Active items with a par level whose usable stock is at or below the reorder point, by name."""
    from .models import Balance, Lot

    # Compared in SQL, so only the low items are loaded (bench/inventory.py: 2,000 items).
    day = today(ctx)
    usable = (select(Balance.item_id, func.sum(Balance.on_hand).label("units"))
              .outerjoin(Lot, Lot.id == Balance.lot_id)
              .where((Lot.expires_on.is_(None)) | (Lot.expires_on >= day)).group_by(Balance.item_id).subquery())
    units = func.coalesce(usable.c.units, 0)
    query = (select(Item, units).outerjoin(usable, usable.c.item_id == Item.id)
             .where(Item.active.is_(True), Item.par > 0, units <= Item.reorder_point).order_by(Item.name))
    return [(item, int(have)) for item, have in ctx.session.execute(query).all()]


def reorder_list(ctx: Context) -> list[ReorderRow]:
    """What is low and how many packs would bring it back to par."""
    ctx.require(READ)
    coming = on_order(ctx)
    rows = []
    for item, have in low_items(ctx):
        waiting = coming.get(item.id, 0)
        short = item.par - have - waiting
        packs = -(-short // item.pack_size) if short > 0 else 0
        vendor = ctx.session.get(Vendor, item.vendor_id) if item.vendor_id else None
        rows.append(ReorderRow(item.sku, item.name, have, item.reorder_point, item.par, waiting, item.unit,
                               vendor.name if vendor else None, packs, item.pack_unit, item.pack_price))
    return rows


@attrs.frozen
class ReorderResult:
    orders: tuple[OrderRecord, ...]
    without_vendor: tuple[str, ...]
    """Low items with no preferred vendor (or pack price): order them by hand."""
    task_id: int | None = None
    """The staff task "Reorder …" (filed now or open already); None without a staff plugin
    or when nothing is low."""


def draft_reorder(ctx: Context) -> ReorderResult:
    """One draft order per preferred vendor for the reorder list's suggestions."""
    ctx.require(ORDER)
    by_vendor: dict[int, list[tuple[Item, int]]] = {}
    skipped = []
    low = reorder_list(ctx)
    for row in low:
        if row.packs == 0:
            continue
        item = find_item(ctx, row.sku)
        if item.vendor_id is None or item.pack_price is None:
            skipped.append(item.name)
            continue
        by_vendor.setdefault(item.vendor_id, []).append((item, row.packs))
    orders = []
    for vendor_id, wanted in sorted(by_vendor.items()):
        order = _new_order(ctx, ctx.session.get(Vendor, vendor_id), None, "from the reorder list")
        for item, packs in wanted:
            ctx.session.add(OrderLine(order_id=order.id, item_id=item.id, packs=packs, pack_size=item.pack_size,
                                      pack_price=item.pack_price, vendor_item_number=item.vendor_item_number,
                                      packs_received=0))
        orders.append(_touch(ctx, "inventory.order.drafted", order, source="reorder",
                             items=[[i.sku, p] for i, p in wanted]))
    return ReorderResult(tuple(orders), tuple(skipped), _reorder_task(ctx, low, orders, skipped))


def ordering_role(ctx: Context) -> str | None:
    """The role that orders: one granted ``inventory.order`` (the practice's map), ``manager``
    first, ``admin`` only when no other role is."""
    from medoffice.core.storage.models import RolePermission

    roles = sorted(ctx.session.execute(select(RolePermission.role).where(RolePermission.permission == ORDER))
                   .scalars())
    for choice in (["manager"] if "manager" in roles else []) + [r for r in roles if r != "admin"] + roles:
        return choice
    return None


def _reorder_task(ctx: Context, low: list[ReorderRow], orders: list[OrderRecord], by_hand: list[str]) -> int | None:
    """File (once while open) the staff task to see the reorder through, when staff is enabled."""
    names = [row.item for row in low if row.packs > 0]
    if not names:  # all that is low is on order already: nothing new to see through
        return None
    staff = ctx.role_service("staff")
    role = ordering_role(ctx) if staff is not None else None
    if role is None:
        return None
    from medoffice.core.records import TaskDraft

    title = "Reorder " + ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    if len(title) > 120:
        title = title[:119] + "…"
    said = [f"PO {o.id} to {o.vendor} drafted" for o in orders]
    if by_hand:
        said.append("order by hand: " + ", ".join(by_hand))
    note = ("; ".join(said) + ". Approve and send the drafts (medoffice inventory po …).")[:500]
    out = any(row.on_hand <= 0 for row in low if row.packs > 0)
    task = staff.create_task(ctx, TaskDraft(title, assignee_role=role, due_on=today(ctx),
                                            priority="high" if out else "normal", note=note,
                                            source=REORDER_TASK_KEY, key=REORDER_TASK_KEY))
    return task.id


# -- documents --------------------------------------------------------------------------------


def document_text(ctx: Context, order_id) -> str:
    """The order as the vendor reads it: the practice, the vendor and account, the lines."""
    ctx.require(READ)
    order = load_order(ctx, order_id)
    record = order_record(ctx, order)
    vendor = ctx.session.get(Vendor, order.vendor_id)
    practice = ctx.practice
    out = [f"PURCHASE ORDER {order.id}", practice.name,
           f"Date: {ctx.local(order.sent_at or order.approved_at or order.created_at).date().isoformat()}",
           f"Status: {order.status.replace('_', ' ')}", "",
           f"To: {vendor.name}" + (f" (account {vendor.account_number})" if vendor.account_number else "")]
    for label, value in (("Contact", vendor.contact), ("Phone", vendor.phone), ("Email", vendor.email),
                         ("Terms", vendor.terms), ("Deliver to", record.location)):
        if value:
            out.append(f"{label}: {value}")
    out += ["", f"{'Vendor item':<12} {'Item':<26} {'Qty':>4} {'Pack':<9} {'Price':>9} {'Total':>10}"]
    for line in record.lines:
        pack = f"{line.pack_unit}/{line.pack_size}"
        out.append(f"{(line.vendor_item_number or line.sku)[:12]:<12} {line.item[:26]:<26} {line.packs:>4} "
                   f"{pack[:9]:<9} {line.pack_price:>9.2f} {line.total:>10.2f}")
    out.append(f"{'Total':<64} {record.total:>10.2f}")
    if order.note:
        out += ["", f"Note: {order.note}"]
    return "\n".join(out) + "\n"


CSV_COLUMNS = ("vendor_item_number", "sku", "description", "quantity", "pack", "pack_price", "line_total")


def document_csv(ctx: Context, order_id) -> str:
    """The order's lines as CSV, for the vendor's ordering portal: written by
    :mod:`medoffice.core.csvio` as every medoffice export is (RFC 4180 quoting of commas,
    quotes and line breaks, CRLF row ends, a cell a spreadsheet would run as a formula
    escaped with ``'``). Quantities are whole packs and amounts have two decimals; the line
    totals add up to the order's total."""
    from medoffice.core import csvio

    ctx.require(READ)
    record = order_record(ctx, load_order(ctx, order_id))
    return csvio.text(CSV_COLUMNS, ((line.vendor_item_number or "", line.sku, line.item, line.packs,
                                     f"{line.pack_unit}/{line.pack_size}", f"{line.pack_price:.2f}",
                                     f"{line.total:.2f}") for line in record.lines))


def receipts_of(ctx: Context, order_id: int) -> list[Receipt]:
    return list(ctx.session.execute(select(Receipt).where(Receipt.order_id == order_id).order_by(Receipt.id)).scalars())
