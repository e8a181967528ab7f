"""Money in and out of a patient's account: payments, adjustments, refunds; the ledger and
the balance.

A patient's balance is always::

    charges (not voided) - payments - adjustments + refunds

summed over the rows of that patient, in integer cents. A positive balance is owed by the
patient; a negative one is a credit. Postings to one account are serialised (SQLite's write
lock; a transaction-scoped advisory lock per patient on PostgreSQL), so two terminals posting
at once each see the other's payment and lose nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import func, select, text

from medoffice.core import Context, NotFound, ValidationError
from medoffice.core.records import PatientRecord
from medoffice.core.services import patients
from medoffice.core.validation import optional_text

from medoffice.core.validation import Fields
from .common import parse_day, parse_id
from .models import MAX_REFERENCE, MAX_TEXT, Adjustment, Charge, Payer, Payment, PaymentAllocation, Refund
from .money import parse_money, show, split
from .payers import payer_row
from .permissions import ADJUST, CLAIMS, POST, READ, REFUND
from .vocabulary import ADJUSTMENT_REASONS, INSURANCE_METHODS, PATIENT_METHODS, REFUND_METHODS

ZERO = Decimal("0.00")
ACCOUNT_LOCK = 0x62696C6C  # "bill": the advisory-lock class of patients' accounts


@attrs.frozen
class PaymentRecord:
    id: int
    patient_id: int
    mrn: str
    kind: str
    method: str
    amount: Decimal
    received_on: dt.date
    reference: str | None
    payer: str | None
    allocated: tuple[tuple[int, Decimal], ...]
    """``(charge line id, amount)`` for each line the payment was applied to."""
    balance_after: Decimal
    prepayment: bool = False
    """Taken before the visit's charges posted, held for them (bil0003)."""


@attrs.frozen
class AdjustmentRecord:
    id: int
    patient_id: int
    mrn: str
    reason: str
    amount: Decimal
    adjusted_on: dt.date
    charge_id: int | None
    reason_code: str | None
    balance_after: Decimal


@attrs.frozen
class RefundRecord:
    id: int
    patient_id: int
    mrn: str
    method: str
    amount: Decimal
    refunded_on: dt.date
    reason: str
    balance_after: Decimal


@attrs.frozen
class LedgerEntry:
    """One line of a patient's ledger: a charge (``debit``) or money in or back (``credit``)."""

    on: dt.date
    kind: str
    id: int
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@attrs.frozen
class Ledger:
    mrn: str
    patient: str
    entries: tuple[LedgerEntry, ...]
    balance: Decimal


# -- sums ------------------------------------------------------------------------------------


def _sum(ctx: Context, column: Any, *where: Any) -> Decimal:
    """The sum of a money column (summed in cents by the database; read back as a Decimal)."""
    total = ctx.session.execute(select(func.sum(column)).where(*where)).scalar()
    return ZERO if total is None else total


def balance_of(ctx: Context, patient_id: int) -> Decimal:
    """Charges minus payments and adjustments, plus refunds, for one patient."""
    charges = _sum(ctx, Charge.amount, Charge.patient_id == patient_id, Charge.voided_at.is_(None))
    paid = _sum(ctx, Payment.amount, Payment.patient_id == patient_id)
    adjusted = _sum(ctx, Adjustment.amount, Adjustment.patient_id == patient_id)
    refunded = _sum(ctx, Refund.amount, Refund.patient_id == patient_id)
    return charges - paid - adjusted + refunded


def balance(ctx: Context, mrn: str) -> Decimal:
    """What the patient with ``mrn`` owes now (negative: a credit)."""
    ctx.require(READ)
    return balance_of(ctx, patients.get(ctx, mrn).id)


def _lock_account(ctx: Context, patient_id: int) -> None:
    """Serialise postings to one account for the rest of the transaction."""
    if ctx.session.get_bind().dialect.name == "postgresql":
        # Advisory locks are the server's, not the schema's: the key names the practice's
        # schema too, so two practices on one server (or two test schemas) never share a lock
        # and cannot deadlock each other by taking their own patients in another order.
        ctx.session.execute(text("SELECT pg_advisory_xact_lock(:kind, hashtext(current_schema() || ':' || :patient))"),
                            {"kind": ACCOUNT_LOCK, "patient": str(patient_id)})
    # SQLite: every write operation already holds the database's write lock (BEGIN IMMEDIATE).


