"""Hiring board: the manager's screen (``hr.applicants``). Applicants still in the pipeline,
by stage in the practice's order, with how many are at each stage on the title line. ``n``
moves the highlighted applicant to the next stage, ``x`` rejects them (a reason is asked),
Enter opens their file below the list (notes and interviews; opening is audited as
``medoffice hiring applicants show`` is). Hiring itself makes a staff record and stays a
command (``medoffice hiring hire ID``).

Type-ahead: each key acts on the applicant highlighted when it was pressed, and the steps
run in the order typed; a moved applicant keeps their row (their new stage shown) until the
list is read again, so ``n down n`` moves two people. A refusal is said on the status line
and the next step still runs. A change made elsewhere (another terminal, a command) shows
without a key press once no step is running, in place: the rows keep their order and the
applicants moved here their rows; ``r`` reads the pipeline again in stage order."""

from __future__ import annotations

from collections import Counter, deque
from typing import Any, ClassVar

import attrs

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable as TextualDataTable
from textual.widgets import Header, Static

from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, LiveListScreen, ReasonDialog, message_of, run_call

NOTES_SHOWN = 4


def _board(ctx) -> list[Any]:
    from ..hiring import list_applicants

    return list_applicants(ctx)


def _step(ctx, step: str, applicant_id: int, reason: str | None = None) -> Any:
    """Move one applicant (the next stage, or rejected with a reason), or the refusal as a
    value; the savepoint undoes whatever a refusal left, so nothing is written."""
    from medoffice.core.errors import Conflict, MedofficeError

    from .. import hiring

    try:
        with ctx.session.begin_nested():
            if step == "open":  # the interviews' times as the practice reads them
                found = hiring.open_applicant(ctx, applicant_id)
                return ("opened", attrs.evolve(found, interviews=tuple(
                    attrs.evolve(i, starts_at=ctx.local(i.starts_at)) for i in found.interviews)))
            if step == "reject":
                rejected = next(s.name for s in hiring.list_stages(ctx) if s.outcome == "rejected")
                return hiring.move(ctx, applicant_id, rejected, reason=reason)
            current = hiring.open_applicant(ctx, applicant_id)
            pipeline = [s for s in hiring.list_stages(ctx) if s.outcome is None]
            names = [s.name for s in pipeline]
            if current.stage not in names:
                raise Conflict(f"{current.name} is {current.stage} already")
            if current.stage == names[-1]:
                raise Conflict(f"{current.name} is at {current.stage}, the last step: hire with "
                               f"'medoffice hiring hire {current.id}'")
            return hiring.move(ctx, applicant_id, names[names.index(current.stage) + 1])
    except MedofficeError as refusal:
        return refusal


