"""The patient card's "Billing" panel: the patient's insurance, the balance, the last lines of
the ledger, ``p`` to take a payment (the copay at check-in among them) and ``i`` to add or
correct the insurance, each for the users who may."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from medoffice.core import Context
from medoffice.core.records import PatientRecord
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, may, message_of, run_call

from ..permissions import INSURANCE
from ._shared import POST, money

LAST_LINES = 5
"""The ledger lines the panel shows (the newest)."""


def patient_ledger(ctx: Context, mrn: str) -> Any:
    """The patient's ledger (``ledger.Ledger``)."""
    from ..ledger import ledger

    return ledger(ctx, mrn)


@attrs.frozen
class PatientBilling:
    """What the panel shows, read in one unit of work: the ledger and the active policies."""

    ledger: Any
    policies: tuple[Any, ...]


def patient_billing(ctx: Context, mrn: str) -> PatientBilling:
    """The patient's ledger and active policies, primary first."""
    from ..policies import list_policies

    return PatientBilling(patient_ledger(ctx, mrn), tuple(list_policies(ctx, mrn)))


def insurance_text(policies: Sequence[Any]) -> Text:
    """One line per policy as the front desk checks it at the desk: payer, rank, member ID,
    group and copay; or that the patient pays for themselves."""
    text = Text()
    text.append("Insurance ", style="bold")
    if not policies:
        text.append("none on file: self-pay")
        return text
    for index, policy in enumerate(policies):
        if index:
            text.append("\n          ")
        text.append(f"{policy.payer} ({policy.rank})", style="bold")
        text.append(f"  member {policy.member_id}")
        if policy.group_number:
            text.append(f"  group {policy.group_number}")
        if policy.copay:
            text.append(f"  copay {money(policy.copay)}")
        if policy.relationship != "self":
            text.append(f"  subscriber {policy.subscriber.last_name}, {policy.subscriber.first_name} "
                        f"(patient: {policy.relationship})")
    return text


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
    BillingPanel > #billing-balance, BillingPanel > #billing-insurance {
        padding: 0 1;
    }
    BillingPanel > DataTable {
        height: 0;  /* the rows shown, set by show_ledger */
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "take_payment", "Take payment", id="billing.panel.take_payment"),
        Binding("i", "insurance", "Insurance", id="billing.panel.insurance"),
    ]

    def __init__(self, host: ScreenHost, patient: PatientRecord) -> None:
        super().__init__()
        self.host = host
        self.patient = patient
        self.ledger: Any = None
        self.policies: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="billing-insurance", markup=False)
        yield Static("Loading the balance…", id="billing-balance", markup=False)
        yield DataTable(id="billing-ledger", cursor_type="row", show_header=False, zebra_stripes=True)

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        """Read the ledger and the insurance off the UI thread."""
        run_call(self, self.host, patient_billing, self.patient.mrn, write=False, done=self.show_billing,
                 failed=lambda error: self._status(message_of(error)), notify=False)

    def show_billing(self, found: PatientBilling) -> None:
        """Show the insurance, then the balance and the ledger."""
        if not self.is_attached:
            return
        self.policies = found.policies
        self.query_one("#billing-insurance", Static).update(insurance_text(found.policies))
        self.show_ledger(found.ledger)

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
                          Text(money(entry.balance) if entry.balance >= 0 else f"{money(-entry.balance)} cr",
                               justify="right"))
        # As tall as its rows (LAST_LINES at most), set here rather than left to height auto:
        # the card laid out before the table had measured the rows added in the same frame,
        # and on a busy machine the line stayed hidden until something else moved.
        table.styles.height = table.row_count
        balance = found.balance
        text = Text()
        text.append("Balance ", style="bold")
        text.append(money(balance) if balance >= 0 else f"{money(-balance)} credit",
                    style="bold yellow" if balance > 0 else "bold green")
        text.append(f"  ·  {len(found.entries)} ledger line(s)" if found.entries else "  ·  nothing billed yet")
        keys = [hint for hint, allowed in (("p: payment", may(self.host, POST)),
                                           ("i: insurance", may(self.host, INSURANCE))) if allowed]
        if keys:
            text.append("  ·  " + "  ".join(keys))  # one line at 80 columns
        self._status(text)
        if self.screen.focused is None:
            table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_payment":
            return may(self.host, POST)
        if action == "insurance":
            return may(self.host, INSURANCE)
        return True

    def action_insurance(self) -> None:
        """Add, correct or end this patient's insurance; straight on the form for a new
        policy when the panel has shown that there is none."""
        from .insurance import InsuranceScreen

        none_yet = self.policies is not None and not self.policies
        self.host.push_screen(InsuranceScreen(self.host, self.patient, adding=none_yet), self._taken)

    def action_take_payment(self) -> None:
        """Take a payment from this patient."""
        from .take_payment import TakePaymentScreen

        self.host.push_screen(TakePaymentScreen(self.host, self.patient), self._taken)

    def _taken(self, changed: Any) -> None:
        """Back from a payment or the insurance: read again if anything was saved."""
        if changed:
            self.load()


__all__ = ["BillingPanel", "PatientBilling", "insurance_text", "patient_billing", "patient_ledger"]
