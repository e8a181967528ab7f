"""A day as the desk says it on the phone: "in 2 weeks", ``2w``, ``+14``, ``12/17``,
``2026-12-17``, ``tue``, ``dec 17``, ``tomorrow``.

The slot finder's first day, typed in the booking flow's slot step and in ``appointments
slots --from``. The words are few and fixed, so a small parser says exactly what it
understood and refuses the rest in one line (a general natural-language date library would
also accept "the 3rd of next month" and guess at what it did not understand).

Rules: a weekday is the next one after today (``tue`` on a Tuesday is a week on); ``12/17``
(month/day, the US order) is this year's, or next year's once this year's has passed; a
month is a calendar month on (the 31st becomes the month's last day). Nothing before today
and nothing more than a year ahead: the slot finder searches at most that far.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from medoffice.core import ValidationError

HORIZON_DAYS = 365
"""The furthest a jump may go: the slot finder searches at most a year."""

HINT = "try 2w, +14, 12/17, 2026-12-17 or tue"

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_UNITS = {"d": "days", "day": "days", "days": "days", "w": "weeks", "wk": "weeks", "wks": "weeks",
          "week": "weeks", "weeks": "weeks", "m": "months", "mo": "months", "month": "months", "months": "months"}

_OFFSET = re.compile(r"^(?:in\s+|\+\s*)?(\d{1,4}|a|an|one)\s*([a-z]*)$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_DAY = re.compile(r"^([a-z]{3,9})\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?$|^(\d{1,2})\s+([a-z]{3,9})\.?(?:\s+(\d{4}))?$")


def parse_day(text: str | dt.date, today: dt.date, *, field: str = "from") -> dt.date:
    """The local day ``text`` names, counted from ``today``.

    Args:
        text: what was typed (a ``date`` is checked and returned).
        today: the practice's today.
        field: the field named in an error.

    Raises:
        ValidationError: nothing typed, words it does not know, a day that does not exist
            (``2/30``), a day before today, or more than a year ahead.
    """
    if isinstance(text, dt.date):
        return _within(text, today, field)
    words = " ".join(str(text or "").lower().split())
    if not words:
        raise ValidationError(f"type a day: {HINT}", field=field)
    if len(words) > 40:
        raise ValidationError(f"cannot read {words[:20]!r}… as a day: {HINT}", field=field)
    day = _read(words, today, field)
    if day is None:
        raise ValidationError(f"cannot read {words!r} as a day: {HINT}", field=field)
    return _within(day, today, field)


def first_day(text: str, today: dt.date, *, field: str = "from") -> dt.date:
    """The first day of a slot search typed by a script or a person: a ``YYYY-MM-DD`` date is
    taken as it is (a script may search any range, past or years ahead, as it always could),
    anything else as :func:`parse_day` reads it."""
    words = str(text or "").strip()
    if _ISO.match(words):
        return _date(*(int(part) for part in words.split("-")), words, field)  # type: ignore[misc]
    return parse_day(words, today, field=field)


def _read(words: str, today: dt.date, field: str) -> dt.date | None:
    if words in ("today", "now"):
        return today
    if words in ("tomorrow", "tmrw", "tmw"):
        return today + dt.timedelta(days=1)
    if words == "yesterday":
        return today - dt.timedelta(days=1)
    weekday = _weekday(words)
    if weekday is not None:
        return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    if (found := _OFFSET.match(words)) is not None and found[2] in ("", *_UNITS):
        return _offset(found, words, today, field)
    if (found := _ISO.match(words)) is not None:
        return _date(int(found[1]), int(found[2]), int(found[3]), words, field)
    if (found := _SLASHED.match(words)) is not None:
        year = found[3]
        if year is not None:
            return _date(int(year) + (2000 if len(year) == 2 else 0), int(found[1]), int(found[2]), words, field)
        return _this_or_next_year(int(found[1]), int(found[2]), today, words, field)
    if (found := _MONTH_DAY.match(words)) is not None:
        name, number, year = (found[1], found[2], found[3]) if found[1] else (found[5], found[4], found[6])
        month = _month(name)
        if month is None:
            return None
        if year is not None:
            return _date(int(year), month, int(number), words, field)
        return _this_or_next_year(month, int(number), today, words, field)
    return None


def _weekday(words: str) -> int | None:
    for number, name in enumerate(_WEEKDAYS):
        if len(words) >= 2 and name.startswith(words) and (len(words) >= 3 or words in ("mo", "tu", "we", "th",
                                                                                          "fr", "sa", "su")):
            return number
    return None


def _month(name: str) -> int | None:
    return next((number for number, month in enumerate(_MONTHS, 1) if month.startswith(name) and len(name) >= 3),
                None)


def _offset(found: re.Match[str], words: str, today: dt.date, field: str) -> dt.date | None:
    amount = 1 if found[1] in ("a", "an", "one") else int(found[1])
    unit = _UNITS.get(found[2] or ("d" if words.startswith("+") else ""))
    if unit is None:
        return None
    if unit == "days":
        days = amount
    elif unit == "weeks":
        days = amount * 7
    else:
        days = -1 if amount > 12 else (_add_months(today, amount) - today).days
    if days < 0 or days > HORIZON_DAYS:
        raise ValidationError(f"{words!r} is more than a year ahead: slots are searched at most a year ahead",
                              field=field)
    return today + dt.timedelta(days=days)


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date(year: int, month: int, number: int, words: str, field: str) -> dt.date:
    try:
        return dt.date(year, month, number)
    except ValueError:
        raise ValidationError(f"{words!r} is not a day of the calendar", field=field) from None


def _this_or_next_year(month: int, number: int, today: dt.date, words: str, field: str) -> dt.date:
    if not (1 <= month <= 12 and 1 <= number <= calendar.monthrange(2024, month)[1]):
        raise ValidationError(f"{words!r} is not a day of the calendar", field=field)
    for year in (today.year, today.year + 1):
        if month == 2 and number == 29 and not calendar.isleap(year):
            continue
        candidate = dt.date(year, month, number)
        if candidate >= today:
            return candidate
    raise ValidationError(f"{words!r} is not a day of the calendar before next year's", field=field)


def _within(day: dt.date, today: dt.date, field: str) -> dt.date:
    if day < today:
        raise ValidationError(f"{day:%a %Y-%m-%d} is in the past: slots are searched from today on", field=field)
    if (day - today).days > HORIZON_DAYS:
        raise ValidationError(f"{day:%a %Y-%m-%d} is more than a year ahead: slots are searched at most a year "
                              "ahead", field=field)
    return day


__all__ = ["HINT", "HORIZON_DAYS", "first_day", "parse_day"]
