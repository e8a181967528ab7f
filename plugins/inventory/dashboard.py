"""The dashboard's "Supplies to reorder" card: how many items are low, and the first few."""

from __future__ import annotations

from medoffice.core import Context
from medoffice.core.records import DashboardCard

from .permissions import READ

SHOWN = 3


def cards(ctx: Context) -> list[DashboardCard]:
    """One card when something is at or below its reorder point (none when nothing is, or the
    user may not see stock): the count, and the first names."""
    if not ctx.can(READ):
        return []
    from .domain import SERVICE

    low = SERVICE.items_below_reorder_point(ctx)
    if not low:
        return []
    more = f" and {len(low) - SHOWN} more" if len(low) > SHOWN else ""
    return [DashboardCard("Supplies to reorder", str(len(low)), ", ".join(low[:SHOWN]) + more, severity="warning")]
