"""The catalogue: storage locations, vendors and the items the office stocks.

Items are found by their SKU or their exact name (case does not matter), locations and
vendors by name. Adding and changing them needs ``inventory.manage``; reading needs
``inventory.read``. Every change is audited and announced (``inventory.catalogue``), so the
lists naming items and vendors on other terminals read again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import func, select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.validation import optional_text, parse_email, parse_phone, require_text

from medoffice.core.validation import Fields, parse_money
from .common import nothing_to_do, parse_quantity
from .models import CATEGORIES, MAX_CODE, MAX_NAME, MAX_SHORT, MAX_TEXT, Item, Location, Vendor
from .permissions import MANAGE, READ
from .topics import CATALOGUE_TOPIC

ORDERING_METHODS = ("email", "phone", "fax", "portal", "rep")
SKU = re.compile(r"[A-Z0-9][A-Z0-9._/-]*")
NDC = re.compile(r"\d{4,5}-\d{3,4}-\d{1,2}|\d{10,11}")
MAX_LEAD_DAYS = 365


@attrs.frozen
class LocationRecord:
    id: int
    name: str
    note: str | None
    active: bool


@attrs.frozen
class VendorRecord:
    id: int
    name: str
    contact: str | None
    phone: str | None
    email: str | None
    account_number: str | None
    terms: str | None
    ordering_method: str
    note: str | None
    active: bool


@attrs.frozen
class ItemRecord:
    id: int
    sku: str
    name: str
    category: str
    ndc: str | None
    unit: str
    pack_unit: str
    pack_size: int
    tracks_lots: bool
    par: int
    reorder_point: int
    location: str
    vendor: str | None
    vendor_item_number: str | None
    pack_price: Decimal | None
    lead_time_days: int | None
    active: bool


# -- locations --------------------------------------------------------------------------------


def _location_record(row: Location) -> LocationRecord:
    return LocationRecord(row.id, row.name, row.note, row.active)


def find_location(ctx: Context, name: str | None, *, field: str = "location") -> Location:
    """The location called ``name`` (any case)."""
    text = require_text(name, field=field, max_length=MAX_SHORT)
    row = ctx.session.execute(select(Location).where(func.lower(Location.name) == text.lower())).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no location called {text!r}")
    return row


def add_location(ctx: Context, name: str, *, note: str | None = None) -> LocationRecord:
    """A new storage location (the supply room, the vaccine fridge)."""
    ctx.require(MANAGE)
    fields = Fields()
    text = fields.parse("name", require_text, name, max_length=MAX_SHORT)
    note_text = fields.parse("note", optional_text, note, max_length=MAX_TEXT)
    fields.done()
    if ctx.session.execute(select(Location.id).where(func.lower(Location.name) == text.lower())).first():
        raise Conflict(f"there is already a location called {text!r}")
    row = Location(name=text, note=note_text, active=True)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("inventory.location.added", "inventory_location", row.id, summary={"name": text})
    ctx.changed(CATALOGUE_TOPIC)
    return _location_record(row)


def list_locations(ctx: Context) -> list[LocationRecord]:
    ctx.require(READ)
    return [_location_record(r) for r in ctx.session.execute(select(Location).order_by(Location.name)).scalars()]


# -- vendors ----------------------------------------------------------------------------------


def _vendor_record(row: Vendor) -> VendorRecord:
    return VendorRecord(row.id, row.name, row.contact, row.phone, row.email, row.account_number, row.terms,
                        row.ordering_method, row.note, row.active)


def find_vendor(ctx: Context, name: str | None, *, field: str = "vendor") -> Vendor:
    """The vendor called ``name`` (any case)."""
    text = require_text(name, field=field, max_length=MAX_NAME)
    row = ctx.session.execute(select(Vendor).where(func.lower(Vendor.name) == text.lower())).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no vendor called {text!r}")
    return row


def _method(value: str | None, *, field: str) -> str:
    text = (value or "email").strip().lower()
    if text not in ORDERING_METHODS:
        raise ValidationError(f"{field.replace('_', ' ')} must be one of {', '.join(ORDERING_METHODS)}, got {value!r}",
                              field=field)
    return text


VENDOR_FIELDS = ("name", "contact", "phone", "email", "account_number", "terms", "ordering_method", "note")


def _vendor_values(values: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    unknown = set(values) - set(VENDOR_FIELDS)
    if unknown:
        raise ValidationError(f"unknown vendor field(s): {', '.join(sorted(unknown))}")
    fields, out = Fields(), {}
    parsers = {
        "name": (require_text, {"max_length": MAX_NAME}),
        "contact": (optional_text, {"max_length": MAX_NAME}),
        "phone": (parse_phone, {}),
        "email": (parse_email, {}),
        "account_number": (optional_text, {"max_length": MAX_CODE}),
        "terms": (optional_text, {"max_length": MAX_SHORT}),
        "ordering_method": (_method, {}),
        "note": (optional_text, {"max_length": MAX_TEXT}),
    }
    for name, (parse, options) in parsers.items():
        if name in values or not partial:
            out[name] = fields.parse(name, parse, values.get(name), **options)
    fields.done()
    return out


def add_vendor(ctx: Context, values: Mapping[str, Any]) -> VendorRecord:
    """A new vendor: ``name`` and optionally contact, phone, email, account number, terms and
    ordering method (email, phone, fax, portal, rep)."""
    ctx.require(MANAGE)
    data = _vendor_values(values, partial=False)
    if ctx.session.execute(select(Vendor.id).where(func.lower(Vendor.name) == data["name"].lower())).first():
        raise Conflict(f"there is already a vendor called {data['name']!r}")
    row = Vendor(active=True, **data)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("inventory.vendor.added", "inventory_vendor", row.id, summary={"name": row.name})
    ctx.changed(CATALOGUE_TOPIC)
    return _vendor_record(row)


def update_vendor(ctx: Context, name: str, values: Mapping[str, Any]) -> VendorRecord:
    """Change the given fields of the vendor called ``name``."""
    ctx.require(MANAGE)
    row = find_vendor(ctx, name)
    data = _vendor_values(values, partial=True)
    if "name" in data and data["name"].lower() != row.name.lower() and ctx.session.execute(
            select(Vendor.id).where(func.lower(Vendor.name) == data["name"].lower())).first():
        raise Conflict(f"there is already a vendor called {data['name']!r}")
    for key, value in data.items():
        setattr(row, key, value)
    ctx.session.flush()
    ctx.audit("inventory.vendor.changed", "inventory_vendor", row.id, summary={"fields": sorted(data)})
    ctx.changed(CATALOGUE_TOPIC)
    return _vendor_record(row)


def list_vendors(ctx: Context) -> list[VendorRecord]:
    ctx.require(READ)
    return [_vendor_record(r) for r in ctx.session.execute(select(Vendor).order_by(Vendor.name)).scalars()]


# -- items ------------------------------------------------------------------------------------


ITEM_FIELDS = ("sku", "name", "category", "ndc", "unit", "pack_unit", "pack_size", "tracks_lots", "par",
               "reorder_point", "location", "vendor", "vendor_item_number", "pack_price", "lead_time_days")


def item_record(ctx: Context, row: Item) -> ItemRecord:
    location = ctx.session.get(Location, row.location_id)
    vendor = ctx.session.get(Vendor, row.vendor_id) if row.vendor_id else None
    return ItemRecord(row.id, row.sku, row.name, row.category, row.ndc, row.unit, row.pack_unit, row.pack_size,
                      row.tracks_lots, row.par, row.reorder_point, location.name, vendor.name if vendor else None,
                      row.vendor_item_number, row.pack_price, row.lead_time_days, row.active)


ITEM_RECORD_FIELDS = len(attrs.fields(ItemRecord))


def item_record_query() -> tuple[Any, Any]:
    """The columns of an :class:`ItemRecord`, in order (its home's and vendor's names
    joined), and what they are selected from: for plain-column reads of an item that must
    stay cheap (``stock.item_stock``), where :func:`item_record` would load three objects."""
    item, home, vendor = Item.__table__, Location.__table__, Vendor.__table__
    columns = (item.c.id, item.c.sku, item.c.name, item.c.category, item.c.ndc, item.c.unit, item.c.pack_unit,
               item.c.pack_size, item.c.tracks_lots, item.c.par, item.c.reorder_point, home.c.name, vendor.c.name,
               item.c.vendor_item_number, item.c.pack_price, item.c.lead_time_days, item.c.active)
    return columns, item.join(home, home.c.id == item.c.location_id).outerjoin(vendor, vendor.c.id == item.c.vendor_id)


def find_item(ctx: Context, ref: str | None, *, field: str = "item") -> Item:
    """The item whose SKU or name is ``ref`` (any case)."""
    text = require_text(ref, field=field, max_length=MAX_NAME)
    # SKUs are stored upper case (``_sku``): the unique index finds it without a scan.
    row = ctx.session.execute(select(Item).where(Item.sku == text.upper())).scalar_one_or_none()
    if row is None:
        row = ctx.session.execute(select(Item).where(func.lower(Item.name) == text.lower())).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no item with the SKU or name {text!r}")
    return row


def _sku(value: Any, *, field: str) -> str:
    text = require_text(value, field=field, max_length=MAX_CODE).upper()
    if not SKU.fullmatch(text):
        raise ValidationError(f"SKU must be letters, digits and . _ / - (starting with a letter or digit), "
                              f"got {value!r}", field=field)
    return text


def _category(value: Any, *, field: str) -> str:
    text = str(value or "").strip().lower()
    if text not in CATEGORIES:
        raise ValidationError(f"category must be one of {', '.join(CATEGORIES)}, got {value!r}", field=field)
    return text


def _ndc(value: Any, *, field: str) -> str | None:
    text = optional_text(value, field=field, max_length=13)
    if text is not None and not NDC.fullmatch(text):
        raise ValidationError(f"NDC must be 10 or 11 digits, with or without its dashes (49281-0421-10), "
                              f"got {value!r}", field=field)
    return text


def _flag(value: Any, *, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0", ""):
        return False
    raise ValidationError(f"{field.replace('_', ' ')} must be yes or no, got {value!r}", field=field)


def _optional_money(value: Any, *, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_money(value, field=field)


def _optional_days(value: Any, *, field: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_quantity(value, field=field, allow_zero=True, maximum=MAX_LEAD_DAYS)


def _item_values(ctx: Context, values: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(f"unknown item field(s): {', '.join(sorted(unknown))}")
    fields, out = Fields(), {}
    parsers = {
        "sku": (_sku, {}),
        "name": (require_text, {"max_length": MAX_NAME}),
        "category": (_category, {}),
        "ndc": (_ndc, {}),
        "unit": (require_text, {"max_length": 20}),
        "pack_unit": (require_text, {"max_length": 20}),
        "pack_size": (parse_quantity, {}),
        "tracks_lots": (_flag, {}),
        "par": (parse_quantity, {"allow_zero": True}),
        "reorder_point": (parse_quantity, {"allow_zero": True}),
        "vendor_item_number": (optional_text, {"max_length": MAX_CODE}),
        "pack_price": (_optional_money, {}),
        "lead_time_days": (_optional_days, {}),
    }
    defaults = {"unit": "each", "pack_unit": "box", "pack_size": 1, "tracks_lots": False, "par": 0,
                "reorder_point": 0}
    for name, (parse, options) in parsers.items():
        if name in values:
            out[name] = fields.parse(name, parse, values[name], **options)
        elif not partial:
            out[name] = fields.parse(name, parse, defaults.get(name), **options)
    if "location" in values or not partial:
        try:
            out["location_id"] = find_location(ctx, values.get("location")).id
        except (NotFound, ValidationError) as error:
            fields.add("location", error.message)
    if "vendor" in values:
        try:
            name = values["vendor"]
            out["vendor_id"] = None if not (name or "").strip() else find_vendor(ctx, name).id
        except (NotFound, ValidationError) as error:
            fields.add("vendor", error.message)
    fields.done()
    if out.get("category") not in (None, "drug") and out.get("ndc"):
        raise ValidationError("only a vaccine or drug (category drug) has an NDC", field="ndc")
    return out


def _check_levels(row: Item) -> None:
    if row.reorder_point > row.par:
        raise ValidationError(f"reorder point ({row.reorder_point}) must not be above par ({row.par})",
                              field="reorder_point")


def _check_unique(ctx: Context, row: Item) -> None:
    """Refuse a SKU or name another item has. Read without flushing ``row``'s pending change
    first, which the database's unique index would refuse before this could say why."""
    for column, label, value in ((Item.sku, "SKU", row.sku), (Item.name, "name", row.name)):
        with ctx.session.no_autoflush:
            clash = ctx.session.execute(select(Item.id).where(func.lower(column) == value.lower(),
                                                              Item.id != (row.id or 0))).first()
        if clash:
            raise Conflict(f"there is already an item with the {label} {value!r}")


