"""The staff plugin's dashboard cards (``medoffice_dashboard_cards``): what the office
manager must chase, shown only when there is something, to users with ``hr.compliance``."""

from __future__ import annotations

from medoffice.core import Context, DashboardCard

from . import credentials, training
from .permissions import COMPLIANCE

DUE_DAYS = 30


def cards(ctx: Context) -> list[DashboardCard]:
    if not ctx.can(COMPLIANCE):
        return []
    found = []
    due = training.standing(ctx, within=DUE_DAYS)
    overdue = sum(1 for d in due if d.status == "overdue")
    if due:
        found.append(DashboardCard("Trainings overdue", str(overdue),
                                   f"{len(due) - overdue} more due within {DUE_DAYS} days; medoffice training due",
                                   "error" if overdue else "warning"))
    alerts = credentials.expiring(ctx)
    expired = [c for c in alerts if c.alert == "expired"]
    blocking = sum(1 for c in expired if c.blocks)
    if alerts:
        detail = (f"{blocking} block{'s' if blocking == 1 else ''} work; " if blocking else "") + \
            f"{len(alerts) - len(expired)} expire within 90 days; medoffice credentials expiring"
        found.append(DashboardCard("Credentials expired", str(len(expired)), detail,
                                   "error" if blocking else "warning" if alerts else "info"))
    return found
