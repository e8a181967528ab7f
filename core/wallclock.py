"""Wall-clock times people type, in the practice's time zone, and the UTC instants stored.

Shared by every plugin that plans by the clock (scheduling's appointments and availability,
the staff plugin's rota shifts and staffing needs), so that ``08:30``, ``mon-fri`` and a
night the clocks change read the same everywhere. A local time that does not exist (the
hour skipped in spring) is refused; an ambiguous one (the hour repeated in autumn) means
its first occurrence.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .errors import ValidationError

UTC = dt.timezone.utc

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday numbers as ``datetime.date.weekday()`` counts them: 0 is Monday."""

_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_clock(value: str | dt.time, *, field: str) -> dt.time:
    """A wall-clock time as ``HH:MM`` (24-hour)."""
    if isinstance(value, dt.time):
        return value
    text = (value or "").strip()
    try:
        return dt.datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise ValidationError(f"{field.replace('_', ' ')} must be a time as HH:MM, got {text!r}", field=field) from None


def parse_weekday(value: str | int, *, field: str = "weekday") -> int:
    """``mon``…``sun`` (or the full name, any case), or 0–6 with 0 for Monday."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return value
    text = str(value).strip().lower()
    if text.isdigit() and 0 <= int(text) <= 6:
        return int(text)
    for number, short in enumerate(WEEKDAYS):
        if len(text) >= 3 and short.startswith(text[:3]) and _FULL_DAYS[number].startswith(text):
            return number
    raise ValidationError(f"weekday must be one of {', '.join(WEEKDAYS)}, got {value!r}", field=field)


def localize(wall: dt.datetime, zone: ZoneInfo, *, field: str = "start") -> dt.datetime:
    """A naive local time in ``zone`` as an aware UTC time; refuses a time the clocks skip."""
    aware = wall.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != wall:
        raise ValidationError(f"{wall:%Y-%m-%d %H:%M} does not exist in {zone.key} (the clocks skip it)", field=field)
    return utc


def day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a local day starts and ends (23, 24 or 25 hours apart)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(UTC)
    return start, end


def local_days(zone: ZoneInfo, start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last local day a span [start, end) touches (a span ending at midnight
    does not touch the next day)."""
    first = start.astimezone(zone).date()
    return first, max(first, (end - dt.timedelta(microseconds=1)).astimezone(zone).date())


__all__ = ["UTC", "WEEKDAYS", "day_bounds", "local_days", "localize", "parse_clock", "parse_weekday"]
