"""A completed visit draws its kit from stock; undoing "done" puts it back; what the stock
could not give is a shortage, recorded and shown, never a reason to refuse the visit.

- **Drawing** (``medoffice_visit_completed``, in the completing unit of work): each item of
  the kit of the visit's appointment type, first expiry first, from the kit's location or
  the item's home, expired lots never. Movements are ``used``, with the appointment's id and
  the reference ``visit N``. Whatever is missing becomes an open :class:`Shortage`. No
  permission is asked of the person completing the visit: the draw follows from the visit,
  which the scheduling role allowed.
- **Once per completion.** The draw is keyed by the appointment (one ``inventory_visit_draw``
  row each): a second announcement of the same completion draws nothing.
- **Undo** (``medoffice_appointment_changed``, ``undone`` of ``completed``): every unit the
  draw took goes back to the lot and location it came from, as ``used`` movements of the
  opposite sign (so usage reports net the visit out), and its open shortages are cancelled.
  Completing the visit again draws afresh, first expiry first.
- **Shortages** are listed (``inventory kits shortages``, the stock screen's SHORT flag, the
  dashboard card) and resolved by drawing the units once stock is in (the desk), or
  dismissed with a reason (a manager).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import attrs
from sqlalchemy import bindparam, func, insert, or_, select, update

from medoffice.core import Conflict, Context, NotFound
from medoffice.core.records import AppointmentRecord, VisitRecord
from medoffice.core.validation import require_text

from . import ledger
from .common import nothing_to_do, today
from .kit_models import DrawTake, Kit, KitLine, Shortage, VisitDraw
from .kits import type_key
from .models import MAX_TEXT, Balance, Item, Location, Lot, Movement
from .permissions import ADJUST, READ, USE
from .topics import STOCK_TOPIC

UNDONE_REASON = "visit completion undone"


@attrs.frozen
class ShortageRecord:
    id: int
    appointment_id: int
    appointment_type: str
    sku: str
    item: str
    unit: str
    location: str
    wanted: int
    short: int
    status: str
    at: dt.datetime
    resolved_by: str | None
    note: str | None


@attrs.frozen
class DrawRecord:
    """What one visit drew (all its movements, returns included) and what it lacks."""

    appointment_id: int
    appointment_type: str
    status: str
    taken: tuple[tuple[str, str | None, int], ...]
    """(SKU, lot or None, units) net of returns, per lot."""
    shortages: tuple[ShortageRecord, ...]


# The draw runs inside every completion of a visit with a kit, so it is written in plain
# statements, built once (their compiled form is cached by SQLAlchemy): rows as tuples, no
# ORM objects, a balance row locked and moved by one conditional UPDATE as ledger.post does.
# bench/inventory.py measures what it adds to completing a visit.


@functools.cache
def _statements() -> dict[str, Any]:
    balance, lot, movement = Balance.__table__, Lot.__table__, Movement.__table__
    return {
        "kit": (select(Kit.id, Kit.location_id, KitLine.item_id, KitLine.quantity, Item.location_id)
                .join(KitLine, KitLine.kit_id == Kit.id).join(Item, Item.id == KitLine.item_id)
                .where(Kit.type_key == bindparam("key")).order_by(KitLine.id)),
        "draw": (select(VisitDraw.id, VisitDraw.status).where(VisitDraw.appointment_id == bindparam("appointment"))
                 .with_for_update()),
        "fefo": (select(balance.c.id, balance.c.item_id, balance.c.location_id, balance.c.lot_id, balance.c.on_hand)
                 .select_from(balance.outerjoin(lot, lot.c.id == balance.c.lot_id))
                 .where(balance.c.item_id.in_(bindparam("items", expanding=True)), balance.c.on_hand > 0,
                        or_(lot.c.expires_on.is_(None), lot.c.expires_on >= bindparam("day")))
                 .order_by(balance.c.item_id, lot.c.expires_on.is_(None), lot.c.expires_on,
                           balance.c.lot_id.is_(None), balance.c.lot_id)
                 .with_for_update(of=balance)),
        "take": (update(balance).where(balance.c.id == bindparam("balance"), balance.c.on_hand >= bindparam("units"))
                 .values(on_hand=balance.c.on_hand - bindparam("units"))),
        "move": insert(movement).returning(movement.c.id, sort_by_parameter_order=True),
    }


def _fresh(ctx: Context, appointment: AppointmentRecord) -> int | None:
    """The visit's draw row (its id), new or taken back, marked drawn; None when it is already drawn."""
    found = ctx.session.execute(_statements()["draw"], {"appointment": appointment.id}).first()
    if found is not None and found.status == "drawn":
        return None
    values = {"appointment_type": appointment.appointment_type, "status": "drawn", "drawn_at": ctx.now(),
              "drawn_by": ctx.user.username, "returned_at": None, "returned_by": None}
    if found is None:
        return ctx.session.execute(insert(VisitDraw.__table__).returning(VisitDraw.__table__.c.id),
                                   {**values, "appointment_id": appointment.id,
                                    "patient_id": appointment.patient_id}).scalar_one()
    ctx.session.execute(update(VisitDraw.__table__).where(VisitDraw.__table__.c.id == found.id).values(**values))
    return found.id


