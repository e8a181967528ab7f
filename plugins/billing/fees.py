"""The practice's fee schedule: CPT/HCPCS codes and their fees, in and out as CSV.

medoffice ships no CPT descriptions (they are the AMA's copyright): a practice may type its
own. An import checks every row before writing any, names each bad row by its line number,
and changes nothing when the same file is imported twice.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import TextIO

import attrs
from sqlalchemy import select

from medoffice.core import Context, NotFound

from .codes import parse_procedure_code
from .common import Fields, csv_rows, refuse_rows
from .models import Fee
from .money import parse_money
from .permissions import MANAGE, READ

CSV_COLUMNS = ("code", "fee", "description")
MAX_DESCRIPTION = 200


@attrs.frozen
class FeeRecord:
    """One code of the fee schedule and its fee per unit."""

    id: int
    code: str
    fee: Decimal
    description: str | None
    active: bool


@attrs.frozen
class FeeImport:
    """What an import did, code by code."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


def to_record(row: Fee) -> FeeRecord:
    return FeeRecord(row.id, row.code, row.fee, row.description, row.active)


def _description(value: str | None, *, field: str = "description") -> str | None:
    from medoffice.core.validation import optional_text

    return optional_text(value, field=field, max_length=MAX_DESCRIPTION)


def fee_row(ctx: Context, code: str) -> Fee:
    """The fee schedule's row for ``code`` (active or not)."""
    code = parse_procedure_code(code)
    row = ctx.session.execute(select(Fee).where(Fee.code == code)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"{code} is not in the fee schedule (add it with 'billing fees add')")
    return row


def set_fee(ctx: Context, code: str, fee: Decimal | str, *, description: str | None = None) -> FeeRecord:
    """Add ``code`` to the fee schedule, or change its fee (and description, when given).

    Raises:
        PermissionDenied: without ``billing.manage``.
        ValidationError: a malformed code, a negative fee, a description too long (all at once).
    """
    ctx.require(MANAGE)
    fields = Fields()
    code = fields.parse("code", parse_procedure_code, code)
    amount = fields.parse("fee", parse_money, fee)
    text = fields.parse("description", _description, description)
    fields.done()
    row, change = _apply(ctx, code, amount, text)
    if change != "unchanged":
        ctx.audit(f"billing.fee.{change}", "billing_fee", row.id, summary={"code": code, "fee": str(amount)})
    return to_record(row)


def _apply(ctx: Context, code: str, fee: Decimal, description: str | None) -> tuple[Fee, str]:
    row = ctx.session.execute(select(Fee).where(Fee.code == code)).scalar_one_or_none()
    if row is None:
        row = Fee(code=code, fee=fee, description=description, active=True, updated_at=ctx.now())
        ctx.session.add(row)
        ctx.session.flush()
        return row, "added"
    if row.fee == fee and row.active and (description is None or row.description == description):
        return row, "unchanged"
    row.fee = fee
    row.active = True
    if description is not None:
        row.description = description
    row.updated_at = ctx.now()
    ctx.session.flush()
    return row, "updated"


def remove_fee(ctx: Context, code: str) -> FeeRecord:
    """Take ``code`` off the fee schedule: no new charges with it (its history stays)."""
    ctx.require(MANAGE)
    row = fee_row(ctx, code)
    if row.active:
        row.active = False
        row.updated_at = ctx.now()
        ctx.session.flush()
        ctx.audit("billing.fee.removed", "billing_fee", row.id, summary={"code": row.code})
    return to_record(row)


def list_fees(ctx: Context, *, include_inactive: bool = False) -> list[FeeRecord]:
    """The fee schedule, by code."""
    ctx.require(READ)
    query = select(Fee).order_by(Fee.code)
    if not include_inactive:
        query = query.where(Fee.active.is_(True))
    return [to_record(r) for r in ctx.session.execute(query).scalars()]


