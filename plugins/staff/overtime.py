"""Hours worked, split by day, and the overtime rules that classify them.

Pure arithmetic on whole minutes (no database): the time clock and the payroll register
both use it, and the property tests drive it directly.

A span worked is split at the practice's local midnights, so a night shift counts on both of
its days. Its length is the real time elapsed between two UTC instants: on the day clocks go
back a 22:00-06:00 shift is 9 hours, on the day they go forward 7.

The rules classify each day's minutes of one workweek (7 days from the practice's workweek
start) into regular, overtime (1.5x) and double time (2x); the three always add up to the
minutes worked:

- ``federal`` (US FLSA): minutes past 40 hours in the workweek are overtime, counted in
  order, so overtime falls on the days that passed the 40th hour.
- ``california``: past 8 hours in a day overtime, past 12 double; on the seventh consecutive
  day of a workweek (worked every day of it) the first 8 hours are overtime and the rest
  double; and regular minutes past 40 in the workweek become overtime (the daily overtime
  is not counted twice).

:data:`RULES` maps a rule's name (the payroll setting ``overtime_rule``) to its function; a
practice in another state with a daily rule adds one there.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

import attrs

WEEK_LIMIT = 40 * 60
DAY_LIMIT = 8 * 60
DOUBLE_AFTER = 12 * 60


@attrs.frozen
class Split:
    """One day's minutes, classified."""

    regular: int = 0
    overtime: int = 0
    double: int = 0

    @property
    def worked(self) -> int:
        return self.regular + self.overtime + self.double


@functools.lru_cache(maxsize=4096)
def local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant the practice's ``day`` begins (midnight exists on every DST change in
    the US zones; a zone that skips midnight begins at the first instant after it)."""
    naive = dt.datetime.combine(day, dt.time())
    moment = naive.replace(tzinfo=zone)
    back = moment.astimezone(dt.timezone.utc).astimezone(zone)
    if back.replace(tzinfo=None) != naive:  # midnight skipped: the day begins at the gap's end
        moment = (naive + dt.timedelta(hours=1)).replace(tzinfo=zone)
    return moment.astimezone(dt.timezone.utc)


def minutes_by_day(spans: Iterable[tuple[dt.datetime, dt.datetime]], zone: ZoneInfo) -> dict[dt.date, int]:
    """The minutes worked on each local day: each span (aware, ``end`` after ``start``, whole
    minutes apart) cut at the local midnights it crosses."""
    days: dict[dt.date, int] = {}
    for start, end in spans:
        here = start
        day = start.astimezone(zone).date()
        while here < end:
            cut = min(end, local_midnight(day + dt.timedelta(days=1), zone))
            minutes = int((cut - here).total_seconds()) // 60
            if minutes:
                days[day] = days.get(day, 0) + minutes
            here, day = cut, day + dt.timedelta(days=1)
    return days


def federal(week: Sequence[int]) -> list[Split]:
    """The workweek's 7 days of minutes, classified by the US federal rule."""
    done, found = 0, []
    for minutes in week:
        regular = max(0, min(minutes, WEEK_LIMIT - done))
        found.append(Split(regular, minutes - regular, 0))
        done += minutes
    return found


def california(week: Sequence[int]) -> list[Split]:
    """The workweek's 7 days of minutes, classified by California's daily, seventh-day and
    weekly rules."""
    seventh = len(week) == 7 and all(m > 0 for m in week)
    regular_done, found = 0, []
    for index, minutes in enumerate(week):
        if seventh and index == 6:
            found.append(Split(0, min(minutes, DAY_LIMIT), max(0, minutes - DAY_LIMIT)))
            continue
        regular = min(minutes, DAY_LIMIT)
        double = max(0, minutes - DOUBLE_AFTER)
        overtime = minutes - regular - double
        weekly = max(0, min(regular, regular_done + regular - WEEK_LIMIT))
        regular_done += regular - weekly
        found.append(Split(regular - weekly, overtime + weekly, double))
    return found


RULES: dict[str, Callable[[Sequence[int]], list[Split]]] = {"federal": federal, "california": california}
"""The overtime rules by the name the payroll settings use."""


def workweek_start(day: dt.date, starts: int) -> dt.date:
    """The first day of the workweek holding ``day`` (``starts``: 0 Monday … 6 Sunday)."""
    return day - dt.timedelta(days=(day.weekday() - starts) % 7)


def classify(days: Mapping[dt.date, int], *, rule: str, workweek_starts: int) -> dict[dt.date, Split]:
    """Every day of ``days`` (minutes worked) classified by ``rule``, workweek by workweek.

    ``days`` must hold every day worked in each workweek it touches (the caller reads whole
    workweeks), since a day's class depends on the days before it in its week."""
    classify_week = RULES[rule]
    found: dict[dt.date, Split] = {}
    for first in sorted({workweek_start(d, workweek_starts) for d in days}):
        week = [first + dt.timedelta(days=i) for i in range(7)]
        for day, split in zip(week, classify_week([days.get(d, 0) for d in week]), strict=True):
            if day in days:
                found[day] = split
    return found
