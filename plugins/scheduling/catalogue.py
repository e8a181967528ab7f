"""What the practice sets up once: appointment types and providers' weekly availability."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from sqlalchemy import select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.services import staff
from medoffice.core.validation import require_text

from .models import MAX_NAME, PATIENT_KINDS, WEEKDAYS, AppointmentType, AvailabilityTemplate
from .permissions import MANAGE, READ
from .timing import parse_clock, parse_weekday


@attrs.frozen
class AppointmentTypeRecord:
    """An appointment type: ``patient_kind`` is ``new``, ``established`` or ``any``."""

    id: int
    name: str
    duration_minutes: int
    colour: str
    patient_kind: str


@attrs.frozen
class TemplateRecord:
    """One weekly block of availability: ``weekday`` 0 is Monday; times are local wall times."""

    id: int
    provider_id: int
    provider: str
    location_id: int
    location: str
    weekday: int
    start_time: dt.time
    end_time: dt.time

    @property
    def day_name(self) -> str:
        return WEEKDAYS[self.weekday]


def type_record(row: AppointmentType) -> AppointmentTypeRecord:
    return AppointmentTypeRecord(row.id, row.name, row.duration_minutes, row.colour, row.patient_kind)


def _parse_minutes(value: Any, *, field: str) -> int:
    try:
        minutes = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"duration must be a whole number of minutes, got {value!r}", field=field) from None
    if not 0 < minutes <= 24 * 60:
        raise ValidationError(f"duration must be between 1 and 1440 minutes, got {minutes}", field=field)
    return minutes


def add_type(ctx: Context, name: str, duration_minutes: int | str, *, colour: str = "blue",
             patient_kind: str = "any") -> AppointmentTypeRecord:
    """Add an appointment type.

    Raises:
        PermissionDenied: without ``scheduling.manage``.
        ValidationError: every bad field at once (empty name, duration not above zero, unknown
            patient kind).
        Conflict: a type with that name exists.
    """
    ctx.require(MANAGE)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, parse, raw, options in (("name", require_text, name, {"max_length": MAX_NAME}),
                                       ("duration", _parse_minutes, duration_minutes, {}),
                                       ("colour", require_text, colour, {"max_length": 20})):
        try:
            values[field] = parse(raw, field=field, **options)
        except ValidationError as error:
            errors[field] = error.message
    kind = (patient_kind or "").strip().lower()
    if kind not in PATIENT_KINDS:
        errors["patient_kind"] = f"patients must be one of {', '.join(PATIENT_KINDS)}, got {patient_kind!r}"
    if errors:
        raise ValidationError.of_fields(errors)
    if ctx.session.execute(select(AppointmentType.id).where(AppointmentType.name == values["name"])).first():
        raise Conflict(f"there is already an appointment type named {values['name']!r}")
    row = AppointmentType(name=values["name"], duration_minutes=values["duration"], colour=values["colour"],
                          patient_kind=kind)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("appointment_type.added", "appointment_type", row.id,
              summary={"name": row.name, "minutes": row.duration_minutes})
    return type_record(row)


def list_types(ctx: Context) -> list[AppointmentTypeRecord]:
    ctx.require(READ)
    rows = ctx.session.execute(select(AppointmentType).order_by(AppointmentType.name)).scalars()
    return [type_record(r) for r in rows]


def type_by_name(ctx: Context, name: str) -> AppointmentType:
    """The appointment type row named ``name`` (case-insensitive), to change it; to read it,
    :func:`kind_named` is kept in memory."""
    wanted = (name or "").strip()
    rows = ctx.session.execute(select(AppointmentType)).scalars().all()
    for row in rows:
        if row.name.lower() == wanted.lower():
            return row
    known = ", ".join(sorted(r.name for r in rows)) or "none yet"
    raise NotFound(f"no appointment type named {wanted!r} (known: {known})")


# -- the set-up kept in memory (ctx.cached): read on every booking, changed a few times a year --


@attrs.frozen
class Kind:
    """An appointment type as the booking and the slot search read it (kept in memory)."""

    id: int
    name: str
    duration_minutes: int
    colour: str
    patient_kind: str
    needs_room: bool


@attrs.frozen
class Template:
    """A weekly block of availability as the booking and the slot search read it."""

    id: int
    provider_id: int
    location_id: int
    weekday: int
    start_time: dt.time
    end_time: dt.time


def _kinds(ctx: Context) -> dict[str, Kind]:
    rows = ctx.session.execute(select(AppointmentType.id, AppointmentType.name, AppointmentType.duration_minutes,
                                      AppointmentType.colour, AppointmentType.patient_kind,
                                      AppointmentType.needs_room))
    return {row.name.lower(): Kind(*row[:5], bool(row.needs_room)) for row in rows}


def kind_named(ctx: Context, name: str) -> Kind:
    """The appointment type named ``name`` (case-insensitive), from the set-up kept in memory.

    Raises:
        NotFound: no such type (the known ones listed).
    """
    kinds = ctx.cached("scheduling.types", _kinds)
    wanted = (name or "").strip()
    found = kinds.get(wanted.lower())
    if found is None:
        known = ", ".join(sorted(k.name for k in kinds.values())) or "none yet"
        raise NotFound(f"no appointment type named {wanted!r} (known: {known})")
    return found


def _templates(ctx: Context) -> tuple[Template, ...]:
    query = select(AvailabilityTemplate.id, AvailabilityTemplate.provider_id, AvailabilityTemplate.location_id,
                   AvailabilityTemplate.weekday, AvailabilityTemplate.start_time, AvailabilityTemplate.end_time
                   ).order_by(AvailabilityTemplate.provider_id, AvailabilityTemplate.weekday,
                              AvailabilityTemplate.start_time)
    return tuple(Template(*row) for row in ctx.session.execute(query))


def provider(ctx: Context, provider_id: int):
    """The active provider with staff id ``provider_id`` (a StaffRecord, kept in memory)."""
    try:
        found = staff.get(ctx, provider_id)
    except NotFound:
        raise NotFound(f"no provider with staff id {provider_id}") from None
    if not found.is_provider:
        raise ValidationError(f"{found.name} (staff id {provider_id}) is not a provider", field="provider")
    if not found.active:
        raise ValidationError(f"{found.name} (staff id {provider_id}) is no longer active", field="provider")
    return found


def location_by_name(ctx: Context, name: str):
    """The practice's location named ``name`` (a LocationRecord)."""
    wanted = (name or "").strip()
    for location in ctx.practice.locations:
        if location.name.lower() == wanted.lower():
            return location
    known = ", ".join(loc.name for loc in ctx.practice.locations) or "none yet"
    raise NotFound(f"no location named {wanted!r} (known: {known})")


