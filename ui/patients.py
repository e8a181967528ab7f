"""Finding a patient: search as you type, and a modal picker.

Every screen that asks "which patient?" searches the same way, with :class:`PatientSearch`:
the patient search (F2), the merge screen's other record, the booking flow's first step,
taking a payment, and :class:`PatientPicker` (the waitlist's ``a``), which a plugin screen
pushes when it needs no layout of its own. The search is the core's
(:func:`medoffice.core.services.patients.find`: name, date of birth, phone or MRN).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Static
from textual.worker import get_current_worker

from medoffice.core.records import PatientMatch, PatientRecord
from medoffice.core.ui import ScreenHost

from .data_table import DataTable
from .footer import Footer
from .forms import FORM_CSS

SEARCH_DELAY = 0.15
"""Seconds after the last key before searching: typing a name makes one search, not six."""


class PatientSearch:
    """Search as you type in one field: once typing pauses, in a worker (only the latest
    search runs), and the answer handed over only while the field still says what was
    searched (a newer search is coming otherwise).

    Args:
        owner: the screen or widget the field is on (its timers and workers).
        host: the host, to call the service as the signed-in user.
        field: the search field's selector (``"#query"``).
        answered: gets ``(text, matches)`` on the UI thread, best first, or ``(text, error)``
            when the search failed (the screen says it; a bug is not logged here).
        limit: the most matches.
        delay: seconds of typing pause before searching.
    """

    def __init__(self, owner: Widget, host: ScreenHost, field: str,
                 answered: Callable[[str, list[PatientMatch] | BaseException], object], *, limit: int = 20,
                 delay: float = SEARCH_DELAY) -> None:
        self.owner = owner
        self.host = host
        self.field = field
        self.answered = answered
        self.limit = limit
        self.delay = delay
        self._timer: Timer | None = None

    @property
    def text(self) -> str:
        """What the field says now, trimmed."""
        return self.owner.query_one(self.field, Input).value.strip()

    @property
    def waiting_to_start(self) -> bool:
        """Whether a search waits for typing to pause (:meth:`now` starts it at once)."""
        return self._timer is not None

    def typed(self) -> None:
        """The field changed: search when typing pauses; an empty field stops any search."""
        self.stop()
        text = self.text
        if not text:
            self.owner.workers.cancel_group(self.owner, "patient-search")
            return
        self._timer = self.owner.set_timer(self.delay, partial(self.now, text))

    def stop(self) -> None:
        """Forget a search waiting for typing to pause."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def now(self, text: str | None = None) -> None:
        """Search for ``text`` (default: what the field says) at once."""
        self.stop()
        text = self.text if text is None else text
        self.owner.run_worker(partial(self._find, text), thread=True, exclusive=True, group="patient-search",
                              exit_on_error=False)

    def _find(self, text: str) -> None:
        from medoffice.core.services import patients

        worker = get_current_worker()
        found: list[PatientMatch] | BaseException
        try:
            found = list(self.host.call(patients.find, text, limit=self.limit, write=False))
        except Exception as exc:  # the screen says it (and the host logs a bug it is shown)
            found = exc
        if not worker.is_cancelled:
            self.owner.app.call_from_thread(self._answer, text, found)

    def _answer(self, text: str, found: list[PatientMatch] | BaseException) -> None:
        if self.owner.is_attached and text == self.text:
            self.answered(text, found)


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
        self.search = PatientSearch(self, host, "#picker-query", self._show, limit=10)

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
    def _typed(self) -> None:
        self.search.typed()

    def _show(self, text: str, found: list[PatientMatch] | BaseException) -> None:
        if isinstance(found, BaseException):
            self.host.notify_error(found)
            return
        self.found = [match.patient for match in found]
        table = self.query_one("#picker-list", DataTable)
        table.clear()
        for p in self.found:
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
