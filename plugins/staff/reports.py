"""Staff reports for ``medoffice reports`` (the ``medoffice_reports`` hook).

- ``staff.compliance`` (``within``, days, 30 by default): one row per thing the office
  manager must chase, worst first: trainings overdue or due within the days, and
  credentials expired or expiring within them (a blocking one says so).

Evaluations due and hours per person join it with those features.
"""

from __future__ import annotations

from collections.abc import Mapping

from medoffice.core import Context
from medoffice.core.records import ReportResult, ReportSpec

from . import credentials, training
from .permissions import COMPLIANCE


def compliance(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    within = params.get("within", "30")
    rows = []
    for due in training.standing(ctx, within=within):
        rows.append((due.status, due.staff, "training", due.requirement, str(due.due_on),
                     f"{-due.days} days overdue" if due.days < 0 else f"due in {due.days} days"))
    for cred in credentials.expiring(ctx, within=within):
        state = "blocks work" if cred.blocks else "overridden" if cred.override else ""
        rows.append(("overdue" if cred.alert == "expired" else "due", cred.staff, "credential", cred.label,
                     str(cred.expires_on), ("expired" if cred.days_left < 0 else f"expires in {cred.days_left} days")
                     + (f", {state}" if state else "")))
    rows.sort(key=lambda r: (r[0] != "overdue", r[4], r[1]))
    overdue = sum(1 for r in rows if r[0] == "overdue")
    return ReportResult("Compliance", ("status", "staff", "kind", "what", "date", "note"), rows,
                        notes=f"{overdue} overdue, {len(rows) - overdue} due within {within} days")


REPORTS = [
    ReportSpec("staff.compliance", "Compliance", compliance, COMPLIANCE, ("within",),
               "Trainings overdue or due, credentials expired or expiring, worst first."),
]
