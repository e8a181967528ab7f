"""Delegated tasks: work for one staff member or for everyone in a role, with a due day, a
priority, a status (open, in progress, done, cancelled) and comments; recurring tasks (the
daily fridge temperature log, the weekly bank deposit); "my tasks" and the overdue list.

Who does what:

- ``hr.tasks`` (managers): file tasks for anyone, edit, reassign, cancel and reopen them, see
  everyone's, keep the recurring tasks;
- ``hr.self`` (everyone): see one's own tasks — those for one's staff record and those for
  one's role (the user's roles, and the role of the staff record the user is linked to) —
  start them, mark them done and comment on them.

A recurring task has one occurrence open at a time. Marking it done (or cancelling it) files
the next, due on the first day of the recurrence after the finished one's due day and not
before today: a fridge log finished three days late is next due today, not three times over.
Nothing runs on a timer; stopping a recurring task files no more (the open one stays).

Other plugins file tasks through the staff domain (``StaffService.create_task`` with a
:class:`~medoffice.core.records.TaskDraft`): :func:`file_draft`. A draft's ``key`` makes the
filing idempotent while the task is open (a partial unique index backs the check, so two
terminals cannot file it twice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from medoffice.core.context import Context
from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.records import TaskDraft, TaskRecord
from medoffice.core.storage import refusals
from medoffice.core.storage.models import Staff
from medoffice.core.validation import Fields, optional_text, require_text

from .common import add_months, optional_day, parse_role, plus_days, role_key, staff_row, today
from .models import (
    MAX_NOTE,
    MAX_SOURCE,
    MAX_TASK_KEY,
    MAX_TEXT,
    MAX_TITLE,
    TASK_EVERY,
    TASK_PRIORITIES,
    RecurringTask,
    Task,
    TaskComment,
)
from .permissions import SELF, TASKS

OPEN = ("open", "in_progress")
TOPIC = "staff.tasks"
"""Announced on every change, so that "my tasks" on other terminals reloads."""
EVERY_WORDS = {"day": "every day", "weekday": "every weekday", "week": "every week", "month": "every month"}
PRIORITY_ORDER = {p: i for i, p in enumerate(reversed(TASK_PRIORITIES))}
"""urgent 0 … low 3: the sort key, most pressing first."""
LAST_DAY = dt.date(2999, 12, 31)


@attrs.frozen
class CommentRecord:
    written_at: dt.datetime
    author: str
    body: str


@attrs.frozen
class TaskView:
    """A task as the office reads it."""

    id: int
    title: str
    assignee: str
    """The staff member's name, or ``role: front desk``."""
    assignee_staff_id: int | None
    assignee_role: str | None
    due_on: dt.date | None
    priority: str
    status: str
    overdue_days: int
    """Days past due (0 when not overdue or finished)."""
    note: str | None
    source: str | None
    recurring_id: int | None
    recurrence: str | None
    """``every day``… for an occurrence of a recurring task."""
    created_by: str
    created_at: dt.datetime
    finished_by: str | None
    finished_at: dt.datetime | None
    comment_count: int
    comments: tuple[CommentRecord, ...] = ()
    """Filled by :func:`show` only."""


@attrs.frozen
class RecurringView:
    id: int
    title: str
    assignee: str
    every: str
    recurrence: str
    starts_on: dt.date
    priority: str
    active: bool
    next_due: dt.date | None
    """The open occurrence's due day (None when none is open)."""
    open_task_id: int | None


# -- who -----------------------------------------------------------------------------------------


def _own_staff(ctx: Context) -> Staff | None:
    if not ctx.user.id:
        return None
    return ctx.session.execute(select(Staff).where(Staff.user_id == ctx.user.id)).scalars().first()


def my_roles(ctx: Context) -> set[str]:
    """The roles whose tasks are the signed-in user's: their user roles and the role of the
    staff record linked to them."""
    roles = {role_key(r) for r in ctx.user.roles}
    person = _own_staff(ctx)
    if person is not None:
        roles.add(role_key(person.role))
    return {r for r in roles if r}


