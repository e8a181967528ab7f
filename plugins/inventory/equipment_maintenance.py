"""Maintenance of the equipment: plans, the service log, and what is due or overdue.

A **plan** is a recurring task on one asset, every so many months (calibration every 12,
service every 6; an asset may have several). It keeps the date the task is next due. A new
plan is first due on the date given, else today (a task never yet logged is due now).

The **service log** records each service done: the day, who did it (a person, or the vendor,
who then also is its vendor), what was done and what it cost. An entry for a plan's task moves
the plan on: next due is the latest logged day of that task plus the plan's months (so a
late entry for an older service does not pull the due date back). An entry for no plan (a
repair) is kept in the log and moves nothing.

**Due** lists each plan due within the days asked (30 by default), overdue first; **overdue**
only those past due. An asset out of service stays on the lists, marked, since it will need its
maintenance before it comes back; one going out on a day to come is in service until then
(:func:`.equipment.out_of_service_on`).

Months are calendar months: 12 months after 2025-02-28 is 2026-02-28, and one month after
January 31 is the last day of February.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import func, select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.validation import Fields, optional_text, require_text

from .catalogue import find_vendor
from .common import parse_day, parse_quantity, today
from .equipment import find_asset, optional_money, out_of_service_on
from .equipment_models import Asset, MaintenancePlan, ServiceEntry
from .models import MAX_NAME, MAX_SHORT, MAX_TEXT, Vendor
from .permissions import EQUIPMENT, READ
from .topics import EQUIPMENT_TOPIC

MAX_MONTHS = 120
DUE_WITHIN_DAYS = 30
MAX_DAYS = 3660


@attrs.frozen
class PlanRecord:
    id: int
    asset: str
    task: str
    every_months: int
    next_due: dt.date
    last_done: dt.date | None


@attrs.frozen
class ServiceRecord:
    id: int
    asset: str
    task: str | None
    done_on: dt.date
    done_by: str
    vendor: str | None
    work: str
    cost: Decimal | None
    next_due: dt.date | None


@attrs.frozen
class DueRecord:
    """One plan due: ``days`` until it is due (negative: overdue by that many);
    ``in_service``: whether its asset is in service today."""

    asset: str
    task: str
    every_months: int
    next_due: dt.date
    days: int
    last_done: dt.date | None
    location: str | None
    in_service: bool

    @property
    def overdue(self) -> bool:
        return self.days < 0


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved on ``months`` calendar months, kept within the month it lands in."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _task(value: Any, *, field: str = "task") -> str:
    return require_text(value, field=field, max_length=MAX_SHORT).lower()


def _months(value: Any, *, field: str = "every_months") -> int:
    return parse_quantity(value, field=field, maximum=MAX_MONTHS)


def _last_done(ctx: Context, plan_id: int) -> dt.date | None:
    return ctx.session.execute(select(func.max(ServiceEntry.done_on))
                               .where(ServiceEntry.plan_id == plan_id)).scalar_one_or_none()


def _plan_record(ctx: Context, plan: MaintenancePlan, asset: Asset) -> PlanRecord:
    return PlanRecord(plan.id, asset.name, plan.task, plan.every_months, plan.next_due, _last_done(ctx, plan.id))


def _find_plan(ctx: Context, asset: Asset, task: str) -> MaintenancePlan:
    plan = ctx.session.execute(select(MaintenancePlan).where(
        MaintenancePlan.asset_id == asset.id, MaintenancePlan.task == task)).scalar_one_or_none()
    if plan is None:
        raise NotFound(f"{asset.name} has no {task} plan")
    return plan


def add_plan(ctx: Context, asset_ref: str, task: str, every_months: Any, *, due: Any = None) -> PlanRecord:
    """A recurring ``task`` on the asset every ``every_months`` months, first due ``due``
    (default today)."""
    ctx.require(EQUIPMENT)
    asset = find_asset(ctx, asset_ref)
    fields = Fields()
    name = fields.parse("task", _task, task)
    months = fields.parse("every_months", _months, every_months)
    first = fields.parse("due", parse_day, due, ctx)
    fields.done()
    if ctx.session.execute(select(MaintenancePlan.id).where(
            MaintenancePlan.asset_id == asset.id, MaintenancePlan.task == name)).first():
        raise Conflict(f"{asset.name} already has a {name} plan")
    plan = MaintenancePlan(asset_id=asset.id, task=name, every_months=months, next_due=first)
    ctx.session.add(plan)
    ctx.session.flush()
    ctx.audit("inventory.maintenance_plan.added", "inventory_maintenance_plan", plan.id,
              summary={"asset": asset.name, "task": name, "every_months": months, "next_due": first.isoformat()})
    ctx.changed(EQUIPMENT_TOPIC)
    return _plan_record(ctx, plan, asset)


def change_plan(ctx: Context, asset_ref: str, task: str, *, every_months: Any = None, due: Any = None) -> PlanRecord:
    """Change a plan's months (the next due date follows from the last time it was done, if
    ever) or set its next due date outright."""
    ctx.require(EQUIPMENT)
    if every_months is None and due is None:
        raise ValidationError("give the months or the next due date to change")
    asset = find_asset(ctx, asset_ref)
    plan = _find_plan(ctx, asset, _task(task))
    fields = Fields()
    months = fields.parse("every_months", _months, every_months) if every_months is not None else None
    day = fields.parse("due", parse_day, due, ctx) if due is not None else None
    fields.done()
    if months is not None:
        plan.every_months = months
        last = _last_done(ctx, plan.id)
        if last is not None:
            plan.next_due = add_months(last, months)
    if day is not None:
        plan.next_due = day
    ctx.session.flush()
    ctx.audit("inventory.maintenance_plan.changed", "inventory_maintenance_plan", plan.id,
              summary={"asset": asset.name, "task": plan.task, "every_months": plan.every_months,
                       "next_due": plan.next_due.isoformat()})
    ctx.changed(EQUIPMENT_TOPIC)
    return _plan_record(ctx, plan, asset)


def plans(ctx: Context, asset_ref: str) -> list[PlanRecord]:
    ctx.require(READ)
    asset = find_asset(ctx, asset_ref)
    rows = ctx.session.execute(select(MaintenancePlan).where(MaintenancePlan.asset_id == asset.id)
                               .order_by(MaintenancePlan.next_due, MaintenancePlan.task)).scalars()
    return [_plan_record(ctx, p, asset) for p in rows]


def log_service(ctx: Context, asset_ref: str, *, work: str, done_by: str | None = None, task: str | None = None,
                done_on: Any = None, cost: Any = None, vendor: str | None = None) -> ServiceRecord:
    """Record a service done on the asset; for a plan's ``task``, move the plan on.

    Args:
        work: what was done ("calibrated, within 1 %").
        done_by: who did it; the vendor's name when only ``vendor`` is given.
        task: the plan it fulfils (None: a repair or a one-off).
        done_on: the day (default today; not in the future).
        cost: what it cost, if anything.
        vendor: the vendor who did it.
    """
    ctx.require(EQUIPMENT)
    asset = find_asset(ctx, asset_ref)
    fields = Fields()
    what = fields.parse("work", require_text, work, max_length=MAX_TEXT)
    day = fields.parse("done_on", parse_day, done_on, ctx)
    amount = fields.parse("cost", optional_money, cost)
    who = fields.parse("done_by", optional_text, done_by, max_length=MAX_NAME)
    firm = None
    if vendor is not None and str(vendor).strip():
        try:
            firm = find_vendor(ctx, vendor)
        except (NotFound, ValidationError) as error:
            fields.add("vendor", str(error))
    if day is not None and day > today(ctx):
        fields.add("done_on", f"done on {day} is in the future")
    if who is None and firm is None and "vendor" not in fields.errors:
        fields.add("done_by", "done by is required (a person, or give the vendor)")
    plan = None
    if task is not None and str(task).strip():
        try:
            plan = _find_plan(ctx, asset, _task(task))
        except (NotFound, ValidationError) as error:
            fields.add("task", str(error))
    fields.done()
    next_due = add_months(day, plan.every_months) if plan else None
    entry = ServiceEntry(asset_id=asset.id, plan_id=plan.id if plan else None, done_on=day,
                         done_by=who or firm.name, vendor_id=firm.id if firm else None, work=what, cost=amount,
                         next_due=next_due, recorded_at=ctx.now(), recorded_by=ctx.user.username)
    ctx.session.add(entry)
    ctx.session.flush()
    if plan is not None:
        plan.next_due = add_months(_last_done(ctx, plan.id), plan.every_months)
    ctx.audit("inventory.asset.serviced", "inventory_service_entry", entry.id,
              summary={"asset": asset.name, "task": plan.task if plan else None, "done_on": day.isoformat(),
                       "cost": str(amount) if amount is not None else None,
                       "next_due": plan.next_due.isoformat() if plan else None})
    ctx.changed(EQUIPMENT_TOPIC)
    return _service_record(ctx, entry, asset, plan)


def _service_record(ctx: Context, entry: ServiceEntry, asset: Asset, plan: MaintenancePlan | None) -> ServiceRecord:
    vendor = ctx.session.get(Vendor, entry.vendor_id) if entry.vendor_id else None
    return ServiceRecord(entry.id, asset.name, plan.task if plan else None, entry.done_on, entry.done_by,
                         vendor.name if vendor else None, entry.work, entry.cost, entry.next_due)


def service_log(ctx: Context, asset_ref: str) -> list[ServiceRecord]:
    """The asset's service log, newest first."""
    ctx.require(READ)
    asset = find_asset(ctx, asset_ref)
    rows = ctx.session.execute(select(ServiceEntry, MaintenancePlan).outerjoin(
        MaintenancePlan, MaintenancePlan.id == ServiceEntry.plan_id).where(ServiceEntry.asset_id == asset.id)
        .order_by(ServiceEntry.done_on.desc(), ServiceEntry.id.desc())).all()
    return [_service_record(ctx, entry, asset, plan) for entry, plan in rows]