def add_item(ctx: Context, values: Mapping[str, Any]) -> ItemRecord:
    """A new stocked item. ``sku``, ``name``, ``category`` and ``location`` are required; the
    unit of issue defaults to ``each`` bought by the ``box`` of 1.

    Raises:
        ValidationError: every bad field at once.
        Conflict: the SKU or name is taken.
    """
    ctx.require(MANAGE)
    data = _item_values(ctx, values, partial=False)
    row = Item(active=True, **data)
    _check_levels(row)
    _check_unique(ctx, row)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("inventory.item.added", "inventory_item", row.id, summary={"sku": row.sku, "name": row.name})
    ctx.changed(CATALOGUE_TOPIC)
    return item_record(ctx, row)


def update_item(ctx: Context, ref: str, values: Mapping[str, Any]) -> ItemRecord:
    """Change the given fields of the item ``ref`` (its SKU or name). A pack size changed now
    does not change what earlier orders and lots say a pack was."""
    ctx.require(MANAGE)
    row = find_item(ctx, ref)
    data = _item_values(ctx, values, partial=True)
    if "tracks_lots" in data and data["tracks_lots"] != row.tracks_lots:
        from .stock import item_on_hand

        if item_on_hand(ctx, row.id) != 0:
            raise Conflict(f"{row.name} has stock on hand: lot tracking changes only when none is left")
    for key, value in data.items():
        setattr(row, key, value)
    _check_levels(row)
    _check_unique(ctx, row)
    ctx.session.flush()
    ctx.audit("inventory.item.changed", "inventory_item", row.id, summary={"sku": row.sku, "fields": sorted(data)})
    ctx.changed(CATALOGUE_TOPIC)
    return item_record(ctx, row)


