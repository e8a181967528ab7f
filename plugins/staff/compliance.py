"""What the office manager must chase, per person, composed from sections.

Each :class:`Section` (trainings, credentials, policies, evaluations, tasks) turns its
feature's "what is overdue or due" into :class:`ComplianceItem` lines; the ``staff.compliance``
report lists the items, and the compliance overview screen counts them per person and per
section. A feature joins both by adding its section to :data:`SECTIONS`, nothing else: the
report's rows, the overview's columns and what each person's line holds follow.

A section is shown only to users with its permission (evaluations: ``hr.evaluations``;
tasks: ``hr.tasks``); the overview itself needs ``hr.compliance``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from medoffice.core.context import Context

from . import credentials, evaluations, policies, tasks, training
from .common import whole
from .permissions import COMPLIANCE, EVALUATIONS, TASKS

STATUSES = ("overdue", "due")


@attrs.frozen
class ComplianceItem:
    """One thing to chase: one person's training, credential, policy, evaluation or task."""

    staff_id: int | None
    """None for a task given to a role rather than a person."""
    staff: str
    kind: str
    """The section's ``kind``: ``training``, ``credential``, ``policy``…"""
    what: str
    due_on: dt.date | None
    status: str = attrs.field(validator=attrs.validators.in_(STATUSES))
    note: str


@attrs.frozen
class Section:
    """One part of the overview.

    Args:
        kind: the items' kind (``training``).
        title: the overview's column (``Trainings``), at most 10 characters (five sections
            and a name fit in 80 columns).
        permission: who may see this section.
        collect: ``collect(ctx, within_days)``, the items overdue or due within the days.
    """

    kind: str
    title: str
    permission: str
    collect: Callable[[Context, int], Iterable[ComplianceItem]]


def _days(days: int) -> str:
    return f"{-days} days overdue" if days < 0 else f"due in {days} days"


def _trainings(ctx: Context, within: int) -> Iterable[ComplianceItem]:
    for due in training.standing(ctx, within=within):
        yield ComplianceItem(due.staff_id, due.staff, "training", due.requirement, due.due_on, due.status,
                             _days(due.days))


def _credentials(ctx: Context, within: int) -> Iterable[ComplianceItem]:
    for cred in credentials.expiring(ctx, within=within):
        state = "blocks work" if cred.blocks else "overridden" if cred.override else ""
        yield ComplianceItem(cred.staff_id, cred.staff, "credential", cred.label, cred.expires_on,
                             "overdue" if cred.alert == "expired" else "due",
                             ("expired" if cred.days_left < 0 else f"expires in {cred.days_left} days")
                             + (f", {state}" if state else ""))


def _policies(ctx: Context, within: int) -> Iterable[ComplianceItem]:
    for owed in policies.unsigned(ctx, within=within):
        yield ComplianceItem(owed.staff_id, owed.staff, "policy", f"{owed.policy} (version {owed.version})",
                             owed.due_on, owed.status, "not acknowledged, " + _days(owed.days))


def evaluation_progress(review: Any) -> str:
    step = "awaiting the manager's signature" if review.status == "self_signed" else "awaiting the self-assessment"
    when = _days(review.days) if review.days is not None else ""
    return f"{when}, {step}"


def _evaluations(ctx: Context, within: int) -> Iterable[ComplianceItem]:
    for review in evaluations.due(ctx, within=within):
        yield ComplianceItem(review.staff_id, review.staff, "evaluation", f"{review.cycle} {review.period}",
                             review.due_on, "overdue" if review.overdue else "due", evaluation_progress(review))


def _tasks(ctx: Context, within: int) -> Iterable[ComplianceItem]:
    for task in tasks.overdue_lines(ctx):
        yield ComplianceItem(task.assignee_staff_id, task.assignee, "task", task.title, task.due_on, "overdue",
                             f"{task.overdue_days} days overdue, {task.status.replace('_', ' ')}")


SECTIONS: list[Section] = [
    Section("training", "Trainings", COMPLIANCE, _trainings),
    Section("credential", "Licences", COMPLIANCE, _credentials),
    Section("policy", "Policies", COMPLIANCE, _policies),
    Section("evaluation", "Reviews", EVALUATIONS, _evaluations),
    Section("task", "Tasks", TASKS, _tasks),
]
"""The overview's sections, in column order. A feature adds its own here."""


def sections_for(ctx: Context) -> list[Section]:
    return [s for s in SECTIONS if ctx.can(s.permission)]


def items(ctx: Context, *, within: Any = 30) -> list[ComplianceItem]:
    """Everything overdue or due within ``within`` days the user may see, overdue first, then
    by day and name."""
    ctx.require(COMPLIANCE)
    days = whole(within, field="within", low=0, high=3650)
    found = [item for section in sections_for(ctx) for item in section.collect(ctx, days)]
    found.sort(key=lambda i: (i.status != "overdue", i.due_on or dt.date.max, i.staff))
    return found


@attrs.frozen
class PersonStanding:
    """One line of the overview: a person's counts per section and their items."""

    staff_id: int | None
    staff: str
    counts: tuple[tuple[int, int], ...]
    """Per section, in :attr:`Overview.sections` order: (overdue, due)."""
    items: tuple[ComplianceItem, ...]
    overdue: int = attrs.field(init=False, default=attrs.Factory(
        lambda self: sum(o for o, _ in self.counts), takes_self=True))


@attrs.frozen
class Overview:
    sections: tuple[str, ...]
    """The column titles, in order."""
    within: int
    people: tuple[PersonStanding, ...]
    """Everyone with something to chase, most overdue first."""


def overview(ctx: Context, *, within: Any = 30) -> Overview:
    """Per person, how many things of each section are overdue and due within the days."""
    shown = sections_for(ctx)
    found = items(ctx, within=within)
    kinds = [s.kind for s in shown]
    column = {kind: n for n, kind in enumerate(kinds)}
    by_person: dict[tuple[int | None, str], tuple[list[ComplianceItem], list[list[int]]]] = {}
    for item in found:
        theirs, counts = by_person.setdefault((item.staff_id, item.staff), ([], [[0, 0] for _ in kinds]))
        theirs.append(item)
        counts[column[item.kind]][item.status != "overdue"] += 1
    people = [PersonStanding(staff_id, name, tuple((o, d) for o, d in counts), tuple(theirs))
              for (staff_id, name), (theirs, counts) in by_person.items()]
    people.sort(key=lambda p: (-p.overdue, -sum(d for _, d in p.counts), p.staff))
    return Overview(tuple(s.title for s in shown), whole(within, field="within", low=0, high=3650), tuple(people))