def outstanding_lines(ctx: Context, patient_id: int) -> list[tuple[Charge, Decimal]]:
    """The patient's charge lines with something left to pay, oldest first, and what is left."""
    rows = ctx.session.execute(select(Charge).where(Charge.patient_id == patient_id, Charge.voided_at.is_(None))
                               .order_by(Charge.date_of_service, Charge.id)).scalars().all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    paid = dict(ctx.session.execute(select(PaymentAllocation.charge_id, func.sum(PaymentAllocation.amount))
                                    .where(PaymentAllocation.charge_id.in_(ids)).group_by(PaymentAllocation.charge_id)).all())
    adjusted = dict(ctx.session.execute(select(Adjustment.charge_id, func.sum(Adjustment.amount))
                                        .where(Adjustment.charge_id.in_(ids)).group_by(Adjustment.charge_id)).all())
    found = []
    for row in rows:
        left = row.amount - paid.get(row.id, ZERO) - adjusted.get(row.id, ZERO)
        if left > 0:
            found.append((row, left))
    return found


def _allocate(ctx: Context, payment: Payment, lines: list[tuple[Charge, Decimal]], amount: Decimal) -> list[
        PaymentAllocation]:
    made = []
    for charge, left in lines:
        if amount <= 0:
            break
        part = min(left, amount)
        made.append(PaymentAllocation(payment_id=payment.id, charge_id=charge.id, amount=part))
        amount -= part
    ctx.session.add_all(made)
    return made


def _payment_record(ctx: Context, row: Payment, patient: PatientRecord, allocations: Sequence[PaymentAllocation],
                    payer: str | None) -> PaymentRecord:
    return PaymentRecord(row.id, row.patient_id, patient.mrn, row.kind, row.method, row.amount, row.received_on,
                         row.reference, payer, tuple((a.charge_id, a.amount) for a in allocations),
                         balance_of(ctx, patient.id), bool(row.prepayment))


def _choice(options: tuple[str, ...], what: str):
    def parse(value: str | None, *, field: str) -> str:
        word = (value or "").strip().lower().replace(" ", "_")
        if word not in options:
            raise ValidationError(f"{what} must be one of {', '.join(options)}, got {value!r}", field=field)
        return word
    return parse


# -- patients' payments ----------------------------------------------------------------------


def take_payment(ctx: Context, mrn: str, amount: Decimal | str, method: str, *, reference: str | None = None,
                 received_on: str | dt.date | None = None, note: str | None = None,
                 prepay: bool = False) -> PaymentRecord:
    """A patient pays at the desk (cash, card or check); it is applied to their oldest open
    lines, and whatever is left is a credit on the account.

    With ``prepay`` it is a prepayment (the copay at check-in, before the visit's charges
    post): whatever the balance does not take is held on the account as a credit, and
    :func:`apply_credit` applies it to the visit's charges when its encounter closes. Any
    user who may take payments may take one: the credit is meant to be used, not refunded.

    Raises:
        PermissionDenied: without ``billing.post``.
        ValidationError: every bad field at once (an amount not above zero, an unknown
            method, a check without its number); a payment larger than the balance, unless it
            is a prepayment or the user may refund (``billing.refund``).
        NotFound: unknown patient.

    .. versionchanged:: 1 ``prepay`` (bil0003).
    """
    ctx.require(POST)
    fields = Fields()
    value = fields.parse("amount", parse_money, amount, positive=True)
    how = fields.parse("method", _choice(PATIENT_METHODS, "method"), method)
    ref = fields.parse("reference", optional_text, reference, max_length=MAX_REFERENCE)
    day = fields.parse("received_on", parse_day, received_on, ctx)
    text_note = fields.parse("note", optional_text, note, max_length=MAX_TEXT)
    if how == "check" and not ref:
        fields.add("reference", "a check payment needs the check number (reference)")
    fields.done()
    patient = patients.get(ctx, mrn)
    _lock_account(ctx, patient.id)
    owed = balance_of(ctx, patient.id)
    if value > owed and not prepay and not ctx.can(REFUND):
        raise ValidationError(f"payment {show(value)} is more than the balance {show(max(owed, ZERO))}; take it "
                              "as a prepayment (held for the visit's charges), or ask a biller", field="amount")
    row = Payment(patient_id=patient.id, kind="patient", method=how, reference=ref, amount=value, received_on=day,
                  note=text_note, posted_at=ctx.now(), posted_by=ctx.user.username, prepayment=bool(prepay))
    ctx.session.add(row)
    ctx.session.flush()
    made = _allocate(ctx, row, outstanding_lines(ctx, patient.id), value)
    ctx.session.flush()
    summary: dict[str, Any] = {"amount": str(value), "method": how}
    if prepay:
        summary["prepayment"] = True
    ctx.audit("billing.payment.taken", "billing_payment", row.id, patient_id=patient.id, summary=summary)
    return _payment_record(ctx, row, patient, made, None)


