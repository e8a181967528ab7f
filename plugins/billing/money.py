"""Money as people type it, and splitting it into parts that add up to the cent.

Amounts are ``Decimal`` in Python and integer cents in the database. They are rounded at one
defined point: when typed, an amount with more than two decimals is refused rather than
rounded, so what the user sees is what is stored. A ``float`` is refused outright.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from medoffice.core import ValidationError

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999.99")
"""The largest amount billing accepts (a hundred million, less a cent)."""


def parse_money(value: Any, *, field: str = "amount", positive: bool = False,
                allow_negative: bool = False) -> Decimal:
    """An amount of money as ``12.50``, ``$1,200`` or a ``Decimal``.

    Args:
        value: what was typed (or a ``Decimal``/``int``; a ``float`` is refused).
        field: the field named in the error.
        positive: refuse zero too.
        allow_negative: accept amounts below zero.

    Raises:
        ValidationError: not a number, more than two decimals, negative (or zero when
            ``positive``), or above :data:`MAX_AMOUNT`.
    """
    label = field.replace("_", " ")
    if isinstance(value, float):
        raise ValidationError(f"{label} must be typed as a decimal, not a floating-point number", field=field)
    if isinstance(value, bool):
        raise ValidationError(f"{label} must be an amount like 12.50, got {value!r}", field=field)
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    else:
        text = str(value if value is not None else "").strip().replace(",", "").replace("$", "", 1)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(f"{label} must be an amount like 12.50, got {value!r}", field=field) from None
    if not amount.is_finite():
        raise ValidationError(f"{label} must be an amount like 12.50, got {value!r}", field=field)
    if amount.copy_abs() > MAX_AMOUNT:  # before quantize, which cannot hold 1e30 to the cent (nor abs() 1e999999999)
        raise ValidationError(f"{label} is larger than {MAX_AMOUNT:,}", field=field)
    if amount != amount.quantize(CENT):
        raise ValidationError(f"{label} has more than two decimals: {value}", field=field)
    if amount < 0 and not allow_negative:
        raise ValidationError(f"{label} must not be negative, got {amount:.2f}", field=field)
    if positive and amount == 0:
        raise ValidationError(f"{label} must be more than zero", field=field)
    return amount.quantize(CENT)


def split(total: Decimal, weights: Sequence[Decimal | int]) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` so that the parts add up to it exactly.

    Largest remainder: each part first gets its share rounded down to the cent, then the
    cents left over go one each to the parts with the largest remainders (ties to the
    earlier part).

    >>> split(Decimal("10.00"), [1, 1, 1])
    [Decimal('3.34'), Decimal('3.33'), Decimal('3.33')]
    """
    cents = int((Decimal(total) * 100).to_integral_value())
    if Decimal(total) * 100 != cents:
        raise ValueError(f"{total} is not a whole number of cents")
    if cents < 0:
        raise ValueError("cannot split a negative amount")
    scaled = [Decimal(w) for w in weights]
    if not scaled or any(w < 0 for w in scaled) or sum(scaled) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    whole = sum(scaled)
    exact = [cents * w / whole for w in scaled]
    parts = [int(e) for e in exact]  # rounded down: shares are non-negative
    left = cents - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [(Decimal(p) / 100).quantize(CENT) for p in parts]


def show(amount: Decimal) -> str:
    """``$1,234.50``, or ``-$12.00``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"