def draw_for_visit(ctx: Context, visit: VisitRecord) -> int | None:
    """Draw the kit of the visit's type (see the module's description); the draw's id, or
    None when the type has no kit or this completion already drew it."""
    statements = _statements()
    appointment = visit.appointment
    lines = ctx.session.execute(statements["kit"], {"key": type_key(appointment.appointment_type)}).all()
    if not lines:
        return None
    draw_id = _fresh(ctx, appointment)
    if draw_id is None:
        return None
    now, by = ctx.now(), ctx.user.username
    reference, reason = f"visit {appointment.id}", f"supply kit: {appointment.appointment_type}"[:MAX_TEXT]
    stock: dict[int, list[Any]] = {}
    for row in ctx.session.execute(statements["fefo"], {"items": [line.item_id for line in lines],
                                                        "day": today(ctx)}).all():
        stock.setdefault(row.item_id, []).append(row)
    moves, short = [], []
    for _kit, kit_place, item_id, wanted, home in lines:
        place, left = kit_place or home, wanted
        for row in stock.get(item_id, ()):
            if left == 0:
                break
            if row.location_id != place:
                continue
            units = min(left, row.on_hand)
            if ctx.session.execute(statements["take"], {"balance": row.id, "units": units}).rowcount != 1:
                raise Conflict("the stock changed while the visit's kit was drawn; try again")
            moves.append({"at": now, "kind": "used", "item_id": item_id, "location_id": place, "lot_id": row.lot_id,
                          "quantity": -units, "reason": reason, "reference": reference, "by": by,
                          "below_zero": False, "receipt_id": None, "count_id": None,
                          "appointment_id": appointment.id})
            left -= units
        if left:
            short.append({"draw_id": draw_id, "item_id": item_id, "location_id": place, "wanted": wanted,
                          "short": left, "status": "open", "at": now})
    ids = [r.id for r in ctx.session.execute(statements["move"], moves)] if moves else []
    if ids:
        ctx.session.execute(insert(DrawTake.__table__), [{"draw_id": draw_id, "movement_id": i, "returned": False}
                                                         for i in ids])
    if short:
        ctx.session.execute(insert(Shortage.__table__), short)
    ctx.audit("inventory.visit.drawn", "appointment", appointment.id, patient_id=appointment.patient_id,
              summary={"appointment_type": appointment.appointment_type,
                       "movements": [[i, m["item_id"], m["lot_id"], m["quantity"]] for i, m in zip(ids, moves)],
                       "short": [[s["item_id"], s["short"]] for s in short]})
    ctx.changed(STOCK_TOPIC)
    return draw_id


