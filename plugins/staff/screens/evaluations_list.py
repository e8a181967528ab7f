"""Evaluations: the manager's list. Those not yet closed, most overdue first (``a`` shows
every evaluation, signed and cancelled too); ``enter`` opens the highlighted one below the
list: both sides' ratings, the goals, where the sign-off stands. Opening one is audited, as
``medoffice evaluations show`` is. The list follows other terminals (``staff.evaluations``)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable as TextualDataTable
from textual.widgets import Header, Static

from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, LiveListScreen, message_of, run_call

OPEN = ("open", "self_signed")


def _evaluations(ctx) -> list[Any]:
    from ..evaluations import list_evaluations

    return list_evaluations(ctx)


def _open(ctx, evaluation_id: int) -> Any:
    from ..evaluations import show

    return show(ctx, evaluation_id)


def _status(e: Any) -> str:
    if e.overdue:
        return "OVERDUE"
    return {"open": "open", "self_signed": "to sign", "signed": "signed", "cancelled": "cancelled"}[e.status]


class EvaluationsScreen(LiveListScreen):
    """The manager's list of evaluations.

    Args:
        host: the staff plugin's host.
    """

    CSS_PATH = "hr_screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", id="staff.evaluations.open"),
        Binding("a", "toggle_all", "All/open", id="staff.evaluations.all"),
        Binding("r", "reload", "Reload", id="staff.evaluations.reload"),
    ]

    TOPICS = ("staff.evaluations",)
    LIST = "#evaluations"

    def __init__(self, host: ScreenHost) -> None:
        super().__init__(host)
        self.everything: list[Any] | None = None
        self.show_all = False
        self.opened: Any = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the evaluations…", id="hr-title", markup=False)
        yield DataTable(id="evaluations", cursor_type="row", zebra_stripes=True)
        yield Static("enter opens the highlighted evaluation", id="evaluation-detail", markup=False)
        yield Static("", id="hr-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Evaluations"
        table = self.query_one("#evaluations", DataTable)
        for label, width in (("Staff", 22), ("Cycle", 16), ("Period", 7), ("Due", 10), ("Status", 9)):
            table.add_column(label, width=width)

    def list_call(self) -> tuple[Any, ...]:
        return (_evaluations,)

    def loaded(self, found: list[Any]) -> None:
        if not self.is_attached:
            return
        self.everything = found
        self.render_rows()

    def render_rows(self) -> None:
        found = self.everything or []
        rows = found if self.show_all else [e for e in found if e.status in OPEN]
        rows = sorted(rows, key=lambda e: (e.status not in OPEN, e.due_on, e.staff))
        self.rows = rows
        table = self.query_one("#evaluations", DataTable)
        table.clear()
        for e in rows:
            table.add_row(e.staff, e.cycle, e.period, str(e.due_on),
                          Text(_status(e), style="bold red" if e.overdue else ""), key=str(e.id))
        overdue = sum(1 for e in rows if e.overdue)
        waiting = sum(1 for e in rows if e.status == "self_signed")
        self.query_one("#hr-title", Static).update(
            f"{len(rows)} {'evaluations' if self.show_all else 'open'}, {overdue} overdue, {waiting} awaiting your "
            f"signature" + ("  ·  a: open ones only" if self.show_all else "  ·  a: all"))

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        if self.everything is not None:
            self.render_rows()

    def on_data_table_row_selected(self, event: TextualDataTable.RowSelected) -> None:
        """``enter`` on a row (the table's own key) opens it."""
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        chosen = self.highlighted()
        if chosen is None:
            return
        run_call(self, self.host, _open, chosen.id, done=self.show_detail,
                 failed=lambda error: self.query_one("#hr-status", Static).update(message_of(error)))

    def show_detail(self, detail: Any) -> None:
        if not self.is_attached:
            return
        self.opened = detail
        e = detail.summary
        rated = "  ".join(f"{line.name}: {'-' if line.self_rating is None else line.self_rating}/"
                          f"{'-' if line.manager_rating is None else line.manager_rating}"
                          for line in detail.lines if line.kind == "competency")
        stand = ("signed by both" if e.status == "signed" else f"cancelled: {detail.cancel_reason}"
                 if e.status == "cancelled" else "self-assessment signed; the review awaits a manager's signature"
                 if e.status == "self_signed" else "awaiting the staff member's self-assessment")
        self.query_one("#evaluation-detail", Static).update(
            f"{e.staff}, {e.cycle} {e.period}, due {e.due_on}: {stand}\n"
            f"Ratings (self/manager, {detail.scale_min}-{detail.scale_max}): {rated}\n"
            f"Goals: {detail.goals or '-'}\n"
            f"medoffice evaluations review|sign {e.id} to complete it")

    def action_reload(self) -> None:
        self.load()


__all__ = ["EvaluationsScreen"]
