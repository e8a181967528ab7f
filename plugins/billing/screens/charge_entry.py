"""Charge entry: the open encounters (completed visits waiting for their superbill), newest
first; for the one under the cursor, its diagnoses and charge lines, a field to add
diagnoses and a row of fields to add a line; F10 closes it.

Every change is one call of the service ``medoffice billing encounters …`` uses
(``add_diagnoses``, ``add_charge``, ``close_encounter``) in a worker thread, so what it
refuses is refused here too: the service's message shows under the field it is about, the
field keeps what was typed, and nothing is written. A diagnosis code is checked against
ICD-10-CM as it is typed, before Enter sends it.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Static

from medoffice.core import Context, ValidationError
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, may, message_of, run_call

from ._shared import CHARGE, log, money

CHECK_DELAY = 0.3
"""Seconds of typing pause before a diagnosis code is checked."""

LOADING_CODES = Text("Checking… the first check loads the ICD-10-CM code set: a few seconds, once.",
                     style="italic grey62")
"""Said under the diagnosis field while the code set loads, so the wait is not a mystery."""

LINE_FIELDS = ("code", "modifiers", "units", "pointers")


def open_encounters(ctx: Context) -> list[Any]:
    """The open encounters, newest date of service first."""
    from ..encounters import list_encounters

    return list_encounters(ctx, status="open")


def split_codes(text: str) -> list[str]:
    """What was typed in a field of several codes (``J06.9 E11.9``, ``25,59``), in order."""
    return [part for part in re.split(r"[\s,;]+", text.strip()) if part]


def detail_text(view: Any) -> Text:
    """An encounter as the screen shows it: who and when, the diagnoses, the lines."""
    record = view.encounter
    text = Text()
    text.append(f"Encounter {record.id}", style="bold")
    text.append(f"  {view.patient} ({view.mrn})  {record.date_of_service}  {view.provider}")
    diagnoses = "  ".join(f"{n} {code}" for n, code in enumerate(view.diagnoses, start=1)) or "none yet"
    text.append(f"\nDiagnoses: {diagnoses}")
    if not record.lines:
        text.append("\nNo charge lines yet.")
    for line in record.lines:
        modifiers = "-" + "-".join(line.modifiers) if line.modifiers else ""
        pointers = ",".join(str(p) for p in line.pointers) or "-"
        text.append(f"\n {line.line_number:>2} {line.code}{modifiers:<9} x{line.units:<3} dx {pointers:<8}"
                    f"{money(line.amount):>12}")
    if record.lines:
        text.append(f"\n{'Total':>38}{money(view.total):>12}", style="bold")
    return text


class ChargeEntryScreen(Screen[None]):
    """Enter the diagnoses and charge lines of open encounters, and close them.

    Args:
        host: the billing plugin's host.
        encounter_id: the encounter to select first (default: the newest).
    """

    CSS_PATH = "charge_entry.tcss"
    AUTO_FOCUS = "#diagnosis"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "close_encounter", "Close encounter", key_display="F10", id="billing.charges.close"),
        Binding("ctrl+r", "reload", "Reload", id="billing.charges.reload"),
    ]

    def __init__(self, host: ScreenHost, encounter_id: int | None = None) -> None:
        super().__init__()
        self.host = host
        self.wanted = encounter_id
        self.encounters: list[Any] = []
        self.current: Any = None
        """The selected encounter (an ``EncounterView``) as last read."""
        self.busy = False
        self._check_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the open encounters…", id="charges-title", markup=False)
        yield DataTable(id="encounters", cursor_type="row", zebra_stripes=True)
        yield Static("", id="encounter", markup=False)
        with Horizontal(classes="field"):
            yield Label("Diagnoses", classes="label")
            yield Input(id="diagnosis", placeholder="ICD-10-CM, e.g. J06.9 (Enter adds)")
        yield Static("", id="diagnosis-error", classes="error", markup=False)
        with Horizontal(classes="field"):
            yield Label("Line", classes="label")
            yield Input(id="code", placeholder="code", max_length=5)
            yield Input(id="modifiers", placeholder="modifiers")
            yield Input("1", id="units", placeholder="units", max_length=3)
            yield Input(id="pointers", placeholder="dx 1,2")
        yield Static("", id="line-error", classes="error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Charge entry"
        table = self.query_one("#encounters", DataTable)
        table.add_column("Date", width=10, key="date")
        table.add_column("Patient", width=18, key="patient")
        table.add_column("MRN", width=7, key="mrn")
        table.add_column("Provider", width=14, key="provider")
        table.add_column("Dx", width=2, key="dx")
        table.add_column("Ln", width=2, key="lines")
        table.add_column("Total", width=9, key="total")
        self.load()

    # -- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        """Read the open encounters again, off the UI thread."""
        run_call(self, self.host, open_encounters, write=False, done=self.show_encounters,
                 failed=lambda error: self._title(message_of(error)))

    def show_encounters(self, views: list[Any]) -> None:
        """List ``views``, keeping (or finding) the selected encounter."""
        if not self.is_attached:
            return
        keep = self.wanted if self.wanted is not None else (self.current.encounter.id if self.current else None)
        self.wanted = None
        self.encounters = list(views)
        table = self.query_one("#encounters", DataTable)
        table.clear()
        for view in self.encounters:
            record = view.encounter
            table.add_row(str(record.date_of_service), _fit(view.patient, 18), view.mrn, _fit(view.provider, 14),
                          str(len(view.diagnoses)), str(len(record.lines)), Text(money(view.total), justify="right"),
                          key=str(record.id))
        count = len(self.encounters)
        self._title(f"{count} open encounter{'s' * (count != 1)}, newest first" if count
                    else "No open encounters: every completed visit has been charged.")
        index = next((i for i, v in enumerate(self.encounters) if v.encounter.id == keep), 0)
        if self.encounters:
            table.move_cursor(row=index, animate=False)
            self.show_encounter(self.encounters[index])
        else:
            self.show_encounter(None)

    def show_encounter(self, view: Any) -> None:
        """Show one encounter's diagnoses and lines (None: nothing selected)."""
        self.current = view
        self.query_one("#encounter", Static).update(detail_text(view) if view is not None else "")
        self.refresh_bindings()

    def _title(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#charges-title", Static).update(message)

    def _error(self, field: str, message: str | Text) -> None:
        target = "#diagnosis-error" if field == "diagnosis" else "#line-error"
        self.query_one(target, Static).update(message)

    @on(DataTable.RowHighlighted, "#encounters")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        view = next((v for v in self.encounters if str(v.encounter.id) == event.row_key.value), None)
        if view is not None and view is not self.current:
            self._error("diagnosis", "")
            self._error("line", "")
            self.show_encounter(view)

    @on(DataTable.RowSelected, "#encounters")
    def _chosen(self) -> None:
        self.query_one("#diagnosis", Input).focus()

    # -- diagnoses ---------------------------------------------------------------------------

    @on(Input.Changed, "#diagnosis")
    def _typed_diagnosis(self, event: Input.Changed) -> None:
        if self._check_timer is not None:
            self._check_timer.stop()
        if len(event.value.strip()) < 3:
            self._error("diagnosis", "")
            return
        self._check_timer = self.set_timer(CHECK_DELAY, lambda: self.check_codes(event.value))

    @work(thread=True, exclusive=True, group="billing-check-diagnosis", exit_on_error=False)
    def check_codes(self, typed: str) -> None:
        """Check the typed codes against ICD-10-CM (no database: the public code set)."""
        from ..codes import code_set_loaded, parse_diagnosis, with_dot

        if not code_set_loaded():
            self.app.call_from_thread(self._checked, typed, LOADING_CODES)
        problems, found = [], []
        for code in split_codes(typed):
            try:
                found.append(with_dot(parse_diagnosis(code)))
            except ValidationError as error:
                problems.append(error.message)
            except Exception:  # the code set failed to load: Enter still asks the service
                log.exception("checking a diagnosis code failed")
                return
        self.app.call_from_thread(self._checked, typed, "; ".join(problems) or "")

    def _checked(self, typed: str, problem: str | Text) -> None:
        if self.is_attached and self.query_one("#diagnosis", Input).value == typed:
            self._error("diagnosis", problem)

    @on(Input.Submitted, "#diagnosis")
    def _add_diagnoses(self, event: Input.Submitted) -> None:
        from ..encounters import add_diagnoses

        codes = split_codes(event.value)
        if self.current is None:
            self._error("diagnosis", "Choose an encounter first.")
            return
        if not codes:
            self.query_one("#code", Input).focus()  # nothing to add: on to the lines
            return
        if self.busy:
            return
        self.busy = True
        if self._check_timer is not None:
            self._check_timer.stop()

        def done(view: Any) -> None:
            self.busy = False
            self.query_one("#diagnosis", Input).value = ""
            self._error("diagnosis", "")
            self._updated(view)

        def failed(error: BaseException) -> None:
            self.busy = False
            self._error("diagnosis", message_of(error))

        run_call(self, self.host, add_diagnoses, self.current.encounter.id, codes, done=done, failed=failed,
                 notify=False)

    # -- charge lines ------------------------------------------------------------------------

    @on(Input.Submitted, "#code, #modifiers, #units, #pointers")
    def _add_line(self) -> None:
        from ..encounters import add_charge

        if self.current is None:
            self._error("line", "Choose an encounter first.")
            return
        values = {name: self.query_one(f"#{name}", Input).value for name in LINE_FIELDS}
        if not values["code"].strip():
            self._error("line", "Type the code of the service (from the fee schedule).")
            self.query_one("#code", Input).focus()
            return
        if self.busy:
            return
        self.busy = True

        def done(view: Any) -> None:
            self.busy = False
            for name in LINE_FIELDS:
                self.query_one(f"#{name}", Input).value = "1" if name == "units" else ""
            self._error("line", "")
            self.query_one("#code", Input).focus()
            self._updated(view)

        def failed(error: BaseException) -> None:
            self.busy = False
            self._error("line", message_of(error))
            field = getattr(error, "field", None)
            if field in LINE_FIELDS:
                self.query_one(f"#{field}", Input).focus()

        run_call(self, self.host, add_charge, self.current.encounter.id, values["code"],
                 units=values["units"].strip() or "1", modifiers=split_codes(values["modifiers"]),
                 pointers=split_codes(values["pointers"]), done=done, failed=failed, notify=False)

    def _updated(self, view: Any) -> None:
        """The encounter as the service returned it after a change: show it and its row."""
        self.encounters = [view if v.encounter.id == view.encounter.id else v for v in self.encounters]
        table = self.query_one("#encounters", DataTable)
        key = str(view.encounter.id)
        table.update_cell(key, "dx", str(len(view.diagnoses)))
        table.update_cell(key, "lines", str(len(view.encounter.lines)))
        table.update_cell(key, "total", Text(money(view.total), justify="right"))
        self.show_encounter(view)

    # -- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_encounter":
            return may(self.host, CHARGE) and self.current is not None
        return True

    def action_close_encounter(self) -> None:
        """Charge entry is done for the selected encounter: close it (other plugins may add
        lines or refuse)."""
        from ..encounters import close_encounter

        view = self.current
        if view is None or self.busy:
            return
        self.busy = True

        def done(closed: Any) -> None:
            self.busy = False
            self._error("line", "")
            self.notify(f"Charges posted for {closed.patient}'s visit of {closed.encounter.date_of_service} with "
                        f"{closed.provider}: {len(closed.encounter.lines)} line(s), {money(closed.total)}.",
                        markup=False)
            self.current = None
            self.load()

        def failed(error: BaseException) -> None:
            self.busy = False
            self._error("line", f"Not closed: {message_of(error)}")

        run_call(self, self.host, close_encounter, view.encounter.id, done=done, failed=failed, notify=False)

    def action_reload(self) -> None:
        """Read the open encounters again (another terminal may have closed one)."""
        self.load()


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


__all__ = ["ChargeEntryScreen", "detail_text", "open_encounters", "split_codes"]