def _unapplied_payments(ctx: Context, patient_id: int) -> list[tuple[Payment, Decimal]]:
    """The patient's own payments with a part not yet applied to a line, oldest first."""
    applied = (select(PaymentAllocation.payment_id, func.sum(PaymentAllocation.amount).label("applied"))
               .group_by(PaymentAllocation.payment_id).subquery())
    rows = ctx.session.execute(
        select(Payment, applied.c.applied).outerjoin(applied, applied.c.payment_id == Payment.id)
        .where(Payment.patient_id == patient_id, Payment.kind == "patient")
        .order_by(Payment.received_on, Payment.id)).all()
    found = []
    for payment, used in rows:
        left = payment.amount - (used or ZERO)
        if left > 0:
            found.append((payment, left))
    return found


def apply_credit(ctx: Context, patient_id: int) -> list[tuple[int, int, Decimal]]:
    """Apply the credit held on a patient's account (a prepayment, an overpayment) to their
    open charge lines: the oldest payment first, to the oldest lines first, to the cent.

    Called by the service that posts charges (closing an encounter), in its transaction. The
    balance does not change (it already counts both the payment and the charges); what
    changes is which lines are paid, which insurance posting and the claims read. No more is
    applied than the account's credit: a refund or a write-off of the account (not of a line)
    has already used its share of the unapplied money.

    Returns:
        ``(payment id, charge line id, amount)`` for each part applied.
    """
    _lock_account(ctx, patient_id)
    lines = outstanding_lines(ctx, patient_id)
    if not lines:
        return []
    unapplied = _unapplied_payments(ctx, patient_id)
    open_total = sum((left for _charge, left in lines), ZERO)
    available = min(sum((left for _payment, left in unapplied), ZERO), open_total - balance_of(ctx, patient_id))
    made: list[tuple[int, int, Decimal]] = []
    line_index, line_left = 0, lines[0][1]
    for payment, payment_left in unapplied:
        while available > 0 and payment_left > 0 and line_index < len(lines):
            part = min(payment_left, line_left, available)
            charge = lines[line_index][0]
            ctx.session.add(PaymentAllocation(payment_id=payment.id, charge_id=charge.id, amount=part))
            made.append((payment.id, charge.id, part))
            payment_left, line_left, available = payment_left - part, line_left - part, available - part
            if line_left == 0:
                line_index += 1
                line_left = lines[line_index][1] if line_index < len(lines) else ZERO
    if made:
        ctx.session.flush()
        ctx.audit("billing.credit.applied", "core_patient", patient_id, patient_id=patient_id,
                  summary={"applied": [[p, c, str(a)] for p, c, a in made]})
    return made


