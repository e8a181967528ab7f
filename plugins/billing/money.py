"""Money as people type it, and splitting it into parts that add up to the cent.

Amounts are ``Decimal`` in Python and integer cents in the database. They are rounded at one
defined point: when typed, an amount with more than two decimals is refused rather than
rounded, so what the user sees is what is stored. A ``float`` is refused outright.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from medoffice.core.validation import CENT, MAX_AMOUNT, parse_money

__all__ = ["CENT", "MAX_AMOUNT", "parse_money", "split"]


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
