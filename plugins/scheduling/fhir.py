"""The schedule as FHIR R4 JSON: Schedule, Slot and Appointment resources in a Bundle.

The Bundle (type ``collection``, made by the core's :func:`medoffice.core.fhir.bundle`)
holds, for each provider:

- a ``Practitioner`` (the core's :func:`~medoffice.core.fhir.practitioner_resource`);
- a ``Schedule`` (id: the staff id) whose actor is the practitioner and whose
  ``planningHorizon`` is the exported range;
- ``Slot`` resources: ``busy`` ones for the appointments that hold their slot (id
  ``appointment-<id>``) and ``free`` ones from :func:`.slots.find_slots` for one appointment
  type (id ``free-<provider>-<UTC start>``);
- ``Appointment`` resources for every appointment of the range, cancelled ones and no-shows
  included, with their status mapped to FHIR's.

References are relative (``Practitioner/3``, ``Patient/12``), with the ids the core's own
exports use, so the Patient resources of ``medoffice patients export --format fhir`` resolve
them. Patients are referenced, never copied in: the schedule export carries no demographics,
and the appointment's note stays in the practice. Times are UTC instants.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from medoffice.core import Context
from medoffice.core import fhir as core_fhir
from medoffice.core.records import StaffRecord
from medoffice.core.services import staff

from . import catalogue, slots
from .exports import READ, date_range, location_text, provider_record, range_appointments, utc_bounds, utc_text
from .models import ACTIVE_STATUSES, Appointment

STATUS = {
    "booked": "booked",
    "arrived": "arrived",
    "in_room": "checked-in",
    "completed": "fulfilled",
    "cancelled": "cancelled",
    "no_show": "noshow",
}
"""Our appointment statuses -> FHIR R4 ``AppointmentStatus``."""

ALL_STATUSES = tuple(STATUS)
_EVERY_SLOT = 1_000_000


def export_bundle(ctx: Context, first: str | dt.date | None, last: str | dt.date | None, *,
                  provider_id: int | str | None = None, slot_type: str | None = None) -> dict[str, Any]:
    """The schedule of local days ``first``…``last`` as a FHIR R4 ``Bundle`` (a dict for JSON).

    Args:
        ctx: the operation (a write one: the export is audited).
        first: the first local day, ``YYYY-MM-DD``.
        last: the last local day.
        provider_id: one provider's schedule; otherwise every provider who is active or has
            appointments in the range.
        slot_type: the appointment type whose free slots are listed (its length is the
            slot's); default: the shortest type. No types, no free slots.

    Raises:
        PermissionDenied: without ``scheduling.read``.
        ValidationError: bad days, the last before the first, a range over a year.
        NotFound: no such provider or appointment type.
    """
    ctx.require(READ)
    start_day, end_day = date_range(first, last)
    chosen = provider_record(ctx, provider_id) if provider_id is not None else None
    kind = catalogue.type_by_name(ctx, slot_type) if slot_type is not None else _shortest_type(ctx)
    rows = range_appointments(ctx, start_day, end_day, provider_id=chosen.id if chosen else None,
                              statuses=ALL_STATUSES)
    if chosen is not None:
        providers = [chosen]
    else:
        booked = {row.provider_id for row, _ in rows}
        providers = [p for p in staff.list_staff(ctx, providers_only=True, include_inactive=True)
                     if p.active or p.id in booked]
    horizon_start, horizon_end = utc_bounds(ctx, start_day, end_day)

    free = []
    if kind is not None and any(p.active for p in providers):
        wanted = {p.id for p in providers}
        found = slots.find_slots(ctx, kind.name, start_day, end_day, limit=_EVERY_SLOT,
                                 provider_id=chosen.id if chosen and chosen.active else None)
        free = [s for s in found if s.provider_id in wanted]

    resources: list[dict[str, Any]] = [core_fhir.practitioner_resource(p) for p in providers]
    resources += [schedule_resource(p, horizon_start, horizon_end) for p in providers]
    slot_resources = [busy_slot_resource(row, name) for row, name in rows if row.status in ACTIVE_STATUSES]
    slot_resources += [free_slot_resource(s) for s in free]
    resources += sorted(slot_resources, key=lambda r: (r["start"], r["id"]))
    resources += [appointment_resource(ctx, row, name) for row, name in rows]
    bundle = core_fhir.bundle(resources)
    bundle["timestamp"] = utc_text(ctx.now())
    ctx.audit("schedule.exported", "provider", chosen.id if chosen else None,
              summary={"format": "fhir", "from": start_day.isoformat(), "to": end_day.isoformat(),
                       "appointments": len(rows), "free_slots": len(free)})
    return bundle


def _shortest_type(ctx: Context):
    types = catalogue.list_types(ctx)
    if not types:
        return None
    return min(types, key=lambda t: (t.duration_minutes, t.name.lower()))


def schedule_resource(provider: StaffRecord, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """One provider's ``Schedule``: its actor is their ``Practitioner``, its horizon the range."""
    return {
        "resourceType": "Schedule",
        "id": str(provider.id),
        "active": provider.active,
        "actor": [{"reference": f"Practitioner/{provider.id}", "display": provider.name}],
        "planningHorizon": {"start": utc_text(start), "end": utc_text(end)},
    }


def busy_slot_resource(row: Appointment, type_name: str) -> dict[str, Any]:
    """The ``busy`` Slot an appointment holds (id ``appointment-<id>``)."""
    return {
        "resourceType": "Slot",
        "id": f"appointment-{row.id}",
        "schedule": {"reference": f"Schedule/{row.provider_id}"},
        "appointmentType": {"text": type_name},
        "status": "busy",
        "start": utc_text(row.starts_at),
        "end": utc_text(row.ends_at),
        **({"overbooked": True} if row.overbooked else {}),
    }


def free_slot_resource(slot: slots.Slot) -> dict[str, Any]:
    """A ``free`` Slot found by the slot finder, for its appointment type."""
    return {
        "resourceType": "Slot",
        "id": f"free-{slot.provider_id}-{slot.start.astimezone(dt.timezone.utc):%Y%m%dT%H%MZ}".lower(),
        "schedule": {"reference": f"Schedule/{slot.provider_id}"},
        "appointmentType": {"text": slot.appointment_type},
        "status": "free",
        "start": utc_text(slot.start),
        "end": utc_text(slot.end),
    }


def appointment_resource(ctx: Context, row: Appointment, type_name: str) -> dict[str, Any]:
    """An ``Appointment``: status mapped to FHIR's, patient and practitioner as participants."""
    minutes = int((row.ends_at - row.starts_at).total_seconds() // 60)
    place = location_text(ctx, row.location_id, row.room_id)
    participants = [
        {"actor": {"reference": f"Patient/{row.patient_id}"}, "required": "required", "status": "accepted"},
        {"actor": {"reference": f"Practitioner/{row.provider_id}"}, "required": "required", "status": "accepted"},
    ]
    if row.location_id is not None:
        participants.append({"actor": {"reference": f"Location/{row.location_id}", "display": place},
                             "required": "required", "status": "accepted"})
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": str(row.id),
        "status": STATUS[row.status],
        "serviceType": [{"text": type_name}],
        "appointmentType": {"text": type_name},
        "start": utc_text(row.starts_at),
        "end": utc_text(row.ends_at),
        "minutesDuration": minutes,
        "created": utc_text(row.booked_at),
        "participant": participants,
    }
    if row.status in ACTIVE_STATUSES:
        resource["slot"] = [{"reference": f"Slot/appointment-{row.id}"}]
    if row.status == "cancelled" and row.cancel_reason:
        resource["cancelationReason"] = {"text": row.cancel_reason}
    return resource
