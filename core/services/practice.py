"""The practice: its details, locations and rooms, and creating a new one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..context import Context
from ..errors import Conflict, NotFound, ValidationError
from ..records import Address, LocationRecord, PracticeRecord, RoomRecord
from ..storage.models import Location, Practice, Room
from ..validation import optional_text, parse_npi, parse_phone, parse_tax_id, parse_timezone, require_text
from .forms import FieldCollector

PRACTICE_FIELDS = ("name", "npi", "tax_id", "phone", "timezone", "address_line1", "address_line2", "city",
                   "state", "postal_code", "mrn_prefix")


def _optional(parse: Any):
    def parse_optional(value: Any, *, field: str) -> Any:
        return parse(value, field=field) if (value or "").strip() else None
    return parse_optional


def parse_practice_fields(data: Mapping[str, Any], *, new: bool) -> dict[str, Any]:
    unknown = sorted(set(data) - set(PRACTICE_FIELDS))
    if unknown:
        raise ValidationError(f"unknown practice field(s): {', '.join(unknown)}")
    form = FieldCollector(data)
    if new:
        form.require("name", "timezone")
    form.field("name", require_text, max_length=200)
    form.field("npi", _optional(parse_npi))
    form.field("tax_id", _optional(parse_tax_id))
    form.field("phone", parse_phone)
    form.field("timezone", parse_timezone)
    for name in ("address_line1", "address_line2", "city", "state", "postal_code"):
        form.field(name, optional_text, max_length=120)
    form.field("mrn_prefix", optional_text, max_length=10)
    return form.done()


def _address(row: Any) -> Address:
    return Address(row.address_line1, row.address_line2, row.city, row.state, row.postal_code, row.country)


def _location_record(row: Location) -> LocationRecord:
    return LocationRecord(row.id, row.name, _address(row), row.phone,
                          tuple(RoomRecord(r.id, r.location_id, r.name) for r in row.rooms))


def load(ctx: Context) -> PracticeRecord:
    """The practice, for every role (its name and time zone are on every screen)."""
    row = ctx.session.get(Practice, 1)
    if row is None:
        raise NotFound("this database has no practice yet: run 'medoffice init' or 'medoffice demo'")
    locations = ctx.session.execute(
        select(Location).options(selectinload(Location.rooms)).order_by(Location.name)).scalars()
    return PracticeRecord(row.name, row.npi, row.tax_id, row.timezone, _address(row), row.phone, row.is_demo,
                          tuple(_location_record(loc) for loc in locations))


def create(ctx: Context, data: Mapping[str, Any], *, is_demo: bool = False) -> PracticeRecord:
    """Write the practice row. Called by :func:`medoffice.core.setup.init_practice`."""
    if ctx.session.get(Practice, 1) is not None:
        raise Conflict("this database already has a practice")
    values = parse_practice_fields(data, new=True)
    row = Practice(id=1, is_demo=is_demo, created_at=ctx.now(), next_mrn=1, country="US",
                   mrn_prefix=values.pop("mrn_prefix", None) or "")
    for name, value in values.items():
        setattr(row, name, value)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("practice.created", "practice", 1, summary={"name": row.name, "demo": is_demo})
    return load(ctx)


def update(ctx: Context, changes: Mapping[str, Any]) -> PracticeRecord:
    ctx.require("practice.write")
    if not changes:
        raise ValidationError("nothing to change: give at least one field")
    values = parse_practice_fields(changes, new=False)
    row = ctx.session.get(Practice, 1)
    if row is None:
        raise NotFound("this database has no practice yet")
    if "mrn_prefix" in values:
        values["mrn_prefix"] = values["mrn_prefix"] or ""
    diff = {k: [getattr(row, k), v] for k, v in values.items() if getattr(row, k) != v}
    for name, value in values.items():
        setattr(row, name, value)
    ctx.session.flush()
    ctx.__dict__.pop("practice", None)
    ctx.audit("practice.updated", "practice", 1, summary={"changed": diff})
    return load(ctx)


def add_location(ctx: Context, name: str, *, phone: str | None = None, **address: Any) -> LocationRecord:
    ctx.require("practice.write")
    form = FieldCollector({"name": name, "phone": phone, **address})
    form.field("name", require_text, max_length=120)
    form.field("phone", parse_phone)
    for key in address:
        form.field(key, optional_text, max_length=120)
    values = form.done()
    if ctx.session.execute(select(Location.id).where(Location.name == values["name"])).first():
        raise Conflict(f"there is already a location named {values['name']!r}")
    row = Location(country="US", **values)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("location.added", "location", row.id, summary={"name": row.name})
    return _location_record(row)


def _location_by_name(ctx: Context, name: str) -> Location:
    row = ctx.session.execute(select(Location).where(Location.name == name)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no location named {name!r}")
    return row


def add_room(ctx: Context, location: str, name: str) -> RoomRecord:
    ctx.require("practice.write")
    room_name = require_text(name, field="room", max_length=80)
    loc = _location_by_name(ctx, location)
    if any(r.name == room_name for r in loc.rooms):
        raise Conflict(f"location {location!r} already has a room named {room_name!r}")
    row = Room(location_id=loc.id, name=room_name)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("room.added", "room", row.id, summary={"location": loc.name, "name": room_name})
    return RoomRecord(row.id, loc.id, room_name)


def locations(ctx: Context) -> list[LocationRecord]:
    ctx.require("practice.read")
    return list(load(ctx).locations)