def _mine_clause(ctx: Context):
    person = _own_staff(ctx)
    clauses = [Task.assignee_role.in_(sorted(my_roles(ctx)))]
    if person is not None:
        clauses.append(Task.assignee_staff_id == person.id)
    return or_(*clauses)


def _is_mine(ctx: Context, task: Task) -> bool:
    if task.assignee_role is not None:
        return task.assignee_role in my_roles(ctx)
    person = _own_staff(ctx)
    return person is not None and person.id == task.assignee_staff_id


def _may_work_on(ctx: Context, task: Task) -> None:
    """Managers may work on any task; everyone else on their own (``hr.self``)."""
    if ctx.can(TASKS):
        return
    ctx.require(SELF)
    if not _is_mine(ctx, task):
        raise PermissionDenied(ctx.user.username, TASKS)


def _assignee(ctx: Context, staff_id: Any, role: Any, fields: Fields) -> tuple[int | None, str | None]:
    given_staff = staff_id not in (None, "")
    given_role = role is not None and str(role).strip() != ""
    if given_staff == given_role:
        fields.add("assignee", "give a staff member (--staff ID) or a role (--role ROLE), one of them")
        return None, None
    if given_role:
        return None, fields.parse("role", parse_role, role)
    if isinstance(staff_id, bool) or not isinstance(staff_id, int):
        fields.add("staff", f"staff must be a staff id, got {str(staff_id)[:40]!r}")
        return None, None
    person = ctx.session.get(Staff, staff_id) if 0 < staff_id < 2**31 else None
    if person is None:
        fields.add("staff", f"no staff member with id {staff_id}")
        return None, None
    if not person.active:
        fields.add("staff", f"{person.name} is no longer active")
    return person.id, None


def _priority(value: Any, *, field: str = "priority") -> str:
    text = str(value if value is not None else "normal").strip().lower()
    if text not in TASK_PRIORITIES:
        raise ValidationError(f"{field} must be one of {', '.join(TASK_PRIORITIES)}, got {str(value)[:40]!r}",
                              field=field)
    return text


def _every(value: Any, *, field: str = "every") -> str:
    text = str(value or "").strip().lower()
    text = {"daily": "day", "weekly": "week", "monthly": "month", "weekdays": "weekday"}.get(text, text)
    if text not in TASK_EVERY:
        raise ValidationError(f"{field} must be one of {', '.join(TASK_EVERY)}, got {str(value)[:40]!r}",
                              field=field)
    return text


# -- records -----------------------------------------------------------------------------------


def _assignee_text(task: Task | RecurringTask, names: Mapping[int, str]) -> str:
    if task.assignee_role is not None:
        return "role: " + task.assignee_role.replace("_", " ")
    return names.get(task.assignee_staff_id or 0, f"staff {task.assignee_staff_id}")


def _views(ctx: Context, rows: list[Task], *, with_comments: bool = False) -> list[TaskView]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    staff_ids = {r.assignee_staff_id for r in rows if r.assignee_staff_id}
    names = dict(ctx.session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(staff_ids))).all()) \
        if staff_ids else {}
    counts = dict(ctx.session.execute(select(TaskComment.task_id, func.count()).where(TaskComment.task_id.in_(ids))
                                      .group_by(TaskComment.task_id)).all())
    series_ids = {r.recurring_id for r in rows if r.recurring_id}
    every = dict(ctx.session.execute(select(RecurringTask.id, RecurringTask.every)
                                     .where(RecurringTask.id.in_(series_ids))).all()) if series_ids else {}
    comments: dict[int, list[CommentRecord]] = {}
    if with_comments:
        for c in ctx.session.execute(select(TaskComment).where(TaskComment.task_id.in_(ids))
                                     .order_by(TaskComment.written_at, TaskComment.id)).scalars():
            comments.setdefault(c.task_id, []).append(CommentRecord(c.written_at, c.author, c.body))
    now = today(ctx)
    return [TaskView(r.id, r.title, _assignee_text(r, names), r.assignee_staff_id, r.assignee_role, r.due_on,
                     r.priority, r.status,
                     (now - r.due_on).days if r.status in OPEN and r.due_on is not None and r.due_on < now else 0,
                     r.note, r.source, r.recurring_id, EVERY_WORDS.get(every.get(r.recurring_id, "")),
                     r.created_by, r.created_at, r.finished_by, r.finished_at, counts.get(r.id, 0),
                     tuple(comments.get(r.id, ()))) for r in rows]


