"""Compliance overview: the office manager's screen. One line per person with something to
chase, most overdue first; a column per section of :data:`~medoffice.plugins.staff.compliance.SECTIONS`
(trainings, credentials, policies, evaluations, tasks; the manager's permissions choose which)
saying how many are overdue and due; below, what the highlighted person's are. ``w`` switches
between 30 and 90 days ahead, ``r`` reads again. Read only: it opens nothing and writes
nothing, so keys typed ahead only move the cursor."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable as TextualDataTable
from textual.widgets import Header, Static

from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, LiveListScreen

WINDOWS = (30, 90)
ITEMS_SHOWN = 5


def _overview(ctx, within: int) -> Any:
    from ..compliance import overview

    return overview(ctx, within=within)


def count_cell(overdue: int, due: int) -> Text:
    if not overdue and not due:
        return Text("-", style="dim")
    cell = Text()
    if overdue:
        cell.append(f"{overdue} late", style="bold red")
    if due:
        cell.append((" " if overdue else "") + f"{due} due")
    return cell


class ComplianceOverviewScreen(LiveListScreen):
    """Everyone's standing, per section.

    Args:
        host: the staff plugin's host.
    """

    CSS_PATH = "tasks_screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "window", "30/90 days", id="staff.compliance.window"),
        Binding("r", "reload", "Reload", id="staff.compliance.reload"),
    ]

    TOPICS = ("staff.training", "staff.credentials", "staff.policies", "staff.evaluations", "staff.tasks")
    """A change to any section reads the overview again."""
    LIST = "#people"

    def __init__(self, host: ScreenHost) -> None:
        super().__init__(host)
        self.within = WINDOWS[0]
        self.result: Any = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the compliance overview…", id="hr-title", markup=False)
        yield DataTable(id="people", cursor_type="row", zebra_stripes=True)
        yield Static("", id="person-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Compliance overview"

    def list_call(self) -> tuple[Any, ...]:
        return _overview, self.within

    def loaded(self, result: Any) -> None:
        if not self.is_attached:
            return
        table = self.query_one("#people", DataTable)
        wanted = self.highlighted()
        self.result, self.rows = result, list(result.people)
        table.clear(columns=True)
        width = max(7, min(10, (76 - 20) // max(1, len(result.sections)) - 2))
        table.add_column("Person", width=18)
        for title in result.sections:
            table.add_column(title, width=width)
        for person in self.rows:
            table.add_row(person.staff, *(count_cell(o, d) for o, d in person.counts), key=person.staff)
        names = [p.staff for p in self.rows]
        if wanted is not None and wanted.staff in names:
            table.move_cursor(row=names.index(wanted.staff))
        late = sum(p.overdue for p in self.rows)
        self.query_one("#hr-title", Static).update(
            f"{len(self.rows)} people, {late} things overdue, due within {result.within} days  ·  w 30/90"
            if self.rows else f"Nothing overdue or due within {result.within} days")
        self.detail()

    def on_data_table_row_highlighted(self, event: TextualDataTable.RowHighlighted) -> None:
        self.detail()

    def detail(self) -> None:
        person = self.highlighted()
        if person is None:
            self.query_one("#person-detail", Static).update("")
            return
        lines = [f"{i.kind:<10} {i.what[:34]:<34} {str(i.due_on or ''):<10} {i.note[:20]}"
                 for i in person.items[:ITEMS_SHOWN]]
        more = len(person.items) - ITEMS_SHOWN
        if more > 0:
            lines.append(f"… and {more} more (medoffice reports run staff.compliance)")
        self.query_one("#person-detail", Static).update("\n".join(lines))

    def action_window(self) -> None:
        self.within = WINDOWS[(WINDOWS.index(self.within) + 1) % len(WINDOWS)]
        self.load()

    def action_reload(self) -> None:
        self.load()


__all__ = ["ComplianceOverviewScreen"]
