"""Finding free slots: the next times an appointment type fits, set-based.

One query loads the availability templates, one loads the range's appointments that hold a
slot; the free slots are then computed in Python, day by day and block by block, without a
query per candidate slot.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

import attrs
from sqlalchemy import select

from medoffice.core import Context, ValidationError
from medoffice.core.services import staff

from . import catalogue
from .models import ACTIVE_STATUSES, Appointment
from .timing import day_bounds, localize, parse_date

READ = "scheduling.read"
MAX_DAYS = 366
MAX_VISIT = dt.timedelta(days=1)


@attrs.frozen
class Slot:
    """A free slot: who, where, and when in the practice's time zone."""

    provider_id: int
    provider: str
    location: str
    appointment_type: str
    start: dt.datetime
    end: dt.datetime


def find_slots(ctx: Context, appointment_type: str, first: str | dt.date, last: str | dt.date | None = None, *,
               provider_id: int | None = None, limit: int = 20, step_minutes: int | None = None) -> list[Slot]:
    """The earliest free slots for ``appointment_type`` from local day ``first`` to ``last``.

    Args:
        ctx: the operation.
        appointment_type: the type's name; its duration is the slot's length.
        first: the first local day to search.
        last: the last local day (default: 30 days from ``first``).
        provider_id: only this provider; otherwise every provider with availability.
        limit: at most this many slots, earliest first (then by provider).
        step_minutes: slots start this far apart within a block (default: the type's duration).

    Raises:
        ValidationError: bad days, ``last`` before ``first``, a range over a year, a bad limit.
        NotFound: unknown type or provider.
    """
    ctx.require(READ)
    start_day = parse_date(first, field="from")
    end_day = parse_date(last, field="to") if last is not None else start_day + dt.timedelta(days=30)
    if end_day < start_day:
        raise ValidationError(f"the last day ({end_day}) is before the first ({start_day})", field="to")
    if (end_day - start_day).days >= MAX_DAYS:
        raise ValidationError(f"search at most {MAX_DAYS} days at once", field="to")
    if limit < 1:
        raise ValidationError(f"limit must be at least 1, got {limit}", field="limit")
    kind = catalogue.type_by_name(ctx, appointment_type)
    if provider_id is not None:
        catalogue.provider(ctx, provider_id)
    length = dt.timedelta(minutes=kind.duration_minutes)
    step = dt.timedelta(minutes=step_minutes or kind.duration_minutes)
    if step <= dt.timedelta(0):
        raise ValidationError("the step must be at least one minute", field="step")
    zone = ctx.timezone

    providers = {s.id: s.name for s in staff.list_staff(ctx, providers_only=True)}
    places = {loc.id: loc.name for loc in ctx.practice.locations}
    by_weekday: dict[int, list] = defaultdict(list)
    for template in catalogue.load_templates(ctx, provider_id):
        if template.provider_id in providers:
            by_weekday[template.weekday].append(template)

    range_start, _ = day_bounds(start_day, zone)
    _, range_end = day_bounds(end_day, zone)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    # No visit lasts more than a day (a type is at most 1,440 minutes), so the lower bound on
    # ``starts_at`` keeps this an index range over the searched days, not over the history.
    query = select(Appointment.provider_id, Appointment.starts_at, Appointment.ends_at).where(
        Appointment.status.in_(ACTIVE_STATUSES), Appointment.starts_at < range_end, Appointment.ends_at > range_start,
        Appointment.starts_at > range_start - MAX_VISIT)
    if provider_id is not None:
        query = query.where(Appointment.provider_id == provider_id)
    for who, begins, ends in ctx.session.execute(query.order_by(Appointment.starts_at)):
        busy[who].append((begins, ends))
    starts = {who: [b for b, _ in spans] for who, spans in busy.items()}

    now = ctx.now()
    found: list[Slot] = []
    day = start_day
    while day <= end_day:
        today: list[Slot] = []
        for template in by_weekday.get(day.weekday(), ()):
            wall_end = dt.datetime.combine(day, template.end_time)
            wall = dt.datetime.combine(day, template.start_time)
            while wall + length <= wall_end:
                try:
                    begins = localize(wall, zone)
                except ValidationError:  # a time the clocks skip
                    wall += step
                    continue
                ends = begins + length
                if begins >= now and ends.astimezone(zone).replace(tzinfo=None) <= wall_end \
                        and not _overlaps(busy[template.provider_id], starts.get(template.provider_id, []), begins, ends):
                    today.append(Slot(template.provider_id, providers[template.provider_id],
                                      places.get(template.location_id, "?"), kind.name,
                                      begins.astimezone(zone), ends.astimezone(zone)))
                wall += step
        today.sort(key=lambda s: (s.start, s.provider, s.provider_id))
        found.extend(today)
        if len(found) >= limit:
            break
        day += dt.timedelta(days=1)
    return found[:limit]


def _overlaps(spans: list[tuple[dt.datetime, dt.datetime]], starts: list[dt.datetime], begins: dt.datetime,
              ends: dt.datetime) -> bool:
    """Whether [begins, ends) meets any span; ``spans`` sorted by start, ``starts`` their starts."""
    index = bisect.bisect_left(starts, ends)
    # Spans starting before ``ends``: check backwards while one could still reach ``begins``.
    for position in range(index - 1, -1, -1):
        span_start, span_end = spans[position]
        if span_end > begins:
            return True
        if span_start < begins - dt.timedelta(days=1):
            break
    return False