def _view(ctx: Context, row: Task, *, with_comments: bool = False) -> TaskView:
    return _views(ctx, [row], with_comments=with_comments)[0]


def _sorted(rows: list[Task]) -> list[Task]:
    return sorted(rows, key=lambda r: (r.status not in OPEN, r.due_on or LAST_DAY, PRIORITY_ORDER[r.priority], r.id))


def _load(ctx: Context, task_id: Any, *, lock: bool = False) -> Task:
    if isinstance(task_id, bool) or not isinstance(task_id, int) or not 0 < task_id < 2**31:
        raise ValidationError(f"task must be a task id, got {str(task_id)[:40]!r}", field="task")
    query = select(Task).where(Task.id == task_id)
    if lock:
        query = query.with_for_update()
    row = ctx.session.execute(query).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no task with id {task_id}")
    return row


# -- filing ------------------------------------------------------------------------------------


def _open_with_key(ctx: Context, key: str) -> Task | None:
    return ctx.session.execute(select(Task).where(Task.key == key, Task.status.in_(OPEN))).scalars().first()


def _file(ctx: Context, *, title: str, staff_id: int | None, role: str | None, due_on: dt.date | None,
          priority: str, note: str | None, source: str | None = None, key: str | None = None,
          recurring_id: int | None = None) -> tuple[Task, bool]:
    """Insert a task (or find the open one with ``key``): ``(task, created)``."""
    if key is not None:
        found = _open_with_key(ctx, key)
        if found is not None:
            return found, False
    now = ctx.now()
    row = Task(title=title, note=note, assignee_staff_id=staff_id, assignee_role=role, due_on=due_on,
               priority=priority, status="open", source=source, key=key, recurring_id=recurring_id,
               created_at=now, created_by=ctx.user.username, updated_at=now)
    savepoint = ctx.session.begin_nested()
    ctx.session.add(row)
    try:
        ctx.session.flush()
    except IntegrityError as error:
        savepoint.rollback()
        found_refusal = refusals.refusal(error)
        if key is None or found_refusal is None or found_refusal.kind != refusals.UNIQUE:
            raise
        found = _open_with_key(ctx, key)  # another terminal filed it a moment ago
        if found is None:
            raise Conflict("another terminal changed this task just now; try again") from None
        return found, False
    savepoint.commit()
    ctx.audit("hr.task.added", "staff_task", row.id, summary={
        "title": title, "staff_id": staff_id, "role": role, "due": due_on.isoformat() if due_on else None,
        "priority": priority, "source": source, "recurring_id": recurring_id})
    ctx.changed(TOPIC)
    return row, True


def add(ctx: Context, title: Any, *, staff_id: Any = None, role: Any = None, due: Any = None,
        priority: Any = "normal", note: Any = None) -> TaskView:
    """File a task for a staff member or everyone in a role (``hr.tasks``)."""
    ctx.require(TASKS)
    fields = Fields()
    text = fields.parse("title", require_text, title, max_length=MAX_TITLE)
    due_on = fields.parse("due", optional_day, due)
    level = fields.parse("priority", _priority, priority)
    words = fields.parse("note", optional_text, note, max_length=MAX_TEXT, multiline=True)
    person, group = _assignee(ctx, staff_id, role, fields)
    fields.done()
    row, _ = _file(ctx, title=text, staff_id=person, role=group, due_on=due_on, priority=level, note=words)
    return _view(ctx, row)


