"""The staff plugin's dashboard cards (``medoffice_dashboard_cards``): what the office
manager must chase, shown only when there is something, to users with ``hr.compliance``
(evaluations: ``hr.evaluations``), and to users with ``hr.tasks`` (overdue tasks);
everyone else sees their own open tasks."""

from __future__ import annotations

from medoffice.core import Context, DashboardCard

from . import credentials, evaluations, policies, tasks, training
from .permissions import COMPLIANCE, EVALUATIONS, SELF, TASKS

DUE_DAYS = 30


def cards(ctx: Context) -> list[DashboardCard]:
    from . import hours

    return compliance_cards(ctx) + task_cards(ctx) + hours.cards(ctx)


def compliance_cards(ctx: Context) -> list[DashboardCard]:
    found: list[DashboardCard] = []
    if not ctx.can(COMPLIANCE):
        return found
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
    owed = policies.unsigned(ctx)
    if owed:
        late = sum(1 for u in owed if u.status == "overdue")
        people = len({u.staff_id for u in owed})
        found.append(DashboardCard("Policies unsigned", str(len(owed)),
                                   f"{late} overdue; {people} {'person' if people == 1 else 'people'} to sign; "
                                   "medoffice policies unsigned", "error" if late else "warning"))
    if ctx.can(EVALUATIONS):
        reviews = evaluations.due(ctx, within=DUE_DAYS)
        late = sum(1 for e in reviews if e.overdue)
        if reviews:
            found.append(DashboardCard("Evaluations overdue", str(late),
                                       f"{len(reviews) - late} more due within {DUE_DAYS} days; medoffice evaluations due",
                                       "error" if late else "warning"))
    return found


def task_cards(ctx: Context) -> list[DashboardCard]:
    """"Tasks overdue" for whoever delegates (everyone's), else "My tasks" (one's own and
    one's role's), when there are any."""
    if ctx.can(TASKS):
        late = tasks.overdue(ctx)
        if not late:
            return []
        worst = max(t.overdue_days for t in late)
        return [DashboardCard("Tasks overdue", str(len(late)),
                              f"the oldest {worst} day{'s' if worst != 1 else ''} late; medoffice tasks overdue",
                              "error" if any(t.priority in ("high", "urgent") for t in late) else "warning")]
    if not ctx.can(SELF):
        return []
    mine = tasks.mine(ctx)
    if not mine:
        return []
    late = sum(1 for t in mine if t.overdue_days)
    return [DashboardCard("My tasks", str(len(mine)),
                          (f"{late} overdue; " if late else "") + "medoffice tasks mine",
                          "warning" if late else "info")]
