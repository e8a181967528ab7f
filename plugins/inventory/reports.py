"""Inventory reports for ``medoffice reports`` (the ``medoffice_reports`` hook).

- ``inventory.valuation``: every item's usable and expired units and what they are worth at
  cost (each lot at the pack price it came in at, else the item's), with the total
  (``inventory.values``).
- ``inventory.expiring`` (``days``, 30 by default): lots in stock expiring within the days,
  and the expired ones, first expiry first; values for ``inventory.values`` only.
- ``inventory.open_orders``: purchase orders not yet received, closed or cancelled: vendor,
  status, total and the packs still to come.
- ``inventory.usage`` and ``inventory.usage_by_visit_type`` (``months``, ``through``):
  supplies used per month, per item and per visit type (:mod:`.usage`).

They read the same services as the commands (``stock list``, ``lots expiring``, ``po list``),
so the numbers are the same. Amounts are shown as ``1234.50``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from medoffice.core import Context
from medoffice.core.records import ReportResult, ReportSpec

from .permissions import READ, VALUES

ZERO = Decimal("0.00")


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def valuation(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Stock on hand at cost, item by item."""
    from .stock import stock_levels

    ctx.require(VALUES)
    rows, total, unknown = [], ZERO, 0
    for row in stock_levels(ctx):
        if row.on_hand == 0 and row.expired == 0:
            continue
        if row.value is None:
            unknown += 1
        else:
            total += row.value
        rows.append((row.sku, row.name, row.on_hand, row.expired, row.unit, _money(row.value)))
    rows.append(("total", "", "", "", "", _money(total)))
    notes = f"{unknown} item(s) with no known price are left out of the total" if unknown else ""
    return ReportResult("Stock valuation at cost", ("SKU", "Item", "Usable", "Expired", "Unit", "Value"), rows, notes)


def expiring(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Lots expiring within ``days`` (and those expired), first expiry first."""
    from . import lots

    ctx.require(READ)
    soon = lots.expiring(ctx, params.get("days") or "30")
    gone = lots.expired(ctx)
    values = ctx.can(VALUES)
    columns = ("Expires", "Days", "SKU", "Item", "Lot", "Location", "On hand") + (("Value",) if values else ())
    rows = [(str(r.expires_on), r.days_left, r.sku, r.item, r.lot, r.location, r.on_hand)
            + ((_money(r.value),) if values else ()) for r in (*gone.rows, *soon.rows)]
    title = f"Lots expired or expiring within {params.get('days') or '30'} days"
    return ReportResult(title, columns, rows)


def open_orders(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Purchase orders still open, oldest first, with what is still to come."""
    from .orders import list_orders

    ctx.require(READ)
    rows = []
    for order in reversed(list_orders(ctx, open_only=True)):
        waiting = ", ".join(f"{line.backordered} x {line.sku}" for line in order.lines if line.backordered)
        rows.append((order.id, ctx.local(order.created_at).date().isoformat(), order.vendor,
                     order.status.replace("_", " "), _money(order.total), waiting))
    return ReportResult("Open purchase orders", ("PO", "Drafted", "Vendor", "Status", "Total", "Still to come"),
                        rows)


def _lazy(name: str):
    """A report of :mod:`.usage`, imported when it runs."""
    def run(ctx: Context, params: Mapping[str, str]) -> ReportResult:
        from . import usage

        return getattr(usage, name)(ctx, params)
    run.__doc__ = f"See :func:`.usage.{name}`."
    return run


REPORTS = (
    ReportSpec("inventory.valuation", "Stock valuation at cost", valuation, VALUES,
               description="Each item's usable and expired units and their value at cost, with the total."),
    ReportSpec("inventory.expiring", "Expiring and expired lots", expiring, READ, params=("days",),
               description="Lots in stock expired or expiring within DAYS (default 30), first expiry first."),
    ReportSpec("inventory.open_orders", "Open purchase orders", open_orders, READ,
               description="Orders not yet received, closed or cancelled, and the packs still to come."),
    ReportSpec("inventory.usage", "Supplies used per month", _lazy("usage_by_item"), READ,
               params=("months", "through"),
               description="Units of each item used per month (net of visits undone), the last MONTHS (default 3) "
                           "up to THROUGH (YYYY-MM, default this month); values for inventory.values."),
    ReportSpec("inventory.usage_by_visit_type", "Supplies used per visit type", _lazy("usage_by_visit_type"), READ,
               params=("months", "through"),
               description="Units used per month per visit type (the kits completed visits drew) and at the desk."),
)