def file_draft(ctx: Context, draft: TaskDraft) -> TaskRecord:
    """The staff domain's ``create_task``: file another plugin's task (validated like one
    typed, audited as the caller's user with the draft's source; no task permission asked)."""
    if not isinstance(draft, TaskDraft):
        raise TypeError(f"create_task takes a TaskDraft, got {type(draft).__name__}")
    fields = Fields()
    text = fields.parse("title", require_text, draft.title[:MAX_TITLE] if isinstance(draft.title, str) else None,
                        max_length=MAX_TITLE)
    words = fields.parse("note", optional_text, draft.note, max_length=MAX_TEXT, multiline=True)
    source = fields.parse("source", optional_text, draft.source, max_length=MAX_SOURCE)
    key = fields.parse("key", optional_text, draft.key, max_length=MAX_TASK_KEY)
    person, group = _assignee(ctx, draft.assignee_staff_id, draft.assignee_role, fields)
    fields.done()
    row, created = _file(ctx, title=text, staff_id=person, role=group, due_on=draft.due_on, priority=draft.priority,
                         note=words, source=source, key=key)
    return TaskRecord(row.id, row.title, row.status, row.priority, row.assignee_role, row.assignee_staff_id,
                      row.due_on, row.source, row.key, created)


# -- lists -------------------------------------------------------------------------------------


def mine(ctx: Context, *, include_finished: bool = False) -> list[TaskView]:
    """The signed-in user's tasks (their own and their roles'), open ones first, by due day
    and priority."""
    ctx.require(SELF)
    query = select(Task).where(_mine_clause(ctx))
    if not include_finished:
        query = query.where(Task.status.in_(OPEN))
    return _views(ctx, _sorted(list(ctx.session.execute(query).scalars())))


def listing(ctx: Context, *, status: Any = None, staff_id: int | None = None, role: Any = None,
            include_finished: bool = False) -> list[TaskView]:
    """Everyone's tasks (``hr.tasks``): open ones unless ``status`` or ``include_finished``."""
    ctx.require(TASKS)
    query = select(Task)
    if status is not None:
        wanted = str(status).strip().lower().replace(" ", "_").replace("-", "_")
        if wanted not in ("open", "in_progress", "done", "cancelled"):
            raise ValidationError(f"status must be one of open, in_progress, done, cancelled, got {str(status)[:40]!r}",
                                  field="status")
        query = query.where(Task.status == wanted)
    elif not include_finished:
        query = query.where(Task.status.in_(OPEN))
    if staff_id is not None:
        staff_row(ctx, staff_id)
        query = query.where(Task.assignee_staff_id == staff_id)
    if role is not None:
        query = query.where(Task.assignee_role == parse_role(role))
    return _views(ctx, _sorted(list(ctx.session.execute(query).scalars())))


def overdue(ctx: Context, *, mine_only: bool = False) -> list[TaskView]:
    """Open tasks past their due day, most overdue first: everyone's (``hr.tasks``) or, with
    ``mine_only``, the user's own."""
    ctx.require(SELF if mine_only else TASKS)
    query = select(Task).where(Task.status.in_(OPEN), Task.due_on < today(ctx))
    if mine_only:
        query = query.where(_mine_clause(ctx))
    return _views(ctx, _sorted(list(ctx.session.execute(query).scalars())))


@attrs.frozen
class OverdueLine:
    """An open task past its due day, as the compliance overview counts it."""

    assignee_staff_id: int | None
    assignee: str
    title: str
    due_on: dt.date
    overdue_days: int
    status: str


