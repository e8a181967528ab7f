"""``medoffice billing payments|adjustments|refunds|ledger|balance|budget|expenses …``."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, table
from medoffice.core.cli.params import RECORD_ID, FolderToWrite

from ..vocabulary import ADJUSTMENT_REASONS, INSURANCE_METHODS, PATIENT_METHODS, REFUND_METHODS
from ._lazy import on_first_use
from ._root import billing

ledger = on_first_use("ledger")
receipts = on_first_use("receipts")
books = on_first_use("books")


@billing.group("payments")
def payments_group() -> None:
    """Patients' payments at the desk (with a receipt) and insurance payments."""


@payments_group.command("take")
@click.argument("mrn")
@click.argument("amount")
@click.option("--method", type=click.Choice(PATIENT_METHODS), required=True)
@click.option("--reference", help="Check number, or card type and last four digits.")
@click.option("--on", "received_on", help="YYYY-MM-DD (default today).")
@click.option("--prepay", is_flag=True,
              help="A prepayment (the copay at check-in): what the balance does not take is held on the account "
                   "and pays the visit's charges when they post.")
@click.option("--receipt", "print_receipt", is_flag=True, help="Print the receipt.")
@json_option
def take(mrn, amount, method, reference, received_on, prepay, print_receipt, as_json) -> None:
    """The patient with MRN pays AMOUNT at the desk."""
    with operation() as ctx:
        paid = ledger.take_payment(ctx, mrn, amount, method, reference=reference, received_on=received_on,
                                   prepay=prepay)
        text = receipts.receipt(ctx, paid.id) if print_receipt else None

    def human(p) -> None:
        if text:
            click.echo(text, nl=False)
            return
        after = (f"{-p.balance_after:.2f} held on the account" if p.balance_after < 0
                 else f"balance now {p.balance_after:.2f}")
        click.echo(f"payment {p.id}: {p.amount:.2f} {p.method} from {p.mrn}; {after}")
    emit(paid, as_json=as_json, human=human)


@payments_group.command("insurance")
@click.argument("mrn")
@click.argument("amount")
@click.option("--payer", required=True, help="The payer's name.")
@click.option("--reference", required=True, help="The check number or EFT trace number.")
@click.option("--method", type=click.Choice(INSURANCE_METHODS), default="check", show_default=True)
@click.option("--line", "charge_ids", multiple=True, type=RECORD_ID, help="A charge line to apply it to (repeat).")
@click.option("--on", "received_on", help="YYYY-MM-DD (default today).")
@json_option
def insurance(mrn, amount, payer, reference, method, charge_ids, received_on, as_json) -> None:
    """Post a payer's AMOUNT for the patient with MRN, split over the lines given."""
    with operation() as ctx:
        paid = ledger.post_insurance_payment(ctx, mrn, payer, amount, reference, method=method,
                                             charge_ids=charge_ids, received_on=received_on)
    emit(paid, as_json=as_json, human=lambda p: click.echo(
        f"payment {p.id}: {p.amount:.2f} from {p.payer} for {p.mrn} ("
        + ", ".join(f"line {c}: {a:.2f}" for c, a in p.allocated) + f"); balance now {p.balance_after:.2f}"))


@payments_group.command("receipt")
@click.argument("payment_id", type=RECORD_ID)
@click.option("--save", is_flag=True, help="Save it as receipt-PAYMENT_ID.txt in the receipts folder and say where.")
@click.option("--to", "folder", type=FolderToWrite(), help="With --save: this folder instead.")
@json_option
def receipt(payment_id, save, folder, as_json) -> None:
    """Print (or save) the receipt of the payment PAYMENT_ID."""
    if folder and not save:
        raise click.UsageError("--to goes with --save")
    with operation(write=False) as ctx:
        text = receipts.receipt(ctx, payment_id)
        path = receipts.save_receipt(ctx, payment_id, folder) if save else None
    result = {"payment_id": payment_id, "receipt": text, "saved_to": str(path) if path else None}
    emit(result, as_json=as_json, human=lambda r: click.echo(
        f"saved the receipt to {r['saved_to']}" if r["saved_to"] else r["receipt"], nl=bool(r["saved_to"])))


@billing.group("adjustments")
def adjustments_group() -> None:
    """Write-offs: contractual, courtesy, bad debt."""


@adjustments_group.command("add")
@click.argument("mrn")
@click.argument("amount")
@click.option("--reason", type=click.Choice(ADJUSTMENT_REASONS), required=True)
@click.option("--line", "charge_id", type=RECORD_ID, help="The charge line it is against.")
@click.option("--code", "reason_code", help="The payer's adjustment reason code, such as CO-45.")
@click.option("--payer", help="The payer whose contract it is.")
@click.option("--note")
@json_option
def adjust(mrn, amount, reason, charge_id, reason_code, payer, note, as_json) -> None:
    """Write AMOUNT off the balance of the patient with MRN."""
    with operation() as ctx:
        done = ledger.adjust(ctx, mrn, amount, reason, charge_id=charge_id, reason_code=reason_code, payer=payer,
                             note=note)
    emit(done, as_json=as_json, human=lambda a: click.echo(
        f"adjustment {a.id}: {a.amount:.2f} {a.reason.replace('_', ' ')} for {a.mrn}; balance now {a.balance_after:.2f}"))


