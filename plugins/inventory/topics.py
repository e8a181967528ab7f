"""The change topics the inventory announces (``ctx.changed``, beside the audit of each write)
and its list screens watch (``LiveListScreen.TOPICS``): one name each, in a module that imports
nothing, so a service and the screen showing what it changed cannot spell a topic two ways and
a screen names them without loading the services."""

from __future__ import annotations

STOCK_TOPIC = "inventory.stock"
"""Stock on hand, lots and their expiry, the shortages of visits' kits: the stock and reorder
lists read again on it."""
ORDERS_TOPIC = "inventory.orders"
"""Purchase orders and what is on order: the purchase orders and reorder lists."""
CATALOGUE_TOPIC = "inventory.catalogue"
"""Items (added, changed, retired, restored, imported) and vendors (added, changed, imported):
every list that names them (stock, reorder, purchase orders)."""
EQUIPMENT_TOPIC = "inventory.assets"
"""Assets, their maintenance plans and service log: the equipment due."""
KITS_TOPIC = "inventory.kits"
"""The supply kits of appointment types."""

__all__ = ["CATALOGUE_TOPIC", "EQUIPMENT_TOPIC", "KITS_TOPIC", "ORDERS_TOPIC", "STOCK_TOPIC"]
