"""The waitlist: patients waiting for an earlier slot, and the offers a freed slot makes.

A patient waits for an appointment type, with one provider or any, optionally at one
location, between an earliest and a latest day. The list is read oldest entry first: who
waited longest is offered first.

When a cancellation, or a move away, frees a provider's time, :func:`offer_freed` (called
from the plugin's own ``medoffice_appointment_changed``) finds the open entries that fit the
free span and marks them ``offered``; each offer is announced through
``medoffice_waitlist_offer`` for delivery plugins, kept (``scheduling_waitlist_offer``: the
span offered, with whom, where) for :func:`offers` to read back, and audited
(``waitlist.offered``) as evidence. An offer books nothing: the front desk books
from the entry (:func:`book`) when the patient says yes.

An entry is open while ``waiting`` or ``offered``; ``booked`` and ``removed`` close it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
from sqlalchemy import or_, select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.records import AppointmentChange, AppointmentRecord, WaitlistOffer
from medoffice.core.services import patient_merge, patients, staff
from medoffice.core.validation import optional_text, parse_date, require_text

from . import booking, catalogue
from .models import ACTIVE_STATUSES, MAX_REASON, Appointment, AppointmentType, Offer, TypeProvider, WaitlistEntry
from .permissions import BOOK, READ

OPEN = ("waiting", "offered")
"""Statuses of an entry still waiting for a slot."""

STATUS_FILTERS = ("open", "waiting", "offered", "booked", "removed", "all")
"""What :func:`list_entries` may show: ``open`` is ``waiting`` and ``offered``."""


@attrs.frozen
class WaitlistView:
    """A waitlist entry as people read it: names instead of ids, times in the practice's zone."""

    id: int
    patient_id: int
    mrn: str
    patient: str
    appointment_type: str
    provider_id: int | None
    provider: str
    location_id: int | None
    location: str | None
    earliest_day: dt.date
    latest_day: dt.date | None
    note: str | None
    status: str
    created_at: dt.datetime
    created_by: str
    offered_at: dt.datetime | None
    offers: int
    appointment_id: int | None
    closed_at: dt.datetime | None
    closed_reason: str | None


@attrs.frozen
class OfferView:
    """An offered entry and the last slot offered to it (times local)."""

    entry: WaitlistView
    start: dt.datetime | None
    end: dt.datetime | None
    provider_id: int | None
    provider: str | None
    location: str | None
    freed_appointment_id: int | None
    cause: str | None


# -- reading ---------------------------------------------------------------------------------


def _views(ctx: Context, rows: Iterable[WaitlistEntry]) -> list[WaitlistView]:
    rows = list(rows)
    if not rows:
        return []
    names = {s.id: s.name for s in staff.list_staff(ctx, providers_only=True, include_inactive=True)}
    places = {loc.id: loc.name for loc in ctx.practice.locations}
    kinds = {t.id: t.name for t in ctx.session.execute(select(AppointmentType)).scalars()}
    people: dict[int, Any] = {}
    found = []
    for row in rows:
        if row.patient_id not in people:
            people[row.patient_id] = patients.get_by_id(ctx, row.patient_id)
        person = people[row.patient_id]
        local = ctx.local
        found.append(WaitlistView(
            row.id, row.patient_id, person.mrn, f"{person.last_name}, {person.first_name}", kinds[row.type_id],
            row.provider_id, names.get(row.provider_id, "?") if row.provider_id is not None else "any",
            row.location_id, places.get(row.location_id), row.earliest_day, row.latest_day, row.note, row.status,
            local(row.created_at), row.created_by, local(row.offered_at) if row.offered_at else None, row.offers or 0,
            row.appointment_id, local(row.closed_at) if row.closed_at else None, row.closed_reason))
    return found


def _entry(ctx: Context, entry_id: int) -> WaitlistEntry:
    if isinstance(entry_id, bool) or not isinstance(entry_id, int) or entry_id < 1:
        raise ValidationError(f"a waitlist entry id is a positive whole number, got {entry_id!r}", field="id")
    row = ctx.session.get(WaitlistEntry, entry_id)
    if row is None:
        raise NotFound(f"no waitlist entry with id {entry_id}")
    return row


def _open_entry(ctx: Context, entry_id: int) -> WaitlistEntry:
    row = _entry(ctx, entry_id)
    if row.status not in OPEN:
        raise Conflict(f"waitlist entry {row.id} is already {row.status}")
    return row


