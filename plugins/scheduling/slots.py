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
import functools
import heapq
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import attrs
from sqlalchemy import String, bindparam, or_, select, type_coerce

from medoffice.core import Context, ValidationError
from medoffice.core.services import patients, staff
from medoffice.core.storage.plain import Statement

from . import availability, catalogue, resources
from .models import Appointment, Reservation, holds_its_slot
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


def search_days(first: str | dt.date, last: str | dt.date | None) -> tuple[dt.date, dt.date]:
    """The local days a search covers: ``first`` to ``last``, or 30 days on.

    Raises:
        ValidationError: a bad day, or ``last`` before ``first``.
    """
    start_day = parse_date(first, field="from")
    end_day = parse_date(last, field="to") if last is not None else start_day + dt.timedelta(days=30)
    if end_day < start_day:
        raise ValidationError(f"the last day ({end_day}) is before the first ({start_day})", field="to")
    return start_day, end_day


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
    start_day, end_day = search_days(first, last)
    if (end_day - start_day).days >= MAX_DAYS:
        raise ValidationError(f"search at most {MAX_DAYS} days at once", field="to")
    if limit < 1:
        raise ValidationError(f"limit must be at least 1, got {limit}", field="limit")
    kind = catalogue.kind_named(ctx, appointment_type)
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
    may_work = _MayWork(ctx, start_day, end_day, providers)
    for window_first, window_last in _windows(start_day, end_day, limit):
        found.extend(slot for slot in search.scan(window_first, window_last, limit - len(found))
                     if may_work(slot.provider_id, slot.start.date()))
        if len(found) >= limit:
            break
    return found[:limit]


def blocked_words(ctx: Context, provider_id: int, first: str | dt.date, last: str | dt.date | None = None) -> str | None:
    """Why the desk is offered no time with ``provider_id`` on some of local days ``first`` to
    ``last`` (default: 30 days on) beyond a full calendar, in words, when the staff role says
    they may not work then (the built-in staff plugin: a required credential has expired);
    None when nothing blocks them. Said beside an empty slot list, so that nobody hunts for
    a gap that booking would refuse.

    .. versionadded:: 0.5
    """
    ctx.require(READ)
    start_day, end_day = search_days(first, last)
    ask = getattr(ctx.role_service("staff"), "days_blocked", None)
    if ask is None:
        return None
    stretches = sorted(ask(ctx, [provider_id], start_day, end_day).get(provider_id, ()))
    if not stretches:
        return None
    name = catalogue.provider(ctx, provider_id).name
    spans = [(max(a, start_day), min(b, end_day)) for a, b in stretches]
    days = ", ".join(f"on {a}" if a == b else f"from {a} to {b}" for a, b in spans)
    return (f"{name} cannot be booked {days}: a credential required for work has expired "
            f"(renew it, or a manager may override it: medoffice credentials list --staff {provider_id}).")


class _MayWork:
    """Whether a provider may work on a local day, for reasons beyond approved leave (which
    the calendar holds already): asked of the staff role once for the whole search
    (``StaffService.days_blocked``: the built-in staff plugin blocks a provider whose
    required credential has expired), so the desk is not offered a time booking would
    refuse. With no staff plugin enabled, or one without that question, everyone may."""

    def __init__(self, ctx: Context, first: dt.date, last: dt.date, providers: Iterable[int]) -> None:
        ask = getattr(ctx.role_service("staff"), "days_blocked", None)
        self.blocked = ask(ctx, sorted(providers), first, last) if ask is not None else {}

    def __call__(self, provider_id: int, day: dt.date) -> bool:
        return not any(a <= day <= b for a, b in self.blocked.get(provider_id, ()))


FIRST_WINDOWS = (1, 3)
"""A search for a few slots reads the first day's calendar and bookings, then the next two
days', before the rest: the earliest free slots are nearly always there, and a month of
bookings for every provider is thousands of rows (a day of 20 providers, about 600)."""
FEW = 50


