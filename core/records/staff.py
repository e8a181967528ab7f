"""Records other plugins exchange with the staff domain: a task to delegate, and the task
made of it (``StaffService.create_task``).

A plugin that notices work for the office's people (inventory: stock is low, reorder it)
hands the staff domain a :class:`TaskDraft`; the staff plugin files it as a delegated task
in someone's "my tasks" and answers with a :class:`TaskRecord`. The caller never reads the
staff plugin's tables.

.. versionadded:: 1 (hook API version 1)
"""

from __future__ import annotations

import datetime as dt

import attrs

TASK_PRIORITIES = ("low", "normal", "high", "urgent")
TASK_STATUSES = ("open", "in_progress", "done", "cancelled")
TASK_OPEN_STATUSES = ("open", "in_progress")
"""The statuses of a task still to do (the others are ends)."""


def _one_assignee(instance: TaskDraft, attribute: attrs.Attribute, value: object) -> None:
    if (instance.assignee_role is None) == (instance.assignee_staff_id is None):
        raise ValueError("a task goes to one staff member (assignee_staff_id) or one role (assignee_role)")


def _not_a_datetime(instance: object, attribute: attrs.Attribute, value: dt.date | None) -> None:
    if isinstance(value, dt.datetime):
        raise TypeError(f"{attribute.name} is a calendar day (a date), not a moment")


@attrs.frozen
class TaskDraft:
    """A task another plugin asks the staff domain to file.

    Args:
        title: what to do, one line (``Reorder: Nitrile gloves (M)``).
        assignee_role: a staff or user role (``manager``, ``front_desk``); everyone in it sees
            the task in "my tasks". Give this or ``assignee_staff_id``, not both.
        assignee_staff_id: one staff member (``core_staff.id``).
        due_on: the day it is due in the practice's zone, or None.
        priority: one of :data:`TASK_PRIORITIES`.
        note: more words, shown with the task.
        source: who asked, for the reader and the audit (``inventory.reorder``).
        key: while a task with this key is open or in progress, filing the same key again
            files nothing and returns that task: one "Reorder" task at a time, however often
            the reorder pass runs.
    """

    title: str
    assignee_role: str | None = None
    assignee_staff_id: int | None = attrs.field(default=None, validator=_one_assignee)
    due_on: dt.date | None = attrs.field(default=None, validator=_not_a_datetime)
    priority: str = attrs.field(default="normal", validator=attrs.validators.in_(TASK_PRIORITIES))
    note: str | None = None
    source: str | None = None
    key: str | None = None


@attrs.frozen
class TaskRecord:
    """A delegated task as filed. ``created`` is False when an open task with the draft's
    ``key`` was there already (and is this one)."""

    id: int
    title: str
    status: str = attrs.field(validator=attrs.validators.in_(TASK_STATUSES))
    priority: str = attrs.field(validator=attrs.validators.in_(TASK_PRIORITIES))
    assignee_role: str | None
    assignee_staff_id: int | None
    due_on: dt.date | None
    source: str | None = None
    key: str | None = None
    created: bool = True
