"""Small helpers every inventory service shares: today, whole quantities, money, error collection."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from medoffice.core import Context, ValidationError
from medoffice.core.validation import CENT, parse_date

MAX_QUANTITY = 1_000_000
"""The most units (or packs) one movement or order line may carry: a typo's guard, and far
inside a 32-bit integer however many movements add up."""

STOCK_TOPIC = "inventory.stock"
ORDERS_TOPIC = "inventory.orders"
"""Change topics (``ctx.changed``): live screens of stock and of purchase orders reload on them."""


def today(ctx: Context) -> dt.date:
    """Today in the practice's time zone."""
    return ctx.local(ctx.now()).date()


def parse_day(value: str | dt.date | None, ctx: Context, *, field: str = "date") -> dt.date:
    """A date as ``YYYY-MM-DD``; today (the practice's) when none is given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return today(ctx)
    return parse_date(value, field=field)


def parse_quantity(value: Any, *, field: str = "quantity", allow_zero: bool = False,
                   maximum: int = MAX_QUANTITY) -> int:
    """A whole number of units or packs, 1 (or 0 when ``allow_zero``) to ``maximum``."""
    label = field.replace("_", " ")
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError(f"{label} must be a whole number, got {value!r}", field=field)
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 12:
            raise ValidationError(f"{label} must be a whole number, got {value!r}", field=field)
        number = int(text)
    lowest = 0 if allow_zero else 1
    if number < lowest:
        raise ValidationError(f"{label} must be at least {lowest}, got {number}", field=field)
    if number > maximum:
        raise ValidationError(f"{label} must be at most {maximum:,}, got {number:,}", field=field)
    return number


def value_of(units: int, pack_price: Decimal | None, pack_size: int) -> Decimal | None:
    """What ``units`` are worth at cost, to the cent (None when the price is not known)."""
    if pack_price is None:
        return None
    return (Decimal(units) * pack_price / Decimal(pack_size)).quantize(CENT, rounding=ROUND_HALF_UP)
