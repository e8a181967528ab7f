"""The alerts panel on the patient card.

The TUI builds it as ``AlertsPanel(host, patient)`` when a user who may read alerts opens a
patient's card. It reaches the database only through ``host.call``, in a thread worker so
the card stays responsive; the app contains anything it raises and shows the error in its
place, naming the plugin.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from medoffice.core import MedofficeError, PatientRecord
from medoffice.core.ui import ScreenHost

from . import service
from .service import AlertRecord

LABELS = {"critical": "CRITICAL", "warning": "Warning", "info": "Note"}


def alert_line(alert: AlertRecord) -> str:
    """One alert as the panel shows it: ``CRITICAL  Allergic to penicillin  (frontdesk)``."""
    return f"{LABELS[alert.severity]:<8}  {alert.text}  ({alert.created_by})"


class AlertsPanel(Vertical):
    """A patient's active alerts, critical ones highlighted.

    Args:
        host: the TUI's :class:`~medoffice.core.ui.ScreenHost` for this plugin.
        patient: the patient whose card it is on.
    """

    DEFAULT_CSS = """
    AlertsPanel {
        height: auto;
    }
    AlertsPanel > .alert {
        height: auto;
        padding: 0 1;
    }
    AlertsPanel > .alert.critical {
        background: $error;
        color: $text;
        text-style: bold;
    }
    AlertsPanel > .alert.warning {
        color: $warning;
    }
    AlertsPanel > #alerts-status {
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, host: ScreenHost, patient: PatientRecord) -> None:
        super().__init__()
        self.host = host
        self.patient = patient
        self.alerts: tuple[AlertRecord, ...] = ()
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static("Loading alerts…", id="alerts-status", markup=False)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="patient-alerts")
    def load(self) -> None:
        """Fetch the alerts off the UI thread; a domain error is shown, a bug is the app's to contain."""
        try:
            found = self.host.call(service.list_alerts, self.patient.mrn, write=False)
        except MedofficeError as error:
            self.app.call_from_thread(self.show_status, str(error))
            return
        self.app.call_from_thread(self.show_alerts, found)

    def show_status(self, message: str) -> None:
        self.query_one("#alerts-status", Static).update(message)

    async def show_alerts(self, alerts: Sequence[AlertRecord]) -> None:
        """Replace what the panel shows with ``alerts``."""
        self.alerts = tuple(alerts)
        await self.query(".alert").remove()
        status = self.query_one("#alerts-status", Static)
        status.display = not self.alerts
        status.update("No active alerts.")
        critical = sum(a.severity == "critical" for a in self.alerts)
        self.border_subtitle = f"{critical} critical" if critical else ""
        await self.mount_all(Static(alert_line(a), markup=False, classes=f"alert {a.severity}") for a in self.alerts)
        self.loaded = True