def get(ctx: Context, entry_id: int) -> WaitlistView:
    """One entry, whatever its status."""
    ctx.require(READ)
    (view,) = _views(ctx, [_entry(ctx, entry_id)])
    return view


def list_entries(ctx: Context, *, status: str = "open", appointment_type: str | None = None,
                 provider_id: int | None = None) -> list[WaitlistView]:
    """The waitlist, oldest entry first.

    Args:
        status: one of :data:`STATUS_FILTERS` (``open``: waiting or offered).
        appointment_type: only entries for this type (by name).
        provider_id: only entries for this provider, or for any provider.
    """
    ctx.require(READ)
    if status not in STATUS_FILTERS:
        raise ValidationError(f"status must be one of {', '.join(STATUS_FILTERS)}, got {status!r}", field="status")
    query = select(WaitlistEntry)
    if status == "open":
        query = query.where(WaitlistEntry.status.in_(OPEN))
    elif status != "all":
        query = query.where(WaitlistEntry.status == status)
    if appointment_type is not None:
        query = query.where(WaitlistEntry.type_id == catalogue.type_by_name(ctx, appointment_type).id)
    if provider_id is not None:
        catalogue.provider(ctx, provider_id)
        query = query.where(or_(WaitlistEntry.provider_id.is_(None), WaitlistEntry.provider_id == provider_id))
    rows = ctx.session.execute(query.order_by(WaitlistEntry.created_at, WaitlistEntry.id)).scalars()
    return _views(ctx, rows)


def offers(ctx: Context) -> list[OfferView]:
    """The entries offered a slot and not yet booked or removed, oldest entry first, each
    with the last slot offered."""
    ctx.require(READ)
    entries = list_entries(ctx, status="offered")
    if not entries:
        return []
    last: dict[int, Offer] = {}
    query = select(Offer).where(Offer.entry_id.in_([e.id for e in entries])).order_by(Offer.id)
    for row in ctx.session.execute(query).scalars():
        last[row.entry_id] = row
    names = {s.id: s.name for s in staff.list_staff(ctx, providers_only=True, include_inactive=True)}
    places = {loc.id: loc.name for loc in ctx.practice.locations}
    found = []
    for entry in entries:
        offer = last.get(entry.id)
        if offer is None:  # offered before offers were kept, and not in the audit log either
            found.append(OfferView(entry, None, None, None, None, None, None, None))
            continue
        found.append(OfferView(entry, ctx.local(offer.starts_at), ctx.local(offer.ends_at), offer.provider_id,
                               names.get(offer.provider_id), places.get(offer.location_id),
                               offer.freed_appointment_id, offer.cause))
    return found


# -- changing the list -------------------------------------------------------------------------


