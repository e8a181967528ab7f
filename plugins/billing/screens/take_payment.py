"""Take a payment at the desk: the patient (searched, unless opened from their card), the
amount (the copay of their primary policy offered), cash, card or check and its reference;
then the printable receipt, which ``s`` saves to the receipts folder (its full path said).

The payment is the service ``medoffice billing payments take`` uses (``ledger.take_payment``),
called with the receipt in one unit of work: what it refuses (a check without its number, an
amount that is not one) shows under the field it is about, and nothing is written.

An amount above what the patient owes is the copay at check-in, before the visit's charges
post: it is taken as a prepayment (``--prepay``), held on the account and applied to the
charges when the visit's encounter closes. The screen says so before it is taken.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import attrs
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import ContentSwitcher, Header, Input, Label, Static

from medoffice.core import Context, MedofficeError, ValidationError
from medoffice.core.records import PatientMatch, PatientRecord
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, PatientSearch, message_of, run_call

from ._shared import money

SEARCH_DELAY = 0.15
"""Seconds of typing pause before a patient search starts."""
PATIENT_LIMIT = 20
METHODS = ("cash", "card", "check")
FIELDS = ("amount", "method", "reference")


@attrs.frozen
class Account:
    """Who pays, what they owe now, and the copay of their primary policy (zero: none)."""

    patient: PatientRecord
    balance: Decimal
    copay: Decimal


@attrs.frozen
class Taken:
    """A payment taken, and its receipt as printed."""

    payment: Any
    receipt: str


def account(ctx: Context, mrn: str) -> Account:
    """The patient's balance and copay, read in one unit of work."""
    from medoffice.core.services import patients

    from .. import ledger, policies

    patient = patients.get(ctx, mrn)
    primary = next((p for p in policies.list_policies(ctx, mrn) if p.rank == "primary"), None)
    return Account(patient, ledger.balance(ctx, mrn), primary.copay if primary else Decimal("0.00"))


def take_with_receipt(ctx: Context, mrn: str, amount: str, method: str, reference: str | None, *,
                      prepay: bool = False) -> Taken:
    """Take the payment (a prepayment with ``prepay``) and print its receipt, in one unit of work."""
    from .. import ledger, receipts

    payment = ledger.take_payment(ctx, mrn, amount, method, reference=reference or None, prepay=prepay)
    return Taken(payment, receipts.receipt(ctx, payment.id))


def is_prepayment(amount_typed: str, account: Account | None) -> bool:
    """Whether what was typed is more than the patient owes (so held as a prepayment). An
    amount that is not one is not: the service says what is wrong with it."""
    from ..money import parse_money

    if account is None:
        return False
    try:
        return parse_money(amount_typed, positive=True) > max(account.balance, Decimal("0.00"))
    except (ValidationError, ArithmeticError):
        return False


def save_receipt(ctx: Context, payment_id: int) -> Path:
    from ..receipts import save_receipt as save

    return save(ctx, payment_id)