def _windows(first: dt.date, last: dt.date, limit: int) -> list[tuple[dt.date, dt.date]]:
    """The day ranges to search in turn: all at once for many slots, else the first day, the
    next days, then the rest (each range costs the same handful of queries)."""
    if limit > FEW:
        return [(first, last)]
    windows, start = [], first
    for days in FIRST_WINDOWS:
        end = first + dt.timedelta(days=days - 1)
        if end >= last:
            break
        windows.append((start, end))
        start = end + dt.timedelta(days=1)
    return [*windows, (start, last)]


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
    kind: catalogue.Kind
    providers: dict[int, str]
    places: dict[int, Any]
    templates: list[catalogue.Template]
    wanted: list[int] | None
    equipment: list[resources.Piece]
    provider_id: int | None
    length: dt.timedelta
    step: dt.timedelta
    patient_id: int | None = None
    moved: tuple[int, int, dt.datetime] | None = None

    def scan(self, start_day: dt.date, end_day: dt.date, limit: int) -> list[Slot]:
        """The earliest free slots (up to ``limit``) on local days ``start_day``…``end_day``.

        Everything is compared as naive UTC datetimes: the busy rows are read as the database
        holds them (no type processing per value) and each availability block is turned into
        UTC with one offset (its own, when no clock change falls inside it, which is every
        block on all but two nights a year; those go slot by slot through the zone)."""
        ctx, kind, providers, places = self.ctx, self.kind, self.providers, self.places
        provider_id, equipment, length, step = self.provider_id, self.equipment, self.length, self.step
        zone = ctx.timezone
        calendar = availability.load(ctx, start_day, end_day, self.wanted, templates=self.templates)
        range_start, _ = day_bounds(start_day, zone)
        _, range_end = day_bounds(end_day, zone)
        patient_id = self.patient_id
        shape = (provider_id is not None and not kind.needs_room, patient_id is not None, self.moved is not None)
        parameters = {"start": range_start, "end": range_end, "since": range_start - MAX_VISIT,
                      "provider_id": provider_id, "patient_id": patient_id,
                      "moved": self.moved[0] if self.moved is not None else None}
        naive = _naive_utc(ctx.runtime.engine.dialect.name)
        busy = _Busy()
        spans = busy.spans
        rows = ctx.plain_rows(_busy_query(*shape), parameters)
        by_provider: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        if kind.needs_room or patient_id is not None:
            for who, room_id, whose, begins, ends in rows:
                span = (naive(begins), naive(ends))
                by_provider[who].append(span)
                if room_id is not None:
                    spans[("room", room_id)].append(span)
                if whose == patient_id:
                    spans[("patient", whose)].append(span)
        else:  # only the providers' bookings count: the least work per row
            for who, _room_id, _whose, begins, ends in rows:
                by_provider[who].append((naive(begins), naive(ends)))
        spans.update((("provider", who), taken) for who, taken in by_provider.items())
        held = [("patient", patient_id)] if patient_id is not None else []
        if equipment:
            parameters["pieces"] = [piece.id for piece in equipment]
            reserved = ctx.session.connection().execute(_reserved_query(self.moved is not None), parameters)
            for resource_id, begins, ends in reserved:
                busy.add(("resource", resource_id), naive(begins), naive(ends))
        pieces = [("resource", piece.id) for piece in equipment]
        moved = (self.moved[1], _plain(self.moved[2])) if self.moved is not None else None

        now = _plain(ctx.now())

        def free(template: catalogue.Template, spans: list[tuple[dt.datetime, dt.datetime]], rooms: list,
                 day: dt.date):
            """The block's free slots in time order, each checked only when the merge asks."""
            provider = providers[template.provider_id]
            taken, taken_ends = busy.merged(("provider", template.provider_id))
            position = None
            for begins, ends in _candidates(day, template.start_time, template.end_time, zone, length, step):
                if begins < now:
                    continue
                if position is None:  # the first of the provider's bookings that ends after this
                    position = bisect.bisect_right(taken_ends, begins)
                # The provider's bookings, merged and in time order, walked once per block.
                while position < len(taken) and taken[position][1] <= begins:
                    position += 1
                if position < len(taken) and taken[position][0] < ends:
                    continue
                if any(a <= begins and ends <= b for a, b in spans) \
                        and (not kind.needs_room or any(not busy.overlaps(r, begins, ends) for r in rooms)) \
                        and not any(busy.overlaps(piece, begins, ends) for piece in pieces) \
                        and not any(busy.overlaps(whose, begins, ends) for whose in held) \
                        and (moved is None or moved != (template.provider_id, begins)):
                    yield begins, provider, template.provider_id, ends, template.location_id

        found: list[Slot] = []
        day = start_day
        while day <= end_day and len(found) < limit:
            open_by_template: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
            for span in calendar.spans_on(day):
                open_by_template[span.template_id].append((_plain(span.start), _plain(span.end)))
            blocks = []
            for template in calendar.templates.get(day.weekday(), ()):
                spans = open_by_template.get(template.id)
                if not spans:
                    continue
                rooms = [("room", r.id) for r in places[template.location_id].rooms] \
                    if template.location_id in places else []
                if kind.needs_room and not rooms:
                    continue
                blocks.append(free(template, spans, rooms, day))
            # The day's slots by start, then provider: merged from the blocks' own time order,
            # so only as many candidates are checked as the slots still wanted need.
            for begins, provider, who, ends, where in heapq.merge(*blocks):
                found.append(Slot(who, provider, places[where].name if where in places else "?", kind.name,
                                  begins.replace(tzinfo=UTC).astimezone(zone),
                                  ends.replace(tzinfo=UTC).astimezone(zone)))
                if len(found) >= limit:
                    break
            day += dt.timedelta(days=1)
        return found[:limit]


UTC = dt.timezone.utc


def _plain(moment: dt.datetime) -> dt.datetime:
    """An aware time as a naive UTC one (what the search compares)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _naive_utc(dialect: str):
    """How a time read raw from the database becomes a naive UTC datetime: SQLite holds
    ``YYYY-MM-DD HH:MM:SS.ffffff`` text in UTC; PostgreSQL's driver gives aware times."""
    if dialect == "sqlite":
        return dt.datetime.fromisoformat
    return _plain


