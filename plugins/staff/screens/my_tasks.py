"""My tasks: everyone's screen. The signed-in user's open tasks (their own and their role's),
most pressing first, what the highlighted one says (its note and latest comments) below, and
one key per step: ``s`` starts it, ``d`` marks it done, ``c`` adds a comment.

Type-ahead: each key acts on the task highlighted *when it was pressed*, and the steps run
one after another in the order typed. A step changes its row in place (a finished task stays,
marked done, until the list is read again), so the rows do not move under keys still
coming: ``d down d`` finishes the first two tasks. A refusal (someone else finished it meanwhile) is said on
the status line and the next step still runs. The list follows other terminals (the
``staff.tasks`` topic)."""

from __future__ import annotations

from collections import deque

import attrs
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable as TextualDataTable
from textual.widgets import Header, Static

from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, LiveListScreen, ReasonDialog, message_of, run_call

TOPIC = "staff.tasks"
COMMENTS_SHOWN = 3


def _mine(ctx) -> list[Any]:
    from ..tasks import mine

    return mine(ctx)


def _show(ctx, task_id: int) -> Any:
    """The task with its comments, their times in the practice's zone (as the desk reads them)."""
    from ..tasks import show

    task = show(ctx, task_id)
    return attrs.evolve(task, comments=tuple(attrs.evolve(c, written_at=ctx.local(c.written_at))
                                             for c in task.comments))


def _step(ctx, step: str, task_id: int, text: str | None = None) -> Any:
    """One step on a task, or the refusal as a value (the screen says it and goes on to the
    next key typed); the savepoint undoes whatever a refusal left, so nothing is written."""
    from medoffice.core.errors import MedofficeError

    from .. import tasks

    act = {"start": lambda: tasks.start(ctx, task_id), "done": lambda: tasks.finish(ctx, task_id),
           "comment": lambda: tasks.comment(ctx, task_id, text)}[step]
    try:
        with ctx.session.begin_nested():
            return act()
    except MedofficeError as refusal:
        return refusal


def due_text(task: Any) -> Text:
    if task.overdue_days:
        return Text(f"{task.overdue_days}d late", style="bold red")
    return Text(str(task.due_on) if task.due_on else "-")