def overdue_lines(ctx: Context) -> list[OverdueLine]:
    """Everyone's open tasks past their due day (``hr.tasks``), most overdue first: one query
    (the assignee's name joined), for the compliance overview."""
    ctx.require(TASKS)
    now = today(ctx)
    rows = ctx.session.execute(
        select(Task.id, Task.title, Task.assignee_staff_id, Task.assignee_role, Task.due_on, Task.status, Staff.name)
        .outerjoin(Staff, Staff.id == Task.assignee_staff_id)
        .where(Task.status.in_(OPEN), Task.due_on < now).order_by(Task.due_on, Task.id)).all()
    return [OverdueLine(r.assignee_staff_id, _assignee_text(r, {r.assignee_staff_id: r.name} if r.name else {}),
                        r.title, r.due_on, (now - r.due_on).days, r.status) for r in rows]


def overdue_count(ctx: Context) -> int:
    """How many open tasks are past due (for the dashboard and the report; no permission
    check: the callers check theirs)."""
    return ctx.session.execute(select(func.count()).select_from(Task)
                               .where(Task.status.in_(OPEN), Task.due_on < today(ctx))).scalar_one()


def show(ctx: Context, task_id: Any) -> TaskView:
    """One task with its comments: a manager's any, anyone's own."""
    row = _load(ctx, task_id)
    _may_work_on(ctx, row)
    return _view(ctx, row, with_comments=True)


# -- working on a task -------------------------------------------------------------------------


def _note(ctx: Context, row: Task, body: str) -> None:
    ctx.session.add(TaskComment(task_id=row.id, written_at=ctx.now(), author=ctx.user.username, body=body))


def _status(ctx: Context, row: Task, status: str, *, reason: str | None = None) -> None:
    before = row.status
    row.status, row.updated_at = status, ctx.now()
    if status in OPEN:
        row.finished_at = row.finished_by = None
    else:
        row.finished_at, row.finished_by = ctx.now(), ctx.user.username
    _note(ctx, row, f"{before.replace('_', ' ')} -> {status.replace('_', ' ')}" + (f": {reason}" if reason else ""))
    ctx.session.flush()
    ctx.audit(f"hr.task.{status}", "staff_task", row.id, summary={"from": before, "to": status, "reason": reason})
    ctx.changed(TOPIC)


def start(ctx: Context, task_id: Any) -> TaskView:
    """Mark a task in progress (it was open)."""
    row = _load(ctx, task_id, lock=True)
    _may_work_on(ctx, row)
    if row.status != "open":
        raise Conflict(f"task {row.id} is {row.status.replace('_', ' ')}: only an open task is started")
    _status(ctx, row, "in_progress")
    return _view(ctx, row)


def finish(ctx: Context, task_id: Any, *, comment: Any = None) -> TaskView:
    """Mark a task done (open or in progress), with an optional last word; a recurring task's
    next occurrence is filed."""
    words = optional_text(comment, field="comment", max_length=MAX_NOTE, multiline=True)
    row = _load(ctx, task_id, lock=True)
    _may_work_on(ctx, row)
    if row.status not in OPEN:
        raise Conflict(f"task {row.id} is {row.status}: it was finished already")
    _status(ctx, row, "done", reason=words)
    _file_next(ctx, row)
    return _view(ctx, row)


def cancel(ctx: Context, task_id: Any, *, reason: Any = None) -> TaskView:
    """Cancel an open task (``hr.tasks``); a recurring task's next occurrence is filed."""
    ctx.require(TASKS)
    words = optional_text(reason, field="reason", max_length=MAX_TEXT)
    row = _load(ctx, task_id, lock=True)
    if row.status not in OPEN:
        raise Conflict(f"task {row.id} is {row.status}: only an open task is cancelled")
    _status(ctx, row, "cancelled", reason=words)
    _file_next(ctx, row)
    return _view(ctx, row)


def reopen(ctx: Context, task_id: Any, *, reason: Any = None) -> TaskView:
    """Open a done or cancelled task again (``hr.tasks``)."""
    ctx.require(TASKS)
    words = optional_text(reason, field="reason", max_length=MAX_TEXT)
    row = _load(ctx, task_id, lock=True)
    if row.status in OPEN:
        raise Conflict(f"task {row.id} is {row.status.replace('_', ' ')} already")
    if row.key is not None:
        other = _open_with_key(ctx, row.key)
        if other is not None:
            raise Conflict(f"task {other.id} ({other.title}) is open for the same thing: work on that one")
    _status(ctx, row, "open", reason=words)
    return _view(ctx, row)


