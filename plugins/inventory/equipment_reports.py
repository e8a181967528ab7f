"""The equipment report for ``medoffice reports`` (the ``medoffice_reports`` hook).

- ``inventory.equipment_due`` (``days``, 30 by default): each maintenance task due within the
  days and every overdue one, most overdue first: the asset, where it stands, the task, when it
  was last done, and whether the asset is out of service. It reads the same service as
  ``medoffice inventory equipment due``, so the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping

from medoffice.core import Context
from medoffice.core.records import ReportResult, ReportSpec

from .permissions import READ


def equipment_due(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Maintenance due within ``days`` and overdue, most overdue first."""
    from .equipment_maintenance import due

    days = params.get("days") or "30"
    found = due(ctx, days)
    rows = [(str(r.next_due), r.days, "overdue" if r.overdue else "due", r.asset, r.location or "", r.task,
             str(r.last_done or "never"), "in service" if r.in_service else "OUT OF SERVICE") for r in found]
    late = sum(1 for r in found if r.overdue)
    return ReportResult(f"Equipment maintenance due within {days} days", (
        "Due", "Days", "State", "Asset", "Location", "Task", "Last done", "Asset state"), rows,
        f"{late} overdue" if late else "")


EQUIPMENT_REPORTS = (
    ReportSpec("inventory.equipment_due", "Equipment maintenance due", equipment_due, READ, params=("days",),
               description="Maintenance tasks due within DAYS (default 30) and every overdue one, most overdue "
                           "first."),
)