def return_for_visit(ctx: Context, appointment: AppointmentRecord) -> list[Movement]:
    """Put back every unit the visit's draw took, to its lot and location, and cancel its
    open shortages (the completion was undone); nothing when it drew nothing."""
    draw = ctx.session.execute(select(VisitDraw).where(VisitDraw.appointment_id == appointment.id)
                               .with_for_update()).scalar_one_or_none()
    if draw is None or draw.status != "drawn":
        return []
    takes = ctx.session.execute(select(DrawTake, Movement).join(Movement, Movement.id == DrawTake.movement_id)
                                .where(DrawTake.draw_id == draw.id, DrawTake.returned.is_(False))
                                .order_by(DrawTake.id)).all()
    back = []
    for take, row in takes:
        back.append(ledger.post(ctx, "used", item_id=row.item_id, location_id=row.location_id, lot_id=row.lot_id,
                                quantity=-row.quantity, reason=UNDONE_REASON, reference=row.reference,
                                appointment_id=appointment.id))
        take.returned = True
    ctx.session.flush()
    ctx.session.add_all(DrawTake(draw_id=draw.id, movement_id=row.id, returned=True) for row in back)
    cancelled = ctx.session.execute(select(Shortage).where(Shortage.draw_id == draw.id,
                                                           Shortage.status == "open")).scalars().all()
    for shortage in cancelled:
        shortage.status, shortage.resolved_at, shortage.resolved_by = "cancelled", ctx.now(), ctx.user.username
        shortage.note = UNDONE_REASON
    draw.status, draw.returned_at, draw.returned_by = "returned", ctx.now(), ctx.user.username
    ctx.session.flush()
    ctx.audit("inventory.visit.returned", "appointment", appointment.id, patient_id=appointment.patient_id,
              summary={"movements": [[r.id, r.item_id, r.lot_id, r.quantity] for r in back],
                       "shortages_cancelled": [s.id for s in cancelled]})
    ctx.changed(STOCK_TOPIC)
    return back


# -- reading -----------------------------------------------------------------------------------


def _shortage_query():
    return (select(Shortage, VisitDraw, Item, Location.name).join(VisitDraw, VisitDraw.id == Shortage.draw_id)
            .join(Item, Item.id == Shortage.item_id).join(Location, Location.id == Shortage.location_id))


def _shortage_record(shortage: Shortage, draw: VisitDraw, item: Item, place: str) -> ShortageRecord:
    return ShortageRecord(shortage.id, draw.appointment_id, draw.appointment_type, item.sku, item.name, item.unit,
                          place, shortage.wanted, shortage.short, shortage.status, shortage.at, shortage.resolved_by,
                          shortage.note)


def shortages(ctx: Context, *, include_closed: bool = False) -> list[ShortageRecord]:
    """Open shortages (every one with ``include_closed``), oldest first."""
    ctx.require(READ)
    query = _shortage_query().order_by(Shortage.at, Shortage.id)
    if not include_closed:
        query = query.where(Shortage.status == "open")
    return [_shortage_record(*row) for row in ctx.session.execute(query).all()]


def open_short_units(ctx: Context) -> dict[int, int]:
    """Units still owed by open shortages, per item id (for the stock list's SHORT flag)."""
    rows = ctx.session.execute(select(Shortage.item_id, func.sum(Shortage.short)).where(Shortage.status == "open")
                               .group_by(Shortage.item_id)).all()
    return {item_id: int(units) for item_id, units in rows}


