"""Staff reports for ``medoffice reports`` (the ``medoffice_reports`` hook).

- ``staff.compliance`` (``within``, days, 30 by default): one row per item of the
  compliance sections (:mod:`.compliance`), one per thing the office
  manager must chase, worst first: trainings overdue or due within the days, credentials
  expired or expiring within them (a blocking one says so), policies someone has not
  acknowledged by their due day or within the days, (for users who may see evaluations,
  ``hr.evaluations``) evaluations overdue or due within them, and (for users with
  ``hr.tasks``) delegated tasks past their due day.
- ``staff.compliance_overview`` (``within``): the compliance overview screen's lines, per
  person a count of what is overdue (late) and due in each section the user may see.
- ``staff.evaluations_due`` (``within``, days, 30 by default): the evaluations not yet
  signed by the manager that are overdue or due, with how far each has got.
- ``staff.hours`` (``period``, a day in the pay period; the last that ended by default):
  hours per person in the period, worked, regular, overtime, double and paid time off, and
  whether the timesheet is approved (:mod:`.hours`). Hours only, never pay.
"""

from __future__ import annotations

from collections.abc import Mapping

from medoffice.core import Context
from medoffice.core.records import ReportResult, ReportSpec

from . import evaluations, hours
from .compliance import evaluation_progress as _progress
from .compliance import items as compliance_items
from .compliance import overview
from .permissions import COMPLIANCE, EVALUATIONS, TIMESHEETS


def compliance(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Every item of :data:`.compliance.SECTIONS` the user may see (the overview's lines)."""
    within = params.get("within", "30")
    rows = [(i.status, i.staff, i.kind, i.what, str(i.due_on), i.note) for i in compliance_items(ctx, within=within)]
    overdue = sum(1 for r in rows if r[0] == "overdue")
    return ReportResult("Compliance", ("status", "staff", "kind", "what", "date", "note"), rows,
                        notes=f"{overdue} overdue, {len(rows) - overdue} due within {within} days")


def _counted(overdue: int, due: int) -> str:
    return " ".join(p for p in (overdue and f"{overdue} late", due and f"{due} due") if p) or "-"


def compliance_overview(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """The overview screen's lines: per person, how many things are overdue (late) and due
    within the days in each section the user may see, most overdue first."""
    seen = overview(ctx, within=params.get("within", "30"))
    rows = [(p.staff, *(_counted(o, d) for o, d in p.counts)) for p in seen.people]
    late = sum(p.overdue for p in seen.people)
    return ReportResult("Compliance overview", ("staff", *seen.sections), rows,
                        notes=f"{len(rows)} people, {late} things overdue, due within {seen.within} days")


def evaluations_due(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    within = params.get("within", "30")
    found = evaluations.due(ctx, within=within)
    rows = [("overdue" if e.overdue else "due", e.staff, e.cycle, e.period, str(e.due_on), _progress(e))
            for e in found]
    overdue = sum(1 for e in found if e.overdue)
    return ReportResult("Evaluations due", ("status", "staff", "cycle", "period", "due", "note"), rows,
                        notes=f"{overdue} overdue, {len(rows) - overdue} due within {within} days")


REPORTS = [
    ReportSpec("staff.compliance", "Compliance", compliance, COMPLIANCE, ("within",),
               "Trainings overdue or due, credentials expired or expiring, policies not acknowledged, evaluations "
               "overdue, tasks overdue, worst first."),
    ReportSpec("staff.compliance_overview", "Compliance overview", compliance_overview, COMPLIANCE, ("within",),
               "Per person, how many trainings, credentials, policies, evaluations and tasks are overdue and due, "
               "most overdue first (the TUI's compliance overview)."),
    ReportSpec("staff.evaluations_due", "Evaluations due", evaluations_due, EVALUATIONS, ("within",),
               "Evaluations overdue or due within the days and not yet signed by the manager."),
    ReportSpec("staff.hours", "Hours per person", hours.report, TIMESHEETS, ("period",),
               "Hours worked, overtime and paid time off per person in a pay period."),
]