class MyTasksScreen(LiveListScreen):
    """The signed-in user's tasks.

    Args:
        host: the staff plugin's host.
    """

    CSS_PATH = "tasks_screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start", id="staff.tasks.start"),
        Binding("d", "done", "Done", id="staff.tasks.done"),
        Binding("c", "comment", "Comment", id="staff.tasks.comment"),
        Binding("r", "reload", "Reload", id="staff.tasks.reload"),
    ]

    TOPICS = (TOPIC,)
    LIST = "#tasks"

    def __init__(self, host: ScreenHost) -> None:
        super().__init__(host)
        self.detail: Any = None
        """The highlighted task with its comments, once read."""
        self.steps: deque[tuple[str, int, str | None]] = deque()
        """Steps typed, not yet run: (step, task id, comment)."""
        self.running = False
        self.done_steps: list[Any] = []
        """What each step on this screen answered (a task, or a refusal), in order."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading your tasks…", id="hr-title", markup=False)
        yield DataTable(id="tasks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="task-detail", markup=False)
        yield Static("", id="hr-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "My tasks"
        table = self.query_one("#tasks", DataTable)
        for label, width in (("Task", 30), ("Due", 10), ("Priority", 8), ("Status", 11), ("For", 12)):
            table.add_column(label, width=width)

    def say(self, text: str) -> None:
        self.query_one("#hr-status", Static).update(text)

    # -- the list ------------------------------------------------------------------------------

    def list_call(self) -> tuple[Any, ...]:
        return (_mine,)

    def loaded(self, rows: list[Any]) -> None:
        if not self.is_attached:
            return
        if self.running or self.steps:
            return  # keys typed ahead still act on the rows they saw; the last step reads again
        wanted = self.highlighted()
        self.rows = rows
        self.render_rows(wanted)
        self.read(self.highlighted())

    def render_rows(self, wanted: Any) -> None:
        rows = self.rows or []
        table = self.query_one("#tasks", DataTable)
        table.clear()
        for task in rows:
            table.add_row(task.title, due_text(task), task.priority, task.status.replace("_", " "),
                          task.assignee.removeprefix("role: "), key=str(task.id))
        ids = [t.id for t in rows]
        if wanted is not None and wanted.id in ids:
            table.move_cursor(row=ids.index(wanted.id))
        still = [t for t in rows if t.status in ("open", "in_progress")]
        late = sum(1 for t in still if t.overdue_days)
        self.query_one("#hr-title", Static).update(
            f"{len(still)} open, {late} overdue  ·  s start  d done  c comment" if still
            else "Nothing to do: no open task is yours or your role's")

    def on_data_table_row_highlighted(self, event: TextualDataTable.RowHighlighted) -> None:
        task = self.highlighted()
        if task is not None and (self.detail is None or self.detail.id != task.id):
            self.read(task)

    def read(self, task: Any) -> None:
        if task is None:
            self.detail = None
            self.query_one("#task-detail", Static).update("")
            return
        run_call(self, self.host, _show, task.id, write=False, notify=False, done=self.show_detail,
                 failed=lambda error: self.query_one("#task-detail", Static).update(message_of(error)))

    def show_detail(self, task: Any) -> None:
        current = self.highlighted()
        if not self.is_attached or current is None or current.id != task.id:
            return  # an answer for a row the cursor has left
        self.detail = task
        lines = [f"{task.title} — for {task.assignee}" + (f", {task.recurrence}" if task.recurrence else "")]
        if task.note:
            lines.append(task.note)
        for comment in task.comments[-COMMENTS_SHOWN:]:
            lines.append(f"{comment.written_at:%m/%d %H:%M} {comment.author}: {comment.body}")
        self.query_one("#task-detail", Static).update("\n".join(lines))

    # -- steps, in the order typed -----------------------------------------------------------------

    def queue(self, step: str, text: str | None = None, task: Any = None) -> None:
        task = task or self.highlighted()
        if task is None:
            self.say("No task selected.")
            return
        self.steps.append((step, task.id, text))
        self.run_next()

    def run_next(self) -> None:
        if self.running or not self.steps:
            return
        self.running = True
        step, task_id, text = self.steps.popleft()
        run_call(self, self.host, _step, step, task_id, text, done=self.stepped, failed=self.step_failed)

    def stepped(self, answer: Any) -> None:
        self.running = False
        self.done_steps.append(answer)
        if isinstance(answer, BaseException):
            self.say(message_of(answer))
        else:
            said = {"in_progress": "Started", "done": "Done:"}.get(answer.status, "Commented on")
            self.say(f"{said} {answer.title}")
            self.replace(answer)
        self.run_next()

    def step_failed(self, error: BaseException) -> None:
        self.running = False
        self.done_steps.append(error)
        self.say(message_of(error))
        self.run_next()

    def replace(self, task: Any) -> None:
        """Show a task as a step left it, in its row (the rows stay where they are)."""
        if not self.is_attached or not self.rows:
            return
        ids = [t.id for t in self.rows]
        if task.id in ids:
            self.rows[ids.index(task.id)] = attrs.evolve(task, comments=())
            cursor = self.query_one("#tasks", DataTable).cursor_row
            self.render_rows(None)
            self.query_one("#tasks", DataTable).move_cursor(row=cursor)
            if self.detail is not None and self.detail.id == task.id:
                self.read(task)

    def action_start(self) -> None:
        self.queue("start")

    def action_done(self) -> None:
        self.queue("done")

    def action_comment(self) -> None:
        task = self.highlighted()
        if task is None:
            self.say("No task selected.")
            return

        def answered(text: str | None) -> None:
            if text is not None:
                self.queue("comment", text, task)

        self.host.push_screen(ReasonDialog(f"Comment on {task.title[:50]}", "what was done, what is left"), answered)

    def action_reload(self) -> None:
        self.load()


__all__ = ["MyTasksScreen"]
