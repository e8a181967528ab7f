"""Supply kits: what one appointment type uses (a flu shot visit: 1 syringe, 1 dose of flu
vaccine, 2 alcohol pads), drawn from stock when a visit of that type completes
(:mod:`.visit_supplies`).

A kit names its appointment type by the name the scheduling role's records carry
(``AppointmentRecord.appointment_type``), matched without regard to case or spacing; the
inventory plugin never imports scheduling, so a kit may name a type that does not exist (yet):
it is simply never drawn. Reading kits needs ``inventory.read``; defining, changing and
removing them needs ``inventory.manage``. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from sqlalchemy import delete, select

from medoffice.core import Context, NotFound, ValidationError
from medoffice.core.validation import Fields, optional_text, require_text

from .catalogue import find_item, find_location
from .common import parse_quantity
from .kit_models import Kit, KitLine
from .models import MAX_NAME, MAX_TEXT, Item, Location
from .permissions import MANAGE, READ
from .topics import KITS_TOPIC

MAX_PER_VISIT = 1_000
"""The most units of one item one visit's kit may draw: a typo's guard."""
MAX_LINES = 50


@attrs.frozen
class KitLineRecord:
    sku: str
    item: str
    unit: str
    quantity: int
    active: bool
    """False when the item was retired since: the kit still draws it while stock lasts."""


@attrs.frozen
class KitRecord:
    id: int
    appointment_type: str
    location: str | None
    """Where it is drawn from; None: each item from its home location."""
    note: str | None
    lines: tuple[KitLineRecord, ...]


def type_key(name: str) -> str:
    """An appointment type's name folded for matching: ``"Flu  Shot"`` and ``"flu shot"`` are one."""
    return " ".join(name.split()).casefold()


def kit_for_type(ctx: Context, appointment_type: str) -> Kit | None:
    """The kit of a visit's appointment type, if the office defined one."""
    return ctx.session.execute(select(Kit).where(Kit.type_key == type_key(appointment_type))).scalar_one_or_none()


def _find(ctx: Context, appointment_type: str | None) -> Kit:
    name = require_text(appointment_type, field="appointment_type", max_length=MAX_NAME)
    kit = kit_for_type(ctx, name)
    if kit is None:
        raise NotFound(f"no supply kit for the appointment type {name!r}")
    return kit


def _record(ctx: Context, kit: Kit) -> KitRecord:
    rows = ctx.session.execute(select(KitLine, Item).join(Item, Item.id == KitLine.item_id)
                               .where(KitLine.kit_id == kit.id).order_by(Item.name)).all()
    place = ctx.session.get(Location, kit.location_id).name if kit.location_id else None
    return KitRecord(kit.id, kit.appointment_type, place, kit.note,
                     tuple(KitLineRecord(item.sku, item.name, item.unit, line.quantity, item.active)
                           for line, item in rows))