def due(ctx: Context, within_days: Any = DUE_WITHIN_DAYS, *, overdue_only: bool = False) -> list[DueRecord]:
    """Plans due within ``within_days`` of today (and every overdue one), most overdue first."""
    from .models import Location

    ctx.require(READ)
    days = parse_quantity(within_days, field="days", allow_zero=True, maximum=MAX_DAYS)
    now = today(ctx)
    limit = now - dt.timedelta(days=1) if overdue_only else now + dt.timedelta(days=days)
    last = (select(ServiceEntry.plan_id, func.max(ServiceEntry.done_on).label("last_done"))
            .group_by(ServiceEntry.plan_id).subquery())
    rows = ctx.session.execute(
        select(MaintenancePlan, Asset.name, Asset.in_service, Asset.out_since, Location.name, last.c.last_done)
        .join(Asset, Asset.id == MaintenancePlan.asset_id)
        .outerjoin(Location, Location.id == Asset.location_id)
        .outerjoin(last, last.c.plan_id == MaintenancePlan.id)
        .where(MaintenancePlan.next_due <= limit, Asset.retired_at.is_(None))
        .order_by(MaintenancePlan.next_due, Asset.name, MaintenancePlan.task)).all()
    return [DueRecord(asset, plan.task, plan.every_months, plan.next_due, (plan.next_due - now).days, last_done,
                      location, not out_of_service_on(ctx, in_service, out_since, now))
            for plan, asset, in_service, out_since, location, last_done in rows]


def overdue(ctx: Context) -> list[DueRecord]:
    """Plans past their due date, most overdue first."""
    return due(ctx, 0, overdue_only=True)
