"""When a provider is open: the weekly templates minus exceptions, closures, public holidays
and approved time off.

Everything that decides whether a provider sees patients at a time lives here, in one place,
and is read set-based: :func:`load` reads the rules of a whole range of local days in a fixed
number of queries (templates, exceptions, closures, the holiday setting, time off), whatever
the length of the range; :meth:`Calendar.spans_on` then works out one day's open spans in
memory. The slot finder and the booking check both use it.

The services that manage those rules (a provider's exceptions, closures, the opt-in for
public holidays) live beside it in :mod:`.availability_rules`; this module only reads them.

- An **exception** is a span of time (stored in UTC) when one provider does not see patients
  despite the template.
- A **closure** is whole local days when the practice, or one location, is closed.
- A **public holiday**, once ``holidays.country`` is set, closes every location on that day.
  No rows are written for holidays: they are computed for the searched range.
- **Time off** is the staff plugin's: an approved request takes the provider off for its
  whole local days. It is asked of the staff role (``ctx.role_service("staff")``, one
  ``days_off`` question for the whole range); with no staff plugin enabled there is no
  leave to honour and booking goes on without it.

Booking policy (see docs/scheduling.md#availability-rules): a closure or a holiday is
absolute, the office is shut; so is approved time off (the rota must tell the truth: to see
patients that day, the time off is cancelled or changed first). An exception may be
overridden by a user with ``scheduling.overbook`` giving a reason (the provider agreed to
come in), and that is audited with the booking.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from types import MappingProxyType
from typing import Any

import attrs
from sqlalchemy import select

from medoffice.core import Context, ValidationError

from . import catalogue
from .models import EXCEPTIONS_OWNER, AvailabilityException, Closure, Setting
from .timing import UTC, day_bounds

COUNTRY = "holidays.country"
SUBDIVISION = "holidays.subdivision"


@attrs.frozen
class OpenSpan:
    """A stretch of time (UTC) when a provider sees patients at a location, cut from the
    weekly template ``template_id``."""

    provider_id: int
    location_id: int
    template_id: int
    start: dt.datetime
    end: dt.datetime


# -- the rules of a range, read once ---------------------------------------------------------


def _wall_to_utc(day: dt.date, clock: dt.time, zone) -> dt.datetime:
    """A local wall time as UTC; a time the clocks skip lands just after the gap."""
    return dt.datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _subtract(spans: list[tuple[dt.datetime, dt.datetime]],
              holes: Sequence[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    for hole_start, hole_end in holes:
        kept = []
        for start, end in spans:
            if hole_end <= start or hole_start >= end:
                kept.append((start, end))
                continue
            if start < hole_start:
                kept.append((start, hole_start))
            if hole_end < end:
                kept.append((hole_end, end))
        spans = kept
    return spans


@attrs.define
class Calendar:
    """The availability rules of local days ``first``…``last`` (see :func:`load`)."""

    zone: Any
    first: dt.date
    last: dt.date
    templates: dict[int, list[catalogue.Template]]
    closures: list[tuple[dt.date, dt.date, int | None, str]]
    holidays: dict[dt.date, str]
    time_off: dict[int, list[tuple[dt.date, dt.date]]]
    exceptions: dict[int, list[tuple[dt.datetime, dt.datetime, str, str | None]]]

    def closed(self, day: dt.date, location_id: int | None) -> str | None:
        """Why ``location_id`` is closed on ``day`` ("public holiday: …", a closure's reason), or None."""
        if day in self.holidays:
            return f"public holiday: {self.holidays[day]}"
        for first, last, where, reason in self.closures:
            if first <= day <= last and (where is None or where == location_id):
                return reason
        return None

    def off(self, provider_id: int, day: dt.date) -> bool:
        """Whether the provider has approved time off on ``day``."""
        return any(first <= day <= last for first, last in self.time_off.get(provider_id, ()))

    def away(self, provider_id: int, start: dt.datetime,
             end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime, str, str | None]]:
        """The provider's exceptions that meet [start, end)."""
        return [e for e in self.exceptions.get(provider_id, ()) if e[0] < end and e[1] > start]

    def spans_on(self, day: dt.date) -> list[OpenSpan]:
        """Every provider's open spans on local ``day``, by provider and start."""
        found = []
        for template in self.templates.get(day.weekday(), ()):
            who = template.provider_id
            if self.closed(day, template.location_id) is not None or self.off(who, day):
                continue
            start = _wall_to_utc(day, template.start_time, self.zone)
            end = _wall_to_utc(day, template.end_time, self.zone)
            holes = [(a, b) for a, b, _, _ in self.away(who, start, end)]
            for piece_start, piece_end in _subtract([(start, end)], holes):
                found.append(OpenSpan(who, template.location_id, template.id, piece_start, piece_end))
        found.sort(key=lambda s: (s.provider_id, s.start))
        return found

    def open_spans(self) -> dict[int, list[OpenSpan]]:
        """Every provider's open spans over the whole range."""
        by_provider: dict[int, list[OpenSpan]] = defaultdict(list)
        day = self.first
        while day <= self.last:
            for span in self.spans_on(day):
                by_provider[span.provider_id].append(span)
            day += dt.timedelta(days=1)
        return dict(by_provider)


