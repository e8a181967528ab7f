"""Importing vendors and items from CSV: all rows or none, and safe to run twice.

Each row is checked (every bad row named by its line, the first ten shown) before any is
written. A vendor is matched by name and an item by SKU (any case): a new one is added, one
on file gets the file's non-empty cells (an empty cell leaves what is on file), and a row
that changes nothing is counted as unchanged, so importing the same file again changes
nothing. Import the vendors before the items that name them. One audit entry records each
import with its counts.
"""

from __future__ import annotations

from typing import Any, TextIO

import attrs
from sqlalchemy import func, select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.progress import SILENT, Progress

from .catalogue import VENDOR_FIELDS, _check_levels, _item_values, _vendor_values
from .models import Item, Vendor
from .permissions import MANAGE
from .topics import CATALOGUE_TOPIC

MAX_ERRORS_SHOWN = 10
VENDOR_COLUMNS = VENDOR_FIELDS
ITEM_COLUMNS = ("sku", "name", "category", "location", "unit", "pack_unit", "pack_size", "tracks_lots", "par",
                "reorder_point", "vendor", "vendor_item_number", "pack_price", "lead_time_days", "ndc")


@attrs.frozen
class ImportResult:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


def _refuse(errors: list[str]) -> None:
    if errors:
        more = f" (and {len(errors) - MAX_ERRORS_SHOWN} more)" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise ValidationError(f"nothing imported; {len(errors)} bad row(s): " + "; ".join(errors[:MAX_ERRORS_SHOWN])
                              + more)


def _given(values: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if v is not None and v.strip()}


def _error(line: int, error: ValidationError | Conflict | NotFound) -> str:
    return f"row {line}: {error.message}"


def import_vendors(ctx: Context, handle: TextIO, *, progress: Progress = SILENT) -> ImportResult:
    """Vendors from CSV with the columns ``name`` and any of contact, phone, email,
    account_number, terms, ordering_method, note."""
    from medoffice.core import csvio

    ctx.require(MANAGE)
    found = list(csvio.rows(handle, VENDOR_COLUMNS, required=("name",), label="row"))
    progress.step("checking vendors", len(found))
    plan, errors, seen = [], [], {}
    for line, values in found:
        cells = _given(values)
        try:
            name = (cells.get("name") or "").strip()
            existing = ctx.session.execute(select(Vendor).where(func.lower(Vendor.name) == name.lower())
                                           ).scalar_one_or_none()
            data = _vendor_values(cells, partial=existing is not None)
        except ValidationError as error:
            errors.append(_error(line, error))
            continue
        if existing is not None:
            data.pop("name")  # matched by name: the name on file stays as it is written there
        key = (existing.name if existing is not None else data["name"]).lower()
        if key in seen:
            errors.append(f"row {line}: {cells.get('name', '').strip()} is already on row {seen[key]}")
            continue
        seen[key] = line
        plan.append((existing, data))
    progress.advance(len(found))
    _refuse(errors)
    progress.step("writing vendors", len(plan))
    result: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
    for existing, data in plan:
        if existing is None:
            ctx.session.add(Vendor(active=True, **{"ordering_method": "email", **data}))
            result["added"].append(data["name"])
        elif any(getattr(existing, k) != v for k, v in data.items()):
            for key, value in data.items():
                setattr(existing, key, value)
            result["updated"].append(existing.name)
        else:
            result["unchanged"].append(existing.name)
        progress.advance()
    ctx.session.flush()
    ctx.audit("inventory.vendors.imported", "inventory_vendor", None, summary={k: len(v) for k, v in result.items()})
    if result["added"] or result["updated"]:
        ctx.changed(CATALOGUE_TOPIC)
    return ImportResult(*(tuple(result[k]) for k in ("added", "updated", "unchanged")))


def _item_row(ctx: Context, cells: dict[str, str]) -> tuple[Item | None, dict[str, Any]]:
    sku = (cells.get("sku") or "").strip().upper()
    existing = ctx.session.execute(select(Item).where(func.upper(Item.sku) == sku)).scalar_one_or_none()
    data = _item_values(ctx, cells, partial=existing is not None)
    probe = Item(**{**({c.key: getattr(existing, c.key) for c in Item.__table__.columns} if existing else {}),
                    **data})
    _check_levels(probe)
    if "name" in data:
        clash = ctx.session.execute(select(Item.sku).where(func.lower(Item.name) == data["name"].lower(),
                                                           func.upper(Item.sku) != sku)).scalar_one_or_none()
        if clash is not None:
            raise Conflict(f"the name {data['name']!r} is the item {clash}'s")
    if existing is not None and "tracks_lots" in data and data["tracks_lots"] != existing.tracks_lots:
        from .stock import item_on_hand

        if item_on_hand(ctx, existing.id) != 0:
            raise Conflict(f"{existing.name} has stock on hand: lot tracking changes only when none is left")
    return existing, data


def import_items(ctx: Context, handle: TextIO, *, progress: Progress = SILENT) -> ImportResult:
    """Items from CSV with the columns ``sku``, ``name``, ``category`` and ``location`` and any
    of the others of ``items add`` (``tracks_lots`` is yes or no)."""
    from medoffice.core import csvio

    ctx.require(MANAGE)
    found = list(csvio.rows(handle, ITEM_COLUMNS, required=("sku",), label="row"))
    progress.step("checking items", len(found))
    plan, errors, skus, names = [], [], {}, {}
    for line, values in found:
        cells = _given(values)
        try:
            existing, data = _item_row(ctx, cells)
        except (ValidationError, Conflict, NotFound) as error:
            errors.append(_error(line, error))
            continue
        sku = (data.get("sku") or existing.sku).upper()
        name = (data.get("name") or existing.name).lower()
        if sku in skus or name in names:
            errors.append(f"row {line}: {sku} is already on row {skus.get(sku) or names.get(name)}")
            continue
        skus[sku], names[name] = line, line
        plan.append((existing, data))
    progress.advance(len(found))
    _refuse(errors)
    progress.step("writing items", len(plan))
    result: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
    for existing, data in plan:
        if existing is None:
            ctx.session.add(Item(active=True, **data))
            result["added"].append(data["sku"])
        elif any(getattr(existing, k) != v for k, v in data.items()):
            for key, value in data.items():
                setattr(existing, key, value)
            result["updated"].append(existing.sku)
        else:
            result["unchanged"].append(existing.sku)
        progress.advance()
    ctx.session.flush()
    ctx.audit("inventory.items.imported", "inventory_item", None, summary={k: len(v) for k, v in result.items()})
    if result["added"] or result["updated"]:
        ctx.changed(CATALOGUE_TOPIC)
    return ImportResult(*(tuple(result[k]) for k in ("added", "updated", "unchanged")))
