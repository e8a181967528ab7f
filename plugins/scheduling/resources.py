"""Who may take an appointment type, and what it needs: a room, equipment.

- **Eligible providers**: a type with rows in ``scheduling_type_provider`` may only be taken
  by those providers; a type with none is open to every provider.
- **A room**: a type with ``needs_room`` gets a free room of the appointment's location when
  none is named; the booking is refused when none is free.
- **Equipment** (``scheduling_resource``): a type may need pieces of equipment for its whole
  length. Booking it writes one reservation per piece with the appointment's times; moving
  updates them; cancelling or a no-show releases them (``holds`` false). The database
  refuses two overlapping reservations of one piece that both hold it (an exclusion
  constraint on PostgreSQL, triggers on SQLite), as it does for appointments; an overbooked
  appointment's reservations do not hold, as its slot does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
from sqlalchemy import delete, select, update

from medoffice.core import Conflict, Context, NotFound, SlotTaken, ValidationError
from medoffice.core.services import staff
from medoffice.core.storage.models import Patient
from medoffice.core.validation import require_text

from . import catalogue
from .models import (
    ACTIVE_STATUSES,
    MAX_NAME,
    Appointment,
    AppointmentType,
    Reservation,
    Resource,
    TypeProvider,
    TypeResource,
)
from .permissions import MANAGE, READ

SLOT_TAKEN = "slot taken"


@attrs.frozen
class ResourceRecord:
    """A piece of equipment; ``location`` None means it moves between locations."""

    id: int
    name: str
    location_id: int | None
    location: str | None
    active: bool


@attrs.frozen
class TypeRules:
    """Who may take a type (empty: every provider) and what it needs."""

    type_id: int
    appointment_type: str
    provider_ids: tuple[int, ...]
    providers: tuple[str, ...]
    needs_room: bool
    equipment: tuple[str, ...]


# -- setting up ------------------------------------------------------------------------------


def _resource_record(ctx: Context, row: Resource) -> ResourceRecord:
    place = catalogue.location_by_id(ctx, row.location_id).name if row.location_id is not None else None
    return ResourceRecord(row.id, row.name, row.location_id, place, row.active)


def add_resource(ctx: Context, name: str, *, location: str | None = None) -> ResourceRecord:
    """Add a piece of equipment, kept at ``location`` (or moving between locations).

    Raises:
        PermissionDenied: without ``scheduling.manage``.
        ValidationError: no name, or one too long.
        NotFound: unknown location.
        Conflict: a resource with that name exists.
    """
    ctx.require(MANAGE)
    text = require_text(name, field="name", max_length=MAX_NAME)
    where = catalogue.location_by_name(ctx, location) if location is not None else None
    for existing in ctx.session.execute(select(Resource.name)).scalars():
        if existing.lower() == text.lower():
            raise Conflict(f"there is already a resource named {existing!r}")
    row = Resource(name=text, location_id=where.id if where else None, active=True)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("resource.added", "resource", row.id, summary={"name": text, "location": where.name if where else None})
    return _resource_record(ctx, row)


def list_resources(ctx: Context) -> list[ResourceRecord]:
    ctx.require(READ)
    return [_resource_record(ctx, r) for r in ctx.session.execute(select(Resource).order_by(Resource.name)).scalars()]


def _resource_by_name(ctx: Context, name: str, rows: list[Resource]) -> Resource:
    wanted = (name or "").strip().lower()
    for row in rows:
        if row.name.lower() == wanted:
            return row
    known = ", ".join(r.name for r in rows) or "none yet"
    raise NotFound(f"no resource named {name.strip()!r} (known: {known})")


def type_rules(ctx: Context, appointment_type: str) -> TypeRules:
    """Who may take ``appointment_type`` and what it needs."""
    ctx.require(READ)
    return _rules(ctx, catalogue.type_by_name(ctx, appointment_type))


def _rules(ctx: Context, kind: AppointmentType) -> TypeRules:
    ids = tuple(sorted(allowed_providers(ctx, kind.id)))
    names = {s.id: s.name for s in staff.list_staff(ctx, providers_only=True, include_inactive=True)}
    equipment = ctx.session.execute(select(Resource.name).join(TypeResource, TypeResource.resource_id == Resource.id)
                                    .where(TypeResource.type_id == kind.id).order_by(Resource.name)).scalars()
    return TypeRules(kind.id, kind.name, ids, tuple(names.get(i, "?") for i in ids), bool(kind.needs_room),
                     tuple(equipment))


def set_type_providers(ctx: Context, appointment_type: str, provider_ids: Iterable[int]) -> TypeRules:
    """Only these providers may take the type; an empty list opens it to every provider.

    Raises:
        PermissionDenied: without ``scheduling.manage``.
        NotFound: unknown type or provider; ValidationError: staff who is not an active provider.
    """
    ctx.require(MANAGE)
    kind = catalogue.type_by_name(ctx, appointment_type)
    wanted = sorted({catalogue.provider(ctx, pid).id for pid in provider_ids})
    ctx.session.execute(delete(TypeProvider).where(TypeProvider.type_id == kind.id))
    ctx.session.add_all(TypeProvider(type_id=kind.id, provider_id=pid) for pid in wanted)
    ctx.session.flush()
    ctx.audit("appointment_type.providers_set", "appointment_type", kind.id,
              summary={"type": kind.name, "provider_ids": wanted or "everyone"})
    return _rules(ctx, kind)


def set_type_needs(ctx: Context, appointment_type: str, *, needs_room: bool | None = None,
                   equipment: Iterable[str] | None = None) -> TypeRules:
    """Set whether the type needs a room, and (when ``equipment`` is given) the equipment it
    needs, replacing the earlier list (an empty list: none).

    Raises:
        PermissionDenied: without ``scheduling.manage``.
        NotFound: unknown type or resource.
    """
    ctx.require(MANAGE)
    kind = catalogue.type_by_name(ctx, appointment_type)
    summary: dict[str, Any] = {"type": kind.name}
    chosen = None
    if equipment is not None:
        rows = list(ctx.session.execute(select(Resource).order_by(Resource.name)).scalars())
        chosen = {r.id: r.name for r in (_resource_by_name(ctx, name, rows) for name in equipment)}
    if needs_room is not None:
        kind.needs_room = bool(needs_room)
        summary["needs_room"] = kind.needs_room
    if chosen is not None:
        ctx.session.execute(delete(TypeResource).where(TypeResource.type_id == kind.id))
        ctx.session.add_all(TypeResource(type_id=kind.id, resource_id=rid) for rid in sorted(chosen))
        summary["equipment"] = sorted(chosen.values())
    ctx.session.flush()
    ctx.audit("appointment_type.needs_set", "appointment_type", kind.id, summary=summary)
    return _rules(ctx, kind)


# -- the booking's checks --------------------------------------------------------------------


def _type_providers(ctx: Context) -> dict[int, frozenset[int]]:
    found: dict[int, set[int]] = {}
    for type_id, provider_id in ctx.session.execute(select(TypeProvider.type_id, TypeProvider.provider_id)):
        found.setdefault(type_id, set()).add(provider_id)
    return {type_id: frozenset(ids) for type_id, ids in found.items()}


def allowed_providers(ctx: Context, type_id: int) -> set[int]:
    """The providers who may take the type; empty when every provider may (set-up kept in
    memory between units of work)."""
    return set(ctx.cached("scheduling.type_providers", _type_providers).get(type_id, ()))


def check_provider(ctx: Context, kind: AppointmentType, provider: Any) -> None:
    """Refuse a provider who may not take ``kind``."""
    allowed = allowed_providers(ctx, kind.id)
    if allowed and provider.id not in allowed:
        names = {s.id: s.name for s in staff.list_staff(ctx, providers_only=True, include_inactive=True)}
        listed = ", ".join(sorted(names.get(i, str(i)) for i in allowed))
        raise ValidationError(f"{provider.name} does not take {kind.name!r} appointments (who does: {listed})",
                              field="provider")


def _span(ctx: Context, start: dt.datetime, end: dt.datetime) -> str:
    return f"{ctx.local(start):%a %Y-%m-%d %H:%M}-{ctx.local(end):%H:%M}"


def pick_room(ctx: Context, kind: AppointmentType, location_id: int, room_id: int | None, start: dt.datetime,
              end: dt.datetime, *, exclude: int | None = None, keep: int | None = None) -> int | None:
    """The room for a booking: ``room_id`` when named; for a type that needs a room and none
    was named, ``keep`` (the room a moved appointment had) if free, else the first free room
    of the location, by name.

    Raises:
        ValidationError: the type needs a room and the location has none.
        SlotTaken: ``slot taken: no free room …``.
    """
    if room_id is not None or not kind.needs_room:
        return room_id
    location = catalogue.location_by_id(ctx, location_id)
    rooms = sorted(location.rooms, key=lambda r: (r.name.lower(), r.id))
    if not rooms:
        raise ValidationError(f"{kind.name!r} needs a room and {location.name} has none", field="room")
    query = select(Appointment.room_id).where(
        Appointment.room_id.in_([r.id for r in rooms]), Appointment.status.in_(ACTIVE_STATUSES),
        Appointment.overbooked.is_(False), Appointment.starts_at < end, Appointment.ends_at > start)
    if exclude is not None:
        query = query.where(Appointment.id != exclude)
    taken = set(ctx.session.execute(query).scalars())
    free = [r.id for r in rooms if r.id not in taken]
    if not free:
        raise SlotTaken(f"{SLOT_TAKEN}: no free room at {location.name} {_span(ctx, start, end)} "
                       f"({', '.join(r.name for r in rooms)} {'is' if len(rooms) == 1 else 'are'} booked)")
    return keep if keep in free else free[0]


@attrs.frozen
class Piece:
    """A piece of equipment a type needs, as the booking reads it (kept in memory)."""

    id: int
    name: str
    location_id: int | None
    active: bool


def _needs(ctx: Context) -> dict[int, tuple[Piece, ...]]:
    found: dict[int, list[Piece]] = {}
    query = (select(TypeResource.type_id, Resource.id, Resource.name, Resource.location_id, Resource.active)
             .join(Resource, Resource.id == TypeResource.resource_id).order_by(Resource.name))
    for type_id, *piece in ctx.session.execute(query):
        found.setdefault(type_id, []).append(Piece(*piece[:3], bool(piece[3])))
    return {type_id: tuple(pieces) for type_id, pieces in found.items()}


def needs(ctx: Context, type_id: int) -> list[Piece]:
    """The equipment an appointment type needs, by name (set-up kept in memory between units
    of work)."""
    return list(ctx.cached("scheduling.needs", _needs).get(type_id, ()))


def equipment_conflicts(ctx: Context, kind: AppointmentType, location_id: int, start: dt.datetime,
                        end: dt.datetime, *, exclude: int | None = None) -> list[str]:
    """What already holds the equipment ``kind`` needs during [start, end), as ``booking.conflicts``
    says it: ``the ECG is reserved 09:00-09:30 for Ann Lee's Check-up`` (whose, and when).

    Raises:
        ValidationError: a piece is out of service, or kept at another location.
    """
    needed = needs(ctx, kind.id)
    if not needed:
        return []
    for piece in needed:
        if not piece.active:
            raise ValidationError(f"{kind.name!r} needs the {piece.name}, which is out of service", field="type")
        if piece.location_id is not None and piece.location_id != location_id:
            here = catalogue.location_by_id(ctx, location_id).name
            there = catalogue.location_by_id(ctx, piece.location_id).name
            raise ValidationError(f"{kind.name!r} needs the {piece.name}, which is at {there}, not {here}",
                                  field="type")
    from .booking import span_words
    from .day_flow import person

    names = {p.id: p.name for p in needed}
    query = (select(Reservation.resource_id, Reservation.starts_at, Reservation.ends_at, Patient.first_name,
                    Patient.last_name, AppointmentType.name)
             .join(Appointment, Appointment.id == Reservation.appointment_id)
             .join(Patient, Patient.id == Appointment.patient_id)
             .join(AppointmentType, AppointmentType.id == Appointment.type_id)
             .where(Reservation.resource_id.in_(list(names)), Reservation.holds.is_(True),
                    Reservation.starts_at < end, Reservation.ends_at > start,
                    Reservation.starts_at >= start - dt.timedelta(days=1)))  # at most a day long
    if exclude is not None:
        query = query.where(Reservation.appointment_id != exclude)
    return [f"the {names[rid]} is reserved {span_words(ctx, a, b, start)} for {person(first, last)}'s {kind_name}"
            for rid, a, b, first, last, kind_name in ctx.session.execute(query.order_by(Reservation.starts_at))]


def reserve(ctx: Context, appointment: Appointment, *, holds: bool = True, new: bool = False) -> None:
    """Make the appointment's reservations match its type's needs and its times (the caller
    flushes, and maps a refusal of the database to ``slot taken``). ``new``: the appointment
    was just booked and has none yet."""
    needed = [r.id for r in needs(ctx, appointment.type_id)]
    existing = {} if new else {r.resource_id: r for r in ctx.session.execute(
        select(Reservation).where(Reservation.appointment_id == appointment.id)).scalars()}
    for resource_id, row in existing.items():
        if resource_id not in needed:  # the type's needs changed since the booking
            ctx.session.delete(row)
    for resource_id in needed:
        row = existing.get(resource_id)
        if row is None:
            ctx.session.add(Reservation(appointment_id=appointment.id, resource_id=resource_id,
                                        starts_at=appointment.starts_at, ends_at=appointment.ends_at, holds=holds))
        else:
            row.starts_at, row.ends_at, row.holds = appointment.starts_at, appointment.ends_at, holds


def release(ctx: Context, appointment_id: int) -> None:
    """The appointment no longer holds its equipment (cancelled, no-show)."""
    ctx.session.execute(update(Reservation).where(Reservation.appointment_id == appointment_id,
                                                  Reservation.holds.is_(True)).values(holds=False))