_EVERY_EXCEPTION = (select(AvailabilityException.provider_id, AvailabilityException.starts_at,
                           AvailabilityException.ends_at, AvailabilityException.kind, AvailabilityException.reason)
                    .order_by(AvailabilityException.provider_id, AvailabilityException.starts_at,
                              AvailabilityException.id))
"""Every exception, by provider and start: read once per generation of the exceptions (sch0009)."""

_Exception = tuple[dt.datetime, dt.datetime, str, str | None]


def _kept_exceptions(ctx: Context) -> Mapping[int, tuple[tuple[dt.datetime, ...], tuple[_Exception, ...],
                                                         dt.timedelta]]:
    """Every provider's exceptions: their starts, the rows (start, end, kind, reason) in that
    order, and the longest one's length (how far back one that meets a time may start). Set-up
    kept in memory between units of work: a provider's exceptions change a few times a week,
    and their changes raise a generation of their own (sch0009)."""
    by_provider: dict[int, list[_Exception]] = defaultdict(list)
    for who, start, end, kind, reason in ctx.session.connection().execute(_EVERY_EXCEPTION).all():
        by_provider[who].append((start, end, kind, reason))
    return MappingProxyType({who: (tuple(row[0] for row in rows), tuple(rows), max(row[1] - row[0] for row in rows))
                             for who, rows in by_provider.items()})


def exceptions(ctx: Context, start: dt.datetime, end: dt.datetime,
               wanted: Iterable[int] | None = None) -> dict[int, list[_Exception]]:
    """The exceptions of the providers ``wanted`` (default: everyone) that meet [start, end),
    per provider by start: from the set-up kept in memory, no query while it holds."""
    kept = ctx.cached(f"{EXCEPTIONS_OWNER}.kept", _kept_exceptions)
    found: dict[int, list[_Exception]] = {}
    for who in (kept if wanted is None else wanted):
        entry = kept.get(who)
        if entry is None:
            continue
        starts, rows, longest = entry
        meeting = [row for row in rows[bisect_left(starts, start - longest):bisect_left(starts, end)] if row[1] > start]
        if meeting:
            found[who] = meeting
    return found


def load(ctx: Context, first: dt.date, last: dt.date, provider_ids: Iterable[int] | None = None, *,
         templates: Iterable[catalogue.Template] | None = None) -> Calendar:
    """The rules of local days ``first``…``last`` for ``provider_ids`` (default: everyone).

    At most five queries whatever the range, and none but the staff role's while the set-up
    kept in memory holds: templates, exceptions, closures and the holiday setting (kept), and
    approved time off (the staff role's one ``days_off`` question, when a staff plugin is
    enabled).
    """
    wanted = None if provider_ids is None else sorted(set(provider_ids))
    zone = ctx.timezone
    range_start, _ = day_bounds(first, zone)
    _, range_end = day_bounds(last, zone)
    if templates is None:
        templates = [t for t in catalogue.load_templates(ctx) if wanted is None or t.provider_id in wanted]
    by_weekday: dict[int, list[catalogue.Template]] = defaultdict(list)
    for template in templates:
        by_weekday[template.weekday].append(template)

    away: dict[int, list] = {}
    time_off: dict[int, list] = {}
    if wanted is None or wanted:
        away = exceptions(ctx, range_start, range_end, wanted)
        time_off.update(leave(ctx, first, last, wanted, templates=by_weekday))
    closures = [row for row in ctx.cached("scheduling.closures", _closures) if row[0] <= last and row[1] >= first]
    return Calendar(zone, first, last, dict(by_weekday), closures, public_holidays(ctx, first, last),
                    time_off, away)


