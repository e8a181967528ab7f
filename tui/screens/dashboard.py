"""The dashboard: every plugin's figures, the manager's home screen.

The TUI's caller of ``medoffice_dashboard_cards`` (through
:func:`medoffice.core.services.dashboard.load`, which ``medoffice dashboard`` shows too). One
row per card: its title, value, detail and plugin, coloured by severity; a plugin whose
cards could not be made is named in one line above them, the others' cards still shown.
``r`` reads the figures again; they are read again too whenever the screen is shown anew.
A user whose roles include ``manager`` lands here after signing in
(:meth:`medoffice.tui.contributions.Contributions.home_for`); anyone with ``dashboard.read``
opens it from the screen list (F4) or the command palette.
"""

from __future__ import annotations

import logging

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static

from medoffice.core.errors import MedofficeError
from medoffice.core.records import ScreenContribution
from medoffice.core.services import dashboard
from medoffice.core.text import printable
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer

log = logging.getLogger("medoffice.tui")

SCREEN = ScreenContribution(id="core.dashboard", title="Dashboard", section="dashboard",
                            permission=dashboard.READ, screen="medoffice.tui.screens.dashboard:DashboardScreen")
"""The contribution the TUI adds, as the core's, to every user's screen list they may see."""

STYLE = {"info": "", "warning": "bold yellow", "error": "bold red"}


class DashboardScreen(Screen[None]):
    """Every plugin's cards for the signed-in user.

    Args:
        host: the host the screen acts through (as the signed-in user).
    """

    DEFAULT_CSS = """
    DashboardScreen #dashboard-problems { color: $error; padding: 0 1; height: auto; }
    DashboardScreen #dashboard-status { color: $text-muted; padding: 0 1; }
    DashboardScreen #cards { height: 1fr; }
    """
    AUTO_FOCUS = "#cards"
    BINDINGS = [Binding("r", "reload", "Refresh", id="dashboard.reload")]

    def __init__(self, host: ScreenHost) -> None:
        super().__init__()
        self.host = host
        self.shown: dashboard.Dashboard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="dashboard-problems", markup=False)
        yield Static("Loading the figures…", id="dashboard-status", markup=False)
        yield DataTable(id="cards", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Dashboard"
        self.query_one("#dashboard-problems", Static).display = False
        self.load()

    def on_screen_resume(self) -> None:
        if self.shown is not None:  # the first showing is on_mount's
            self.load()

    def action_reload(self) -> None:
        """Read every plugin's figures again."""
        self.load()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def load(self) -> None:
        try:
            shown = self.host.call(dashboard.load, write=False)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("loading the dashboard failed")
            message = str(exc) if isinstance(exc, MedofficeError) else "The dashboard could not be loaded."
            self.app.call_from_thread(self._status, message)
            return
        self.app.call_from_thread(self.show, shown)

    def _status(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#dashboard-status", Static).update(message)

    def show(self, shown: dashboard.Dashboard) -> None:
        """Show ``shown``'s cards, the cursor staying on the row it was on."""
        if not self.is_attached:
            return
        self.shown = shown
        problems = self.query_one("#dashboard-problems", Static)
        problems.display = bool(shown.problems)
        problems.update("\n".join(printable(p) for p in shown.problems))
        table = self.query_one("#cards", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_columns("Card", "Value", "Detail", "From")
        for plugin_id, card in shown.cards:
            style = STYLE.get(card.severity, "")
            table.add_row(Text(printable(card.title), style=style), Text(printable(card.value), style=style),
                          printable(card.detail), plugin_id)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        count = len(shown.cards)
        self._status(f"{count} card" + ("s" if count != 1 else "") + "  ·  r: refresh" if count
                     else "No figures for you yet.  ·  r: refresh")