def get_item(ctx: Context, ref: str) -> ItemRecord:
    ctx.require(READ)
    return item_record(ctx, find_item(ctx, ref))


def list_items(ctx: Context, *, search: str | None = None, category: str | None = None) -> list[ItemRecord]:
    """Active items by name, those whose SKU or name holds ``search`` (any case) when given."""
    ctx.require(READ)
    query = select(Item).where(Item.active.is_(True))
    if search and search.strip():
        pattern = "%" + search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(func.lower(Item.name).like(pattern, escape="\\") | func.lower(Item.sku).like(pattern,
                                                                                                  escape="\\"))
    if category:
        query = query.where(Item.category == _category(category, field="category"))
    return [item_record(ctx, r) for r in ctx.session.execute(query.order_by(Item.name)).scalars()]


def set_active(ctx: Context, ref: str, active: bool) -> ItemRecord:
    """Retire an item the office no longer stocks (it leaves the lists, the reorder list and
    new orders), or bring it back. An item with stock on hand, or on an open order, is not
    retired: use or write off the stock, and close the order, first.

    Raises:
        Conflict: stock on hand or on order; code ``nothing_to_do`` when the item is
            retired already, or restored while it is not retired.
    """
    from .orders import on_order
    from .stock import item_on_hand

    ctx.require(MANAGE)
    row = find_item(ctx, ref)
    if row.active == active:
        raise nothing_to_do(f"{row.name} is not retired; nothing to restore" if active
                            else f"{row.name} is retired already; nothing to retire")
    if not active:
        have = item_on_hand(ctx, row.id)
        if have:
            raise Conflict(f"{row.name} has {have} {row.unit} on hand: use or write it off before retiring it")
        if on_order(ctx).get(row.id):
            raise Conflict(f"{row.name} is on an open purchase order: close or cancel it before retiring it")
    row.active = active
    ctx.session.flush()
    ctx.audit("inventory.item.retired" if not active else "inventory.item.restored", "inventory_item", row.id,
              summary={"sku": row.sku})
    ctx.changed(CATALOGUE_TOPIC)
    return item_record(ctx, row)
