"""Small helpers every inventory service shares: today, whole quantities, money, the refusal
of a step taken already."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal
from collections.abc import Iterable
from typing import Any

from medoffice.core import Conflict, Context, ValidationError
from medoffice.core.validation import CENT, parse_date

MAX_QUANTITY = 1_000_000
"""The most units (or packs) one movement or order line may carry: a typo's guard, and far
inside a 32-bit integer however many movements add up."""


NOTHING_TO_DO = "nothing_to_do"
"""The ``code`` of :func:`nothing_to_do`'s refusals."""


def nothing_to_do(message: str) -> Conflict:
    """The refusal of a step the record has had already (restore an item that is not
    retired, cancel a cancelled order): one line saying so ("… is not retired; nothing to
    restore"), raised before anything is written, like any refusal. Its code
    :data:`NOTHING_TO_DO` lets a script that runs a step twice tell it from a step that
    cannot be taken (the plain ``conflict``) without reading the message."""
    return Conflict(message, code=NOTHING_TO_DO)


def today(ctx: Context) -> dt.date:
    """Today in the practice's time zone."""
    return ctx.local(ctx.now()).date()


def expiry_day(ctx: Context, expiries: Iterable[dt.date | None]) -> dt.date:
    """A day that tells which of ``expiries`` have passed (``expires < day``) as :func:`today`
    would: today in the practice's zone when one of them is within a day of today's UTC date,
    else that UTC date, without asking the zone (the practice's set-up, one statement): a
    zone's date is within a day of UTC's (zones are -12 to +14 hours), so an expiry two days
    or more away from it compares alike with either."""
    utc = ctx.now().astimezone(dt.timezone.utc).date()
    for expires in expiries:
        if expires is not None and -1 <= (expires - utc).days <= 1:
            return today(ctx)
    return utc


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


def cents_of(units: int, pack_cents: int, pack_size: int) -> int:
    """What ``units`` are worth at cost in whole cents, ``pack_cents`` a pack of ``pack_size``:
    :func:`value_of` in integers (rounded half away from zero, as ``ROUND_HALF_UP``), for reads
    that add up many balances and make one ``Decimal`` per item (:func:`.stock.stock_levels`)."""
    whole, left = divmod(abs(units) * pack_cents, pack_size)
    if 2 * left >= pack_size:
        whole += 1
    return -whole if units < 0 else whole


@functools.lru_cache(maxsize=4_096)
def stored_day(value: str | dt.date | None) -> dt.date | None:
    """A date column's value as a plain statement returns it (SQLite's ``YYYY-MM-DD`` text, or
    PostgreSQL's date), as a date; None stays None. Made once per value: a practice's lots
    expire on a few hundred days."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