def post_insurance_payment(ctx: Context, mrn: str, payer: str, amount: Decimal | str, reference: str, *,
                           method: str = "check", charge_ids: Sequence[int] = (),
                           received_on: str | dt.date | None = None) -> PaymentRecord:
    """A payer's check or EFT for one patient, applied to the given charge lines.

    The amount is split over the lines in proportion to what is left on each, by largest
    remainder, so the parts add up to the amount exactly; with no lines given, the
    patient's oldest open lines are paid in order.

    Raises:
        PermissionDenied: without ``billing.post`` and ``billing.claims``.
        ValidationError: bad fields; lines not the patient's or with nothing left; an amount
            larger than what is left on the lines (or the balance).
        NotFound: unknown patient or payer.
    """
    ctx.require(POST)
    ctx.require(CLAIMS)
    fields = Fields()
    value = fields.parse("amount", parse_money, amount, positive=True)
    how = fields.parse("method", _choice(INSURANCE_METHODS, "method"), method)
    ref = fields.parse("reference", optional_text, reference, max_length=MAX_REFERENCE)
    day = fields.parse("received_on", parse_day, received_on, ctx)
    if not ref and "reference" not in fields.errors:
        fields.add("reference", "an insurance payment needs its check or EFT trace number (reference)")
    wanted = [fields.parse("charge_ids", parse_id, c, what="a charge line") for c in charge_ids]
    fields.done()
    patient = patients.get(ctx, mrn)
    who = payer_row(ctx, payer)
    _lock_account(ctx, patient.id)
    open_lines = outstanding_lines(ctx, patient.id)
    if wanted:
        by_id = {charge.id: (charge, left) for charge, left in open_lines}
        missing = [str(c) for c in wanted if c not in by_id]
        if missing:
            raise ValidationError(f"charge line(s) {', '.join(missing)} of {patient.display_name} have nothing left "
                                  "to pay (or are not theirs)", field="charge_ids")
        lines = [by_id[c] for c in dict.fromkeys(wanted)]
    else:
        lines = open_lines
    left = sum((part for _charge, part in lines), ZERO)
    if value > left:
        raise ValidationError(f"payment {show(value)} is more than the {show(left)} left on those lines",
                              field="amount")
    row = Payment(patient_id=patient.id, kind="insurance", payer_id=who.id, method=how, reference=ref, amount=value,
                  received_on=day, posted_at=ctx.now(), posted_by=ctx.user.username)
    ctx.session.add(row)
    ctx.session.flush()
    if wanted:
        parts = split(value, [part for _charge, part in lines])
        made = [PaymentAllocation(payment_id=row.id, charge_id=charge.id, amount=part)
                for (charge, _left), part in zip(lines, parts) if part > 0]
        ctx.session.add_all(made)
    else:
        made = _allocate(ctx, row, lines, value)
    ctx.session.flush()
    ctx.audit("billing.payment.posted", "billing_payment", row.id, patient_id=patient.id,
              summary={"amount": str(value), "payer": who.name, "reference": ref})
    return _payment_record(ctx, row, patient, made, who.name)


# -- adjustments and refunds -----------------------------------------------------------------


def adjust(ctx: Context, mrn: str, amount: Decimal | str, reason: str, *, charge_id: int | None = None,
           reason_code: str | None = None, payer: str | None = None, adjusted_on: str | dt.date | None = None,
           note: str | None = None) -> AdjustmentRecord:
    """Write off part of a patient's balance: ``contractual``, ``courtesy`` or ``bad_debt``.

    Raises:
        PermissionDenied: without ``billing.adjust``.
        ValidationError: bad fields; more than the balance (or than is left on the line).
        NotFound: unknown patient, line or payer.
    """
    ctx.require(ADJUST)
    fields = Fields()
    value = fields.parse("amount", parse_money, amount, positive=True)
    why = fields.parse("reason", _choice(ADJUSTMENT_REASONS, "reason"), reason)
    code = fields.parse("reason_code", optional_text, reason_code, max_length=10)
    day = fields.parse("adjusted_on", parse_day, adjusted_on, ctx)
    text_note = fields.parse("note", optional_text, note, max_length=MAX_TEXT)
    line = fields.parse("charge_id", parse_id, charge_id, what="a charge line") if charge_id is not None else None
    fields.done()
    patient = patients.get(ctx, mrn)
    payer_id = payer_row(ctx, payer).id if payer else None
    _lock_account(ctx, patient.id)
    if line is not None:
        left = dict((c.id, part) for c, part in outstanding_lines(ctx, patient.id)).get(line)
        if left is None:
            raise NotFound(f"charge line {line} of {patient.display_name} has nothing left to adjust (or is not theirs)")
        if value > left:
            raise ValidationError(f"adjustment {show(value)} is more than the {show(left)} left on line {line}",
                                  field="amount")
    owed = balance_of(ctx, patient.id)
    if value > owed:
        raise ValidationError(f"adjustment {show(value)} is more than the balance {show(max(owed, ZERO))}",
                              field="amount")
    row = Adjustment(patient_id=patient.id, charge_id=line, payer_id=payer_id, reason=why, reason_code=code,
                     amount=value, adjusted_on=day, note=text_note, posted_at=ctx.now(), posted_by=ctx.user.username)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("billing.adjustment.posted", "billing_adjustment", row.id, patient_id=patient.id,
              summary={"amount": str(value), "reason": why})
    return AdjustmentRecord(row.id, patient.id, patient.mrn, why, value, day, line, code, balance_of(ctx, patient.id))


