"""Supplies used, month by month: per item, and per visit type (``inventory.usage`` and
``inventory.usage_by_visit_type`` in ``medoffice reports``).

Usage is the ``used`` movements of the ledger, net: a visit whose "done" was undone gave its
kit back with ``used`` movements of the opposite sign, so it counts for nothing. Months are
the practice's (its time zone), the last ``months`` of them up to ``through`` (this month by
default). A movement belongs to a visit type through the visit's kit draw
(``inventory_visit_draw``, by appointment id); use recorded at the desk for a visit that drew
no kit is ``visit, no kit``, and use tied to no visit is ``at the desk``.

Values are at the item's current pack price (for ``inventory.values`` only).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select

from medoffice.core import Context, ValidationError
from medoffice.core.records import ReportResult

from .common import parse_quantity, today, value_of
from .kit_models import VisitDraw
from .models import Item, Movement
from .permissions import READ, VALUES

MAX_MONTHS = 36
AT_THE_DESK = "at the desk"
NO_KIT = "visit, no kit"


def _month(text: str | None, ctx: Context) -> tuple[int, int]:
    if text is None or not str(text).strip():
        day = today(ctx)
        return day.year, day.month
    try:
        year, month = (int(part) for part in str(text).strip().split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise ValidationError(f"through must be a month as YYYY-MM, got {text!r}", field="through") from None
    if not 1900 <= year <= 9998:
        raise ValidationError(f"through must be a month as YYYY-MM, got {text!r}", field="through")
    return year, month


def _window(ctx: Context, params: Mapping[str, str]) -> tuple[dt.datetime, dt.datetime, list[str]]:
    """The UTC instants that bound the months asked for, and the months' names (oldest first)."""
    count = parse_quantity(params.get("months") or "3", field="months", maximum=MAX_MONTHS)
    year, month = _month(params.get("through"), ctx)
    names = []
    for back in range(count - 1, -1, -1):
        index = year * 12 + month - 1 - back
        names.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
    first_year, first_month = (int(p) for p in names[0].split("-"))
    end_index = year * 12 + month
    zone = ctx.timezone
    start = dt.datetime(first_year, first_month, 1, tzinfo=zone).astimezone(dt.timezone.utc)
    end = dt.datetime(end_index // 12, end_index % 12 + 1, 1, tzinfo=zone).astimezone(dt.timezone.utc)
    return start, end, names


def _used(ctx: Context, start: dt.datetime, end: dt.datetime):
    """(local month, item id, visit type or None, units) of every ``used`` movement in the window."""
    query = (select(Movement.at, Movement.item_id, Movement.appointment_id, Movement.quantity,
                    VisitDraw.appointment_type)
             .outerjoin(VisitDraw, VisitDraw.appointment_id == Movement.appointment_id)
             .where(Movement.kind == "used", Movement.at >= start, Movement.at < end))
    zone = ctx.timezone
    for at, item_id, appointment_id, quantity, kind in ctx.session.execute(query):
        where = kind if kind else (NO_KIT if appointment_id else AT_THE_DESK)
        yield at.astimezone(zone).strftime("%Y-%m"), item_id, where, -quantity


def _items(ctx: Context, ids) -> dict[int, Item]:
    if not ids:
        return {}
    return {i.id: i for i in ctx.session.execute(select(Item).where(Item.id.in_(sorted(ids)))).scalars()}


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def usage_by_item(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Units of each item used per month, and their value at cost."""
    ctx.require(READ)
    start, end, months = _window(ctx, params)
    totals: dict[tuple[str, int], int] = defaultdict(int)
    for month, item_id, _where, units in _used(ctx, start, end):
        totals[month, item_id] += units
    items, values = _items(ctx, {i for _, i in totals}), ctx.can(VALUES)
    rows = []
    for (month, item_id), units in sorted(totals.items(), key=lambda kv: (kv[0][0], items[kv[0][1]].name.lower())):
        if units == 0:
            continue
        item = items[item_id]
        row = (month, item.sku, item.name, units, item.unit)
        rows.append(row + ((_money(value_of(units, item.pack_price, item.pack_size)),) if values else ()))
    columns = ("Month", "SKU", "Item", "Used", "Unit") + (("Value",) if values else ())
    return ReportResult(f"Supplies used per month, {months[0]} to {months[-1]}", columns, rows)


def usage_by_visit_type(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Units used per month per visit type (kits drawn, and use at the desk), item by item."""
    ctx.require(READ)
    start, end, months = _window(ctx, params)
    totals: dict[tuple[str, str, int], int] = defaultdict(int)
    for month, item_id, where, units in _used(ctx, start, end):
        totals[month, where, item_id] += units
    items = _items(ctx, {i for _, _, i in totals})
    rows = [(month, where, items[item_id].sku, items[item_id].name, units, items[item_id].unit)
            for (month, where, item_id), units in sorted(
                totals.items(), key=lambda kv: (kv[0][0], kv[0][1].lower(), items[kv[0][2]].name.lower()))
            if units]
    return ReportResult(f"Supplies used per visit type, {months[0]} to {months[-1]}",
                        ("Month", "Visit type", "SKU", "Item", "Used", "Unit"), rows)