def comment(ctx: Context, task_id: Any, body: Any) -> TaskView:
    """Add a comment to a task: a manager to any, anyone to their own."""
    words = require_text(body, field="comment", max_length=MAX_NOTE, multiline=True)
    row = _load(ctx, task_id, lock=True)
    _may_work_on(ctx, row)
    _note(ctx, row, words)
    row.updated_at = ctx.now()
    ctx.session.flush()
    ctx.audit("hr.task.commented", "staff_task", row.id, summary={"length": len(words)})
    ctx.changed(TOPIC)
    return _view(ctx, row, with_comments=True)


EDITABLE = ("title", "due", "priority", "note", "staff", "role")


def edit(ctx: Context, task_id: Any, changes: Mapping[str, Any]) -> TaskView:
    """Change an open task's title, due day, priority, note or assignee (``hr.tasks``). Give
    ``staff`` or ``role`` to reassign; ``due`` or ``note`` blank clears it."""
    ctx.require(TASKS)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError(f"cannot change {', '.join(unknown)}; the fields are {', '.join(EDITABLE)}",
                              field=unknown[0])
    if not changes:
        raise ValidationError("nothing to change: give at least one of " + ", ".join(EDITABLE), field="task")
    row = _load(ctx, task_id, lock=True)
    if row.status not in OPEN:
        raise Conflict(f"task {row.id} is {row.status}: reopen it to change it")
    fields = Fields()
    values: dict[str, Any] = {}
    if "title" in changes:
        values["title"] = fields.parse("title", require_text, changes["title"], max_length=MAX_TITLE)
    if "due" in changes:
        values["due_on"] = fields.parse("due", optional_day, changes["due"])
    if "priority" in changes:
        values["priority"] = fields.parse("priority", _priority, changes["priority"])
    if "note" in changes:
        values["note"] = fields.parse("note", optional_text, changes["note"], max_length=MAX_TEXT, multiline=True)
    if "staff" in changes or "role" in changes:
        values["assignee_staff_id"], values["assignee_role"] = _assignee(ctx, changes.get("staff"),
                                                                         changes.get("role"), fields)
    fields.done()
    before = {name: getattr(row, name) for name in values}
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = ctx.now()
    ctx.session.flush()
    ctx.audit("hr.task.edited", "staff_task", row.id, summary={
        name: [_plain(before[name]), _plain(value)] for name, value in values.items() if before[name] != value})
    ctx.changed(TOPIC)
    return _view(ctx, row)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# -- recurring tasks ---------------------------------------------------------------------------


def next_after(every: str, starts_on: dt.date, after: dt.date) -> dt.date:
    """The first day of the recurrence (from ``starts_on``) strictly after ``after``."""
    if after < starts_on:
        after = starts_on - dt.timedelta(days=1)
    if every == "day":
        return plus_days(after, 1)
    if every == "weekday":
        found = plus_days(after, 1)
        while found.weekday() >= 5 and found < LAST_DAY:
            found = plus_days(found, 1)
        return found
    if every == "week":
        weeks = (after - starts_on).days // 7 + 1
        return plus_days(starts_on, 7 * weeks)
    months = (after.year - starts_on.year) * 12 + after.month - starts_on.month
    found = add_months(starts_on, months)
    return found if found > after else add_months(starts_on, months + 1)


def _file_next(ctx: Context, row: Task) -> None:
    if row.recurring_id is None:
        return
    series = ctx.session.get(RecurringTask, row.recurring_id)
    if series is None or not series.active:
        return
    after = max(row.due_on or today(ctx), today(ctx) - dt.timedelta(days=1))
    _occurrence(ctx, series, next_after(series.every, series.starts_on, after))