def refund(ctx: Context, mrn: str, amount: Decimal | str, method: str, reason: str, *,
           reference: str | None = None, payment_id: int | None = None,
           refunded_on: str | dt.date | None = None) -> RefundRecord:
    """Pay money back to a patient, out of the credit on their account.

    Raises:
        PermissionDenied: without ``billing.refund``.
        ValidationError: bad fields, no reason, more than the credit.
        NotFound: unknown patient or payment.
    """
    ctx.require(REFUND)
    fields = Fields()
    value = fields.parse("amount", parse_money, amount, positive=True)
    how = fields.parse("method", _choice(REFUND_METHODS, "method"), method)
    why = fields.parse("reason", optional_text, reason, max_length=MAX_TEXT)
    ref = fields.parse("reference", optional_text, reference, max_length=MAX_REFERENCE)
    day = fields.parse("refunded_on", parse_day, refunded_on, ctx)
    paid = fields.parse("payment_id", parse_id, payment_id, what="a payment") if payment_id is not None else None
    if not why and "reason" not in fields.errors:
        fields.add("reason", "reason is required")
    fields.done()
    patient = patients.get(ctx, mrn)
    if paid is not None:
        payment = ctx.session.get(Payment, paid)
        if payment is None or payment.patient_id != patient.id:
            raise NotFound(f"no payment {paid} of {patient.display_name}")
    _lock_account(ctx, patient.id)
    credit = -balance_of(ctx, patient.id)
    if value > credit:
        raise ValidationError(f"refund {show(value)} is more than the credit on the account "
                              f"({show(max(credit, ZERO))})", field="amount")
    row = Refund(patient_id=patient.id, payment_id=paid, method=how, reference=ref, amount=value, refunded_on=day,
                 reason=why, posted_at=ctx.now(), posted_by=ctx.user.username)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("billing.refund.posted", "billing_refund", row.id, patient_id=patient.id,
              summary={"amount": str(value), "method": how, "reason": why})
    return RefundRecord(row.id, patient.id, patient.mrn, how, value, day, why, balance_of(ctx, patient.id))


# -- reading ---------------------------------------------------------------------------------


def ledger(ctx: Context, mrn: str) -> Ledger:
    """Every charge, payment, adjustment and refund of a patient, oldest first, with the
    running balance; the last balance is :func:`balance`."""
    ctx.require(READ)
    patient = patients.get(ctx, mrn)
    pid = patient.id
    items: list[tuple[dt.date, dt.datetime, str, int, str, Decimal, Decimal]] = []
    for c in ctx.session.execute(select(Charge).where(Charge.patient_id == pid, Charge.voided_at.is_(None))).scalars():
        items.append((c.date_of_service, c.posted_at, "charge", c.id, f"{c.code} x{c.units}", c.amount, ZERO))
    payers = dict(ctx.session.execute(select(Payer.id, Payer.name)).all())
    for p in ctx.session.execute(select(Payment).where(Payment.patient_id == pid)).scalars():
        who = payers.get(p.payer_id, "patient") if p.kind == "insurance" else "patient"
        items.append((p.received_on, p.posted_at, "payment", p.id,
                      ("prepaid " if p.prepayment else "") + f"{who} {p.method}"
                      + (f" {p.reference}" if p.reference else ""), ZERO, p.amount))
    for a in ctx.session.execute(select(Adjustment).where(Adjustment.patient_id == pid)).scalars():
        items.append((a.adjusted_on, a.posted_at, "adjustment", a.id,
                      a.reason.replace("_", " ") + (f" {a.reason_code}" if a.reason_code else ""), ZERO, a.amount))
    for r in ctx.session.execute(select(Refund).where(Refund.patient_id == pid)).scalars():
        items.append((r.refunded_on, r.posted_at, "refund", r.id, f"refund {r.method}: {r.reason}", r.amount, ZERO))
    items.sort(key=lambda i: (i[0], i[1], i[3]))
    running = ZERO
    entries = []
    for on, _at, kind, ident, description, debit, credit in items:
        running += debit - credit
        entries.append(LedgerEntry(on, kind, ident, description, debit, credit, running))
    return Ledger(patient.mrn, patient.display_name, tuple(entries), balance_of(ctx, pid))