def add(ctx: Context, mrn: str, appointment_type: str, *, provider_id: int | None = None, location: str | None = None,
        earliest: str | dt.date | None = None, latest: str | dt.date | None = None,
        note: str | None = None) -> WaitlistView:
    """Put the patient with ``mrn`` on the waitlist for an earlier slot of ``appointment_type``.

    Args:
        ctx: the operation.
        mrn: the patient's MRN.
        appointment_type: the type's name.
        provider_id: only this provider (staff id); None for any provider.
        location: only this location (by name); None for any.
        earliest: the first local day the patient can come (default today).
        latest: the last local day worth offering (default none: any later day).
        note: for the front desk ("mornings only").

    Raises:
        PermissionDenied: without ``scheduling.book``.
        ValidationError: bad days (not real, the latest before the earliest or in the past), a
            note too long.
        NotFound: unknown patient, type, provider or location.
        Conflict: the patient already waits for this type.
    """
    ctx.require(BOOK)
    today = ctx.local(ctx.now()).date()
    errors: dict[str, str] = {}
    first = last = None
    try:
        first = parse_date(earliest, field="earliest") if earliest not in (None, "") else today
    except ValidationError as error:
        errors["earliest"] = str(error)
    try:
        last = parse_date(latest, field="latest") if latest not in (None, "") else None
    except ValidationError as error:
        errors["latest"] = str(error)
    if last is not None and first is not None and last < first:
        errors["latest"] = f"the latest day ({last}) is before the earliest ({first})"
    elif last is not None and last < today:
        errors["latest"] = f"the latest day ({last}) is already past"
    try:
        note = optional_text(note, field="note", max_length=MAX_REASON)
    except ValidationError as error:
        errors["note"] = str(error)
    if errors:
        raise ValidationError.of_fields(errors)
    patient = patients.get(ctx, mrn)
    patient_merge.require_active(ctx, patient.id, doing="put them on the waitlist")
    kind = catalogue.type_by_name(ctx, appointment_type)
    who = catalogue.provider(ctx, provider_id) if provider_id is not None else None
    place = catalogue.location_by_name(ctx, location) if location not in (None, "") else None
    waiting = ctx.session.execute(select(WaitlistEntry.id).where(
        WaitlistEntry.patient_id == patient.id, WaitlistEntry.type_id == kind.id,
        WaitlistEntry.status.in_(OPEN))).scalar()
    if waiting is not None:
        raise Conflict(f"{patient.display_name} already waits for {kind.name!r} (waitlist entry {waiting})")
    row = WaitlistEntry(patient_id=patient.id, type_id=kind.id, provider_id=who.id if who else None,
                        location_id=place.id if place else None, earliest_day=first, latest_day=last, note=note,
                        status="waiting", created_at=ctx.now(), created_by=ctx.user.username, offers=0)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.changed("scheduling.waitlist")
    ctx.audit("waitlist.added", "waitlist", row.id, patient_id=patient.id,
              summary={"type": kind.name, "provider_id": row.provider_id, "location_id": row.location_id,
                       "earliest": first.isoformat(), "latest": last.isoformat() if last else None})
    (view,) = _views(ctx, [row])
    return view


def remove(ctx: Context, entry_id: int, reason: str) -> WaitlistView:
    """Take an open entry off the waitlist, with a reason ("booked elsewhere")."""
    ctx.require(BOOK)
    reason = require_text(reason, field="reason", max_length=MAX_REASON)
    row = _open_entry(ctx, entry_id)
    row.status, row.closed_at, row.closed_reason = "removed", ctx.now(), reason
    ctx.session.flush()
    ctx.changed("scheduling.waitlist")
    ctx.audit("waitlist.removed", "waitlist", row.id, patient_id=row.patient_id, summary={"reason": reason})
    (view,) = _views(ctx, [row])
    return view


def book(ctx: Context, entry_id: int, start: str | dt.datetime, *, provider_id: int | None = None,
         room: str | None = None, note: str | None = None) -> tuple[WaitlistView, AppointmentRecord]:
    """Book the patient of an open entry at ``start`` and close the entry as ``booked``.

    The booking is :func:`.booking.book`'s, with all its checks. The provider is the entry's,
    or ``provider_id`` (needed when the entry is for any provider). The note defaults to the
    entry's.

    Returns:
        The closed entry and the appointment.
    """
    ctx.require(BOOK)
    row = _open_entry(ctx, entry_id)
    provider = provider_id if provider_id is not None else row.provider_id
    if provider is None:
        raise ValidationError(f"waitlist entry {row.id} is for any provider: say which one books it",
                              field="provider")
    person = patients.get_by_id(ctx, row.patient_id)
    kind = ctx.session.get(AppointmentType, row.type_id)
    record = booking.book(ctx, person.mrn, provider, kind.name, start, room=room,
                          note=note if note is not None else row.note)
    row.status, row.appointment_id, row.closed_at = "booked", record.id, ctx.now()
    ctx.session.flush()
    ctx.changed("scheduling.waitlist")
    ctx.audit("waitlist.booked", "waitlist", row.id, patient_id=row.patient_id,
              summary={"appointment_id": record.id, "start": record.start.isoformat()})
    (view,) = _views(ctx, [row])
    return view, record


# -- offers ------------------------------------------------------------------------------------


def _free_spans(ctx: Context, provider_id: int, start: dt.datetime, end: dt.datetime,
                ) -> list[tuple[dt.datetime, dt.datetime]]:
    """[start, end) less the provider's appointments that hold their slot in it."""
    taken = ctx.session.execute(select(Appointment.starts_at, Appointment.ends_at).where(
        Appointment.provider_id == provider_id, Appointment.status.in_(ACTIVE_STATUSES),
        Appointment.starts_at < end, Appointment.ends_at > start).order_by(Appointment.starts_at)).all()
    spans, cursor = [], start
    for busy_start, busy_end in taken:
        if busy_start > cursor:
            spans.append((cursor, busy_start))
        cursor = max(cursor, busy_end)
    if cursor < end:
        spans.append((cursor, end))
    return spans


