"""Equipment: the assets the office owns and keeps working, and whether each is in service.

An asset has a name, model, serial number, where it stands, the vendor it came from (who
usually services it), when it was bought and for how much, and when its warranty ends. Its
maintenance plans and service log are in :mod:`.equipment_maintenance`.

Putting an asset **out of service** (the ECG's lead cable broke) or **back in service** needs a
reason, is kept as an :class:`~.equipment_models.AssetEvent` (the asset's history) and audited. While an
asset is out of service, scheduling cannot book an appointment whose type needs it (when the
asset is the equipment scheduling books under its ``resource`` name, or its own name): see
:func:`booking_refusal` and docs/inventory.md#equipment-and-booking. An asset may be put out of
service from a day to come; it is in service until that day: :func:`out_of_service_on` is the
one rule every list, screen, card, report and check asks.

An asset the office no longer keeps is **retired** (:func:`retire`, with a reason): it leaves
the lists and what is due, and keeps its history.

Assets are found by their name (any case) or their serial number. Reading needs
``inventory.read``; every change needs ``inventory.equipment`` and is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import func, or_, select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.validation import Fields, optional_text, parse_date, parse_money, require_text

from .catalogue import find_location, find_vendor
from .common import nothing_to_do, today
from .equipment_models import Asset, AssetEvent, MaintenancePlan
from .models import MAX_CODE, MAX_NAME, MAX_TEXT, Location, Vendor
from .permissions import EQUIPMENT, READ
from .topics import EQUIPMENT_TOPIC

ASSET_FIELDS = ("name", "model", "serial", "location", "vendor", "purchased_on", "purchase_cost",
                "warranty_ends", "resource", "note")
MAX_OUT_DAYS = 366
"""How far back or ahead an asset may be put out of service from (``--from``)."""
MAX_COST = Decimal("10000000")
"""The dearest asset (or service) one line may record: a typo's guard (an MRI is less)."""


@attrs.frozen
class AssetRecord:
    """An asset as people read it; ``next_due`` is its earliest maintenance due date (None
    when it has no plan).

    ``in_service`` is whether it is in service *today* (the practice's, by the runtime's
    clock: :func:`out_of_service_on`). An asset put out of service from a day to come is in
    service until then: ``in_service`` is True, ``out_from`` is that day and ``out_reason``
    says why it will go.
    """

    id: int
    name: str
    model: str | None
    serial: str | None
    location: str | None
    vendor: str | None
    purchased_on: dt.date | None
    purchase_cost: Decimal | None
    warranty_ends: dt.date | None
    resource: str | None
    note: str | None
    in_service: bool
    out_reason: str | None
    out_since: dt.datetime | None
    next_due: dt.date | None
    retired_at: dt.datetime | None = None
    retire_reason: str | None = None
    out_from: dt.date | None = None
    """The day it goes out of service, while that day is still to come (else None)."""


@attrs.frozen
class AssetEventRecord:
    at: dt.datetime
    by: str
    kind: str
    reason: str


def find_asset(ctx: Context, ref: str | None, *, field: str = "asset") -> Asset:
    """The asset called ``ref`` (any case), or whose serial number is ``ref``."""
    text = require_text(ref, field=field, max_length=MAX_NAME)
    rows = list(ctx.session.execute(select(Asset).where(
        or_(func.lower(Asset.name) == text.lower(), Asset.serial == text)).order_by(Asset.id)).scalars())
    named = [r for r in rows if r.name.lower() == text.lower()]
    if named:
        return named[0]
    if len(rows) == 1:
        return rows[0]
    if rows:
        raise Conflict(f"several assets have the serial number {text!r}: give the name")
    raise NotFound(f"no asset with the name or serial number {text!r}")


def out_of_service_on(ctx: Context, in_service: bool, out_since: dt.datetime | None,
                      day: dt.date | None = None) -> bool:
    """Whether an asset stored as ``in_service`` (its columns: False once it was put out of
    service, from today or from a day to come) and ``out_since`` is out of service on ``day``
    (the practice's), today by the runtime's clock when not given.

    The one rule for "out of service": ``list --out-of-service``, ``due``, ``show``, the
    *Equipment due* screen, the dashboard card, the report, the FHIR export and the booking
    check all ask it, so an asset put out of service from Thursday is in service for all of
    them until Thursday begins in the practice's time zone.
    """
    if in_service:
        return False
    if out_since is None:
        return True
    return ctx.local(out_since).date() <= (today(ctx) if day is None else day)