def _pairs(lines: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return list(lines.items()) if isinstance(lines, Mapping) else list(lines)


def _parse_lines(ctx: Context, lines: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> dict[int, int]:
    """Item id -> units, every line checked before any is written; an item named twice is refused."""
    pairs = _pairs(lines)
    if not pairs:
        raise ValidationError("a kit needs at least one item (ITEM=QUANTITY)", field="lines")
    if len(pairs) > MAX_LINES:
        raise ValidationError(f"a kit may hold at most {MAX_LINES} items, got {len(pairs)}", field="lines")
    fields = Fields()
    counts = [fields.parse(f"quantity of {ref}", parse_quantity, qty, maximum=MAX_PER_VISIT) for ref, qty in pairs]
    fields.done()
    wanted: dict[int, int] = {}
    for (ref, _), count in zip(pairs, counts):
        item = find_item(ctx, ref)
        if item.id in wanted:
            raise ValidationError(f"{item.name} is named twice in the kit", field="lines")
        wanted[item.id] = count
    return wanted


def define(ctx: Context, appointment_type: str, lines: Mapping[str, Any] | Iterable[tuple[str, Any]], *,
           location: str | None = None, note: str | None = None) -> KitRecord:
    """Make, or replace whole, the kit of ``appointment_type``: ``lines`` maps an item (SKU
    or name) to the units one visit uses. ``location``: draw everything from there rather
    than from each item's home.

    Raises:
        ValidationError: no lines, a quantity that is not 1 to 1,000, an item named twice.
        NotFound: an item or location that does not exist.
    """
    ctx.require(MANAGE)
    fields = Fields()
    name = fields.parse("appointment_type", require_text, appointment_type, max_length=MAX_NAME)
    remark = fields.parse("note", optional_text, note, max_length=MAX_TEXT)
    fields.done()
    name = " ".join(name.split())
    wanted = _parse_lines(ctx, lines)
    place = find_location(ctx, location) if location is not None and str(location).strip() else None
    kit = kit_for_type(ctx, name)
    before = _record(ctx, kit) if kit else None
    if kit is None:
        kit = Kit(appointment_type=name, type_key=type_key(name))
        ctx.session.add(kit)
    kit.appointment_type, kit.location_id, kit.note = name, place.id if place else None, remark
    ctx.session.flush()
    ctx.session.execute(delete(KitLine).where(KitLine.kit_id == kit.id))
    ctx.session.add_all(KitLine(kit_id=kit.id, item_id=item_id, quantity=count) for item_id, count in wanted.items())
    ctx.session.flush()
    after = _record(ctx, kit)
    ctx.audit("inventory.kit.defined", "inventory_kit", kit.id,
              summary={"appointment_type": name, "location": after.location,
                       "lines": [[line.sku, line.quantity] for line in after.lines],
                       "before": [[line.sku, line.quantity] for line in before.lines] if before else None})
    ctx.changed(KITS_TOPIC)
    return after


def set_line(ctx: Context, appointment_type: str, item: str, quantity: Any) -> KitRecord:
    """Change one item of a kit: ``quantity`` units per visit, 0 to take it out (a kit left
    with no items is removed). A kit that does not exist yet is made with this one item."""
    ctx.require(MANAGE)
    count = parse_quantity(quantity, allow_zero=True, maximum=MAX_PER_VISIT)
    name = require_text(appointment_type, field="appointment_type", max_length=MAX_NAME)
    kit = kit_for_type(ctx, name)
    if kit is None:
        if count == 0:
            raise NotFound(f"no supply kit for the appointment type {name!r}")
        return define(ctx, name, {item: count})
    current = _record(ctx, kit)
    lines = {line.sku: line.quantity for line in current.lines}
    sku = find_item(ctx, item).sku
    if count:
        lines[sku] = count
    elif lines.pop(sku, None) is None:
        raise NotFound(f"the {kit.appointment_type} kit has no {sku}")
    if not lines:
        remove(ctx, kit.appointment_type)
        return attrs.evolve(current, lines=())
    return define(ctx, kit.appointment_type, lines, location=current.location, note=current.note)


def remove(ctx: Context, appointment_type: str) -> KitRecord:
    """Delete the kit: visits of that type draw nothing from now on (past draws stay)."""
    ctx.require(MANAGE)
    kit = _find(ctx, appointment_type)
    record = _record(ctx, kit)
    ctx.session.execute(delete(KitLine).where(KitLine.kit_id == kit.id))
    ctx.session.delete(kit)
    ctx.session.flush()
    ctx.audit("inventory.kit.removed", "inventory_kit", record.id,
              summary={"appointment_type": record.appointment_type,
                       "lines": [[line.sku, line.quantity] for line in record.lines]})
    ctx.changed(KITS_TOPIC)
    return record


def get(ctx: Context, appointment_type: str) -> KitRecord:
    ctx.require(READ)
    return _record(ctx, _find(ctx, appointment_type))


def list_kits(ctx: Context) -> list[KitRecord]:
    """Every kit, by appointment type."""
    ctx.require(READ)
    kits = ctx.session.execute(select(Kit).order_by(Kit.type_key)).scalars().all()
    return [_record(ctx, kit) for kit in kits]


__all__ = ["KITS_TOPIC", "KitLineRecord", "KitRecord", "define", "get", "kit_for_type",
           "list_kits", "remove", "set_line", "type_key"]
