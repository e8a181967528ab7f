"""The practice's fee schedule: CPT/HCPCS codes and their fees, in and out as CSV.

medoffice ships no CPT descriptions (they are the AMA's copyright): a practice may type its
own. An import checks every row before writing any, names each bad row by its line number,
and changes nothing when the same file is imported twice. The file carries each code's state
(``active``: yes, or no for a removed code), so ``export --all`` then ``import`` keeps removed
codes removed. Cells go through :mod:`medoffice.core.csvio` (formulas escaped on the way out,
read back exactly on the way in).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

import attrs
from sqlalchemy import select

from medoffice.core import Context, NotFound, ValidationError, csvio
from medoffice.core.progress import SILENT, Progress

from .codes import parse_procedure_code
from medoffice.core.validation import Fields
from .common import refuse_rows
from .models import Fee
from .money import parse_money
from .permissions import MANAGE, READ

CSV_COLUMNS = ("code", "fee", "description", "active")
MAX_DESCRIPTION = 200
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})


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


def _parse_active(value: str | None, *, field: str = "active") -> bool | None:
    """``yes`` (billable) or ``no`` (removed); blank: as on file (a new code is active)."""
    text = (value or "").strip().lower()
    if not text:
        return None
    if text in _YES or text in _NO:
        return text in _YES
    raise ValidationError(f"active must be yes or no, got {value!r}", field=field)


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
    row, change = _apply(ctx, _existing(ctx, (code,)).get(code), code, amount, text, active=True)
    ctx.session.flush()
    if change != "unchanged":
        ctx.audit(f"billing.fee.{change}", "billing_fee", row.id, summary={"code": code, "fee": str(amount)})
    return to_record(row)


def _existing(ctx: Context, codes: tuple[str, ...]) -> dict[str, Fee]:
    """The fee schedule's rows for ``codes``, a few hundred per query."""
    found: dict[str, Fee] = {}
    for start in range(0, len(codes), 500):
        query = select(Fee).where(Fee.code.in_(codes[start:start + 500]))
        found.update((row.code, row) for row in ctx.session.execute(query).scalars())
    return found


def _apply(ctx: Context, row: Fee | None, code: str, fee: Decimal, description: str | None, *,
           active: bool | None) -> tuple[Fee, str]:
    """Add or change one code (``active`` None: keep its state; a new code is active).
    The caller flushes."""
    if row is None:
        row = Fee(code=code, fee=fee, description=description, active=active is not False, updated_at=ctx.now())
        ctx.session.add(row)
        return row, "added"
    state = row.active if active is None else active
    if row.fee == fee and row.active == state and (description is None or row.description == description):
        return row, "unchanged"
    row.fee = fee
    row.active = state
    if description is not None:
        row.description = description
    row.updated_at = ctx.now()
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


def import_csv(ctx: Context, handle: TextIO, *, progress: Progress = SILENT) -> FeeImport:
    """Import a fee schedule from CSV with the columns ``code``, ``fee`` and optionally
    ``description`` (an empty one leaves the one on file) and ``active`` (``yes``, or ``no``
    for a removed code; empty, or no such column: a code on file keeps its state, a new code
    is active).

    Every row is checked before any is written; with one bad row nothing is written.

    Raises:
        PermissionDenied: without ``billing.manage``.
        ValidationError: a file that cannot be read (:func:`medoffice.core.csvio.rows`), an
            unknown column, or bad rows, each named by its line number
            (``row 3: fee must not be negative, got -5.00``).

    .. versionchanged:: 1 the ``active`` column; ``progress``.
    """
    ctx.require(MANAGE)
    found = list(csvio.rows(handle, CSV_COLUMNS, required=("code", "fee"), label="row"))
    progress.step("checking fees", len(found))
    parsed: list[tuple[str, Decimal, str | None, bool | None]] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for line, values in found:
        fields = Fields()
        code = fields.parse("code", parse_procedure_code, values.get("code"))
        fee = fields.parse("fee", parse_money, values.get("fee"))
        description = fields.parse("description", _description, values.get("description"))
        active = fields.parse("active", _parse_active, values.get("active"))
        if code in seen:
            fields.add("code", f"{code} is already on row {seen[code]}")
        if fields.errors:
            errors.append(f"row {line}: " + "; ".join(fields.errors.values()))
            continue
        seen[code] = line
        parsed.append((code, fee, description, active))
    progress.advance(len(found))
    refuse_rows(errors)
    progress.step("writing fees", len(parsed))
    on_file = _existing(ctx, tuple(seen))
    result: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
    for code, fee, description, active in parsed:
        _row, change = _apply(ctx, on_file.get(code), code, fee, description, active=active)
        result[change].append(code)
        progress.advance()
    ctx.session.flush()
    ctx.audit("billing.fees.imported", "billing_fee", None, summary={k: len(v) for k, v in result.items()})
    return FeeImport(tuple(result["added"]), tuple(result["updated"]), tuple(result["unchanged"]))


def export_csv(ctx: Context, out: TextIO, *, include_inactive: bool = False, progress: Progress = SILENT) -> int:
    """Write the fee schedule as CSV (the columns :func:`import_csv` reads, ``active`` among
    them); return the rows.

    .. versionchanged:: 1 the ``active`` column; cells escaped (:mod:`medoffice.core.csvio`).
    """
    rows = list_fees(ctx, include_inactive=include_inactive)
    progress.step("exporting fees", len(rows))
    writer = csvio.Writer(out, CSV_COLUMNS)
    for fee in rows:
        writer.row((fee.code, f"{fee.fee:.2f}", fee.description, fee.active))
    progress.advance(len(rows))
    return writer.rows


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
