"""The patient card's "Appointments" from the scheduling role, whichever plugin provides it.

The card shows this panel when the enabled scheduling provider contributes no patient panel
of its own (the built-in plugin contributes a richer one, with ``b`` to book): a replacement
provider's appointments are on the card without a line of TUI code from it. It reads
through :func:`medoffice.core.services.appointments.for_patient` (the role's
``patient_appointments``) and follows the role's change topic ``scheduling.appointments``.
"""

from __future__ import annotations

import logging

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from medoffice.core.context import Context
from medoffice.core.errors import MedofficeError
from medoffice.core.records import PanelContribution, PatientRecord
from medoffice.core.services import appointments
from medoffice.core.text import printable
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable

log = logging.getLogger("medoffice.tui")

TOPIC = "scheduling.appointments"
"""What every scheduling provider names when it commits a change (``ctx.changed``)."""

PANEL = PanelContribution(id="core.appointments", title="Appointments", permission=appointments.READ, order=20,
                          widget="medoffice.tui.screens.role_appointments:RoleAppointmentsPanel")
"""The contribution the TUI adds, as the core's, when the provider offers no panel."""


def patient_rows(ctx: Context, mrn: str) -> list[tuple[str, str, str, str, str]]:
    """The patient's appointments newest first, as display text in the practice's zone."""
    rows = []
    for line in reversed(appointments.for_patient(ctx, mrn)):
        a = line.appointment
        rows.append((str(a.id), ctx.local(a.start).strftime("%a %Y-%m-%d %H:%M"), printable(a.appointment_type),
                     printable(line.provider), a.status.replace("_", " ")))
    return rows


class RoleAppointmentsPanel(Vertical):
    """A patient's appointments, from the scheduling role's service."""

    DEFAULT_CSS = """
    RoleAppointmentsPanel { height: auto; }
    RoleAppointmentsPanel > DataTable { height: auto; max-height: 14; }
    RoleAppointmentsPanel > #role-visits-status { color: $text-muted; padding: 0 1; }
    """

    def __init__(self, host: ScreenHost, patient: PatientRecord) -> None:
        super().__init__()
        self.host = host
        self.patient = patient

    def compose(self) -> ComposeResult:
        yield Static("Loading appointments…", id="role-visits-status", markup=False)
        yield DataTable(id="role-visits", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self._live = self.host.watch(self, [TOPIC], self.load)
        self.load()

    def on_unmount(self) -> None:
        self._live.stop()

    @work(thread=True, exclusive=True, group="role-appointments", exit_on_error=False)
    def load(self) -> None:
        """Read the appointments off the UI thread; a failure is one line in the panel."""
        try:
            rows = self.host.call(patient_rows, self.patient.mrn, write=False)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("loading appointments of %s failed", self.patient.mrn)
            message = str(exc) if isinstance(exc, MedofficeError) else "The appointments could not be loaded."
            self.app.call_from_thread(self._status, message)
            return
        self.app.call_from_thread(self.show_rows, rows)

    def _status(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#role-visits-status", Static).update(message)

    def show_rows(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        if not self.is_attached:
            return
        table = self.query_one("#role-visits", DataTable)
        table.clear(columns=True)
        table.add_columns("When", "Type", "Provider", "Status")
        for key, *cells in rows:
            table.add_row(*cells, key=key)
        self._status(f"{len(rows)} appointment" + ("s" if len(rows) != 1 else "") if rows else "No appointments yet.")