def asset_record(ctx: Context, row: Asset, *, day: dt.date | None = None) -> AssetRecord:
    """The record of ``row`` as it stands on ``day`` (today when not given)."""
    location = ctx.session.get(Location, row.location_id) if row.location_id else None
    vendor = ctx.session.get(Vendor, row.vendor_id) if row.vendor_id else None
    next_due = ctx.session.execute(select(func.min(MaintenancePlan.next_due))
                                   .where(MaintenancePlan.asset_id == row.id)).scalar_one_or_none()
    out = out_of_service_on(ctx, row.in_service, row.out_since, day)
    out_from = None if row.in_service or out else ctx.local(row.out_since).date()
    return AssetRecord(row.id, row.name, row.model, row.serial, location.name if location else None,
                       vendor.name if vendor else None, row.purchased_on, row.purchase_cost, row.warranty_ends,
                       row.resource, row.note, not out, row.out_reason, row.out_since, next_due,
                       row.retired_at, row.retire_reason, out_from)


def optional_date(value: Any, *, field: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, field=field)


def optional_money(value: Any, *, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_money(value, field=field, maximum=MAX_COST)


def _asset_values(ctx: Context, values: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    unknown = set(values) - set(ASSET_FIELDS)
    if unknown:
        raise ValidationError(f"unknown asset field(s): {', '.join(sorted(unknown))}")
    fields, out = Fields(), {}
    parsers = {
        "name": (require_text, {"max_length": MAX_NAME}),
        "model": (optional_text, {"max_length": MAX_NAME}),
        "serial": (optional_text, {"max_length": MAX_CODE}),
        "purchased_on": (optional_date, {}),
        "purchase_cost": (optional_money, {}),
        "warranty_ends": (optional_date, {}),
        "resource": (optional_text, {"max_length": MAX_NAME}),
        "note": (optional_text, {"max_length": MAX_TEXT, "multiline": True}),
    }
    for name, (parse, options) in parsers.items():
        if name in values or not partial:
            out[name] = fields.parse(name, parse, values.get(name), **options)
    for name, finder, column in (("location", find_location, "location_id"), ("vendor", find_vendor, "vendor_id")):
        if name in values or not partial:
            given = values.get(name)
            if given is None or not str(given).strip():
                out[column] = None
                continue
            try:
                out[column] = finder(ctx, given).id
            except (NotFound, ValidationError) as error:
                fields.add(name, str(error))
    bought, warranty = out.get("purchased_on"), out.get("warranty_ends")
    if bought and warranty and warranty < bought:
        fields.add("warranty_ends", f"warranty end {warranty} is before the purchase date {bought}")
    if bought and bought > ctx.local(ctx.now()).date():
        fields.add("purchased_on", f"purchase date {bought} is in the future")
    fields.done()
    return out


def _name_taken(ctx: Context, name: str, *, other_than: int | None = None) -> bool:
    query = select(Asset.id).where(func.lower(Asset.name) == name.lower())
    if other_than is not None:
        query = query.where(Asset.id != other_than)
    return ctx.session.execute(query).first() is not None


def add_asset(ctx: Context, values: Mapping[str, Any]) -> AssetRecord:
    """A new asset, in service: ``name`` and any of model, serial, location, vendor,
    purchased_on, purchase_cost, warranty_ends, resource (scheduling's name for it), note."""
    ctx.require(EQUIPMENT)
    data = _asset_values(ctx, values, partial=False)
    if _name_taken(ctx, data["name"]):
        raise Conflict(f"there is already an asset called {data['name']!r}")
    row = Asset(in_service=True, **data)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("inventory.asset.added", "inventory_asset", row.id,
              summary={"name": row.name, "serial": row.serial})
    ctx.changed(EQUIPMENT_TOPIC)
    return asset_record(ctx, row)


def update_asset(ctx: Context, ref: str, values: Mapping[str, Any]) -> AssetRecord:
    """Change the given fields of the asset ``ref`` (its name or serial)."""
    ctx.require(EQUIPMENT)
    row = find_asset(ctx, ref)
    data = _asset_values(ctx, values, partial=True)
    if not data:
        raise ValidationError("give at least one field to change")
    if "name" in data and _name_taken(ctx, data["name"], other_than=row.id):
        raise Conflict(f"there is already an asset called {data['name']!r}")
    bought = data.get("purchased_on", row.purchased_on)
    warranty = data.get("warranty_ends", row.warranty_ends)
    if bought and warranty and warranty < bought:
        raise ValidationError(f"warranty end {warranty} is before the purchase date {bought}", field="warranty_ends")
    for key, value in data.items():
        setattr(row, key, value)
    ctx.session.flush()
    ctx.audit("inventory.asset.changed", "inventory_asset", row.id, summary={"fields": sorted(data)})
    ctx.changed(EQUIPMENT_TOPIC)
    return asset_record(ctx, row)


def list_assets(ctx: Context, *, out_of_service: bool = False, retired: bool = False) -> list[AssetRecord]:
    """Every asset the office keeps, by name, or only the retired ones (``retired``).

    Args:
        out_of_service: only those out of service today (:func:`out_of_service_on`), not
            those that go out on a day to come.
    """
    ctx.require(READ)
    query = select(Asset).order_by(Asset.name)
    query = query.where(Asset.retired_at.is_not(None) if retired else Asset.retired_at.is_(None))
    if out_of_service:
        query = query.where(Asset.in_service.is_(False))
    day = today(ctx)
    records = [asset_record(ctx, r, day=day) for r in ctx.session.execute(query).scalars()]
    return [r for r in records if not r.in_service] if out_of_service else records


def get_asset(ctx: Context, ref: str) -> AssetRecord:
    ctx.require(READ)
    return asset_record(ctx, find_asset(ctx, ref))


def history(ctx: Context, ref: str) -> list[AssetEventRecord]:
    """When the asset went out of service and came back, and why, newest first."""
    ctx.require(READ)
    row = find_asset(ctx, ref)
    events = ctx.session.execute(select(AssetEvent).where(AssetEvent.asset_id == row.id)
                                 .order_by(AssetEvent.at.desc(), AssetEvent.id.desc())).scalars()
    return [AssetEventRecord(e.at, e.by, e.kind, e.reason) for e in events]


def set_in_service(ctx: Context, ref: str, in_service: bool, reason: str | None, *,
                   from_day: str | dt.date | None = None) -> AssetRecord:
    """Put the asset out of service (``in_service`` False) or back in service, with a reason.

    Args:
        from_day: out of service from this day (the practice's), today by default: it goes
            for repair next Monday, say. Bookings before that day are not refused (see
            :func:`booking_refusal`). Not more than a year back nor ahead.

    Raises:
        ValidationError: no reason; a bad day.
        Conflict: code ``nothing_to_do``: it is so already (out of service, or going out on
            a day to come, when put out; in service when put back).
    """
    ctx.require(EQUIPMENT)
    row = find_asset(ctx, ref)
    why = require_text(reason, field="reason", max_length=MAX_TEXT)
    if in_service and from_day is not None:
        raise ValidationError("a day is given only when an asset goes out of service", field="from")
    now = ctx.now()
    since = now
    if from_day is not None and not in_service:
        day, today = parse_date(from_day, field="from"), ctx.local(now).date()
        if abs((day - today).days) > MAX_OUT_DAYS:
            raise ValidationError(f"out of service from {day}: give a day within {MAX_OUT_DAYS} days of today",
                                  field="from")
        if day != today:
            since = dt.datetime.combine(day, dt.time(), ctx.timezone).astimezone(dt.timezone.utc)
    if row.in_service and in_service:
        raise nothing_to_do(f"{row.name} is in service already; nothing to put back")
    if not row.in_service and not in_service:
        if out_of_service_on(ctx, row.in_service, row.out_since):
            raise nothing_to_do(f"{row.name} is out of service already; nothing to take out")
        raise nothing_to_do(f"{row.name} goes out of service on {ctx.local(row.out_since):%a %Y-%m-%d} already; "
                            "put it back in service first to give another day")
    kind = "back_in_service" if in_service else "out_of_service"
    row.in_service = in_service
    row.out_reason = None if in_service else why
    row.out_since = None if in_service else since
    ctx.session.add(AssetEvent(asset_id=row.id, at=now, by=ctx.user.username, kind=kind, reason=why))
    ctx.session.flush()
    summary = {"name": row.name, "reason": why}
    if since != now:
        summary["from"] = ctx.local(since).date().isoformat()
    ctx.audit(f"inventory.asset.{kind}", "inventory_asset", row.id, summary=summary)
    ctx.changed(EQUIPMENT_TOPIC)
    return asset_record(ctx, row)


def retire(ctx: Context, ref: str, reason: str | None) -> AssetRecord:
    """Stop keeping the asset (sold, scrapped, replaced): it leaves the lists, the due and
    overdue lists and the dashboard, an appointment type that still needs it cannot be booked,
    and its plans, service log and history stay. :func:`restore` takes it back.

    Raises:
        ValidationError: no reason.
        Conflict: code ``nothing_to_do``: it is retired already.
    """
    ctx.require(EQUIPMENT)
    row = find_asset(ctx, ref)
    why = require_text(reason, field="reason", max_length=MAX_TEXT)
    if row.retired_at is not None:
        raise nothing_to_do(f"{row.name} was retired on {ctx.local(row.retired_at):%Y-%m-%d} already; "
                            "nothing to retire")
    row.retired_at, row.retire_reason = ctx.now(), why
    ctx.session.flush()
    ctx.audit("inventory.asset.retired", "inventory_asset", row.id, summary={"name": row.name, "reason": why})
    ctx.changed(EQUIPMENT_TOPIC)
    return asset_record(ctx, row)


def restore(ctx: Context, ref: str) -> AssetRecord:
    """Keep a retired asset again (retired by mistake): back on the lists, as it was.

    Raises:
        Conflict: code ``nothing_to_do``: it is not retired.
    """
    ctx.require(EQUIPMENT)
    row = find_asset(ctx, ref)
    if row.retired_at is None:
        raise nothing_to_do(f"{row.name} is not retired; nothing to restore")
    row.retired_at, row.retire_reason = None, None
    ctx.session.flush()
    ctx.audit("inventory.asset.restored", "inventory_asset", row.id, summary={"name": row.name})
    ctx.changed(EQUIPMENT_TOPIC)
    return asset_record(ctx, row)


def booking_refusal(ctx: Context, equipment: Iterable[str], starts_at: dt.datetime | None = None) -> str | None:
    """Why a booking that reserves ``equipment`` (scheduling's resource names) cannot be made:
    the assets among them that are out of service on the booking's day (``starts_at``; any
    day when not given), with their reasons; None when all are in service then (or none is
    an asset here). An asset out of service from a day to come refuses only bookings from
    that day (the practice's) on.

    A calibration or service that is overdue does not refuse a booking: it is reported (the
    due list, the dashboard) and the manager decides, by putting the asset out of service.
    No permission is asked: this is the booking's check, whoever books.
    """
    names = {name.strip().lower() for name in equipment if name and name.strip()}
    if not names:
        return None
    rows = ctx.session.execute(select(Asset).where(or_(Asset.in_service.is_(False), Asset.retired_at.is_not(None)))
                               .order_by(Asset.name)).scalars()
    day = ctx.local(starts_at).date() if starts_at is not None else None
    named = [r for r in rows if (r.resource or r.name).lower() in names]
    gone = [f"{r.resource or r.name} is retired ({r.retire_reason})" for r in named if r.retired_at is not None]
    down = [f"{r.resource or r.name} is out of service{_from(ctx, r)} ({r.out_reason})" for r in named
            if r.retired_at is None and not r.in_service
            and (day is None or out_of_service_on(ctx, r.in_service, r.out_since, day))]
    return "; ".join(gone + down) or None


def _from(ctx: Context, row: Asset) -> str:
    """`` from Mon 2026-01-12`` when the asset goes out of service on a day to come, else nothing."""
    if out_of_service_on(ctx, row.in_service, row.out_since):
        return ""
    return f" from {ctx.local(row.out_since):%a %Y-%m-%d}"
