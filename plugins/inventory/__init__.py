"""Inventory: supplies and their storage locations, stock as a ledger of movements, lots and
expiry (first-expiry-first-out), stock counts, the reorder list, vendors, purchase orders and
receiving, each receipt booked once as an expense through the billing role.

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
    description="Supplies, stock ledger, lots and expiry, stock counts, reorder, vendors, purchase orders, receiving.",
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
    one expired), a received and an open purchase order; see docs/inventory.md#demo-data."""
    from . import demo

    demo.populate(ctx, seed)


@hookimpl
def medoffice_reports():
    """``inventory.valuation``, ``inventory.expiring`` and ``inventory.open_orders``; see
    docs/inventory.md#reports."""
    from .reports import REPORTS

    return list(REPORTS)


@hookimpl
def medoffice_screens():
    """The stock list with search and low/expired/expiring flags, and the reorder list that
    drafts the orders; see docs/inventory.md#screens."""
    from medoffice.core import ScreenContribution

    screens = "medoffice.plugins.inventory.screens"
    return [
        ScreenContribution(id="inventory.stock", title="Stock", section="inventory", permission=READ,
                           screen=f"{screens}.stock_list:StockListScreen"),
        ScreenContribution(id="inventory.reorder", title="Reorder", section="inventory", permission=READ,
                           screen=f"{screens}.reorder:ReorderScreen"),
    ]