def offer_freed(ctx: Context, change: AppointmentChange) -> list[WaitlistOffer]:
    """Offer the time a cancellation or a move away freed to the open entries that fit it.

    An entry fits when its type's length fits in a free part of the freed span (the part
    still in the future, less whatever else holds the provider then), its provider is that
    provider or any (and the type is open to that provider), the freed day is within its
    window, its location is the freed one or any, and it is not the freed appointment's own
    patient. Every fitting entry is offered, oldest first.

    Returns:
        The offers made (each also sent to ``medoffice_waitlist_offer``).
    """
    freed = change.appointment if change.kind == "cancelled" else change.previous
    if change.kind not in ("cancelled", "rescheduled") or freed is None:
        return []
    now = ctx.now()
    start, end = max(freed.start, now), freed.end
    if end <= start:
        return []
    day = ctx.local(start).date()
    query = select(WaitlistEntry).where(
        WaitlistEntry.status.in_(OPEN), WaitlistEntry.patient_id != freed.patient_id,
        or_(WaitlistEntry.provider_id.is_(None), WaitlistEntry.provider_id == freed.provider_id),
        WaitlistEntry.earliest_day <= day,
        or_(WaitlistEntry.latest_day.is_(None), WaitlistEntry.latest_day >= day))
    if freed.location_id is not None:
        query = query.where(or_(WaitlistEntry.location_id.is_(None), WaitlistEntry.location_id == freed.location_id))
    else:
        query = query.where(WaitlistEntry.location_id.is_(None))
    entries = ctx.session.execute(query.order_by(WaitlistEntry.created_at, WaitlistEntry.id)).scalars().all()
    if not entries:
        return []
    spans = _free_spans(ctx, freed.provider_id, start, end)
    type_ids = {e.type_id for e in entries}
    kinds = {t.id: t for t in ctx.session.execute(select(AppointmentType).where(AppointmentType.id.in_(type_ids)))
             .scalars()}
    allowed: dict[int, set[int]] = {}
    for type_id, provider_id in ctx.session.execute(select(TypeProvider.type_id, TypeProvider.provider_id).where(
            TypeProvider.type_id.in_(type_ids))):
        allowed.setdefault(type_id, set()).add(provider_id)
    made = []
    for entry in entries:
        kind = kinds[entry.type_id]
        if entry.type_id in allowed and freed.provider_id not in allowed[entry.type_id]:
            continue
        length = dt.timedelta(minutes=kind.duration_minutes)
        span = next(((a, b) for a, b in spans if b - a >= length), None)
        if span is None:
            continue
        entry.status, entry.offered_at, entry.offers = "offered", now, (entry.offers or 0) + 1
        person = patients.get_by_id(ctx, entry.patient_id)
        offer = WaitlistOffer(entry.id, entry.patient_id, person.mrn, kind.name, kind.duration_minutes,
                              freed.provider_id, span[0], span[1], freed.location_id, freed.id, change.kind,
                              entry.offers, entry.note)
        ctx.session.add(Offer(entry_id=entry.id, number=entry.offers, freed_appointment_id=freed.id,
                              cause=change.kind, provider_id=freed.provider_id, location_id=freed.location_id,
                              starts_at=span[0], ends_at=span[1], offered_at=now))
        ctx.changed("scheduling.waitlist")
        ctx.audit("waitlist.offered", "waitlist", entry.id, patient_id=entry.patient_id,
                  summary={"freed_appointment_id": freed.id, "cause": change.kind, "provider_id": freed.provider_id,
                           "location_id": freed.location_id, "start": span[0].isoformat(),
                           "end": span[1].isoformat(), "offers": entry.offers})
        made.append(offer)
    ctx.session.flush()
    offers_made(ctx).extend(made)
    for offer in made:
        ctx.hooks.call("medoffice_waitlist_offer", ctx=ctx, offer=offer)
    return made


def offers_made(ctx: Context) -> list[WaitlistOffer]:
    """The offers made so far in this operation (its session's), oldest first: how the
    screen that cancelled learns whom the freed time went to, since the offer is made by a
    hook the cancellation only sets off."""
    return ctx.session.info.setdefault("scheduling.waitlist_offers", [])

