"""Patient search: the home screen, built for "find a patient in two keystrokes".

The search runs as the receptionist types, debounced so a fast typist does not start a query
per key, in a thread worker so the screen never freezes, and exclusively so only the latest
query's results are shown (the UI kit's :class:`~medoffice.ui.PatientSearch`, as on every
screen that asks for a patient). It asks the core's ``patients.find`` for at most
:data:`SEARCH_LIMIT` hits: the screen never loads the whole patient list.

The results are live: when any terminal registers, edits, deactivates or merges a patient
(``core.patients``), the query shown is run again, the cursor staying on its patient.
"""

from __future__ import annotations

import logging

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from medoffice.core.errors import MedofficeError
from medoffice.core.records import PatientMatch, PatientRecord
from medoffice.core.services import patients
from medoffice.ui import DataTable, Footer, PatientSearch

from ..host import AppScreenHost, one_line

log = logging.getLogger("medoffice.tui")

SEARCH_DELAY = 0.15
"""Seconds of typing pause before a search starts."""

SEARCH_LIMIT = 50
"""The most hits a search shows; type more to narrow it."""

HINT = "Part of a name, a birth date (3/15/86), a phone's last 4 digits or an MRN."


class PatientSearchScreen(Screen[None]):
    """Search as you type; Enter opens the highlighted patient's card.

    Args:
        host: the core's host, to call services as the signed-in user.
    """

    AUTO_FOCUS = "#query"
    BINDINGS = [
        Binding("escape", "clear", "Clear", id="patient_search.clear"),
        Binding("down", "focus_results", "Results", show=False),
    ]

    def __init__(self, host: AppScreenHost) -> None:
        super().__init__()
        self._host = host
        self.search = PatientSearch(self, host, "#query", self._show_results, limit=SEARCH_LIMIT, delay=SEARCH_DELAY)
        self._shown_query: str | None = None
        self._open_when_shown: str | None = None
        self._shown: dict[str, PatientRecord] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(id="query", placeholder="Find a patient: name, DOB, phone or MRN")
        table: DataTable[str] = DataTable(id="results", cursor_type="row", zebra_stripes=True)
        table.add_columns("MRN", "Name", "DOB", "Phone", "Matched")
        yield table
        yield Static(HINT, id="search-status", markup=False)
        yield Footer()

    @property
    def query_text(self) -> str:
        """What is typed in the search field, trimmed."""
        return self.query_one("#query", Input).value.strip()

    @property
    def shown_query(self) -> str | None:
        """The query whose results the table shows (None before the first search)."""
        return self._shown_query

    def on_mount(self) -> None:
        self._live = self._host.watch(self, [patients.CHANGED], self._search_again)

    def on_unmount(self) -> None:
        self._live.stop()

    def _search_again(self) -> None:
        """Patients changed on some terminal: run the query shown again (not one being typed)."""
        text = self._shown_query
        if text and text == self.query_text and self._open_when_shown is None:
            self.search.now(text)

    def has_unsaved_changes(self) -> bool:
        """Never: what is typed here is a search, not work to keep (:mod:`medoffice.tui.unsaved`)."""
        return False

    def focus_query(self) -> None:
        """Put the cursor in the search field with its text selected, ready to retype."""
        field = self.query_one("#query", Input)
        field.focus()
        field.select_all()

    # -- searching --------------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        self._open_when_shown = None
        self.search.typed()
        if not event.value.strip():
            self._show_results("", [])

    def _show_results(self, text: str, found: list[PatientMatch] | BaseException) -> None:
        if text != self.query_text:
            return  # the receptionist has typed on; a newer search is coming
        status = self.query_one("#search-status", Static)
        table = self.query_one("#results", DataTable)
        keep = self._highlighted() if text == self._shown_query else None  # the same query read again
        table.clear()
        self._shown_query = text
        self._shown = {}
        if isinstance(found, BaseException):
            if not isinstance(found, MedofficeError):
                log.error("patient search failed", exc_info=found)
            status.update(one_line(found))
            return
        for match in found:
            p = match.patient
            self._shown[p.mrn] = p
            table.add_row(p.mrn, p.display_name, p.date_of_birth.isoformat(), p.phone or "", match.reason,
                          key=p.mrn)
        if keep in self._shown:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        if not text:
            status.update(HINT)
        elif not found:
            status.update(f"No patient matches {text!r}.")
        else:
            more = " (the first ones; type more to narrow)" if len(found) >= SEARCH_LIMIT else ""
            status.update(f"{len(found)} patient{'s' if len(found) != 1 else ''}{more}. Enter opens.")
        if self._open_when_shown == text and found:
            self._open_when_shown = None
            self._open_highlighted()

    # -- opening ----------------------------------------------------------------------------

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        text = self.query_text
        if not text:
            return
        if self._shown_query == text:
            self._open_highlighted()
            return
        # Enter typed before the debounced search ran: search now, open when it answers.
        self._open_when_shown = text
        self.search.now(text)

    @on(DataTable.RowSelected, "#results")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self._open(event.row_key.value)

    def _highlighted(self) -> str | None:
        """The MRN of the row under the cursor, if any."""
        table = self.query_one("#results", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _open_highlighted(self) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        if row_key.value is not None:
            self._open(row_key.value)

    def _open(self, mrn: str) -> None:
        if mrn in self._shown:
            self._host.open_patient(self._shown[mrn])

    # -- keys -------------------------------------------------------------------------------

    def action_clear(self) -> None:
        """Empty the search field and the results."""
        field = self.query_one("#query", Input)
        field.value = ""
        field.focus()

    def action_focus_results(self) -> None:
        """Move from the search field down to the results."""
        table = self.query_one("#results", DataTable)
        if table.row_count:
            table.focus()


__all__ = ["HINT", "SEARCH_DELAY", "SEARCH_LIMIT", "PatientSearchScreen"]