class HiringBoardScreen(LiveListScreen):
    """Applicants by stage.

    Args:
        host: the staff plugin's host.
    """

    CSS_PATH = "tasks_screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_stage", "Next stage", id="staff.hiring.next"),
        Binding("x", "reject", "Reject", id="staff.hiring.reject"),
        Binding("enter", "open", "Open", id="staff.hiring.open"),
        Binding("r", "reload", "Reload", id="staff.hiring.reload"),
    ]

    TOPICS = ("staff.hiring",)
    LIST = "#applicants"

    def __init__(self, host: ScreenHost) -> None:
        super().__init__(host)
        self.opened: Any = None
        self.steps: deque[tuple[str, int, str | None]] = deque()
        self.running = False
        self.stale = False
        self.moved: dict[int, Any] = {}
        """The applicants moved on this screen: their rows stay (new stage shown) until ``r``."""
        self.done_steps: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the hiring board…", id="hr-title", markup=False)
        yield DataTable(id="applicants", cursor_type="row", zebra_stripes=True)
        yield Static("", id="applicant-detail", markup=False)
        yield Static("", id="hr-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Hiring board"
        table = self.query_one("#applicants", DataTable)
        for label, width in (("Applicant", 20), ("Opening", 22), ("Stage", 13), ("Applied", 10)):
            table.add_column(label, width=width)

    def say(self, text: str) -> None:
        self.query_one("#hr-status", Static).update(text)

    def list_call(self) -> tuple[Any, ...]:
        return (_board,)

    def loaded(self, rows: list[Any]) -> None:
        if not self.is_attached:
            return
        if self.running or self.steps:
            self.stale = True  # read again once the steps typed ahead have run
            return
        self.stale = False
        wanted = self.highlighted()
        if self.rows is not None:  # in place: the rows keep their order, and those moved here stay
            fresh = {r.id: r for r in rows}
            kept = [fresh.pop(r.id) if r.id in fresh else self.moved[r.id] for r in self.rows
                    if r.id in fresh or r.id in self.moved]
            rows = kept + list(fresh.values())
        self.rows = rows
        self.render_rows()
        ids = [r.id for r in rows]
        if wanted is not None and wanted.id in ids:
            self.query_one("#applicants", DataTable).move_cursor(row=ids.index(wanted.id))

    def render_rows(self) -> None:
        rows = self.rows or []
        table = self.query_one("#applicants", DataTable)
        cursor = table.cursor_row
        table.clear()
        for a in rows:
            table.add_row(a.name, a.opening, a.stage, str(a.applied_on), key=str(a.id))
        if rows:
            table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))
        stages = Counter(a.stage for a in rows)
        self.query_one("#hr-title", Static).update(
            " · ".join(f"{name} {count}" for name, count in stages.items()) + "  ·  n next  x reject"
            if rows else "No applicants in the pipeline")

    # -- opening a file ------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: TextualDataTable.RowSelected) -> None:
        """``enter`` on a row (the table's own key) opens it."""
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """Open the file after the steps typed before Enter (it shows what they did)."""
        self.queue("open")

    def show_file(self, record: Any) -> None:
        if not self.is_attached:
            return
        self.opened = record
        lines = [f"{record.name} for {record.opening}, {record.stage}, applied {record.applied_on}"
                 + "".join(f", {v}" for v in (record.email, record.phone) if v)]
        lines += [f"interview {i.starts_at:%Y-%m-%d %H:%M}" + (f" with {i.interviewer}" if i.interviewer else "")
                  for i in record.interviews[-1:]]
        lines += [f"{n.written_at:%m/%d} [{n.kind}] {n.body}" for n in record.notes[-NOTES_SHOWN:]]
        self.query_one("#applicant-detail", Static).update("\n".join(lines))

    # -- moving, in the order typed --------------------------------------------------------------

    def queue(self, step: str, reason: str | None = None, applicant: Any = None) -> None:
        applicant = applicant or self.highlighted()
        if applicant is None:
            self.say("No applicant selected.")
            return
        self.steps.append((step, applicant.id, reason))
        self.run_next()

    def run_next(self) -> None:
        if self.running or not self.steps:
            return
        self.running = True
        step, applicant_id, reason = self.steps.popleft()
        run_call(self, self.host, _step, step, applicant_id, reason, done=self.stepped, failed=self.stepped)

    def stepped(self, answer: Any) -> None:
        self.running = False
        if isinstance(answer, tuple):  # a file opened
            self.show_file(answer[1])
            self.run_next()
            return
        self.done_steps.append(answer)
        if isinstance(answer, BaseException):
            self.say(message_of(answer))
        else:
            self.say(f"{answer.name}: {answer.stage}")
            self.moved[answer.id] = answer
            ids = [r.id for r in self.rows or []]
            if answer.id in ids and self.is_attached:
                self.rows[ids.index(answer.id)] = answer
                self.render_rows()
        self.run_next()
        if self.stale and not self.running and not self.steps:
            self.load()

    def action_next_stage(self) -> None:
        self.queue("next")

    def action_reject(self) -> None:
        chosen = self.highlighted()
        if chosen is None:
            self.say("No applicant selected.")
            return

        def answered(reason: str | None) -> None:
            if reason is not None:
                self.queue("reject", reason, chosen)

        self.host.push_screen(ReasonDialog(f"Why is {chosen.name[:40]} rejected?", "hours, experience…"), answered)

    def action_reload(self) -> None:
        """Read the pipeline again from scratch: in stage order, without those moved out of it."""
        self.moved.clear()
        self.rows = None
        self.load()


__all__ = ["HiringBoardScreen"]
