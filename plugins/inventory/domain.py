"""The inventory domain as other plugins and the TUI see it (``ctx.role_service("inventory")``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, final

if TYPE_CHECKING:
    from medoffice.core import Context


@final
class InventoryDomain:
    """Satisfies :class:`medoffice.core.domains.InventoryService`."""

    def items_below_reorder_point(self, ctx: Context) -> list[str]:
        """Names of active items with a par level whose usable (unexpired) stock is at or below
        their reorder point, by name (needs ``inventory.read``)."""
        from .orders import low_items
        from .permissions import READ

        ctx.require(READ)
        return [item.name for item, _ in low_items(ctx)]


SERVICE = InventoryDomain()
