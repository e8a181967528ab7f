"""Drugs' National Drug Codes: what a claim line of a drug carries beside its HCPCS code.

An 837P line that bills a drug (a HCPCS J code such as ``J3420``, vitamin B12 injection)
must name the drug given by its NDC and how much of it (loop 2410: ``LIN**N4*<NDC>`` and
``CTP****<quantity>*<unit>``). The practice records, per code, the NDC of the product it
uses, the unit of measure and the quantity in one unit of the code; a line's quantity is
its units times that. A line of a J code without an NDC is held by the scrubber.

An NDC is written on packages in one of three ten-digit forms (4-4-2, 5-3-2, 5-4-1); claims
want the eleven-digit 5-4-2 form, the short part padded with a zero: ``0409-1234-01`` is
``00409123401``. Ten digits without hyphens are ambiguous and refused.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import attrs
from sqlalchemy import select

from medoffice.core import Context, NotFound, ValidationError

from .codes import PROCEDURE_CODE
from .models import DrugCode
from .permissions import MANAGE, READ

UNITS = {"F2": "international units", "GR": "grams", "ME": "milligrams", "ML": "millilitres", "UN": "units"}
"""CTP05-1, the unit of measure of the quantity given."""


@attrs.frozen
class DrugNdc:
    code: str
    ndc: str
    unit: str
    quantity: Decimal

    @property
    def ndc_display(self) -> str:
        """The NDC as 5-4-2 with hyphens."""
        return f"{self.ndc[:5]}-{self.ndc[5:9]}-{self.ndc[9:]}"


def parse_ndc(value: str | None) -> str:
    """An NDC in its eleven-digit form (5-4-2, no hyphens).

    >>> parse_ndc("0409-1234-01"), parse_ndc("12345-678-90"), parse_ndc("12345-6789-1")
    ('00409123401', '12345067890', '12345678901')
    >>> parse_ndc("12345678901")
    '12345678901'

    Raises:
        ValidationError: anything else (ten digits without hyphens cannot be padded).
    """
    text = (value or "").strip()
    if re.fullmatch(r"[0-9]{11}", text):
        return text
    match = re.fullmatch(r"([0-9]{4,5})-([0-9]{3,4})-([0-9]{1,2})", text)
    if match:
        labeler, product, package = match.groups()
        if len(labeler) + len(product) + len(package) in (10, 11):
            return labeler.zfill(5) + product.zfill(4) + package.zfill(2)
    raise ValidationError(f"{text!r} is not an NDC: write it as on the package with its hyphens (4-4-2, 5-3-2, "
                          "5-4-1) or as eleven digits", field="ndc")


def parse_quantity(value: str | Decimal | None) -> Decimal:
    try:
        quantity = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"the quantity must be a number such as 1 or 0.5, got {value!r}",
                              field="quantity") from None
    if not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("1000000") or \
            quantity != quantity.quantize(Decimal("0.001")):
        raise ValidationError(f"the quantity must be more than 0 and below a million, with at most three "
                              f"decimals, got {value!r}", field="quantity")
    return quantity.normalize()


def _record(row: DrugCode) -> DrugNdc:
    return DrugNdc(row.code, row.ndc, row.unit, Decimal(row.quantity))


def read(ctx: Context) -> dict[str, DrugNdc]:
    """Every code's NDC, by code (what claims read)."""
    return {row.code: _record(row) for row in ctx.session.execute(select(DrugCode)).scalars()}


def list_ndcs(ctx: Context) -> list[DrugNdc]:
    """The codes with an NDC, by code."""
    ctx.require(READ)
    return sorted(read(ctx).values(), key=lambda d: d.code)


def set_ndc(ctx: Context, code: str, ndc: str, *, unit: str = "UN", quantity: str | Decimal = "1") -> DrugNdc:
    """Record the NDC billed with ``code`` (replacing the one recorded).

    Raises:
        PermissionDenied: without ``billing.manage``.
        ValidationError: a code that is no CPT/HCPCS code, an NDC, unit or quantity that is not one.
    """
    ctx.require(MANAGE)
    key = (code or "").strip().upper()
    if not PROCEDURE_CODE.match(key):
        raise ValidationError(f"{code!r} is not a CPT or HCPCS code", field="code")
    number = parse_ndc(ndc)
    measure = (unit or "").strip().upper()
    if measure not in UNITS:
        raise ValidationError(f"the unit must be one of {', '.join(f'{k} ({v})' for k, v in UNITS.items())}, "
                              f"got {unit!r}", field="unit")
    amount = parse_quantity(quantity)
    row = ctx.session.get(DrugCode, key)
    old = None if row is None else f"{row.ndc} {row.quantity} {row.unit}"
    if row is None:
        row = DrugCode(code=key)
        ctx.session.add(row)
    row.ndc, row.unit, row.quantity = number, measure, f"{amount:f}"
    row.updated_at, row.updated_by = ctx.now(), ctx.user.username
    ctx.audit("billing.ndc.set", "billing_drug_code", key,
              summary={"from": old, "to": f"{number} {amount:f} {measure}"})
    ctx.session.flush()
    return _record(row)


def remove_ndc(ctx: Context, code: str) -> None:
    """Forget the NDC of ``code``.

    Raises:
        PermissionDenied: without ``billing.manage``.
        NotFound: no NDC recorded for it.
    """
    ctx.require(MANAGE)
    key = (code or "").strip().upper()
    row = ctx.session.get(DrugCode, key)
    if row is None:
        raise NotFound(f"no NDC is recorded for {key or code!r}")
    ctx.audit("billing.ndc.removed", "billing_drug_code", key, summary={"ndc": row.ndc})
    ctx.session.delete(row)
    ctx.session.flush()


__all__ = ["UNITS", "DrugNdc", "list_ndcs", "parse_ndc", "parse_quantity", "read", "remove_ndc", "set_ndc"]
