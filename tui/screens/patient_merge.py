"""Merging two records of one patient, and deactivating one, from the patient card.

The merge screen shows the card's patient as the record kept, lets the desk find the other
record (the core's patient search; the registration's possible duplicates are listed before
anything is typed), and shows both side by side with what each plugin would move and any
reason it refuses (``patient_merge.preview``). Ctrl+T swaps which record is kept, Ctrl+F has
the kept record take the other's phone, e-mail or address where it has none. Ctrl+Y
merges: it acts only on the preview on the screen, for the pair on the screen, and only when
pressed a moment after that preview appeared (:data:`READING_SECONDS`), so a key typed ahead
never merges a pair nobody has seen. A merge cannot be undone; the screen says so.

The screen writes nothing itself: the preview and the merge are the service calls the CLI
makes (``medoffice patients merge``), through :meth:`AppScreenHost.call` in thread workers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Static

from medoffice.core.errors import MedofficeError
from medoffice.core.records import PatientRecord
from medoffice.core.services import patient_merge
from medoffice.core.text import printable
from medoffice.ui import DataTable, Footer, PatientSearch

from ..host import AppScreenHost, one_line
from .patient_form import LABELS

log = logging.getLogger("medoffice.tui")

SEARCH_DELAY = 0.15
"""Seconds of typing pause before a search starts (as on the search screen)."""

PICK_LIMIT = 20

READING_SECONDS = 0.4
"""A Ctrl+Y sooner than this after the preview appeared was typed ahead of it, not in answer to
it (the app's type-ahead hands on held keys as soon as the preview is shown, as new key events):
nobody reads what a merge will move that fast."""


def side(title: str, patient: PatientRecord) -> Text:
    """One record of the pair, as the side-by-side preview shows it."""
    text = Text()
    text.append(f"{title}\n", style="bold")
    text.append(f"{printable(patient.display_name)}\nMRN {patient.mrn}   born {patient.date_of_birth.isoformat()}")
    for value in (patient.phone, patient.email, patient.address.one_line()):
        if value:
            text.append(f"\n{printable(value)}")
    return text


def field_names(fields: Sequence[str]) -> str:
    """Fields as the form labels them ("address", "language"), not as the database names them."""
    return ", ".join(LABELS.get(name, name).lower() for name in fields)


def plan_text(plan: patient_merge.MergePlan, *, fill_blanks: bool = False) -> Text:
    """What each plugin would move, the fields the kept record lacks (copied or not), and
    every refusal."""
    text = Text()
    for part in plan.parts:
        if part.moves:
            text.append(f"{part.title}: ", style="bold")
            text.append(", ".join(part.moves) + "\n")
    if not any(part.moves for part in plan.parts):
        text.append("Nothing else moves: the absorbed record has no appointments, ledger or policies.\n")
    if plan.fillable and fill_blanks:
        text.append(f"Copied to the kept record: {field_names(plan.fillable)} (Ctrl+F: leave them blank).\n")
    elif plan.fillable:
        text.append(f"Blank on the kept record: {field_names(plan.fillable)} (Ctrl+F copies them).\n")
    for refusal in plan.refusals:
        text.append(f"Cannot merge: {refusal}\n", style="bold red")
    if plan.allowed:
        text.append(f"Ctrl+Y merges {plan.absorb.mrn} into {plan.keep.mrn}. A merge cannot be undone.",
                    style="bold")
    return text


class PatientMergeScreen(Screen[PatientRecord | None]):
    """Merge another record of this person into the card's patient (or the reverse).

    Dismissed with the kept patient after a merge, None otherwise.

    Args:
        host: the core's host.
        patient: the card's patient, kept unless swapped.
        candidates: records to offer before anything is typed (the registration's duplicates).
    """

    AUTO_FOCUS = "#other"
    BINDINGS = [
        Binding("ctrl+y", "merge", "Merge", id="patient_merge.merge"),
        Binding("ctrl+t", "swap", "Swap kept", id="patient_merge.swap"),
        Binding("ctrl+f", "fill", "Fill blanks", id="patient_merge.fill"),
        Binding("down", "focus_results", "Results", show=False),
    ]

    def __init__(self, host: AppScreenHost, patient: PatientRecord,
                 candidates: Sequence[PatientRecord] = ()) -> None:
        super().__init__()
        self._host = host
        self.keep: PatientRecord = patient
        self.other: PatientRecord | None = None
        self.plan: patient_merge.MergePlan | None = None
        self._candidates = [c for c in candidates if c.mrn != patient.mrn]
        self._shown: dict[str, PatientRecord] = {}
        self._shown_query: str | None = None
        self._pick_when_shown: str | None = None
        self.search = PatientSearch(self, host, "#other", self._searched, limit=PICK_LIMIT, delay=SEARCH_DELAY)
        self._merging = False
        self._plan_shown_at: float | None = None
        """When the preview on the screen appeared, on the clock Textual stamps keys with."""
        self.fill_blanks = False
        """Whether the kept record takes the absorbed one's values for its blank fields."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="merge"):
            with Horizontal(id="pair"):
                yield Static(side("Keep", self.keep), id="keep-side", markup=False)
                yield Static("Absorb\nFind the other record below.", id="absorb-side", markup=False)
            yield Static("The other record of this person (name, DOB, phone or MRN; Enter picks):",
                         id="other-label", markup=False)
            yield Input(id="other", placeholder="The other record: name, DOB, phone or MRN; Enter picks")
            table: DataTable[str] = DataTable(id="candidates", cursor_type="row", zebra_stripes=True)
            table.add_columns("MRN", "Name", "DOB", "Phone")
            yield table
            yield Static("", id="plan", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Merge into {printable(self.keep.display_name)}  {self.keep.mrn}"
        self._fill(self._candidates)
        self.query_one("#plan", Static).display = False
        if self._candidates:
            self.query_one("#plan", Static).display = True
            self.query_one("#plan", Static).update("Possible duplicates from the registration are listed: "
                                                    "Enter picks the highlighted one.")

    # -- finding the other record -----------------------------------------------------------

    def _fill(self, found: Sequence[PatientRecord]) -> None:
        table = self.query_one("#candidates", DataTable)
        table.clear()
        self._shown = {}
        for person in found:
            if person.mrn == self.keep.mrn:
                continue
            self._shown[person.mrn] = person
            table.add_row(person.mrn, person.display_name, person.date_of_birth.isoformat(), person.phone or "",
                          key=person.mrn)

    @on(Input.Changed, "#other")
    def _typed(self) -> None:
        self._pick_when_shown = None
        self.search.typed()

    def _searched(self, text: str, found: Any) -> None:
        if text != self.query_one("#other", Input).value.strip():
            return  # typed on: a newer search is coming
        if isinstance(found, BaseException) and not isinstance(found, MedofficeError):
            log.error("merge: search failed", exc_info=found)
        elif not isinstance(found, BaseException):
            found = [match.patient for match in found]
        self._shown_query = text
        plan = self.query_one("#plan", Static)
        plan.display = True
        if isinstance(found, BaseException):
            self._fill([])
            plan.update(one_line(found))
            return
        self._fill(found)
        plan.update(f"No other patient matches {text!r}." if not self._shown else "Enter picks the highlighted one.")
        if self._pick_when_shown == text:
            self._pick_when_shown = None
            self._pick_highlighted()

    @on(Input.Submitted, "#other")
    def _submitted(self) -> None:
        text = self.query_one("#other", Input).value.strip()
        if not text:
            self._pick_highlighted()  # the registration's duplicates, before anything is typed
        elif self._shown_query == text:
            self._pick_highlighted()
        else:  # Enter typed before the search answered: search now, pick when it does
            self._pick_when_shown = text
            self.search.now(text)

    @on(DataTable.RowSelected, "#candidates")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value in self._shown:
            self._choose(self._shown[event.row_key.value])

    def _pick_highlighted(self) -> None:
        table = self.query_one("#candidates", DataTable)
        if table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        if row_key.value in self._shown:
            self._choose(self._shown[row_key.value])

    def action_focus_results(self) -> None:
        table = self.query_one("#candidates", DataTable)
        if table.row_count:
            table.focus()

    # -- the preview ------------------------------------------------------------------------

    def _choose(self, other: PatientRecord) -> None:
        self.other = other
        self._show_pair()

    def _show_pair(self) -> None:
        self.plan = None
        self._plan_shown_at = None
        self.refresh_bindings()
        self.query_one("#keep-side", Static).update(side("Keep", self.keep))
        if self.other is not None:
            self.query_one("#absorb-side", Static).update(side("Absorb (becomes inactive)", self.other))
            plan = self.query_one("#plan", Static)
            plan.display = True
            plan.update("Asking what would move…")
            self._preview(self.keep.mrn, self.other.mrn)

    @work(thread=True, exclusive=True, group="merge-preview", exit_on_error=False)
    def _preview(self, keep: str, absorb: str) -> None:
        try:
            found: Any = self._host.call(patient_merge.preview, keep, absorb, write=False)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("merge: preview failed")
            found = exc
        self.app.call_from_thread(self._previewed, keep, absorb, found)

    def _previewed(self, keep: str, absorb: str, found: Any) -> None:
        if self.other is None or (keep, absorb) != (self.keep.mrn, self.other.mrn):
            return  # swapped or picked again meanwhile: that preview is on its way
        plan = self.query_one("#plan", Static)
        if isinstance(found, BaseException):
            plan.update(Text(one_line(found), style="bold red"))
            return
        self.plan = found
        self._plan_shown_at = Message().time
        plan.update(plan_text(found, fill_blanks=self.fill_blanks))
        self.refresh_bindings()

    def on_key(self, event: events.Key) -> None:
        """A Ctrl+Y typed before the preview was on the screen does not merge, even when the
        app's type-ahead held it until the preview came: nobody had seen what it would do."""
        if event.key == "ctrl+y" and (self._plan_shown_at is None
                                      or event.time < self._plan_shown_at + READING_SECONDS):
            event.stop()
            event.prevent_default()
            if self.other is not None:
                self.notify("Ctrl+Y was typed before the preview showed: read it, then press Ctrl+Y again.",
                            severity="warning", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "merge":
            return self.plan is not None and self.plan.allowed and not self._merging
        if action == "swap":
            return self.other is not None and not self._merging
        if action == "fill":
            return self.plan is not None and bool(self.plan.fillable) and not self._merging
        return True

    def action_fill(self) -> None:
        """Copy the absorbed record's values into the kept one's blank fields, or not."""
        if self.plan is not None and self.plan.fillable:
            self.fill_blanks = not self.fill_blanks
            self.query_one("#plan", Static).update(plan_text(self.plan, fill_blanks=self.fill_blanks))

    def action_swap(self) -> None:
        """Keep the other record instead (and absorb the card's patient)."""
        if self.other is not None:
            self.keep, self.other = self.other, self.keep
            self.sub_title = f"Merge into {printable(self.keep.display_name)}  {self.keep.mrn}"
            self._show_pair()

    def action_merge(self) -> None:
        """Merge the pair whose preview is on the screen."""
        if self.plan is None or not self.plan.allowed or self._merging:
            return
        self._merging = True
        self.refresh_bindings()
        self.query_one("#plan", Static).update(f"Merging {self.plan.absorb.mrn} into {self.plan.keep.mrn}…")
        self._merge(self.plan.keep.mrn, self.plan.absorb.mrn, self.fill_blanks)

    @work(thread=True, exclusive=True, group="merge", exit_on_error=False)
    def _merge(self, keep: str, absorb: str, fill_blanks: bool) -> None:
        try:
            done: Any = self._host.call(patient_merge.merge, keep, absorb, fill_blanks=fill_blanks)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("merge failed")
            done = exc
        self.app.call_from_thread(self._merged, done)

    def _merged(self, done: Any) -> None:
        self._merging = False
        if isinstance(done, BaseException):
            self.query_one("#plan", Static).update(Text(one_line(done), style="bold red"))
            self.refresh_bindings()
            return
        self.app.notify(f"Merged {done.absorb.mrn} into {done.keep.mrn}; {done.absorb.mrn} is now inactive.",
                        markup=False)
        self.dismiss(done.keep)


def _deactivate(ctx: Any, mrn: str, reason: str) -> tuple[PatientRecord, int]:
    """Deactivate, and count the bookings left standing, in one unit of work."""
    patient = patient_merge.deactivate(ctx, mrn, reason)
    return patient, patient_merge.upcoming_bookings(ctx, patient)


class DeactivateDialog(ModalScreen[PatientRecord | None]):
    """Deactivate the card's patient with a reason (Enter), or reactivate an inactive one
    (Enter confirms); Escape leaves the record as it is. Dismissed with the saved record.

    Args:
        host: the core's host.
        patient: the card's patient.
    """

    AUTO_FOCUS = "#reason"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="deactivate.cancel")]

    def __init__(self, host: AppScreenHost, patient: PatientRecord) -> None:
        super().__init__()
        self._host = host
        self.patient = patient
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="deactivate"):
            if self.patient.active:
                yield Static(f"Deactivate {printable(self.patient.display_name)} ({self.patient.mrn})? The record stays, "
                             "out of searches and bookings. Why (Enter saves, Escape cancels):", markup=False)
                yield Input(id="reason", placeholder="moved away, registered by mistake…", max_length=200)
            else:
                yield Static(f"Reactivate {printable(self.patient.display_name)} ({self.patient.mrn})? Enter reactivates, "
                             "Escape cancels.", markup=False)
                yield Input(id="reason", placeholder="Enter to confirm")
            yield Static("", id="deactivate-error", markup=False)

    @on(Input.Submitted, "#reason")
    def _confirm(self, event: Input.Submitted) -> None:
        if self._saving:
            return
        self._saving = True
        self._save(event.value)

    @work(thread=True, exclusive=True, group="deactivate", exit_on_error=False)
    def _save(self, reason: str) -> None:
        try:
            if self.patient.active:
                saved: Any = self._host.call(_deactivate, self.patient.mrn, reason)
            else:
                saved = self._host.call(patient_merge.reactivate, self.patient.mrn)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("deactivating %s failed", self.patient.mrn)
            saved = exc
        self.app.call_from_thread(self._saved, saved)

    def _saved(self, saved: Any) -> None:
        self._saving = False
        if isinstance(saved, BaseException):
            self.query_one("#deactivate-error", Static).update(one_line(saved))
            return
        if isinstance(saved, tuple):
            saved, upcoming = saved
            if upcoming:
                self.app.notify(f"{upcoming} upcoming appointment{'s' if upcoming > 1 else ''} of {saved.mrn} "
                                f"{'stay' if upcoming > 1 else 'stays'} booked: cancel those the patient will not keep.",
                                severity="warning", markup=False)
        self.dismiss(saved)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["DeactivateDialog", "PatientMergeScreen", "plan_text", "side"]