def _candidates(day: dt.date, first: dt.time, last: dt.time, zone: Any, length: dt.timedelta,
                step: dt.timedelta):
    """The (start, end) of each slot of a block on local ``day``, as naive UTC: one offset
    for the whole block when the clocks do not change inside it; else slot by slot, leaving
    out times the clocks skip and slots whose end the change pushes past the block."""
    wall = dt.datetime.combine(day, first)
    wall_end = dt.datetime.combine(day, last)
    offset = zone.utcoffset(wall)
    if offset == zone.utcoffset(wall_end) and offset == zone.utcoffset(wall_end - step):
        begins, close = wall - offset, wall_end - offset
        while begins + length <= close:
            yield begins, begins + length
            begins += step
        return
    while wall + length <= wall_end:
        try:
            begins = localize(wall, zone)
        except ValidationError:  # a time the clocks skip
            wall += step
            continue
        ends = begins + length
        if ends.astimezone(zone).replace(tzinfo=None) <= wall_end:
            yield _plain(begins), _plain(ends)
        wall += step


def _raw(column: Any) -> Any:
    """A time column read as the database holds it: no type processing per value."""
    return type_coerce(column, String)


@functools.cache
def _busy_query(one_provider: bool, patient: bool, moved: bool) -> Statement:
    """What holds a provider, a room or the patient in the searched range (built once per
    shape), run by the driver: its rows as stored."""
    # No visit lasts more than a day (a type is at most 1,440 minutes), so the lower bound on
    # ``starts_at`` keeps this an index range over the searched days, not over the history.
    query = select(Appointment.provider_id, Appointment.room_id, Appointment.patient_id,
                   _raw(Appointment.starts_at), _raw(Appointment.ends_at)).where(*_in_range(moved))
    if one_provider:
        mine = Appointment.provider_id == bindparam("provider_id")
        query = query.where(mine if not patient else or_(mine, Appointment.patient_id == bindparam("patient_id")))
    return Statement(query.order_by(Appointment.starts_at))


@functools.cache
def _reserved_query(moved: bool) -> Any:
    return (select(Reservation.resource_id, _raw(Reservation.starts_at), _raw(Reservation.ends_at))
            .join(Appointment, Appointment.id == Reservation.appointment_id)
            .where(Reservation.resource_id.in_(bindparam("pieces", expanding=True)), *_in_range(moved))
            .order_by(Reservation.starts_at))


def _in_range(moved: bool) -> tuple:
    found = (holds_its_slot(), Appointment.starts_at < bindparam("end"),
             Appointment.ends_at > bindparam("start"), Appointment.starts_at > bindparam("since"))
    return (*found, Appointment.id != bindparam("moved")) if moved else found


class _Busy:
    """Spans of time that hold something (a provider, a room, a piece of equipment), each
    list sorted by start, as the queries return them (:attr:`spans`, filled by the caller)."""

    def __init__(self) -> None:
        self.spans: dict[tuple[str, int], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        self._starts: dict[tuple[str, int], list[dt.datetime]] = {}
        self._merged: dict[tuple[str, int], tuple[list, list]] = {}

    def add(self, key: tuple[str, int], begins: dt.datetime, ends: dt.datetime) -> None:
        self.spans[key].append((begins, ends))

    def merged(self, key: tuple[str, int]) -> tuple[list[tuple[dt.datetime, dt.datetime]], list[dt.datetime]]:
        """The spans of ``key`` joined where they meet or overlap (disjoint, in time order),
        and their ends (to find where a day starts in them); made once per key."""
        found = self._merged.get(key)
        if found is None:
            joined: list[tuple[dt.datetime, dt.datetime]] = []
            for begins, ends in self.spans.get(key, ()):
                if joined and begins <= joined[-1][1]:
                    if ends > joined[-1][1]:
                        joined[-1] = (joined[-1][0], ends)
                else:
                    joined.append((begins, ends))
            found = self._merged[key] = (joined, [span[1] for span in joined])
        return found

    def overlaps(self, key: tuple[str, int], begins: dt.datetime, ends: dt.datetime) -> bool:
        spans = self.spans.get(key)
        if not spans:
            return False
        starts = self._starts.get(key)
        if starts is None or len(starts) != len(spans):
            starts = self._starts[key] = [span[0] for span in spans]
        return _overlaps(spans, starts, begins, ends)


def _overlaps(spans: list[tuple[dt.datetime, dt.datetime]], starts: list[dt.datetime], begins: dt.datetime,
              ends: dt.datetime) -> bool:
    """Whether [begins, ends) meets any span; ``spans`` sorted by start, ``starts`` their starts."""
    index = bisect.bisect_left(starts, ends)
    # Spans starting before ``ends``: check backwards while one could still reach ``begins``.
    for position in range(index - 1, -1, -1):
        span_start, span_end = spans[position]
        if span_end > begins:
            return True
        if span_start < begins - MAX_VISIT:
            break
    return False
