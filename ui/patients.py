"""Finding a patient from a plugin's screen: the search call, and a modal picker.

A plugin screen that needs "which patient?" pushes :class:`PatientPicker` (the waitlist's
``a``), or calls :func:`find_patients` through :func:`~medoffice.ui.calls.run_call` for a
search of its own layout (taking a payment). Both search as the patient search (F2) does:
name, date of birth, phone or MRN (:func:`medoffice.core.services.patients.find`).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from medoffice.core import Context
from medoffice.core.records import PatientRecord
from medoffice.core.ui import ScreenHost

from .calls import run_call
from .data_table import DataTable
from .footer import Footer
from .forms import FORM_CSS

SEARCH_DELAY = 0.15
"""Seconds after the last key before searching: typing a name makes one search, not six."""


def find_patients(ctx: Context, query: str, limit: int = 20) -> list[PatientRecord]:
    """The patients matching ``query`` (name, date of birth, phone or MRN), best first."""
    from medoffice.core.services import patients

    return [match.patient for match in patients.find(ctx, query, limit=limit)]


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


class PatientPicker(ModalScreen[PatientRecord | None]):
    """Finds a patient as you type (name, date of birth, phone or MRN); Enter takes the
    highlighted one, Escape gives up (None).

    Args:
        host: the plugin's host.
        question: the title (``Who waits for an earlier slot?``).
    """

    CSS_PATH = FORM_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="ui.picker.cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, host: ScreenHost, question: str) -> None:
        super().__init__()
        self.host = host
        self.question = question
        self.found: list[PatientRecord] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.question, classes="form-title", markup=False)
            yield Input(id="picker-query", placeholder="name, date of birth, phone or MRN", compact=True)
            yield DataTable(id="picker-list", cursor_type="row", zebra_stripes=True)
            yield Static("Enter: choose   Escape: back", classes="form-help", markup=False)
        yield Footer()  # over the screen beneath's footer, whose keys wait until this closes

    def on_mount(self) -> None:
        self.query_one("#picker-list", DataTable).add_columns("MRN", "Name", "Born")
        self.query_one("#picker-query", Input).focus()

    @on(Input.Changed, "#picker-query")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        text = event.value.strip()
        if text:
            self._timer = self.set_timer(SEARCH_DELAY, lambda: self.search(text))

    def search(self, text: str) -> None:
        """Find the patients matching ``text`` and list them (unless typed on meanwhile)."""
        run_call(self, self.host, find_patients, text, 10, write=False, done=lambda found: self._show(text, found))

    def _show(self, text: str, found: list[PatientRecord]) -> None:
        if not self.is_attached or text != self.query_one("#picker-query", Input).value.strip():
            return
        self.found = found
        table = self.query_one("#picker-list", DataTable)
        table.clear()
        for p in found:
            table.add_row(p.mrn, cut(p.display_name, 28), p.date_of_birth.isoformat(), key=p.mrn)

    def action_move(self, delta: int) -> None:
        table = self.query_one("#picker-list", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))

    @on(Input.Submitted, "#picker-query")
    @on(DataTable.RowSelected, "#picker-list")
    def _chosen(self) -> None:
        table = self.query_one("#picker-list", DataTable)
        if self.found and 0 <= table.cursor_row < len(self.found):
            self.dismiss(self.found[table.cursor_row])

    def action_cancel(self) -> None:
        self.dismiss(None)