def location_by_id(ctx: Context, location_id: int):
    for location in ctx.practice.locations:
        if location.id == location_id:
            return location
    raise NotFound(f"no location with id {location_id}")


def add_template(ctx: Context, provider_id: int, weekday: str | int, start: str | dt.time, end: str | dt.time,
                 location: str) -> TemplateRecord:
    """Add a weekly block of availability for a provider at a location.

    Raises:
        PermissionDenied: without ``scheduling.manage``.
        ValidationError: bad weekday or times, end not after start, staff who is not a provider.
        NotFound: unknown provider or location.
        Conflict: the block overlaps another of the provider's blocks on that weekday.
    """
    ctx.require(MANAGE)
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for field, parse, raw in (("weekday", parse_weekday, weekday), ("start", parse_clock, start),
                              ("end", parse_clock, end)):
        try:
            parsed[field] = parse(raw, field=field)
        except ValidationError as error:
            errors[field] = error.message
    if "start" in parsed and "end" in parsed and parsed["end"] <= parsed["start"]:
        errors["end"] = f"the end ({parsed['end']:%H:%M}) must be after the start ({parsed['start']:%H:%M})"
    if errors:
        raise ValidationError.of_fields(errors)
    who = provider(ctx, provider_id)
    where = location_by_name(ctx, location)
    clash = ctx.session.execute(select(AvailabilityTemplate).where(
        AvailabilityTemplate.provider_id == who.id, AvailabilityTemplate.weekday == parsed["weekday"],
        AvailabilityTemplate.start_time < parsed["end"], AvailabilityTemplate.end_time > parsed["start"],
    )).scalars().first()
    if clash is not None:
        raise Conflict(f"{who.name} is already available {WEEKDAYS[clash.weekday]} "
                       f"{clash.start_time:%H:%M}-{clash.end_time:%H:%M}")
    row = AvailabilityTemplate(provider_id=who.id, location_id=where.id, weekday=parsed["weekday"],
                               start_time=parsed["start"], end_time=parsed["end"])
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("availability.added", "availability_template", row.id,
              summary={"provider_id": who.id, "location": where.name, "weekday": WEEKDAYS[row.weekday],
                       "start": f"{row.start_time:%H:%M}", "end": f"{row.end_time:%H:%M}"})
    return TemplateRecord(row.id, who.id, who.name, where.id, where.name, row.weekday, row.start_time, row.end_time)


def load_templates(ctx: Context, provider_id: int | None = None) -> list[Template]:
    """Every template (or one provider's), by provider, weekday and start: kept in memory
    between units of work (``ctx.cached``), read again only when the set-up changed."""
    every = ctx.cached("scheduling.templates", _templates)
    return [t for t in every if t.provider_id == provider_id] if provider_id is not None else list(every)


def list_templates(ctx: Context, provider_id: int | None = None) -> list[TemplateRecord]:
    ctx.require(READ)
    names = {s.id: s.name for s in staff.list_staff(ctx, providers_only=True, include_inactive=True)}
    locations = {loc.id: loc.name for loc in ctx.practice.locations}
    return [TemplateRecord(r.id, r.provider_id, names.get(r.provider_id, "?"), r.location_id,
                           locations.get(r.location_id, "?"), r.weekday, r.start_time, r.end_time)
            for r in load_templates(ctx, provider_id)]
