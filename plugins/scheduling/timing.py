"""Turning what people type into times, in the practice's time zone, and back (the wall-clock
primitives are the core's, :mod:`medoffice.core.wallclock`, shared with the staff rota).

Appointment times are stored in UTC. People type and read them in the practice's zone, where
a day may have 23 or 25 hours: a local time that does not exist (the hour skipped in spring)
is refused; an ambiguous one (the hour repeated in autumn) means its first occurrence.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from medoffice.core import ValidationError
from medoffice.core.validation import parse_date
from medoffice.core.wallclock import UTC, day_bounds, localize, parse_clock, parse_weekday


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


__all__ = ["UTC", "day_bounds", "localize", "parse_clock", "parse_date", "parse_local", "parse_weekday"]
