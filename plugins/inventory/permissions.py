"""The inventory plugin's permissions and the roles that get them by default.

The front desk sees stock, records what is used, moves stock between rooms and receives
deliveries. The office manager keeps the items and vendors, orders and approves purchase
orders, adjusts and counts stock, writes off waste and may let stock go below zero (with a
reason). Billing sees what stock is worth at cost. Everyone who sees stock sees the equipment
and what maintenance is due; the manager keeps it (``inventory.equipment``).
"""

from __future__ import annotations

from medoffice.core import PermissionSpec

READ = "inventory.read"
USE = "inventory.use"
MOVE = "inventory.move"
RECEIVE = "inventory.receive"
MANAGE = "inventory.manage"
ORDER = "inventory.order"
APPROVE = "inventory.approve"
ADJUST = "inventory.adjust"
BELOW_ZERO = "inventory.below_zero"
VALUES = "inventory.values"
EQUIPMENT = "inventory.equipment"

EVERYONE = ("front_desk", "billing", "manager", "admin")
DESK = ("front_desk", "manager", "admin")
MANAGERS = ("manager", "admin")

PERMISSIONS = [
    PermissionSpec(READ, "See items, stock on hand, lots and expiry, vendors and purchase orders", EVERYONE),
    PermissionSpec(USE, "Record supplies used at the desk or in a visit", DESK),
    PermissionSpec(MOVE, "Move stock from one location to another", DESK),
    PermissionSpec(RECEIVE, "Receive a delivery against a purchase order, with lots and expiry", DESK),
    PermissionSpec(MANAGE, "Keep the items, locations and vendors", MANAGERS),
    PermissionSpec(ORDER, "Draft purchase orders (the reorder list), edit them and mark them sent", MANAGERS),
    PermissionSpec(APPROVE, "Approve, close and cancel purchase orders", MANAGERS),
    PermissionSpec(ADJUST, "Adjust stock, post stock counts, write off waste and expired stock, return to vendors",
                   MANAGERS),
    PermissionSpec(BELOW_ZERO, "Let a withdrawal take stock below zero, with a reason", MANAGERS),
    PermissionSpec(VALUES, "See stock valued at cost", ("billing", "manager", "admin")),
    PermissionSpec(EQUIPMENT, "Keep the equipment: assets, maintenance plans, the service log, out of service",
                   MANAGERS),
]
