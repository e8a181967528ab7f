"""What the staff plugin's services share: the practice's today, typed values (days, times,
money, roles, counts) parsed the same way in the CLI and, later, the screens, and looking up
a staff identity."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from medoffice.core.context import Context
from medoffice.core.errors import NotFound, ValidationError
from medoffice.core.storage.models import Staff
from medoffice.core.validation import parse_date, parse_money, require_text

from .models import EVERY_ROLE, MAX_ROLE

MAX_PAY = Decimal("9999999.99")
MAX_WITHIN = 3650


def today(ctx: Context) -> dt.date:
    """Today in the practice's time zone."""
    return ctx.local(ctx.now()).date()


def day(value: Any, *, field: str) -> dt.date:
    return parse_date(value, field=field)


def optional_day(value: Any, *, field: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, field=field)


def local_time(ctx: Context, value: Any, *, field: str) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` in the practice's zone, as an aware UTC datetime."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValidationError(f"{field.replace('_', ' ')} must be time-zone aware", field=field)
        return value.astimezone(dt.timezone.utc)
    text = " ".join(str(value or "").replace("T", " ").split())
    try:
        naive = dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValidationError(f"{field.replace('_', ' ')} must be a day and time as 'YYYY-MM-DD HH:MM', "
                              f"got {str(value)[:40]!r}", field=field) from None
    parse_date(naive.date(), field=field)
    if not dt.date(1900, 1, 1) <= naive.date() <= dt.date(2999, 12, 30):
        raise ValidationError(f"{field.replace('_', ' ')} must be from 1900 to 2999", field=field)
    return naive.replace(tzinfo=ctx.timezone).astimezone(dt.timezone.utc)


def whole(value: Any, *, field: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (a count of days or months)."""
    text = str(value).strip() if not isinstance(value, int) or isinstance(value, bool) else str(value)
    if isinstance(value, bool) or not text.lstrip("-").isascii() or not text.lstrip("-").isdigit():
        raise ValidationError(f"{field.replace('_', ' ')} must be a whole number, got {str(value)[:40]!r}", field=field)
    number = int(text)
    if not low <= number <= high:
        raise ValidationError(f"{field.replace('_', ' ')} must be from {low} to {high}, got {number}", field=field)
    return number


def money(value: Any, *, field: str) -> Decimal | None:
    """An amount as ``18.50`` or ``$52,000`` (none when left blank); two decimals at most,
    never a float, never above :data:`MAX_PAY`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_money(value, field=field, maximum=MAX_PAY)


def role_key(value: str | None) -> str:
    """A staff role as compared: lower case, words joined by ``_`` (``Front desk`` ->
    ``front_desk``), so the practice may type it either way."""
    return "_".join((value or "").lower().replace("-", " ").replace("_", " ").split())


def parse_role(value: Any, *, field: str = "role", every: bool = False) -> str:
    """A staff role as stored (:func:`role_key`); ``all`` or ``*`` is every role when ``every``."""
    text = require_text(value, field=field, max_length=MAX_ROLE)
    if every and text.strip().lower() in ("all", EVERY_ROLE):
        return EVERY_ROLE
    key = role_key(text)
    if not key or not all(part.isalnum() for part in key.split("_")):
        raise ValidationError(f"{field} must be words of letters and digits, got {text!r}", field=field)
    return key


def staff_row(ctx: Context, staff_id: int) -> Staff:
    row = ctx.session.get(Staff, staff_id)
    if row is None:
        raise NotFound(f"no staff member with id {staff_id}")
    return row


def staff_names(ctx: Context) -> dict[int, str]:
    from sqlalchemy import select

    return dict(ctx.session.execute(select(Staff.id, Staff.name)).all())


def own_staff_id(ctx: Context) -> int:
    """The staff record linked to the signed-in user (``medoffice staff edit ID --set user=NAME``)."""
    from sqlalchemy import select

    found = ctx.session.execute(select(Staff.id).where(Staff.user_id == ctx.user.id)).scalars().first()
    if found is None or not ctx.user.id:
        raise NotFound(f"user {ctx.user.username!r} is not linked to a staff record "
                       "(a manager links it: medoffice staff edit ID --set user=NAME)")
    return found


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus ``months`` calendar months, the day kept or the month's last day."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    if year > 2999:
        return dt.date(2999, 12, 31)
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def plus_days(start: dt.date, days: int) -> dt.date:
    try:
        return min(start + dt.timedelta(days=days), dt.date(2999, 12, 31))
    except OverflowError:
        return dt.date(2999, 12, 31)


def location_by_name(ctx: Context, name: str):
    """The practice's location named ``name`` (any case; a LocationRecord), or NotFound
    naming the locations there are."""
    wanted = (name or "").strip()
    for location in ctx.practice.locations:
        if location.name.lower() == wanted.lower():
            return location
    known = ", ".join(loc.name for loc in ctx.practice.locations) or "none yet"
    raise NotFound(f"no location named {wanted!r} (known: {known})")
