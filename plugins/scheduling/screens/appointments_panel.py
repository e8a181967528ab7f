"""The patient card's "Appointments" panel: the patient's coming and past visits, and ``b``
to book them.

The card builds it as ``AppointmentsPanel(host, patient)``. It loads in a worker, lists the
upcoming visits soonest first and then the past ones newest first, and, once loaded, takes
the keyboard focus when nothing more specific has it, so that ``b`` works straight after the
card opens: the receptionist's "find, open, book" needs no extra key.

The panel is live: it watches ``scheduling.appointments`` (``host.watch``), so a booking,
cancellation or step of the day made for this patient on any terminal shows within about a
second, the cursor staying on its appointment; under a dialog or another screen it waits
until the card is shown again.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from medoffice.core import Context, MedofficeError
from medoffice.core.records import PatientRecord
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, may

from ..permissions import BOOK
from ._shared import log, status_text, type_text, when

PAST_SHOWN = 10
"""The most past visits listed (newest first)."""

COMING = ("booked", "arrived", "in_room")


@attrs.frozen
class PatientVisits:
    """A patient's appointments split at now, with the types' colours."""

    upcoming: tuple[Any, ...]
    past: tuple[Any, ...]
    past_total: int
    colours: dict[str, str] = attrs.field(eq=False)


def patient_visits(ctx: Context, mrn: str) -> PatientVisits:
    """The patient's coming visits (soonest first) and past ones (newest first)."""
    from .. import appointment_lists, catalogue

    now = ctx.now()
    views = appointment_lists.list_for_patient(ctx, mrn)
    upcoming = tuple(v for v in views if v.end > now and v.status in COMING)
    coming = {v.id for v in upcoming}
    past = tuple(reversed([v for v in views if v.id not in coming]))
    colours = {t.name: t.colour for t in catalogue.list_types(ctx)}
    return PatientVisits(upcoming, past[:PAST_SHOWN], len(past), colours)


class AppointmentsPanel(Vertical):
    """A patient's appointments on their card; ``b`` books a new one.

    Args:
        host: the scheduling plugin's host.
        patient: the card's patient.
    """

    DEFAULT_CSS = """
    AppointmentsPanel {
        height: auto;
    }
    AppointmentsPanel > DataTable {
        height: auto;
        max-height: 14;
    }
    AppointmentsPanel > #visits-status {
        color: $text-muted;
        padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "book", "Book", id="scheduling.panel.book"),
    ]

    def __init__(self, host: ScreenHost, patient: PatientRecord) -> None:
        super().__init__()
        self.host = host
        self.patient = patient
        self.visits: PatientVisits | None = None

    def compose(self) -> ComposeResult:
        yield Static("Loading appointments…", id="visits-status", markup=False)
        yield DataTable(id="visits", cursor_type="row", zebra_stripes=True, show_header=False)

    def on_mount(self) -> None:
        self._live = self.host.watch(self, ["scheduling.appointments"], self.load)
        self.load()

    def on_unmount(self) -> None:
        self._live.stop()

    @work(thread=True, exclusive=True, group="scheduling-visits", exit_on_error=False)
    def load(self) -> None:
        """Read the patient's appointments off the UI thread."""
        try:
            visits = self.host.call(patient_visits, self.patient.mrn, write=False)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("loading appointments of %s failed", self.patient.mrn)
            message = str(exc) if isinstance(exc, MedofficeError) else "The appointments could not be loaded."
            self.app.call_from_thread(self._status, message)
            return
        self.app.call_from_thread(self.show_visits, visits)

    def _status(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#visits-status", Static).update(message)

    def show_visits(self, visits: PatientVisits) -> None:
        """List ``visits``: the coming ones, then the past ones."""
        if not self.is_attached:
            return
        self.visits = visits
        table = self.query_one("#visits", DataTable)
        keep = None
        if table.row_count:  # the same appointment stays selected when the rows come back
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear(columns=True)
        table.add_columns("When", "Type", "Provider", "Status")
        for view in (*visits.upcoming, *visits.past):
            table.add_row(when(view.start), type_text(view.appointment_type, visits.colours.get(view.appointment_type)),
                          view.provider, status_text(view.status), key=str(view.id))
        if keep is not None and any(str(v.id) == keep for v in (*visits.upcoming, *visits.past)):
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        more = visits.past_total - len(visits.past)
        past = f"{visits.past_total} past" + (f" ({more} not shown)" if more else "")
        parts = [f"{len(visits.upcoming)} coming", past]
        hint = "  ·  b: book" if may(self.host, BOOK) else ""
        self._status("  ·  ".join(parts) + hint if (visits.upcoming or visits.past) else "No appointments yet." + hint)
        self._take_focus(table)

    def _take_focus(self, table: DataTable) -> None:
        """Focus the list unless the user is somewhere more specific (another panel, a field)."""
        focused = self.screen.focused
        if focused is None or focused in self.ancestors:
            table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "book":
            return may(self.host, BOOK)
        return True

    def action_book(self) -> None:
        """Book an appointment for this patient: the booking flow starts at the type."""
        from .booking import BookingScreen

        self.host.push_screen(BookingScreen(self.host, patient=self.patient), self._booked)

    def _booked(self, record: Any) -> None:
        if record is not None:
            self.load()
            self._live.caught_up()  # this read covers the booking the feed holds for us


__all__ = ["AppointmentsPanel", "PatientVisits", "patient_visits"]
