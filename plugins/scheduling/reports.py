"""Reports for ``medoffice reports``: no-show rate, provider utilisation, waiting times.

Each report takes the parameters ``from`` and ``to`` (local days, ``YYYY-MM-DD``; default
the 30 days up to today) and ``provider`` (a staff id; default every provider), counts the
appointments that *start* in that range, and gives a row per provider and one for all.

The counting is done by the database (``GROUP BY provider``); only the waiting times load
rows, and then only the minutes each arrival waited (worked out by the database), since a
median and a 90th percentile need every value.

They need ``scheduling.read``: the figures are aggregates of what that permission already
shows appointment by appointment on the day board.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import case, func, select

from medoffice.core import Context
from medoffice.core.records import ReportResult, ReportSpec
from medoffice.core.services import staff

from . import catalogue
from .exports import date_range, provider_record, utc_bounds
from .models import ACTIVE_STATUSES, Appointment
from .permissions import READ
from .timing import UTC, parse_date

PARAMS = ("from", "to", "provider")
DEFAULT_DAYS = 30
ALL = "all providers"
NONE = "-"


def _scope(ctx: Context, params: Mapping[str, str]) -> tuple[dt.date, dt.date, int | None]:
    """The range and the provider the parameters name (defaults filled in), all checked."""
    today = ctx.local(ctx.now()).date()
    last = params.get("to") or today
    if params.get("from"):
        first = params["from"]
    else:
        first = parse_date(last, field="to") - dt.timedelta(days=DEFAULT_DAYS - 1)
    start, end = date_range(first, last)
    provider_id = provider_record(ctx, params["provider"]).id if params.get("provider") else None
    return start, end, provider_id


def _in_range(ctx: Context, first: dt.date, last: dt.date, provider_id: int | None) -> list:
    start, end = utc_bounds(ctx, first, last)
    conditions = [Appointment.starts_at >= start, Appointment.starts_at < end]
    if provider_id is not None:
        conditions.append(Appointment.provider_id == provider_id)
    return conditions


def _names(ctx: Context) -> dict[int, str]:
    return {s.id: s.name for s in staff.list_staff(ctx, providers_only=True, include_inactive=True)}


def _span(first: dt.date, last: dt.date) -> str:
    return f"{first} to {last}"


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else NONE


def _count(condition) -> object:
    return func.sum(case((condition, 1), else_=0))


# -- no-shows ----------------------------------------------------------------------------------


def no_shows(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """No-show rate per provider and overall: no-shows / (completed + no-shows)."""
    ctx.require(READ)
    first, last, provider_id = _scope(ctx, params)
    query = (select(Appointment.provider_id, _count(Appointment.status == "completed"),
                    _count(Appointment.status == "no_show"), _count(Appointment.status == "cancelled"))
             .where(*_in_range(ctx, first, last, provider_id)).group_by(Appointment.provider_id))
    counts = {who: (int(done or 0), int(missed or 0), int(cancelled or 0))
              for who, done, missed, cancelled in ctx.session.execute(query)}
    names = _names(ctx)
    rows = []
    for who in sorted(counts, key=lambda p: (names.get(p, "?"), p)):
        done, missed, cancelled = counts[who]
        rows.append((names.get(who, "?"), done, missed, _percent(missed, done + missed), cancelled))
    done, missed, cancelled = (sum(c[i] for c in counts.values()) for i in range(3))
    rows.append((ALL, done, missed, _percent(missed, done + missed), cancelled))
    return ReportResult(f"No-shows, {_span(first, last)}",
                        ("provider", "completed", "no-shows", "no-show rate", "cancelled"), rows,
                        notes="rate = no-shows / (completed + no-shows); cancellations are shown apart and "
                              "are not in the rate. Appointments by start, in the practice's time zone.")


# -- utilisation -------------------------------------------------------------------------------


def available_minutes(ctx: Context, first: dt.date, last: dt.date, provider_id: int | None = None) -> dict[int, int]:
    """Provider id -> minutes of availability on local days ``first``…``last``.

    From the weekly templates, day by day, in real minutes: a block over the spring-forward
    night is an hour shorter, over the autumn night an hour longer. This is the one place
    that says how much time a provider offers; exceptions and closures are to be subtracted
    here.
    """
    zone = ctx.timezone
    by_weekday: dict[int, list] = defaultdict(list)
    for template in catalogue.load_templates(ctx, provider_id):
        by_weekday[template.weekday].append(template)
    minutes: dict[int, int] = defaultdict(int)
    day = first
    while day <= last:
        for template in by_weekday.get(day.weekday(), ()):
            begins = dt.datetime.combine(day, template.start_time, tzinfo=zone).astimezone(UTC)
            ends = dt.datetime.combine(day, template.end_time, tzinfo=zone).astimezone(UTC)
            minutes[template.provider_id] += max(0, int((ends - begins).total_seconds() // 60))
        day += dt.timedelta(days=1)
    return dict(minutes)


def _minutes_between(ctx: Context, start, end):
    """SQL for the minutes from ``start`` to ``end`` (two timestamp columns), per dialect."""
    if ctx.session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 1440
    return func.extract("epoch", end - start) / 60


def utilisation(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Per provider: booked minutes of appointments holding a slot / available minutes."""
    ctx.require(READ)
    first, last, provider_id = _scope(ctx, params)
    query = (select(Appointment.provider_id,
                    func.sum(_minutes_between(ctx, Appointment.starts_at, Appointment.ends_at)))
             .where(*_in_range(ctx, first, last, provider_id), Appointment.status.in_(ACTIVE_STATUSES))
             .group_by(Appointment.provider_id))
    booked = {who: round(float(total or 0)) for who, total in ctx.session.execute(query)}
    available = available_minutes(ctx, first, last, provider_id)
    names = _names(ctx)
    rows = [(names.get(who, "?"), available.get(who, 0), booked.get(who, 0),
             _percent(booked.get(who, 0), available.get(who, 0)))
            for who in sorted(set(booked) | set(available), key=lambda p: (names.get(p, "?"), p))]
    offered, used = sum(available.values()), sum(booked.values())
    rows.append((ALL, offered, used, _percent(used, offered)))
    return ReportResult(f"Utilisation, {_span(first, last)}",
                        ("provider", "available min", "booked min", "utilisation"), rows,
                        notes="booked = appointments that hold their slot (booked, arrived, in room, completed; "
                              "overbookings too, so it can pass 100%); available = the weekly availability "
                              "templates over the range.")


