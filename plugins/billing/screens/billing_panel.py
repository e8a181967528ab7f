"""The patient card's "Billing" panel: the balance, the last lines of the ledger, and ``p`` to
take a payment (for users who may post payments)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from medoffice.core import Context
from medoffice.core.records import PatientRecord
from medoffice.core.ui import ScreenHost

from ._shared import POST, may, message_of, money, run_call

LAST_LINES = 5
"""The ledger lines the panel shows (the newest)."""


def patient_ledger(ctx: Context, mrn: str) -> Any:
    """The patient's ledger (``ledger.Ledger``)."""
    from ..ledger import ledger

    return ledger(ctx, mrn)


class BillingPanel(Vertical):
    """A patient's balance and last ledger lines on their card; ``p`` takes a payment.

    Args:
        host: the billing plugin's host.
        patient: the card's patient.
    """

    DEFAULT_CSS = """
    BillingPanel {
        height: auto;
    }
    BillingPanel > #billing-balance {
        padding: 0 1;
    }
    BillingPanel > DataTable {
        height: auto;
        max-height: 8;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "take_payment", "Take payment", id="billing.panel.take_payment"),
    ]

    def __init__(self, host: ScreenHost, patient: PatientRecord) -> None:
        super().__init__()
        self.host = host
        self.patient = patient
        self.ledger: Any = None

    def compose(self) -> ComposeResult:
        yield Static("Loading the balance…", id="billing-balance", markup=False)
        yield DataTable(id="billing-ledger", cursor_type="row", show_header=False, zebra_stripes=True)

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        """Read the ledger off the UI thread."""
        run_call(self, self.host, patient_ledger, self.patient.mrn, write=False, done=self.show_ledger,
                 failed=lambda error: self._status(message_of(error)), notify=False)

    def _status(self, message: str | Text) -> None:
        if self.is_attached:
            self.query_one("#billing-balance", Static).update(message)

    def show_ledger(self, found: Any) -> None:
        """Show the balance and the newest ledger lines."""
        if not self.is_attached:
            return
        self.ledger = found
        table = self.query_one("#billing-ledger", DataTable)
        table.clear(columns=True)
        table.add_columns("Date", "What", "Charge", "Paid", "Balance")
        for entry in found.entries[-LAST_LINES:]:
            table.add_row(str(entry.on), entry.description[:30],
                          Text(money(entry.debit) if entry.debit else "", justify="right"),
                          Text(money(entry.credit) if entry.credit else "", justify="right"),
                          Text(money(entry.balance), justify="right"))
        balance = found.balance
        text = Text()
        text.append("Balance ", style="bold")
        text.append(money(balance) if balance >= 0 else f"{money(-balance)} credit",
                    style="bold yellow" if balance > 0 else "bold green")
        text.append(f"  ·  {len(found.entries)} ledger line(s)" if found.entries else "  ·  nothing billed yet")
        if may(self.host, POST):
            text.append("  ·  p: take payment")
        self._status(text)
        if self.screen.focused is None:
            table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_payment":
            return may(self.host, POST)
        return True

    def action_take_payment(self) -> None:
        """Take a payment from this patient."""
        from .take_payment import TakePaymentScreen

        self.host.push_screen(TakePaymentScreen(self.host, self.patient), self._taken)

    def _taken(self, payment: Any) -> None:
        if payment is not None:
            self.load()


__all__ = ["BillingPanel", "patient_ledger"]
