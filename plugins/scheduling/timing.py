"""Turning what people type into times, in the practice's time zone, and back.

Appointment times are stored in UTC. People type and read them in the practice's zone, where
a day may have 23 or 25 hours: a local time that does not exist (the hour skipped in spring)
is refused; an ambiguous one (the hour repeated in autumn) means its first occurrence.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from medoffice.core import ValidationError
from medoffice.core.validation import parse_date

from .models import WEEKDAYS

UTC = dt.timezone.utc


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
        if len(text) >= 3 and short.startswith(text[:3]) and _full(number).startswith(text):
            return number
    raise ValidationError(f"weekday must be one of {', '.join(WEEKDAYS)}, got {value!r}", field=field)


def _full(number: int) -> str:
    return ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[number]


def localize(wall: dt.datetime, zone: ZoneInfo, *, field: str = "start") -> dt.datetime:
    """A naive local time in ``zone`` as an aware UTC time; refuses a time the clocks skip."""
    aware = wall.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != wall:
        raise ValidationError(f"{wall:%Y-%m-%d %H:%M} does not exist in {zone.key} (the clocks skip it)", field=field)
    return utc


def parse_local(value: str | dt.datetime, zone: ZoneInfo, *, field: str = "start") -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` (or ``T`` between) in the practice's zone, as an aware UTC time.

    An aware datetime is taken as it is (converted to UTC).
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC)
        return localize(value, zone, field=field)
    text = (value or "").strip().replace("T", " ")
    day, _, clock = text.partition(" ")
    try:
        date = parse_date(day, field=field)
        wall = dt.datetime.combine(date, parse_clock(clock, field=field))
    except ValidationError:
        raise ValidationError(f"{field} must be a real date and time as YYYY-MM-DD HH:MM, got {text!r}",
                              field=field) from None
    return localize(wall, zone, field=field)


def day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a local day starts and ends (23, 24 or 25 hours apart)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(UTC)
    return start, end