class TakePaymentScreen(Screen[Any]):
    """Take a patient's payment and show the receipt; dismisses with the payment (or None).

    Args:
        host: the billing plugin's host.
        patient: the patient who pays (from their card); None asks who.
    """

    CSS_PATH = "take_payment.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="billing.payment.back"),
        Binding("ctrl+s", "take", "Take payment", id="billing.payment.take"),
        Binding("s", "save_receipt", "Save receipt", id="billing.payment.save"),
        Binding("enter", "done", "Done", show=False),
    ]

    def __init__(self, host: ScreenHost, patient: PatientRecord | None = None) -> None:
        super().__init__()
        self.host = host
        self.patient = patient
        self.asked_patient = patient is None
        self.step = "find" if patient is None else "form"
        self.account: Account | None = None
        self.taken: Taken | None = None
        self.found: list[PatientRecord] = []
        self.busy = False
        self.patient_search = PatientSearch(self, host, "#patient-search", self._found, limit=PATIENT_LIMIT,
                                            delay=SEARCH_DELAY)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Take a payment", id="pay-title", markup=False)
        with ContentSwitcher(initial=self.step, id="pay-steps"):
            with Vertical(id="find"):
                yield Static("Who pays? Type a name, date of birth, phone or MRN; Enter picks.",
                             classes="prompt", markup=False)
                yield Input(id="patient-search", placeholder="patient")
                yield DataTable(id="patients", cursor_type="row", zebra_stripes=True)
            with Vertical(id="form"):
                for name, label, placeholder in (
                        ("amount", "Amount", "e.g. 25.00"),
                        ("method", "Method", "cash, card or check"),
                        ("reference", "Reference", "card's last digits, check number")):
                    with Horizontal(classes="field"):
                        yield Label(label, classes="label")
                        if name == "method":
                            yield Input("card", id=name, placeholder=placeholder,
                                        suggester=SuggestFromList(METHODS, case_sensitive=False))
                        else:
                            yield Input(id=name, placeholder=placeholder)
                    yield Static("", id=f"{name}-error", classes="error", markup=False)
                yield Static("Enter: next field, then take the payment   Ctrl+S: take it now   Escape: back",
                             classes="prompt", markup=False)
            with VerticalScroll(id="receipt-step"):
                yield Static("", id="receipt", markup=False)
        yield Static("", id="pay-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Take payment"
        if self.patient is not None:
            self.choose(self.patient)
        else:
            self.query_one("#patients", DataTable).add_columns("MRN", "Patient", "Born")
            self.query_one("#patient-search", Input).focus()

    # -- the patient -------------------------------------------------------------------------

    @on(Input.Changed, "#patient-search")
    def _typed(self) -> None:
        self.patient_search.typed()

    def _found(self, text: str, matches: list[PatientMatch] | BaseException) -> None:
        """List the patients matching what is typed (or say why the search failed)."""
        if isinstance(matches, BaseException):
            if not isinstance(matches, MedofficeError):
                self.host.notify_error(matches)  # a bug: logged and named by the host
            self.say(message_of(matches))
            return
        self.found = [match.patient for match in matches]
        table = self.query_one("#patients", DataTable)
        table.clear()
        for patient in self.found:
            table.add_row(patient.mrn, patient.display_name, str(patient.date_of_birth), key=patient.mrn)
        self.say("" if self.found else "No patient matches.")

    @on(Input.Submitted, "#patient-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        table = self.query_one("#patients", DataTable)
        if self.found and table.row_count:
            self.choose(self.found[min(table.cursor_row, len(self.found) - 1)])
        elif event.value.strip():
            self.patient_search.now()

    @on(DataTable.RowSelected, "#patients")
    def _patient_chosen(self, event: DataTable.RowSelected) -> None:
        chosen = next((p for p in self.found if p.mrn == event.row_key.value), None)
        if chosen is not None:
            self.choose(chosen)

    def choose(self, patient: PatientRecord) -> None:
        """``patient`` pays: read their balance and copay, then ask how much."""
        self.patient = patient
        self._go("form")
        self.query_one("#pay-title", Static).update(f"Take a payment from {patient.display_name} ({patient.mrn})")

        def done(found: Account) -> None:
            self.account = found
            self.query_one("#pay-title", Static).update(
                f"Take a payment from {patient.display_name} ({patient.mrn})  ·  balance {money(found.balance)}")
            amount = self.query_one("#amount", Input)
            if not amount.value and found.copay > 0:
                amount.value = f"{found.copay:.2f}"
                amount.select_all()  # typing another amount replaces the copay offered
            self._explain_amount()

        run_call(self, self.host, account, patient.mrn, write=False, done=done,
                 failed=lambda error: self.say(message_of(error)))
        self.query_one("#amount", Input).focus()

    # -- the payment -------------------------------------------------------------------------

    @on(Input.Changed, "#amount")
    def _amount_typed(self) -> None:
        self._explain_amount()

    def _explain_amount(self) -> None:
        """Say what the amount will do: the copay offered, and whether it is a prepayment."""
        found = self.account
        if found is None or self.step != "form":
            return
        copay = f"Copay {money(found.copay)} on the primary policy. " if found.copay > 0 else ""
        typed = self.query_one("#amount", Input).value
        if is_prepayment(typed, found):
            owed = max(found.balance, Decimal("0.00"))
            self.say(f"{copay}Nothing owed yet: taken as a prepayment, held for the visit's charges." if owed == 0
                     else f"{copay}{money(owed)} owed: the rest is held for the visit's charges (a prepayment).")
        else:
            self.say(copay.strip())

    @on(Input.Submitted, "#amount, #method")
    def _next_field(self, event: Input.Submitted) -> None:
        self.query_one("#method" if event.input.id == "amount" else "#reference", Input).focus()

    @on(Input.Submitted, "#reference")
    def _last_field(self) -> None:
        self.action_take()

    def action_take(self) -> None:
        """Take the payment as typed."""
        if self.step != "form" or self.patient is None or self.busy:
            return
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in FIELDS}
        for name in FIELDS:
            self.query_one(f"#{name}-error", Static).update("")
        self.busy = True
        self.say("Taking the payment…")

        def failed(error: BaseException) -> None:
            self.busy = False
            errors = error.errors if isinstance(error, ValidationError) else {}
            shown = False
            for name, message in errors.items():
                if name in FIELDS:
                    self.query_one(f"#{name}-error", Static).update(message)
                    shown = True
            self.say("Not taken: fix what is marked." if shown else f"Not taken: {message_of(error)}")
            first = next((name for name in FIELDS if name in errors), None)
            if first is not None:
                self.query_one(f"#{first}", Input).focus()

        run_call(self, self.host, take_with_receipt, self.patient.mrn, values["amount"], values["method"],
                 values["reference"], prepay=is_prepayment(values["amount"], self.account),
                 done=self.show_receipt, failed=failed, notify=False)

    def show_receipt(self, taken: Taken) -> None:
        """The payment is taken: show its receipt."""
        self.busy = False
        self.taken = taken
        self.query_one("#receipt", Static).update(taken.receipt.rstrip("\n"))
        self._go("receipt")
        self.query_one("#receipt-step", VerticalScroll).focus()
        after = taken.payment.balance_after
        self.query_one("#pay-title", Static).update(
            f"Receipt no. {taken.payment.id}  ·  {self.patient.display_name}  ·  "
            + (f"{money(-after)} held on the account" if after < 0 else f"balance now {money(after)}"))
        self.say("s: save the receipt to a file   Enter or Escape: done")

    def action_save_receipt(self) -> None:
        """Save the receipt as ``receipt-<number>.txt`` in the receipts folder (to print or
        attach) and say the file's full path."""
        if self.taken is None:
            return
        run_call(self, self.host, save_receipt, self.taken.payment.id, write=False,
                 done=lambda path: self.say(f"Receipt saved to {path}"),
                 failed=lambda error: self.say(f"Not saved: {message_of(error)}"), notify=False)

    # -- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take":
            return self.step == "form"
        if action in ("save_receipt", "done"):
            return self.step == "receipt"
        return True

    def action_done(self) -> None:
        """Close the screen after the receipt."""
        self.dismiss(self.taken.payment if self.taken else None)

    def action_back(self) -> None:
        """Back one step: from the receipt, close; from the amount, to the search (if asked)."""
        if self.step == "receipt" or (self.step == "form" and not self.asked_patient) or self.step == "find":
            self.dismiss(self.taken.payment if self.taken else None)
            return
        self._go("find")
        self.query_one("#patient-search", Input).focus()

    def _go(self, step: str) -> None:
        self.step = step
        self.query_one("#pay-steps", ContentSwitcher).current = "receipt-step" if step == "receipt" else step
        self.refresh_bindings()

    def say(self, message: str) -> None:
        """One line under the form."""
        if self.is_attached:
            self.query_one("#pay-message", Static).update(message)


__all__ = ["Account", "Taken", "TakePaymentScreen", "account", "take_with_receipt"]