def import_csv(ctx: Context, handle: TextIO) -> FeeImport:
    """Import a fee schedule from CSV with the columns ``code``, ``fee`` and optionally
    ``description`` (an empty description leaves the one on file).

    Every row is checked before any is written; with one bad row nothing is written.

    Raises:
        PermissionDenied: without ``billing.manage``.
        ValidationError: an unknown column, or bad rows, each named by its line number
            (``row 3: fee must not be negative, got -5.00``).
    """
    ctx.require(MANAGE)
    parsed: list[tuple[str, Decimal, str | None]] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for line, values in csv_rows(handle, CSV_COLUMNS, required=("code", "fee")):
        fields = Fields()
        code = fields.parse("code", parse_procedure_code, values.get("code"))
        fee = fields.parse("fee", parse_money, values.get("fee"))
        description = fields.parse("description", _description, values.get("description"))
        if code in seen:
            fields.add("code", f"{code} is already on row {seen[code]}")
        if fields.errors:
            errors.append(f"row {line}: " + "; ".join(fields.errors.values()))
            continue
        seen[code] = line
        parsed.append((code, fee, description))
    refuse_rows(errors)
    result: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
    for code, fee, description in parsed:
        _row, change = _apply(ctx, code, fee, description)
        result[change].append(code)
    ctx.audit("billing.fees.imported", "billing_fee", None, summary={k: len(v) for k, v in result.items()})
    return FeeImport(tuple(result["added"]), tuple(result["updated"]), tuple(result["unchanged"]))


def export_csv(ctx: Context, out: TextIO, *, include_inactive: bool = False) -> int:
    """Write the fee schedule as CSV (the columns :func:`import_csv` reads); return the rows."""
    rows = list_fees(ctx, include_inactive=include_inactive)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for fee in rows:
        writer.writerow([fee.code, f"{fee.fee:.2f}", fee.description or ""])
    return len(rows)


# -- what payers allow -----------------------------------------------------------------------


@attrs.frozen
class AllowedRecord:
    """What one payer allows for one code (its contracted rate)."""

    code: str
    payer: str
    allowed: Decimal
    fee: Decimal


def set_allowed(ctx: Context, code: str, payer: str, allowed: Decimal | str) -> AllowedRecord:
    """Record what ``payer`` allows for ``code`` (replacing what was there).

    Raises:
        PermissionDenied: without ``billing.manage``.
        ValidationError: a malformed code or a negative amount.
        NotFound: a code not in the fee schedule, or an unknown payer.
    """
    from .models import AllowedAmount
    from .payers import payer_row

    ctx.require(MANAGE)
    fields = Fields()
    code = fields.parse("code", parse_procedure_code, code)
    amount = fields.parse("allowed", parse_money, allowed)
    fields.done()
    fee = fee_row(ctx, code)
    who = payer_row(ctx, payer)
    row = ctx.session.execute(select(AllowedAmount).where(AllowedAmount.fee_id == fee.id,
                                                          AllowedAmount.payer_id == who.id)).scalar_one_or_none()
    if row is None:
        row = AllowedAmount(fee_id=fee.id, payer_id=who.id, allowed=amount)
        ctx.session.add(row)
    else:
        row.allowed = amount
    ctx.session.flush()
    ctx.audit("billing.allowed.set", "billing_allowed_amount", row.id,
              summary={"code": code, "payer": who.name, "allowed": str(amount)})
    return AllowedRecord(fee.code, who.name, amount, fee.fee)


def list_allowed(ctx: Context, code: str | None = None) -> list[AllowedRecord]:
    """What payers allow, by code then payer (for one code when given)."""
    from .models import AllowedAmount, Payer

    ctx.require(READ)
    query = (select(Fee, Payer.name, AllowedAmount.allowed).join(AllowedAmount, AllowedAmount.fee_id == Fee.id)
             .join(Payer, Payer.id == AllowedAmount.payer_id).order_by(Fee.code, Payer.name))
    if code is not None:
        query = query.where(Fee.code == parse_procedure_code(code))
    return [AllowedRecord(fee.code, name, allowed, fee.fee) for fee, name, allowed in ctx.session.execute(query)]
