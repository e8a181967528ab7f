"""The inventory plugin keeps the core's contract, its tables keep money in whole cents, and
its permissions go to the roles the office expects."""

from __future__ import annotations

import pytest
from sqlalchemy import Float, Numeric

from medoffice.core.storage import Cents
from medoffice.plugins.inventory import models

pytestmark = pytest.mark.medoffice_plugins("inventory")


def test_the_plugin_keeps_the_core_contract(conformance):
    """Loads, provides inventory; tables, migrations (down and up), commands, permissions in order."""
    conformance("inventory")


def test_no_inventory_column_can_hold_a_float_and_every_table_has_the_prefix():
    tables = models.Base.metadata.tables
    assert all(name.startswith("inventory_") for name in tables)
    columns = [column for table in tables.values() for column in table.columns]
    floating = [f"{c.table.name}.{c.name}" for c in columns
                if isinstance(c.type, Float | Numeric) or isinstance(getattr(c.type, "impl", None), Float | Numeric)]
    assert floating == []
    money = {f"{c.table.name}.{c.name}" for c in columns if isinstance(c.type, Cents)}
    assert money == {"inventory_item.pack_price", "inventory_lot.pack_price", "inventory_order_line.pack_price",
                     "inventory_receipt.total", "inventory_asset.purchase_cost", "inventory_service_entry.cost"}


def test_default_roles_of_its_permissions(medoffice_practice):
    """The front desk uses, moves and receives; the manager orders, approves, adjusts; billing sees values."""
    front, billing, manager = (medoffice_practice.record(n) for n in ("frontdesk", "billing", "manager"))
    assert all(front.can(p) for p in ("inventory.read", "inventory.use", "inventory.move", "inventory.receive"))
    assert not any(front.can(p) for p in ("inventory.adjust", "inventory.approve", "inventory.order",
                                          "inventory.manage", "inventory.below_zero", "inventory.values",
                                          "inventory.equipment"))
    assert billing.can("inventory.values") and billing.can("inventory.read") and not billing.can("inventory.use")
    assert all(manager.can(p) for p in ("inventory.adjust", "inventory.approve", "inventory.order",
                                        "inventory.manage", "inventory.below_zero", "inventory.values",
                                        "inventory.equipment"))
    assert not billing.can("inventory.equipment")


def test_the_role_service_answers_through_the_core(medoffice_practice, world):
    from medoffice.core.domains import InventoryService

    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        service = ctx.role_service("inventory")
        assert isinstance(service, InventoryService)
        assert service.items_below_reorder_point(ctx) == ["Flu vaccine", "Nitrile gloves, medium", "Printer paper",
                                                          "Syringe 3 mL"]


def test_the_kits_and_equipment_tables_import_first_in_a_fresh_process():
    """A report that imports the kits' tables before anything else imported the plugin's
    models (``inventory.usage`` from ``medoffice reports run``) does not hit a circular import."""
    import subprocess
    import sys

    package = "medoffice.plugins.inventory"
    for first, then in (("kit_models", "equipment_models"), ("equipment_models", "kit_models")):
        code = (f"import {package}.{first}, {package}.{then}; from {package} import kit_models, equipment_models; "
                "assert kit_models.VisitDraw.metadata is equipment_models.Asset.metadata")
        subprocess.run([sys.executable, "-c", code], check=True)
