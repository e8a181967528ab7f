"""``medoffice tasks …``: delegated tasks, "my tasks", the overdue list, recurring tasks."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import day_text, on_first_use

service = on_first_use("tasks")


@click.group()
def tasks() -> None:
    """Delegated tasks: for a staff member or a role, with a due day, priority and comments."""


def _when(t) -> str:
    if t.overdue_days:
        return f"{t.overdue_days} days overdue"
    return day_text(t.due_on)


def _task_table(rows) -> None:
    table([(t.id, t.title, t.assignee, _when(t), t.priority, t.status.replace("_", " "),
            t.recurrence or "", t.comment_count or "") for t in rows],
          ("id", "task", "for", "due", "priority", "status", "repeats", "comments"))


def _task_line(t) -> None:
    say(f"task {t.id}: {t.title}, for {t.assignee}, {t.status.replace('_', ' ')}"
        + (f", due {t.due_on}" if t.due_on else "") + (f" ({t.overdue_days} days overdue)" if t.overdue_days else "")
        + (f", {t.priority}" if t.priority != "normal" else ""))


def _task_shown(t) -> None:
    _task_line(t)
    for label, value in (("repeats", t.recurrence), ("from", t.source), ("note", t.note)):
        if value:
            say(f"  {label}: {value}")
    say(f"  filed by {t.created_by}" + (f"; finished by {t.finished_by}" if t.finished_by else ""))
    for c in t.comments:
        say(f"  {c.written_at:%Y-%m-%d %H:%M} UTC {c.author}: {c.body}")


def _assignee_check(staff_id, role) -> None:
    if (staff_id is None) == (role is None):
        raise click.UsageError("give --staff ID or --role ROLE, one of them")


@tasks.command("add")
@click.argument("title")
@click.option("--staff", "staff_id", type=RECORD_ID, help="The staff member it is for.")
@click.option("--role", help="The role it is for: everyone in it sees it (front_desk, manager…).")
@click.option("--due", help="The day it is due (YYYY-MM-DD).")
@click.option("--priority", default="normal", show_default=True, help="low, normal, high or urgent.")
@click.option("--note", help="More words about it.")
@json_option
def add(title: str, staff_id, role, due, priority: str, note, as_json: bool) -> None:
    """Delegate the task TITLE to a staff member or a role."""
    _assignee_check(staff_id, role)
    with operation() as ctx:
        record = service.add(ctx, title, staff_id=staff_id, role=role, due=due, priority=priority, note=note)
    emit(record, as_json=as_json, human=_task_line)


@tasks.command("mine")
@click.option("--all", "include_finished", is_flag=True, help="Done and cancelled ones too.")
@json_option
def mine(include_finished: bool, as_json: bool) -> None:
    """Your tasks: your own and your role's, most pressing first."""
    with operation(write=False) as ctx:
        found = service.mine(ctx, include_finished=include_finished)
    emit(found, as_json=as_json, human=_task_table)


@tasks.command("list")
@click.option("--status", help="open, in_progress, done or cancelled (open ones if not given).")
@click.option("--staff", "staff_id", type=RECORD_ID, help="One staff member's.")
@click.option("--role", help="One role's.")
@click.option("--all", "include_finished", is_flag=True, help="Done and cancelled ones too.")
@json_option
def list_(status, staff_id, role, include_finished: bool, as_json: bool) -> None:
    """Everyone's tasks."""
    with operation(write=False) as ctx:
        found = service.listing(ctx, status=status, staff_id=staff_id, role=role, include_finished=include_finished)
    emit(found, as_json=as_json, human=_task_table)


@tasks.command("overdue")
@click.option("--mine", "mine_only", is_flag=True, help="Only yours.")
@json_option
def overdue(mine_only: bool, as_json: bool) -> None:
    """Open tasks past their due day, most overdue first."""
    with operation(write=False) as ctx:
        found = service.overdue(ctx, mine_only=mine_only)
    emit(found, as_json=as_json, human=_task_table)


@tasks.command("show")
@click.argument("task_id", type=RECORD_ID)
@json_option
def show(task_id: int, as_json: bool) -> None:
    """One task with its comments."""
    with operation(write=False) as ctx:
        record = service.show(ctx, task_id)
    emit(record, as_json=as_json, human=_task_shown)


@tasks.command("start")
@click.argument("task_id", type=RECORD_ID)
@json_option
def start(task_id: int, as_json: bool) -> None:
    """Mark TASK_ID in progress."""
    with operation() as ctx:
        record = service.start(ctx, task_id)
    emit(record, as_json=as_json, human=_task_line)


@tasks.command("done")
@click.argument("task_id", type=RECORD_ID)
@click.option("--comment", help="A last word (the reading, the amount deposited).")
@json_option
def done(task_id: int, comment, as_json: bool) -> None:
    """Mark TASK_ID done; a recurring task's next one is filed."""
    with operation() as ctx:
        record = service.finish(ctx, task_id, comment=comment)
    emit(record, as_json=as_json, human=_task_line)