@billing.group("refunds")
def refunds_group() -> None:
    """Money paid back to patients out of a credit."""


@refunds_group.command("add")
@click.argument("mrn")
@click.argument("amount")
@click.option("--method", type=click.Choice(REFUND_METHODS), required=True)
@click.option("--reason", required=True)
@click.option("--reference", help="Check number or card reference.")
@click.option("--payment", "payment_id", type=RECORD_ID, help="The payment refunded.")
@json_option
def refund(mrn, amount, method, reason, reference, payment_id, as_json) -> None:
    """Refund AMOUNT to the patient with MRN (needs billing.refund)."""
    with operation() as ctx:
        done = ledger.refund(ctx, mrn, amount, method, reason, reference=reference, payment_id=payment_id)
    emit(done, as_json=as_json, human=lambda r: click.echo(
        f"refund {r.id}: {r.amount:.2f} {r.method} to {r.mrn}; balance now {r.balance_after:.2f}"))


@billing.command("ledger")
@click.argument("mrn")
@json_option
def ledger_(mrn, as_json) -> None:
    """Every charge, payment, adjustment and refund of the patient with MRN, with the balance."""
    with operation(write=False) as ctx:
        book = ledger.ledger(ctx, mrn)

    def human(b) -> None:
        click.echo(f"{b.patient} ({b.mrn})")
        table([(e.on, e.kind, e.id, e.description, f"{e.debit:.2f}" if e.debit else "",
                f"{e.credit:.2f}" if e.credit else "", f"{e.balance:.2f}") for e in b.entries],
              ("date", "kind", "id", "description", "charge", "credit", "balance"))
        click.echo(f"balance {b.balance:.2f}")
    emit(book, as_json=as_json, human=human)


@billing.command("balance")
@click.argument("mrn")
@json_option
def balance(mrn, as_json) -> None:
    """What the patient with MRN owes now (negative: a credit)."""
    with operation(write=False) as ctx:
        owed = ledger.balance(ctx, mrn)
    emit({"mrn": mrn, "balance": owed}, as_json=as_json, human=lambda d: click.echo(f"{d['balance']:.2f}"))


@billing.group("budget")
def budget_group() -> None:
    """Budget lines per category and month, and budget against actual."""


@budget_group.command("set")
@click.argument("category")
@click.argument("month")
@click.argument("amount")
@click.option("--note")
@json_option
def budget_set(category, month, amount, note, as_json) -> None:
    """Plan AMOUNT for CATEGORY in MONTH (YYYY-MM)."""
    with operation() as ctx:
        line = books.set_budget(ctx, category, month, amount, note=note)
    emit(line, as_json=as_json, human=lambda b: click.echo(
        f"budget {b.category} {b.year}-{b.month:02d}: {b.amount:.2f}"))


@budget_group.command("report")
@click.argument("period")
@json_option
def budget_report(period, as_json) -> None:
    """Budget against actual per category for PERIOD: a month (YYYY-MM) or a year (YYYY)."""
    with operation(write=False) as ctx:
        report = books.budget_vs_actual(ctx, period)

    def human(r) -> None:
        table([(row.category, f"{row.budget:.2f}", f"{row.actual:.2f}", f"{row.remaining:.2f}") for row in r.rows],
              ("category", "budget", "actual", "remaining"))
        click.echo(f"total budget {r.budget:.2f}, actual {r.actual:.2f}")
    emit(report, as_json=as_json, human=human)


@billing.group("expenses")
def expenses_group() -> None:
    """The practice's expenses (by hand, or booked by other plugins)."""


@expenses_group.command("add")
@click.argument("category")
@click.argument("amount")
@click.option("--on", "spent_on", required=True, help="YYYY-MM-DD.")
@click.option("--vendor")
@click.option("--reference", help="Invoice or receipt number.")
@json_option
def expenses_add(category, amount, spent_on, vendor, reference, as_json) -> None:
    """Record an expense of AMOUNT in CATEGORY."""
    with operation() as ctx:
        record = books.add_expense(ctx, category, amount, spent_on, vendor=vendor, reference=reference)
    emit(record, as_json=as_json, human=lambda e: click.echo(
        f"expense {e.id}: {e.amount:.2f} {e.category} on {e.spent_on}" + (f" to {e.vendor}" if e.vendor else "")))


@expenses_group.command("list")
@click.option("--month", help="YYYY-MM.")
@click.option("--category")
@json_option
def expenses_list(month, category, as_json) -> None:
    """Expenses, oldest first."""
    with operation(write=False) as ctx:
        found = books.list_expenses(ctx, month=month, category=category)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(e.id, e.spent_on, e.category, e.vendor, e.reference, f"{e.amount:.2f}", e.source) for e in rows],
        ("id", "date", "category", "vendor", "reference", "amount", "source")))
