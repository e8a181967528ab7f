"""Recurring bookings: one patient, provider and type, weekly, every N weeks or monthly.

A series is booked whole or not at all, in two passes. First every occurrence is checked by
:func:`.booking.check`, the very rules of a single booking (the provider's availability,
the provider, patient, room and equipment already booked, the type's patients, other
plugins' vetoes, and whatever rules booking gains later), writing nothing and announcing
nothing. When any occurrence is refused, the refusal names every refused occurrence with
its reason and nothing was written; ``skip_conflicts`` books the free occurrences and
reports the others instead; ``dry_run`` stops after the check.

Then the series and its occurrences are written (:func:`.booking.insert`) inside one
savepoint, and only once every one is written is each announced through
``medoffice_appointment_changed``, once, in date order. So a listener that texts the
patient or syncs a calendar never hears of a date that was only checked, or of a series
that was refused. (A date another terminal took between the check and the write is refused
by the database; the series then rolls back whole, or, with ``skip_conflicts``, skips it.)

Occurrences of one series never overlap one another (an appointment lasts at most a day and
they are a week or more apart), so each is checked against the database alone, with the
series' earlier dates counting as visits for the type's patients (a type for new patients
fits only the first date).

Times are local wall-clock times: a 09:00 weekly appointment is at 09:00 in the practice's
zone on every date, before and after the clocks change. An occurrence whose local time does
not exist (in the hour skipped in spring) is refused like a conflict.

Monthly series keep the first date's day of the month. In a month without that day (the
31st in April, the 29th-31st in February) the occurrence falls on the month's last day, and
the occurrence says so (``adjusted``): a monthly visit stays monthly.

A series holds at most :data:`MAX_OCCURRENCES` occurrences within :data:`MAX_SPAN_DAYS` of
the first, given as a count or a last day (not both).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import attrs
from sqlalchemy import select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.records import AppointmentChange, AppointmentRecord
from medoffice.core.services import patients
from medoffice.core.validation import parse_date, require_text

from . import booking, catalogue
from .models import MAX_REASON, RECURRENCE_FREQUENCIES, Appointment, AppointmentType, Series
from .permissions import BOOK
from .timing import day_bounds, localize, parse_local

MAX_OCCURRENCES = 52
"""The most occurrences one series books."""

MAX_SPAN_DAYS = 731
"""A series ends within two years of its first occurrence."""


@attrs.frozen
class Occurrence:
    """One date of a series: booked (``appointment_id``), or refused with a ``problem``.

    ``start`` is local (the practice's zone); ``adjusted`` explains a monthly date moved to
    the month's last day.
    """

    number: int
    start: dt.datetime
    appointment_id: int | None = None
    problem: str | None = None
    adjusted: str | None = None

    @property
    def label(self) -> str:
        return f"#{self.number} {self.start:%a %Y-%m-%d %H:%M}"


@attrs.frozen
class SeriesResult:
    """What :func:`book_series` booked (or, in a dry run, would book)."""

    series_id: int | None
    mrn: str
    patient: str
    provider_id: int
    provider: str
    appointment_type: str
    frequency: str
    every: int
    count: int | None
    until: dt.date | None
    occurrences: tuple[Occurrence, ...]
    dry_run: bool = False

    @property
    def booked(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.problem is None]

    @property
    def refused(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.problem is not None]


class SeriesConflict(Conflict):
    """Some occurrences of a series cannot be booked, so none was: ``occurrences`` says which."""

    def __init__(self, message: str, occurrences: tuple[Occurrence, ...]) -> None:
        super().__init__(message)
        self.occurrences = occurrences


@attrs.frozen
class SeriesCancellation:
    """The appointments of a series cancelled from ``from_day`` on."""

    series_id: int
    from_day: dt.date
    reason: str
    cancelled: tuple[AppointmentRecord, ...]


# -- the dates ---------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int, wanted_day: int) -> tuple[dt.date, bool]:
    """``day`` plus ``months``, on ``wanted_day`` or the month's last day; True when moved."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(wanted_day, last)), wanted_day > last


def dates(first: dt.datetime, frequency: str, every: int, *, count: int | None = None,
          until: dt.date | None = None) -> list[tuple[dt.datetime, str | None]]:
    """The naive local wall-clock times of a series, with a note for each moved date.

    Args:
        first: the first occurrence, naive local.
        frequency: ``weekly`` or ``monthly``.
        every: every N weeks or months.
        count: how many occurrences; or
        until: the last local day an occurrence may fall on.

    Raises:
        ValidationError: more than :data:`MAX_OCCURRENCES`, or past :data:`MAX_SPAN_DAYS`.
    """
    limit = first.date() + dt.timedelta(days=MAX_SPAN_DAYS)
    found: list[tuple[dt.datetime, str | None]] = []
    number = 0
    while count is None or number < count:
        if frequency == "weekly":
            day, moved = first.date() + dt.timedelta(weeks=every * number), False
        else:
            day, moved = _add_months(first.date(), every * number, first.day)
        if until is not None and day > until:
            break
        if day > limit:
            raise ValidationError(f"a series ends within two years of its first date ({limit} at the latest)",
                                  field="until" if until is not None else "count")
        if len(found) == MAX_OCCURRENCES:
            raise ValidationError(f"a series has at most {MAX_OCCURRENCES} occurrences; this one would have more",
                                  field="until")
        note = f"the {_ordinal(first.day)} falls on {day:%a %Y-%m-%d}, the last day of {day:%B}" if moved else None
        found.append((dt.datetime.combine(day, first.time()), note))
        number += 1
    return found


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _whole(value: int | str | None, *, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ValidationError(f"{field} must be a whole number from {low} to {high}, got {value!r}", field=field)
    return number


# -- booking a series --------------------------------------------------------------------------


def book_series(ctx: Context, mrn: str, provider_id: int, appointment_type: str, start: str | dt.datetime, *,
                frequency: str = "weekly", every: int | str = 1, count: int | str | None = None,
                until: str | dt.date | None = None, room: str | None = None, note: str | None = None,
                skip_conflicts: bool = False, dry_run: bool = False) -> SeriesResult:
    """Book a recurring appointment: every occurrence checked first, then all written at once,
    then each written one announced (``medoffice_appointment_changed``, ``booked``).

    Args:
        ctx: the operation.
        mrn: the patient's MRN.
        provider_id: the provider's staff id.
        appointment_type: the type's name.
        start: the first occurrence, ``YYYY-MM-DD HH:MM`` local (or an aware datetime).
        frequency: ``weekly`` or ``monthly``.
        every: every N weeks or months (1 to 52).
        count: how many occurrences (1 to 52); or
        until: the last local day (``YYYY-MM-DD``), within two years.
        room: a room for every occurrence.
        note: why the patient comes, on every occurrence.
        skip_conflicts: book the occurrences that can be booked and report the others, instead
            of booking nothing.
        dry_run: check every occurrence; write and announce nothing.

    Raises:
        PermissionDenied: without ``scheduling.book``.
        ValidationError: bad input (both or neither of count and until, every 0, a date that
            does not exist, too many occurrences).
        NotFound: unknown patient, provider or type.
        SeriesConflict: an occurrence cannot be booked (without ``skip_conflicts``), or none can;
            nothing is written or announced.
    """
    ctx.require(BOOK)
    errors: dict[str, str] = {}
    first = last = None
    number = None
    if frequency not in RECURRENCE_FREQUENCIES:
        errors["frequency"] = f"frequency must be one of {', '.join(RECURRENCE_FREQUENCIES)}, got {frequency!r}"
    try:
        every = _whole(every, field="every", low=1, high=52)
    except ValidationError as error:
        errors["every"] = str(error)
    try:
        first = ctx.local(parse_local(start, ctx.timezone)).replace(tzinfo=None)
    except ValidationError as error:
        errors["start"] = str(error)
    if (count in (None, "")) == (until in (None, "")):
        errors["count"] = "give either a count or a last day (until), not both" if count not in (None, "") else \
            "give a count or a last day (until)"
    elif count not in (None, ""):
        try:
            number = _whole(count, field="count", low=1, high=MAX_OCCURRENCES)
        except ValidationError as error:
            errors["count"] = str(error)
    else:
        try:
            last = parse_date(until, field="until")
        except ValidationError as error:
            errors["until"] = str(error)
        if last is not None and first is not None and last < first.date():
            errors["until"] = f"the last day ({last}) is before the first occurrence ({first.date()})"
        elif last is not None and first is not None and last > first.date() + dt.timedelta(days=MAX_SPAN_DAYS):
            errors["until"] = (f"a series ends within two years of its first date "
                               f"({first.date() + dt.timedelta(days=MAX_SPAN_DAYS)} at the latest)")
    if errors:
        raise ValidationError.of_fields(errors)
    wall_times = dates(first, frequency, every, count=number, until=last)
    note = booking.clean_note(note)
    patient = patients.get(ctx, mrn)
    who = catalogue.provider(ctx, provider_id)
    kind = catalogue.type_by_name(ctx, appointment_type)

    plans = _check_all(ctx, patient.id, who, kind, wall_times, room=room)
    occurrences = tuple(plan.occurrence for plan in plans)

    def outcome(occurrences: tuple[Occurrence, ...], series_id: int | None) -> SeriesResult:
        return SeriesResult(series_id, patient.mrn, patient.display_name, who.id, who.name, kind.name, frequency,
                            every, number, last, occurrences, dry_run)

    if dry_run:
        return outcome(occurrences, None)
    _refuse_unless_bookable(occurrences, skip_conflicts)

    series_savepoint = ctx.session.begin_nested()
    try:
        series = Series(patient_id=patient.id, provider_id=who.id, type_id=kind.id, frequency=frequency, every=every,
                        occurrences=number, until=last, first_start=localize(first, ctx.timezone),
                        created_at=ctx.now(), created_by=ctx.user.username)
        ctx.session.add(series)
        ctx.session.flush()
        written = [_write_one(ctx, plan, note=note, series_id=series.id) for plan in plans]
        occurrences = tuple(occurrence for occurrence, _ in written)
        _refuse_unless_bookable(occurrences, skip_conflicts)
        refused = [o for o in occurrences if o.problem is not None]
        ctx.audit("series.booked", "series", series.id, patient_id=patient.id, summary={
            "frequency": frequency, "every": every, "count": number, "until": last.isoformat() if last else None,
            "type": kind.name, "provider_id": who.id,
            "appointments": [o.appointment_id for o in occurrences if o.appointment_id is not None],
            "skipped": [f"{o.label}: {o.problem}" for o in refused]})
        series_savepoint.commit()
    except BaseException:
        if series_savepoint.is_active:
            series_savepoint.rollback()
        raise
    for _, change in written:
        if change is not None:
            ctx.hooks.appointment_changed(ctx, change)
    return outcome(occurrences, series.id)


@attrs.frozen
class _Plan:
    """One occurrence after the check: ``checked`` is what to write, None when refused."""

    occurrence: Occurrence
    checked: booking.Checked | None


def _check_all(ctx: Context, patient_id: int, provider: Any, kind: AppointmentType,
               wall_times: list[tuple[dt.datetime, str | None]], *, room: str | None) -> list[_Plan]:
    """Check every occurrence with the rules of a single booking; writes and announces nothing."""
    plans: list[_Plan] = []
    accepted: list[dt.datetime] = []
    for number, (wall, adjusted) in enumerate(wall_times, 1):
        local = wall.replace(tzinfo=ctx.timezone)
        try:
            start = localize(wall, ctx.timezone)
            checked = booking.check(ctx, patient_id, provider, kind, start, room=room, pending=accepted)
        except (Conflict, ValidationError, NotFound) as error:
            plans.append(_Plan(Occurrence(number, local, problem=str(error), adjusted=adjusted), None))
            continue
        accepted.append(start)
        plans.append(_Plan(Occurrence(number, ctx.local(start), adjusted=adjusted), checked))
    return plans


def _refuse_unless_bookable(occurrences: tuple[Occurrence, ...], skip_conflicts: bool) -> None:
    """Raise :class:`SeriesConflict` when a refused occurrence stops the series (any, without
    ``skip_conflicts``; all of them, with it)."""
    refused = [o for o in occurrences if o.problem is not None]
    if refused and (not skip_conflicts or len(refused) == len(occurrences)):
        reasons = "; ".join(f"{o.label}: {o.problem}" for o in refused)
        raise SeriesConflict(f"nothing booked: {len(refused)} of {len(occurrences)} occurrences cannot be "
                             f"booked: {reasons}", occurrences)


def _write_one(ctx: Context, plan: _Plan, *, note: str | None,
               series_id: int) -> tuple[Occurrence, AppointmentChange | None]:
    """Write one checked occurrence in a savepoint of its own, and return its announcement
    unsent; a database refusal (a slot another terminal took since the check) rolls back
    only it and makes it a refused occurrence."""
    if plan.checked is None:
        return plan.occurrence, None
    savepoint = ctx.session.begin_nested()
    try:
        change = booking.insert(ctx, plan.checked, note=note, series_id=series_id)
    except Conflict as error:
        savepoint.rollback()
        return attrs.evolve(plan.occurrence, problem=str(error)), None
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return attrs.evolve(plan.occurrence, appointment_id=change.appointment.id), change


# -- cancelling a series -----------------------------------------------------------------------


def cancel_series(ctx: Context, series_id: int, reason: str, *, from_day: str | dt.date | None = None,
                  ) -> SeriesCancellation:
    """Cancel the booked appointments of a series that start on ``from_day`` (local; default
    today) or later. Each is cancelled by :func:`.booking.cancel` (audited, announced, its
    slot offered to the waitlist); appointments already under way or done stay as they are.

    Raises:
        PermissionDenied: without ``scheduling.book``.
        ValidationError: no reason, a bad day.
        NotFound: no such series.
    """
    ctx.require(BOOK)
    reason = require_text(reason, field="reason", max_length=MAX_REASON)
    day = parse_date(from_day, field="from") if from_day not in (None, "") else ctx.local(ctx.now()).date()
    if isinstance(series_id, bool) or not isinstance(series_id, int) or series_id < 1:
        raise ValidationError(f"a series id is a positive whole number, got {series_id!r}", field="id")
    series = ctx.session.get(Series, series_id)
    if series is None:
        raise NotFound(f"no series with id {series_id}")
    start, _ = day_bounds(day, ctx.timezone)
    ids = ctx.session.execute(select(Appointment.id).where(
        Appointment.series_id == series.id, Appointment.status == "booked", Appointment.starts_at >= start)
        .order_by(Appointment.starts_at)).scalars().all()
    cancelled = tuple(booking.cancel(ctx, appointment_id, reason) for appointment_id in ids)
    ctx.audit("series.cancelled", "series", series.id, patient_id=series.patient_id,
              summary={"from": day.isoformat(), "reason": reason, "appointments": list(ids)})
    return SeriesCancellation(series.id, day, reason, cancelled)