# -- waiting times -----------------------------------------------------------------------------

MEASURES = (("arrival to room", "roomed_at"), ("arrival to completion", "completed_at"))


def _stats(values: list[float]) -> tuple:
    if not values:
        return 0, NONE, NONE, NONE
    ordered = sorted(values)
    p90 = statistics.quantiles(ordered, n=10, method="inclusive")[-1] if len(ordered) > 1 else ordered[0]
    return len(ordered), f"{statistics.fmean(ordered):.1f}", f"{statistics.median(ordered):.1f}", f"{p90:.1f}"


def waiting_times(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Arrival to room and arrival to completion, in minutes: count, mean, median, 90th percentile."""
    ctx.require(READ)
    first, last, provider_id = _scope(ctx, params)
    arrived = Appointment.arrived_at
    query = (select(Appointment.provider_id, *(_minutes_between(ctx, arrived, getattr(Appointment, column))
                                               for _, column in MEASURES))
             .where(*_in_range(ctx, first, last, provider_id), arrived.is_not(None)))
    waits: dict[str, dict[int, list[float]]] = {name: defaultdict(list) for name, _ in MEASURES}
    for who, *minutes in ctx.session.execute(query):
        for (name, _), value in zip(MEASURES, minutes):
            if value is not None:
                waits[name][who].append(round(float(value), 3))  # SQLite's julianday() is a float
    names = _names(ctx)
    providers = sorted({who for by_provider in waits.values() for who in by_provider},
                       key=lambda p: (names.get(p, "?"), p))
    rows = [(names.get(who, "?"), name, *_stats(waits[name].get(who, [])))
            for who in providers for name, _ in MEASURES]
    rows += [(ALL, name, *_stats([v for values in waits[name].values() for v in values])) for name, _ in MEASURES]
    return ReportResult(f"Waiting times (minutes), {_span(first, last)}",
                        ("provider", "wait", "count", "mean", "median", "p90"), rows,
                        notes="from check-in to the room, and from check-in to the end of the visit; "
                              "p90: 90% of patients waited at most this long.")


REPORTS = (
    ReportSpec("scheduling.no_shows", "No-show rate per provider", no_shows, permission=READ, params=PARAMS,
               description="No-shows / (completed + no-shows) per provider and overall; cancellations apart."),
    ReportSpec("scheduling.utilisation", "Provider utilisation", utilisation, permission=READ, params=PARAMS,
               description="Booked minutes / available minutes from the weekly templates, per provider."),
    ReportSpec("scheduling.waiting_times", "Waiting times", waiting_times, permission=READ, params=PARAMS,
               description="Arrival to room and to completion: count, mean, median, 90th percentile."),
)