def visit_draw(ctx: Context, appointment_id: int) -> DrawRecord:
    """What the visit ``appointment_id`` drew, per lot net of returns, and its shortages."""
    from .models import Lot

    ctx.require(READ)
    draw = ctx.session.execute(select(VisitDraw).where(VisitDraw.appointment_id == appointment_id)
                               ).scalar_one_or_none()
    if draw is None:
        raise NotFound(f"visit {appointment_id} drew no supply kit")
    rows = ctx.session.execute(
        select(Item.sku, Lot.lot_number, func.sum(Movement.quantity))
        .join(DrawTake, DrawTake.movement_id == Movement.id).join(Item, Item.id == Movement.item_id)
        .outerjoin(Lot, Lot.id == Movement.lot_id).where(DrawTake.draw_id == draw.id)
        .group_by(Item.sku, Lot.lot_number).order_by(Item.sku, Lot.lot_number)).all()
    taken = tuple((sku, lot, -int(q)) for sku, lot, q in rows if q)
    short = [_shortage_record(*row) for row in ctx.session.execute(
        _shortage_query().where(Shortage.draw_id == draw.id).order_by(Shortage.id)).all()]
    return DrawRecord(draw.appointment_id, draw.appointment_type, draw.status, taken, tuple(short))


# -- resolving -----------------------------------------------------------------------------------


def _open_shortage(ctx: Context, shortage_id: int, verb: str) -> tuple[Shortage, VisitDraw, Item]:
    """The open shortage ``shortage_id``, locked; one closed already (resolved, dismissed, or
    cancelled with its visit) is refused, code ``nothing_to_do``, when asked to ``verb`` it."""
    row = ctx.session.execute(select(Shortage).where(Shortage.id == shortage_id).with_for_update()
                              ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no shortage {shortage_id}")
    if row.status != "open":
        raise nothing_to_do(f"shortage {shortage_id} is {row.status} already; nothing to {verb}")
    return row, ctx.session.get(VisitDraw, row.draw_id), ctx.session.get(Item, row.item_id)


def resolve(ctx: Context, shortage_id: int) -> ShortageRecord:
    """Draw the units the visit lacked, now that stock is in (first expiry first, from where
    the kit draws); refused, writing nothing, while there are still not enough."""
    from .stock import withdraw

    ctx.require(USE)
    shortage, draw, item = _open_shortage(ctx, shortage_id, "resolve")
    place = ctx.session.get(Location, shortage.location_id)
    rows = withdraw(ctx, "used", item, place, shortage.short, reason=f"supply kit: {draw.appointment_type}"[:MAX_TEXT],
                    reference=f"visit {draw.appointment_id}", appointment_id=draw.appointment_id)
    ctx.session.flush()
    ctx.session.add_all(DrawTake(draw_id=draw.id, movement_id=row.id) for row in rows)
    shortage.status, shortage.resolved_at, shortage.resolved_by = "resolved", ctx.now(), ctx.user.username
    shortage.note = "drawn later"
    ctx.session.flush()
    ctx.audit("inventory.shortage.resolved", "inventory_shortage", shortage.id,
              summary={"appointment_id": draw.appointment_id, "sku": item.sku,
                       "movements": [[r.id, r.lot_id, r.quantity] for r in rows]})
    ctx.changed(STOCK_TOPIC)
    return _shortage_record(shortage, draw, item, place.name)


def dismiss(ctx: Context, shortage_id: int, reason: str) -> ShortageRecord:
    """Close a shortage without drawing (the visit used something else; it was counted
    since), with a reason (manager)."""
    ctx.require(ADJUST)
    why = require_text(reason, field="reason", max_length=MAX_TEXT)
    shortage, draw, item = _open_shortage(ctx, shortage_id, "dismiss")
    shortage.status, shortage.resolved_at, shortage.resolved_by = "dismissed", ctx.now(), ctx.user.username
    shortage.note = why
    ctx.session.flush()
    ctx.audit("inventory.shortage.dismissed", "inventory_shortage", shortage.id,
              summary={"appointment_id": draw.appointment_id, "sku": item.sku, "reason": why})
    ctx.changed(STOCK_TOPIC)
    return _shortage_record(shortage, draw, item, ctx.session.get(Location, shortage.location_id).name)


__all__ = ["DrawRecord", "ShortageRecord", "dismiss", "draw_for_visit", "open_short_units", "resolve",
           "return_for_visit", "shortages", "visit_draw"]
