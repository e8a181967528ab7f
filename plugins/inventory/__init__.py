"""Inventory: supplies and their storage locations, stock as a ledger of movements, lots and
expiry (first-expiry-first-out), stock counts, the reorder list, vendors, purchase orders and
receiving, each receipt booked once as an expense through the billing role; and the equipment
(assets, maintenance plans, the service log, out of service).

This module is imported for every command, ``medoffice --help`` included: it declares the
plugin and its hook implementations and nothing else. Each hook imports the heavy modules
inside its body. It works with or without scheduling and billing: it meets them only through
hooks, role services and core records.
"""

from __future__ import annotations

from pathlib import Path

from medoffice.core import PluginInfo, hookimpl

from .permissions import READ

plugin_info = PluginInfo(
    id="inventory",
    title="Inventory",
    api_version=1,
    provides="inventory",
    description="Supplies, stock ledger, lots and expiry, stock counts, reorder, vendors, purchase orders, receiving, "
                "equipment and its maintenance.",
)

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def medoffice_schema():
    """The ``inventory_*`` tables and the Alembic branch ``inventory``."""
    from medoffice.core import SchemaContribution

    from . import models

    return SchemaContribution(models.Base.metadata, MIGRATIONS)


@hookimpl
def medoffice_permissions():
    """The front desk sees stock, records use and receives deliveries; the manager keeps items
    and vendors, orders, approves, adjusts and writes off; billing sees values."""
    from .permissions import PERMISSIONS

    return PERMISSIONS


@hookimpl
def medoffice_cli_commands():
    """``medoffice inventory …`` (see :data:`.cli.GROUPS`)."""
    from .cli import GROUPS

    return list(GROUPS)


@hookimpl
def medoffice_inventory_service(ctx):
    """The inventory domain for other plugins and the TUI (``ctx.role_service("inventory")``)."""
    from .domain import SERVICE

    return SERVICE


@hookimpl
def medoffice_dashboard_cards(ctx):
    """"Supplies to reorder": how many items are at or below their reorder point, and which."""
    from .dashboard import cards

    return cards(ctx)


@hookimpl
def medoffice_populate_demo(ctx, seed):
    """A supply room and a vaccine fridge, two vendors, items (some low), lots (some expiring,
    one expired), a received and an open purchase order, and equipment with one calibration
overdue; see docs/inventory.md#demo-data."""
    from . import demo, equipment_demo

    demo.populate(ctx, seed)
    equipment_demo.populate(ctx, seed)


@hookimpl
def medoffice_reports():
    """``inventory.valuation``, ``inventory.expiring``, ``inventory.open_orders`` and
    ``inventory.equipment_due``; see docs/inventory.md#reports."""
    from .equipment_reports import EQUIPMENT_REPORTS
    from .reports import REPORTS

    return [*REPORTS, *EQUIPMENT_REPORTS]


@hookimpl
def medoffice_validate_appointment(ctx, proposal):
    """Refuse a booking or a move whose appointment type needs equipment that is out of
    service on the appointment's day; see docs/inventory.md#equipment-and-booking."""
    from .equipment import booking_refusal

    return booking_refusal(ctx, proposal.equipment, proposal.start)


@hookimpl
def medoffice_screens():
    """The stock list with search and low/expired/expiring flags, the reorder list that
    drafts the orders, the open purchase orders (approve, mark sent, receive line by line),
    and the equipment due; see docs/inventory.md#screens."""
    from medoffice.core import ScreenContribution

    screens = "medoffice.plugins.inventory.screens"
    return [
        ScreenContribution(id="inventory.stock", title="Stock", section="inventory", permission=READ,
                           screen=f"{screens}.stock_list:StockListScreen"),
        ScreenContribution(id="inventory.reorder", title="Reorder", section="inventory", permission=READ,
                           screen=f"{screens}.reorder:ReorderScreen"),
        ScreenContribution(id="inventory.orders", title="Purchase orders", section="inventory", permission=READ,
                           screen=f"{screens}.purchase_orders:PurchaseOrdersScreen"),
        ScreenContribution(id="inventory.equipment", title="Equipment due", section="inventory", permission=READ,
                           screen=f"{screens}.equipment_due:EquipmentDueScreen"),
    ]


@hookimpl
def medoffice_visit_completed(ctx, visit):
    """Draw the kit of the visit's appointment type from stock, first expiry first; what is
    missing is recorded as a shortage and never refuses the visit (docs/inventory.md#supply-kits)."""
    from .visit_supplies import draw_for_visit

    draw_for_visit(ctx, visit)


@hookimpl
def medoffice_appointment_changed(ctx, change):
    """Undoing "done" returns what the visit's kit drew, to the lots it came from."""
    if change.kind != "undone" or change.reason != "completed":
        return
    from .visit_supplies import return_for_visit

    return_for_visit(ctx, change.appointment)