@tasks.command("cancel")
@click.argument("task_id", type=RECORD_ID)
@click.option("--reason", help="Why it is not needed.")
@json_option
def cancel(task_id: int, reason, as_json: bool) -> None:
    """Cancel TASK_ID; a recurring task's next one is filed."""
    with operation() as ctx:
        record = service.cancel(ctx, task_id, reason=reason)
    emit(record, as_json=as_json, human=_task_line)


@tasks.command("reopen")
@click.argument("task_id", type=RECORD_ID)
@click.option("--reason", help="Why it is open again.")
@json_option
def reopen(task_id: int, reason, as_json: bool) -> None:
    """Open a done or cancelled TASK_ID again."""
    with operation() as ctx:
        record = service.reopen(ctx, task_id, reason=reason)
    emit(record, as_json=as_json, human=_task_line)


@tasks.command("comment")
@click.argument("task_id", type=RECORD_ID)
@click.argument("text")
@json_option
def comment(task_id: int, text: str, as_json: bool) -> None:
    """Add the comment TEXT to TASK_ID."""
    with operation() as ctx:
        record = service.comment(ctx, task_id, text)
    emit(record, as_json=as_json, human=_task_shown)


@tasks.command("edit")
@click.argument("task_id", type=RECORD_ID)
@click.option("--title")
@click.option("--due", help="The new due day (YYYY-MM-DD; '' clears it).")
@click.option("--priority", help="low, normal, high or urgent.")
@click.option("--note", help="The new note ('' clears it).")
@click.option("--staff", "staff_id", type=RECORD_ID, help="Reassign to a staff member.")
@click.option("--role", help="Reassign to a role.")
@json_option
def edit(task_id: int, title, due, priority, note, staff_id, role, as_json: bool) -> None:
    """Change an open task, or reassign it."""
    if staff_id is not None and role is not None:
        raise click.UsageError("give --staff or --role, not both")
    changes = {name: value for name, value in (("title", title), ("due", due), ("priority", priority),
                                               ("note", note)) if value is not None}
    if staff_id is not None or role is not None:
        changes.update(staff=staff_id, role=role)
    if not changes:
        raise click.UsageError("give at least one of --title, --due, --priority, --note, --staff, --role")
    with operation() as ctx:
        record = service.edit(ctx, task_id, changes)
    emit(record, as_json=as_json, human=_task_line)


# -- recurring ---------------------------------------------------------------------------------


@tasks.group("recurring")
def recurring() -> None:
    """Tasks that come back every day, weekday, week or month."""


def _recurring_line(r) -> None:
    say(f"recurring task {r.id}: {r.title}, {r.recurrence} from {r.starts_on}, for {r.assignee}"
        + (f"; next due {r.next_due} (task {r.open_task_id})" if r.open_task_id else "")
        + ("" if r.active else " (stopped)"))


@recurring.command("add")
@click.argument("title")
@click.option("--every", required=True, help="day, weekday, week or month.")
@click.option("--starts", help="The first day (YYYY-MM-DD; today if not given).")
@click.option("--staff", "staff_id", type=RECORD_ID, help="The staff member it is for.")
@click.option("--role", help="The role it is for.")
@click.option("--priority", default="normal", show_default=True, help="low, normal, high or urgent.")
@click.option("--note", help="More words about it.")
@json_option
def recurring_add(title: str, every: str, starts, staff_id, role, priority: str, note, as_json: bool) -> None:
    """Make TITLE come back every day, weekday, week or month; the first one is filed now."""
    _assignee_check(staff_id, role)
    with operation() as ctx:
        record = service.add_recurring(ctx, title, every, staff_id=staff_id, role=role, starts=starts,
                                       priority=priority, note=note)
    emit(record, as_json=as_json, human=_recurring_line)


@recurring.command("list")
@click.option("--all", "include_stopped", is_flag=True, help="Stopped ones too.")
@json_option
def recurring_list(include_stopped: bool, as_json: bool) -> None:
    """The recurring tasks and when each is next due."""
    with operation(write=False) as ctx:
        found = service.list_recurring(ctx, include_stopped=include_stopped)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(r.id, r.title, r.assignee, r.recurrence, day_text(r.next_due), "" if r.active else "stopped")
         for r in rows], ("id", "task", "for", "repeats", "next due", "")))


@recurring.command("stop")
@click.argument("recurring_id", type=RECORD_ID)
@json_option
def recurring_stop(recurring_id: int, as_json: bool) -> None:
    """File no more of RECURRING_ID (the open one stays)."""
    with operation() as ctx:
        record = service.stop_recurring(ctx, recurring_id)
    emit(record, as_json=as_json, human=_recurring_line)
