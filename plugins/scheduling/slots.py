"""Finding free slots: the next times an appointment type fits, set-based.

A fixed handful of queries, whatever the range: the type and who may take it, the
providers, the templates, the rules of the range (exceptions, closures, the holiday setting,
time off; see :mod:`.availability`), the range's appointments that hold a provider or a room,
the type's equipment and, when it needs any, the range's reservations (and, for a patient,
their row: their own appointments come with the range's, in the same query). The free slots are
then computed in Python, day by day and block by block, without a query per candidate slot.

A slot is free when it lies in one of the provider's open spans (the template minus
exceptions, closures, holidays and time off), the provider has no appointment then, a room
of the template's location is free when the type needs one, and every piece of equipment
the type needs is free. Given a patient, a slot is also free only when the patient has no
appointment then, with anyone: the desk is not offered a time the patient cannot come.

Given the appointment being moved (``moving``), its own time, room and equipment do not
count as taken: moving a 10:00 visit to 10:15 with the same provider is offered, as
``booking.move`` allows it. Its current time itself is left out (a move there changes
nothing).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from typing import Any

import attrs
from sqlalchemy import or_, select

from medoffice.core import Context, ValidationError
from medoffice.core.services import patients, staff

from . import availability, catalogue, resources
from .models import ACTIVE_STATUSES, Appointment, AppointmentType, AvailabilityTemplate, Reservation, Resource
from .permissions import READ
from .timing import day_bounds, localize, parse_date

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
               provider_id: int | None = None, limit: int = 20, step_minutes: int | None = None,
               patient: str | None = None, moving: int | None = None) -> list[Slot]:
    """The earliest free slots for ``appointment_type`` from local day ``first`` to ``last``.

    Args:
        ctx: the operation.
        appointment_type: the type's name; its duration is the slot's length.
        first: the first local day to search.
        last: the last local day (default: 30 days from ``first``).
        provider_id: only this provider; otherwise every provider with availability.
        limit: at most this many slots, earliest first (then by provider).
        step_minutes: slots start this far apart within a block (default: the type's duration).
        patient: the MRN of the patient to book: times when they already have an appointment
            (with any provider) are left out.
        moving: the id of the appointment to move: it holds nothing against its own move, and
            its current time (same provider, same start) is not offered.

    Raises:
        ValidationError: bad days, ``last`` before ``first``, a range over a year, a bad limit,
            a provider who does not take the type.
        NotFound: unknown type, provider or patient.

    .. versionchanged:: 0.2 honours exceptions, closures, public holidays, approved time off,
       who may take the type, and the room and equipment it needs.
    .. versionchanged:: 0.3 ``patient``: leaves out the times the patient is booked elsewhere.
    .. versionchanged:: 0.4 ``moving``: the appointment being moved does not hold its own slot.
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
    patient_id = patients.get(ctx, patient).id if patient is not None else None
    moved = None
    if moving is not None:
        from .booking import _appointment

        row = _appointment(ctx, moving)
        moved = (row.id, row.provider_id, row.starts_at)
    if provider_id is not None:
        catalogue.provider(ctx, provider_id)
    length = dt.timedelta(minutes=kind.duration_minutes)
    step = dt.timedelta(minutes=step_minutes or kind.duration_minutes)
    if step <= dt.timedelta(0):
        raise ValidationError("the step must be at least one minute", field="step")

    providers = {s.id: s.name for s in staff.list_staff(ctx, providers_only=True)}
    allowed = resources.allowed_providers(ctx, kind.id)
    if allowed:
        providers = {who: name for who, name in providers.items() if who in allowed}
        if provider_id is not None and provider_id not in allowed:
            resources.check_provider(ctx, kind, catalogue.provider(ctx, provider_id))
    equipment = resources.needs(ctx, kind.id)
    if any(not piece.active for piece in equipment):
        return []
    kept_at = {piece.location_id for piece in equipment if piece.location_id is not None}
    if len(kept_at) > 1:
        return []
    places = {loc.id: loc for loc in ctx.practice.locations}
    templates = [t for t in catalogue.load_templates(ctx, provider_id)
                 if t.provider_id in providers and (not kept_at or t.location_id in kept_at)]
    wanted = [provider_id] if provider_id is not None else sorted(allowed) if allowed else None
    search = _Search(ctx=ctx, kind=kind, providers=providers, places=places, templates=templates, wanted=wanted,
                     equipment=equipment, provider_id=provider_id, length=length, step=step,
                     patient_id=patient_id, moved=moved)
    found: list[Slot] = []
    for window_first, window_last in _windows(start_day, end_day, limit):
        found.extend(search.scan(window_first, window_last, limit - len(found)))
        if len(found) >= limit:
            break
    return found[:limit]


FIRST_WINDOW_DAYS = 3
"""A search for a few slots reads the first days' calendar and bookings before the rest:
the earliest free slots are nearly always there, and a month of bookings for every
provider is thousands of rows."""
FEW = 50


def _windows(first: dt.date, last: dt.date, limit: int) -> list[tuple[dt.date, dt.date]]:
    """The day ranges to search in turn: all at once for many slots, else the first days,
    then the rest (each range costs the same handful of queries)."""
    split = first + dt.timedelta(days=FIRST_WINDOW_DAYS)
    if limit > FEW or split > last:
        return [(first, last)]
    return [(first, split - dt.timedelta(days=1)), (split, last)]


@attrs.frozen(kw_only=True, eq=False)
class _Search:
    """One slot search: what stays the same from one range of days to the next.

    Attributes:
        ctx: the operation.
        kind: the appointment type searched for.
        providers: the providers who may take it, by id, with their names.
        places: the practice's locations by id (their rooms and names).
        templates: the weekly templates of those providers, at the equipment's location if it
            is kept at one.
        wanted: the providers whose rules to read (None: everyone).
        equipment: the equipment rows the type needs.
        provider_id: the one provider asked for, if any.
        length: the type's duration, a slot's length.
        step: how far apart slots start within a block.
        patient_id: the patient to book, whose own appointments hold them; None: not asked.
        moved: the appointment being moved (id, provider, start), which holds nothing against
            its own move; None: a new booking.
    """

    ctx: Context
    kind: AppointmentType
    providers: dict[int, str]
    places: dict[int, Any]
    templates: list[AvailabilityTemplate]
    wanted: list[int] | None
    equipment: list[Resource]
    provider_id: int | None
    length: dt.timedelta
    step: dt.timedelta
    patient_id: int | None = None
    moved: tuple[int, int, dt.datetime] | None = None

    def scan(self, start_day: dt.date, end_day: dt.date, limit: int) -> list[Slot]:
        """The earliest free slots (up to ``limit``) on local days ``start_day``…``end_day``."""
        ctx, kind, providers, places = self.ctx, self.kind, self.providers, self.places
        provider_id, equipment, length, step = self.provider_id, self.equipment, self.length, self.step
        zone = ctx.timezone
        calendar = availability.load(ctx, start_day, end_day, self.wanted, templates=self.templates)
        range_start, _ = day_bounds(start_day, zone)
        _, range_end = day_bounds(end_day, zone)
        # No visit lasts more than a day (a type is at most 1,440 minutes), so the lower bound on
        # ``starts_at`` keeps this an index range over the searched days, not over the history.
        in_range = (Appointment.status.in_(ACTIVE_STATUSES), Appointment.starts_at < range_end,
                    Appointment.ends_at > range_start, Appointment.starts_at > range_start - MAX_VISIT)
        if self.moved is not None:
            in_range = (*in_range, Appointment.id != self.moved[0])
        patient_id = self.patient_id
        query = select(Appointment.provider_id, Appointment.room_id, Appointment.patient_id, Appointment.starts_at,
                       Appointment.ends_at).where(*in_range)
        if provider_id is not None and not kind.needs_room:
            mine = Appointment.provider_id == provider_id
            query = query.where(mine if patient_id is None else or_(mine, Appointment.patient_id == patient_id))
        busy = _Busy()
        for who, room_id, whose, begins, ends in ctx.session.execute(query.order_by(Appointment.starts_at)):
            busy.add(("provider", who), begins, ends)
            if room_id is not None:
                busy.add(("room", room_id), begins, ends)
            if whose == patient_id:
                busy.add(("patient", whose), begins, ends)
        held = [("patient", patient_id)] if patient_id is not None else []
        if equipment:
            query = select(Reservation.resource_id, Reservation.starts_at, Reservation.ends_at).join(
                Appointment, Appointment.id == Reservation.appointment_id).where(
                Reservation.resource_id.in_([piece.id for piece in equipment]), *in_range)
            for resource_id, begins, ends in ctx.session.execute(query.order_by(Reservation.starts_at)):
                busy.add(("resource", resource_id), begins, ends)
        pieces = [("resource", piece.id) for piece in equipment]

        now = ctx.now()
        found: list[Slot] = []
        day = start_day
        while day <= end_day:
            today: list[Slot] = []
            open_by_template: dict[int, list[availability.OpenSpan]] = defaultdict(list)
            for span in calendar.spans_on(day):
                open_by_template[span.template_id].append(span)
            for template in calendar.templates.get(day.weekday(), ()):
                spans = open_by_template.get(template.id)
                if not spans:
                    continue
                rooms = [("room", r.id) for r in places[template.location_id].rooms] \
                    if template.location_id in places else []
                if kind.needs_room and not rooms:
                    continue
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
                            and any(s.start <= begins and ends <= s.end for s in spans) \
                            and not busy.overlaps(("provider", template.provider_id), begins, ends) \
                            and (not kind.needs_room or any(not busy.overlaps(r, begins, ends) for r in rooms)) \
                            and not any(busy.overlaps(piece, begins, ends) for piece in pieces) \
                            and not any(busy.overlaps(who, begins, ends) for who in held) \
                            and (self.moved is None or self.moved[1:] != (template.provider_id, begins)):
                        today.append(Slot(template.provider_id, providers[template.provider_id],
                                          places[template.location_id].name if template.location_id in places else "?",
                                          kind.name, begins.astimezone(zone), ends.astimezone(zone)))
                    wall += step
            today.sort(key=lambda s: (s.start, s.provider, s.provider_id))
            found.extend(today)
            if len(found) >= limit:
                break
            day += dt.timedelta(days=1)
        return found[:limit]


class _Busy:
    """Spans of time that hold something (a provider, a room, a piece of equipment), each
    list sorted by start, as the query returns them."""

    def __init__(self) -> None:
        self._spans: dict[tuple[str, int], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        self._starts: dict[tuple[str, int], list[dt.datetime]] = defaultdict(list)

    def add(self, key: tuple[str, int], begins: dt.datetime, ends: dt.datetime) -> None:
        self._spans[key].append((begins, ends))
        self._starts[key].append(begins)

    def overlaps(self, key: tuple[str, int], begins: dt.datetime, ends: dt.datetime) -> bool:
        spans = self._spans.get(key)
        return bool(spans) and _overlaps(spans, self._starts[key], begins, ends)


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
