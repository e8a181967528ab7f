"""The dashboard's inventory cards: "Supplies to reorder" (how many items are low, and the
first few), "Supply shortages" (what completed visits' kits lacked, still open),
"Equipment maintenance overdue" (how many tasks, and the first assets) and "Equipment out of
service" (the assets out of service today, as ``equipment list --out-of-service`` lists them)."""

from __future__ import annotations

from medoffice.core import Context
from medoffice.core.records import DashboardCard

from .permissions import READ

SHOWN = 3


def cards(ctx: Context) -> list[DashboardCard]:
    """Up to three cards, each only when it has something to say (none when the user may not
    see stock): the items to reorder, the open shortages of visits' kits, and the overdue
    maintenance of the equipment."""
    if not ctx.can(READ):
        return []
    from .domain import SERVICE
    from .visit_supplies import shortages

    found = []
    low = SERVICE.items_below_reorder_point(ctx)
    if low:
        more = f" and {len(low) - SHOWN} more" if len(low) > SHOWN else ""
        found.append(DashboardCard("Supplies to reorder", str(len(low)), ", ".join(low[:SHOWN]) + more,
                                   severity="warning"))
    short = shortages(ctx)
    if short:
        items = list(dict.fromkeys(s.item for s in short))
        more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
        found.append(DashboardCard("Supply shortages", str(len(short)),
                                   "visits lacked " + ", ".join(items[:SHOWN]) + more, severity="warning"))
    return found + equipment_cards(ctx)


def equipment_cards(ctx: Context) -> list[DashboardCard]:
    """A card when some maintenance is overdue (how many tasks, and the first: asset and task)
    and one when some assets are out of service today (how many, and the first with their
    reasons); an asset going out on a day to come is not counted before that day."""
    from .equipment import list_assets
    from .equipment_maintenance import overdue

    found = []
    late = overdue(ctx)
    if late:
        named = [f"{r.asset} {r.task} ({-r.days} days late)" for r in late[:SHOWN]]
        more = f" and {len(late) - SHOWN} more" if len(late) > SHOWN else ""
        found.append(DashboardCard("Equipment maintenance overdue", str(len(late)), ", ".join(named) + more,
                                   severity="warning"))
    down = list_assets(ctx, out_of_service=True)
    if down:
        named = [f"{a.name} ({a.out_reason})" for a in down[:SHOWN]]
        more = f" and {len(down) - SHOWN} more" if len(down) > SHOWN else ""
        found.append(DashboardCard("Equipment out of service", str(len(down)), ", ".join(named) + more,
                                   severity="warning"))
    return found