def leave(ctx: Context, first: dt.date, last: dt.date, wanted: list[int] | None,
          templates: dict[int, list[catalogue.Template]]) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Approved time off of the providers ``wanted`` (None: those with a template in
    ``templates``) touching local days ``first``…``last``, asked of the staff role
    (``StaffService.days_off``). Without a staff plugin nobody is on leave: the practice
    books without leave checks."""
    staff = ctx.role_service("staff")
    if staff is None:
        return {}
    if wanted is None:
        wanted = sorted({t.provider_id for day in templates.values() for t in day})
    return staff.days_off(ctx, wanted, first, last) if wanted else {}


def _closures(ctx: Context) -> tuple[tuple[dt.date, dt.date, int | None, str], ...]:
    """Every closure, by first day: set-up kept in memory between units of work (a practice
    closes a few days a year)."""
    return tuple(tuple(row) for row in ctx.session.execute(
        select(Closure.first_day, Closure.last_day, Closure.location_id, Closure.reason)
        .order_by(Closure.first_day, Closure.id)))


def check_booking(ctx: Context, provider: Any, location_id: int, start: dt.datetime, end: dt.datetime, *,
                  may_override: bool = False) -> list[str]:
    """Refuse a booking of ``provider`` at ``location_id`` over [start, end) on a closed day,
    during an exception or approved time off; return what was overridden instead when
    ``may_override`` (an overbooking with a reason), for the audit log.

    Raises:
        ValidationError: the location is closed or the provider has approved time off (never
            overridable), or the provider is away (an exception).
    """
    zone = ctx.timezone
    first = start.astimezone(zone).date()
    last = max(first, (end - dt.timedelta(microseconds=1)).astimezone(zone).date())
    calendar = load(ctx, first, last, [provider.id], templates=())
    place = catalogue.location_by_id(ctx, location_id).name
    day = first
    while day <= last:
        why = calendar.closed(day, location_id)
        if why is not None:
            raise ValidationError(f"{place} is closed on {day:%a %Y-%m-%d} ({why})", field="start")
        day += dt.timedelta(days=1)
    day = first
    while day <= last:
        if calendar.off(provider.id, day):
            raise ValidationError(f"{provider.name} has approved time off on {day:%a %Y-%m-%d} "
                                  "(cancel or change the time off to book that day)", field="start")
        day += dt.timedelta(days=1)
    away = []
    for a, b, kind, reason in calendar.away(provider.id, start, end):
        span = f"{ctx.local(a):%a %Y-%m-%d %H:%M}-{ctx.local(b):%H:%M}" if ctx.local(a).date() == ctx.local(b).date() \
            else f"{ctx.local(a):%a %Y-%m-%d %H:%M} to {ctx.local(b):%a %Y-%m-%d %H:%M}"
        away.append(f"{provider.name} is away {span} ({kind}{': ' + reason if reason else ''})")
    if away and not may_override:
        raise ValidationError("; ".join(away) + " (a manager may overbook with a reason)", field="start")
    return away


# -- public holidays -------------------------------------------------------------------------


@cache
def holidays_of(country: str, subdivision: str | None, years: tuple[int, ...]) -> dict[dt.date, str]:
    """The public holidays of ``country`` (and ``subdivision``) in ``years``, computed once a process."""
    import holidays

    return dict(holidays.country_holidays(country, subdiv=subdivision, years=years).items())


def _region(ctx: Context) -> tuple[str | None, str | None]:
    values = dict(ctx.session.execute(select(Setting.key, Setting.value).where(
        Setting.key.in_((COUNTRY, SUBDIVISION)))).all())
    return values.get(COUNTRY), values.get(SUBDIVISION)


def holiday_region(ctx: Context) -> tuple[str | None, str | None]:
    """The country and subdivision whose public holidays close the practice, (None, None) when
    not set (set-up kept in memory between units of work)."""
    return ctx.cached("scheduling.holiday_region", _region)


def public_holidays(ctx: Context, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """The public holidays of local days ``first``…``last``, when the practice opted in (one query)."""
    country, subdivision = holiday_region(ctx)
    if country is None:
        return {}
    days = holidays_of(country, subdivision, tuple(range(first.year, last.year + 1)))
    return {day: name for day, name in days.items() if first <= day <= last}
