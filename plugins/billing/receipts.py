"""Receipts for payments taken at the desk: the text the patient is handed, and where a copy
is saved.

A receipt is read by the patient, not by the office: it names the practice with its address
and phone (lines the practice has not filled in are left out, never printed blank), the local
time the money was taken (the practice's time zone), who paid (the patient, or the insurer
for a payer's check or EFT) and how, what the account owed or held as a credit right after
that payment, and the person who took it by name. A prepayment says that it is held for the
visit's charges.

A receipt is a document: printed again a month later, after more charges and payments, it
shows what it showed the day it was taken. The balance on it is worked out from the ledger
as of that payment: the charges, adjustments and refunds posted by then (a charge voided
since still counts; one voided by then does not) and the patient's payments up to and
including this one.

Saved copies go to a ``receipts`` folder in the practice's data folder (``MEDOFFICE_HOME/data``,
else the user's data folder), or to the folder the config file names as ``receipts_dir``;
never to the current directory, which may be a source checkout.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select

from medoffice.core import Context, NotFound, ValidationError
from medoffice.core.config import home_dirs
from medoffice.core.files import write_private
from medoffice.core.services import patients
from medoffice.core.storage.models import User

from .common import parse_id
from .models import Adjustment, Charge, Payer, Payment, Refund
from .money import show
from .permissions import POST, READ
from .statements import header_lines

WIDTH = 40
RULE = "-" * WIDTH
RECEIPTS_OPTION = "receipts_dir"
"""The config file's key for another folder to save receipts in."""


def when(moment: dt.datetime) -> str:
    """``Jan 5, 2026, 10:00 AM EST``: how a patient reads the time on paper."""
    hour = moment.hour % 12 or 12
    return f"{moment:%b} {moment.day}, {moment.year}, {hour}:{moment:%M %p} {moment.tzname()}"


def _centred(text: str) -> list[str]:
    return [line.center(WIDTH).rstrip() for line in textwrap.wrap(text, WIDTH)]


def _amount_line(label: str, amount: str) -> str:
    return f"{label:<{WIDTH - 16}}{amount:>16}"


def _field(label: str, value: str) -> list[str]:
    """``Paid by:  value``, a long value wrapped under itself, never cut."""
    indent = " " * 10
    return textwrap.wrap(value, WIDTH, initial_indent=f"{label:<10}", subsequent_indent=indent,
                         break_long_words=True, break_on_hyphens=False) or [label.rstrip()]


def _total(ctx: Context, column: Any, *where: Any) -> Decimal:
    total = ctx.session.execute(select(func.sum(column)).where(*where)).scalar()
    return Decimal("0.00") if total is None else total


def balance_after(ctx: Context, payment: Payment) -> Decimal:
    """What the patient's account owed (negative: held as a credit) right after ``payment``:
    charges, adjustments and refunds posted by then, less the payments up to this one."""
    who, then = payment.patient_id, payment.posted_at
    charges = _total(ctx, Charge.amount, Charge.patient_id == who, Charge.posted_at <= then,
                     or_(Charge.voided_at.is_(None), Charge.voided_at > then))
    paid = _total(ctx, Payment.amount, Payment.patient_id == who, Payment.id <= payment.id)
    adjusted = _total(ctx, Adjustment.amount, Adjustment.patient_id == who, Adjustment.posted_at <= then)
    refunded = _total(ctx, Refund.amount, Refund.patient_id == who, Refund.posted_at <= then)
    return charges - paid - adjusted + refunded


def _paid_by(ctx: Context, row: Payment) -> list[str]:
    how = row.method.upper() if row.method == "eft" else row.method
    how += f" {row.reference}" if row.reference else ""
    if row.kind != "insurance":
        return _field("Paid by:", how)
    payer = ctx.session.execute(select(Payer.name).where(Payer.id == row.payer_id)).scalar() or "insurance"
    return [*_field("Paid by:", f"{payer} (insurance)"), *_field("By:", how)]


def _taken_by(ctx: Context, username: str) -> str:
    name = ctx.session.execute(select(User.full_name).where(User.username == username)).scalar()
    return name or username


def receipt(ctx: Context, payment_id: int) -> str:
    """The printable text receipt of a payment (40 columns wide): the same text each time it
    is printed, whatever was posted to the account since.

    Raises:
        PermissionDenied: without ``billing.read``.
        ValidationError: ``payment_id`` is not a positive whole number.
        NotFound: no such payment.
    """
    ctx.require(READ)
    number = parse_id(payment_id, what="a payment")
    row = ctx.session.get(Payment, number)
    if row is None:
        raise NotFound(f"no payment with receipt number {number}")
    patient = patients.get_by_id(ctx, row.patient_id)
    practice = ctx.practice
    lines = [centred for line in header_lines(practice) for centred in _centred(line)]
    lines += ["", "RECEIPT".center(WIDTH).rstrip(), RULE,
              f"Receipt no. {row.id}",
              *_field("Date:", when(ctx.local(row.posted_at))),
              *_field("Patient:", patient.display_name),
              *_field("Account:", patient.mrn),
              *_paid_by(ctx, row), RULE,
              _amount_line("Paid before the visit" if row.prepayment else "Amount paid", show(row.amount))]
    balance = balance_after(ctx, row)
    if balance < 0:
        lines.append(_amount_line("Credit on your account", show(-balance)))
        if row.prepayment:
            lines.append("Held for your visit's charges.")
    else:
        lines.append(_amount_line("Balance now", show(balance)))
    lines += [RULE, f"Received by {_taken_by(ctx, row.posted_by)}", "Thank you."]
    return "\n".join(lines) + "\n"


def receipts_folder(ctx: Context) -> Path:
    """Where receipts are saved: the config file's ``receipts_dir``, else ``receipts`` in the
    practice's data folder."""
    configured = ctx.runtime.settings.options.get(RECEIPTS_OPTION)
    if configured:
        return Path(str(configured)).expanduser()
    return home_dirs()[1] / "receipts"


def save_receipt(ctx: Context, payment_id: int, folder: str | Path | None = None) -> Path:
    """Write the receipt of a payment to ``receipt-<number>.txt`` in ``folder`` (default
    :func:`receipts_folder`, made if missing) and return the file's full path.

    Raises:
        PermissionDenied: without ``billing.post``.
        NotFound: no such payment.
        ValidationError: the folder cannot be written.
    """
    ctx.require(POST)
    text = receipt(ctx, payment_id)
    where = Path(folder).expanduser() if folder else receipts_folder(ctx)
    path = (where / f"receipt-{parse_id(payment_id, what='a payment')}.txt").absolute()
    try:
        where.mkdir(parents=True, exist_ok=True)
        write_private(path, text)
    except OSError as error:
        raise ValidationError(f"cannot save the receipt in {where}: {error.strerror or error}",
                              field="folder") from None
    return path