def _occurrence(ctx: Context, series: RecurringTask, due_on: dt.date) -> Task:
    row, _ = _file(ctx, title=series.title, staff_id=series.assignee_staff_id, role=series.assignee_role,
                   due_on=due_on, priority=series.priority, note=series.note, source="staff.recurring",
                   key=f"staff.recurring:{series.id}", recurring_id=series.id)
    return row


def add_recurring(ctx: Context, title: Any, every: Any, *, staff_id: Any = None, role: Any = None,
                  starts: Any = None, priority: Any = "normal", note: Any = None) -> RecurringView:
    """A task that comes back every day, weekday, week or month from ``starts`` (today if not
    given); its first occurrence is filed now (``hr.tasks``)."""
    ctx.require(TASKS)
    fields = Fields()
    text = fields.parse("title", require_text, title, max_length=MAX_TITLE)
    often = fields.parse("every", _every, every)
    first = fields.parse("starts", optional_day, starts)
    level = fields.parse("priority", _priority, priority)
    words = fields.parse("note", optional_text, note, max_length=MAX_TEXT, multiline=True)
    person, group = _assignee(ctx, staff_id, role, fields)
    fields.done()
    starts_on = first or today(ctx)
    series = RecurringTask(title=text, note=words, assignee_staff_id=person, assignee_role=group, priority=level,
                           every=often, starts_on=starts_on, active=True, created_at=ctx.now(),
                           created_by=ctx.user.username)
    ctx.session.add(series)
    ctx.session.flush()
    ctx.audit("hr.task.recurring_added", "staff_recurring_task", series.id, summary={
        "title": text, "every": often, "starts": starts_on.isoformat(), "staff_id": person, "role": group})
    due_on = next_after(often, starts_on, max(starts_on, today(ctx)) - dt.timedelta(days=1))
    _occurrence(ctx, series, due_on)
    return _recurring_views(ctx, [series])[0]


def _recurring_views(ctx: Context, rows: list[RecurringTask]) -> list[RecurringView]:
    names = dict(ctx.session.execute(select(Staff.id, Staff.name)).all())
    open_ones = {t.recurring_id: t for t in ctx.session.execute(
        select(Task).where(Task.recurring_id.in_([r.id for r in rows]), Task.status.in_(OPEN))).scalars()}
    return [RecurringView(r.id, r.title, _assignee_text(r, names), r.every, EVERY_WORDS[r.every], r.starts_on,
                          r.priority, r.active, open_ones[r.id].due_on if r.id in open_ones else None,
                          open_ones[r.id].id if r.id in open_ones else None) for r in rows]


def list_recurring(ctx: Context, *, include_stopped: bool = False) -> list[RecurringView]:
    ctx.require(TASKS)
    query = select(RecurringTask).order_by(RecurringTask.title, RecurringTask.id)
    if not include_stopped:
        query = query.where(RecurringTask.active.is_(True))
    return _recurring_views(ctx, list(ctx.session.execute(query).scalars()))


def stop_recurring(ctx: Context, recurring_id: Any) -> RecurringView:
    """File no more occurrences (the open one stays, to finish or cancel)."""
    ctx.require(TASKS)
    if isinstance(recurring_id, bool) or not isinstance(recurring_id, int) or not 0 < recurring_id < 2**31:
        raise ValidationError(f"recurring task must be an id, got {str(recurring_id)[:40]!r}", field="recurring")
    series = ctx.session.get(RecurringTask, recurring_id, with_for_update=True)
    if series is None:
        raise NotFound(f"no recurring task with id {recurring_id}")
    if not series.active:
        raise Conflict(f"recurring task {series.id} ({series.title}) is stopped already")
    series.active = False
    ctx.session.flush()
    ctx.audit("hr.task.recurring_stopped", "staff_recurring_task", series.id, summary={"title": series.title})
    return _recurring_views(ctx, [series])[0]
