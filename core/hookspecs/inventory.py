"""The inventory domain: items, stock, vendors, purchase orders and equipment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._markers import hookspec

if TYPE_CHECKING:
    from ..context import Context
    from ..domains import InventoryService
    from ..records import ReceivedOrder


@hookspec(firstresult=True)
def medoffice_inventory_service(ctx: Context) -> InventoryService | None:
    """Provide the inventory domain.

    Implemented by the one enabled plugin whose ``provides`` is ``"inventory"``.

    Returns:
        An object satisfying :class:`~medoffice.core.domains.InventoryService`.
    """


@hookspec
def medoffice_order_received(ctx: Context, order: ReceivedOrder) -> None:
    """A purchase order was received into stock: announced for plugins that react to it.

    The inventory provider books the receipt's expense itself, once, through the billing
    role's service (``ctx.role_service("billing").record_expense``) before announcing this;
    billing does not listen, so the expense is booked through exactly one path. The built-in
    inventory plugin calls it for every receipt.

    Args:
        ctx: the receiving operation's context.
        order: the order, its vendor, total and lines.
    """
