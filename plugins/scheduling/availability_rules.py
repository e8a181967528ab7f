"""The services that manage when a provider is open: a provider's exceptions (leave, a
meeting, training), closures of the practice or of one location, and the opt-in for the
public holidays of the practice's country (the ``holidays`` package).

:mod:`.availability` reads these rules to work out open spans; this module writes and lists
them. Each change is audited and, where bookings already fall in it, returns them for the
front desk to move (nothing is cancelled).

- An **exception** is a span of time (stored in UTC, typed in the practice's zone, or whole
  local days) when one provider does not see patients despite the template.
- A **closure** is whole local days when the practice, or one location, is closed.
- A **public holiday**, once ``holidays.country`` is set, closes every location on that day.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import attrs
from sqlalchemy import delete, select

from medoffice.core import Context, NotFound, ValidationError
from medoffice.core.services import staff
from medoffice.core.validation import optional_text, parse_date, require_text

from . import catalogue
from .availability import COUNTRY, SUBDIVISION, holiday_region, holidays_of
from .models import EXCEPTION_KINDS, MAX_REASON, Appointment, AvailabilityException, Closure, Setting
from .permissions import MANAGE, READ
from .timing import UTC, day_bounds, parse_local

MAX_SPAN_DAYS = 366
PENDING_STATUSES = ("booked", "arrived", "in_room")
"""Appointments still to happen: the ones an exception or a closure affects."""


# -- records ---------------------------------------------------------------------------------


@attrs.frozen
class AffectedAppointment:
    """An appointment that falls in a new exception or closure: the front desk moves it."""

    id: int
    provider_id: int
    location_id: int | None
    start: dt.datetime
    end: dt.datetime
    status: str


@attrs.frozen
class ExceptionRecord:
    """A provider away from ``start`` to ``end`` (the practice's zone), and why."""

    id: int
    provider_id: int
    provider: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    reason: str | None
    created_by: str
    affected: tuple[AffectedAppointment, ...] = ()


@attrs.frozen
class ClosureRecord:
    """Whole local days when the practice (``location_id`` None) or one location is closed."""

    id: int
    location_id: int | None
    location: str | None
    first_day: dt.date
    last_day: dt.date
    reason: str
    created_by: str
    affected: tuple[AffectedAppointment, ...] = ()


@attrs.frozen
class Holiday:
    day: dt.date
    name: str


@attrs.frozen
class HolidaySetting:
    """The country (and subdivision) whose public holidays close the practice, if any, with
    the holidays of the year ahead."""

    country: str | None
    subdivision: str | None
    days: tuple[Holiday, ...] = ()


# -- exceptions ------------------------------------------------------------------------------


def _moment(ctx: Context, value: str | dt.date | dt.datetime, *, field: str, end: bool) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` local, or a whole day ``YYYY-MM-DD`` (its start, or its end when ``end``)."""
    if isinstance(value, dt.datetime):
        return parse_local(value, ctx.timezone, field=field)
    if isinstance(value, dt.date):
        return day_bounds(value, ctx.timezone)[1 if end else 0]
    text = (value or "").strip()
    if " " in text or "T" in text:
        return parse_local(text, ctx.timezone, field=field)
    try:
        day = parse_date(text, field=field)
    except ValidationError:
        raise ValidationError(f"{field} must be a real date (YYYY-MM-DD) or date and time (YYYY-MM-DD HH:MM), "
                              f"got {text!r}", field=field) from None
    return day_bounds(day, ctx.timezone)[1 if end else 0]


def _affected(ctx: Context, query) -> tuple[AffectedAppointment, ...]:
    rows = ctx.session.execute(query.where(Appointment.status.in_(PENDING_STATUSES)).order_by(
        Appointment.starts_at, Appointment.id)).scalars()
    return tuple(AffectedAppointment(r.id, r.provider_id, r.location_id, ctx.local(r.starts_at),
                                     ctx.local(r.ends_at), r.status) for r in rows)


def _exception_record(ctx: Context, row: AvailabilityException, name: str,
                      affected: tuple[AffectedAppointment, ...] = ()) -> ExceptionRecord:
    return ExceptionRecord(row.id, row.provider_id, name, row.kind, ctx.local(row.starts_at), ctx.local(row.ends_at),
                           row.reason, row.created_by, affected)


def add_exception(ctx: Context, provider_id: int, kind: str, start: str | dt.date | dt.datetime,
                  end: str | dt.date | dt.datetime | None = None, *, reason: str | None = None) -> ExceptionRecord:
    """A provider is away from ``start`` to ``end``: local ``YYYY-MM-DD HH:MM``, or whole
    days ``YYYY-MM-DD`` (``end`` defaults to the end of ``start``'s day).

    Appointments already booked in the span are not cancelled: they are returned in
    ``affected`` for the front desk to move.

    Raises:
        PermissionDenied: without ``scheduling.manage``.
        ValidationError: every bad field at once (kind, times, end not after start, a span
            over a year, a reason too long), or staff who is not an active provider.
        NotFound: unknown provider.
    """
    ctx.require(MANAGE)
    errors: dict[str, str] = {}
    word = (kind or "").strip().lower()
    if word not in EXCEPTION_KINDS:
        errors["kind"] = f"kind must be one of {', '.join(EXCEPTION_KINDS)}, got {kind!r}"
    span: dict[str, dt.datetime] = {}
    for field, raw, is_end in (("from", start, False), ("to", start if end is None else end, True)):
        try:
            span[field] = _moment(ctx, raw, field=field, end=is_end)
        except ValidationError as error:
            errors[field] = error.message
    if len(span) == 2 and span["to"] <= span["from"]:
        errors["to"] = (f"the end ({ctx.local(span['to']):%Y-%m-%d %H:%M}) must be after the start "
                        f"({ctx.local(span['from']):%Y-%m-%d %H:%M})")
    elif len(span) == 2 and span["to"] - span["from"] > dt.timedelta(days=MAX_SPAN_DAYS):
        errors["to"] = f"an exception lasts at most {MAX_SPAN_DAYS} days; split a longer absence"
    try:
        note = optional_text(reason, field="reason", max_length=MAX_REASON)
    except ValidationError as error:
        errors["reason"] = error.message
    if errors:
        raise ValidationError.of_fields(errors)
    who = catalogue.provider(ctx, provider_id)
    row = AvailabilityException(provider_id=who.id, starts_at=span["from"], ends_at=span["to"], kind=word,
                                reason=note, created_by=ctx.user.username)
    ctx.session.add(row)
    ctx.session.flush()
    affected = _affected(ctx, select(Appointment).where(
        Appointment.provider_id == who.id, Appointment.starts_at < row.ends_at, Appointment.ends_at > row.starts_at))
    ctx.audit("availability_exception.added", "availability_exception", row.id,
              summary={"provider_id": who.id, "kind": word, "start": row.starts_at.isoformat(),
                       "end": row.ends_at.isoformat(), "reason": note,
                       "affected_appointments": [a.id for a in affected]})
    return _exception_record(ctx, row, who.name, affected)


def list_exceptions(ctx: Context, *, provider_id: int | None = None, first: str | dt.date | None = None,
                    last: str | dt.date | None = None) -> list[ExceptionRecord]:
    """Exceptions that meet local days ``first`` (default: today)…``last`` (default: no end)."""
    ctx.require(READ)
    start_day = parse_date(first, field="from") if first is not None else ctx.local(ctx.now()).date()
    query = select(AvailabilityException).where(
        AvailabilityException.ends_at > day_bounds(start_day, ctx.timezone)[0])
    if last is not None:
        end_day = parse_date(last, field="to")
        if end_day < start_day:
            raise ValidationError(f"the last day ({end_day}) is before the first ({start_day})", field="to")
        query = query.where(AvailabilityException.starts_at < day_bounds(end_day, ctx.timezone)[1])
    if provider_id is not None:
        catalogue.provider(ctx, provider_id)
        query = query.where(AvailabilityException.provider_id == provider_id)
    names = _provider_names(ctx)
    rows = ctx.session.execute(query.order_by(AvailabilityException.starts_at, AvailabilityException.id)).scalars()
    return [_exception_record(ctx, r, names.get(r.provider_id, "?")) for r in rows]


def remove_exception(ctx: Context, exception_id: int) -> ExceptionRecord:
    """Remove an exception: the provider is available again as their template says."""
    ctx.require(MANAGE)
    row = ctx.session.get(AvailabilityException, _id(exception_id, "exception"))
    if row is None:
        raise NotFound(f"no exception with id {exception_id}")
    record = _exception_record(ctx, row, _provider_names(ctx).get(row.provider_id, "?"))
    ctx.session.delete(row)
    ctx.session.flush()
    ctx.audit("availability_exception.removed", "availability_exception", record.id,
              summary={"provider_id": record.provider_id, "kind": record.kind,
                       "start": record.start.astimezone(UTC).isoformat(),
                       "end": record.end.astimezone(UTC).isoformat()})
    return record


def _provider_names(ctx: Context) -> dict[int, str]:
    return {s.id: s.name for s in staff.list_staff(ctx, providers_only=True, include_inactive=True)}


def _id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"an {what} id is a positive whole number, got {value!r}", field="id")
    return value


# -- closures --------------------------------------------------------------------------------


def _closure_record(ctx: Context, row: Closure, affected: tuple[AffectedAppointment, ...] = ()) -> ClosureRecord:
    place = catalogue.location_by_id(ctx, row.location_id).name if row.location_id is not None else None
    return ClosureRecord(row.id, row.location_id, place, row.first_day, row.last_day, row.reason, row.created_by,
                         affected)


def add_closure(ctx: Context, first: str | dt.date, last: str | dt.date | None = None, *, reason: str,
                location: str | None = None) -> ClosureRecord:
    """Close the practice (or ``location``) on local days ``first``…``last`` (default: one day).

    Appointments already booked on those days are not cancelled: they are returned in
    ``affected`` for the front desk to move.

    Raises:
        PermissionDenied: without ``scheduling.manage``.
        ValidationError: every bad field at once (days, last before first, more than a year,
            no reason).
        NotFound: unknown location.
    """
    ctx.require(MANAGE)
    errors: dict[str, str] = {}
    days: dict[str, dt.date] = {}
    for field, raw in (("from", first), ("to", first if last is None else last)):
        try:
            days[field] = parse_date(raw, field=field)
        except ValidationError as error:
            errors[field] = error.message
    if len(days) == 2 and days["to"] < days["from"]:
        errors["to"] = f"the last day ({days['to']}) is before the first ({days['from']})"
    elif len(days) == 2 and (days["to"] - days["from"]).days >= MAX_SPAN_DAYS:
        errors["to"] = f"a closure lasts at most {MAX_SPAN_DAYS} days"
    try:
        why = require_text(reason, field="reason", max_length=MAX_REASON)
    except ValidationError as error:
        errors["reason"] = error.message
    if errors:
        raise ValidationError.of_fields(errors)
    where = catalogue.location_by_name(ctx, location) if location is not None else None
    row = Closure(location_id=where.id if where else None, first_day=days["from"], last_day=days["to"],
                  reason=why, created_by=ctx.user.username)
    ctx.session.add(row)
    ctx.session.flush()
    start, _ = day_bounds(row.first_day, ctx.timezone)
    _, end = day_bounds(row.last_day, ctx.timezone)
    query = select(Appointment).where(Appointment.starts_at < end, Appointment.ends_at > start)
    if where is not None:
        query = query.where(Appointment.location_id == where.id)
    affected = _affected(ctx, query)
    ctx.audit("closure.added", "closure", row.id,
              summary={"location": where.name if where else None, "first_day": row.first_day.isoformat(),
                       "last_day": row.last_day.isoformat(), "reason": why,
                       "affected_appointments": [a.id for a in affected]})
    return _closure_record(ctx, row, affected)


def list_closures(ctx: Context, *, first: str | dt.date | None = None, last: str | dt.date | None = None,
                  location: str | None = None) -> list[ClosureRecord]:
    """Closures that meet local days ``first`` (default: today)…``last`` (default: no end);
    with ``location``, that location's and the whole practice's."""
    ctx.require(READ)
    start_day = parse_date(first, field="from") if first is not None else ctx.local(ctx.now()).date()
    query = select(Closure).where(Closure.last_day >= start_day)
    if last is not None:
        end_day = parse_date(last, field="to")
        if end_day < start_day:
            raise ValidationError(f"the last day ({end_day}) is before the first ({start_day})", field="to")
        query = query.where(Closure.first_day <= end_day)
    if location is not None:
        where = catalogue.location_by_name(ctx, location)
        query = query.where((Closure.location_id == where.id) | Closure.location_id.is_(None))
    return [_closure_record(ctx, r) for r in ctx.session.execute(query.order_by(Closure.first_day, Closure.id)).scalars()]


def remove_closure(ctx: Context, closure_id: int) -> ClosureRecord:
    """Remove a closure: those days are open again."""
    ctx.require(MANAGE)
    row = ctx.session.get(Closure, _id(closure_id, "closure"))
    if row is None:
        raise NotFound(f"no closure with id {closure_id}")
    record = _closure_record(ctx, row)
    ctx.session.delete(row)
    ctx.session.flush()
    ctx.audit("closure.removed", "closure", record.id,
              summary={"location": record.location, "first_day": record.first_day.isoformat(),
                       "last_day": record.last_day.isoformat()})
    return record


# -- public holidays -------------------------------------------------------------------------


@cache
def _countries() -> dict[str, tuple[str, ...]]:
    import holidays

    return {code.upper(): tuple(subdivisions) for code, subdivisions in holidays.list_supported_countries().items()}


def _holiday_setting(ctx: Context, country: str | None, subdivision: str | None) -> HolidaySetting:
    if country is None:
        return HolidaySetting(None, None)
    today = ctx.local(ctx.now()).date()
    days = holidays_of(country, subdivision, (today.year, today.year + 1))
    ahead = today + dt.timedelta(days=365)
    return HolidaySetting(country, subdivision,
                          tuple(Holiday(day, name) for day, name in sorted(days.items()) if today <= day < ahead))


def holiday_setting(ctx: Context) -> HolidaySetting:
    """The country whose holidays close the practice (None when not set), and the coming year's."""
    ctx.require(READ)
    return _holiday_setting(ctx, *holiday_region(ctx))


def set_holidays(ctx: Context, country: str, subdivision: str | None = None) -> HolidaySetting:
    """Close every location on the public holidays of ``country`` (ISO code, e.g. ``US``), and
    of ``subdivision`` (e.g. ``NY``) when given.

    Raises:
        PermissionDenied: without ``scheduling.manage``.
        ValidationError: a country the ``holidays`` package does not know, or a subdivision
            it does not know for that country.
    """
    ctx.require(MANAGE)
    code = (country or "").strip().upper()
    known = _countries()
    if code not in known:
        raise ValidationError(f"no public holidays known for country {country!r} (use an ISO code such as US, CA, GB)",
                              field="country")
    region = (subdivision or "").strip() or None
    if region is not None:
        by_upper = {s.upper(): s for s in known[code]}
        if region.upper() not in by_upper:
            listed = ", ".join(known[code][:12]) + (", …" if len(known[code]) > 12 else "") if known[code] else "none"
            raise ValidationError(f"{code} has no subdivision {region!r} (known: {listed})", field="subdivision")
        region = by_upper[region.upper()]
    for key, value in ((COUNTRY, code), (SUBDIVISION, region)):
        row = ctx.session.get(Setting, key)
        if value is None:
            if row is not None:
                ctx.session.delete(row)
        elif row is None:
            ctx.session.add(Setting(key=key, value=value))
        else:
            row.value = value
    ctx.session.flush()
    ctx.audit("holidays.set", "setting", COUNTRY, summary={"country": code, "subdivision": region})
    return _holiday_setting(ctx, code, region)


def clear_holidays(ctx: Context) -> HolidaySetting:
    """Stop closing on public holidays (the practice's own closures stay)."""
    ctx.require(MANAGE)
    before = holiday_region(ctx)
    ctx.session.execute(delete(Setting).where(Setting.key.in_((COUNTRY, SUBDIVISION))))
    if before[0] is not None:
        ctx.audit("holidays.cleared", "setting", COUNTRY, summary={"country": before[0], "subdivision": before[1]})
    return HolidaySetting(None, None)
