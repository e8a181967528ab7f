"""The schedule as FHIR R4 JSON: Schedule, Slot and Appointment resources in a Bundle.

The Bundle (type ``collection``, made by the core's :func:`medoffice.core.fhir.bundle`)
holds the practice as ``Organization``, each of its sites as a ``Location`` it manages, and,
for each provider:

- a ``Practitioner`` (the core's :func:`~medoffice.core.fhir.practitioner_resource`);
- a ``Schedule`` whose actor is the practitioner and whose ``planningHorizon`` is the
  exported range;
- ``Slot`` resources: ``busy`` ones for the appointments that hold their slot and ``free``
  ones from :func:`.slots.find_slots` for one appointment type;
- ``Appointment`` resources for every appointment of the range, cancelled ones and no-shows
  included, with their status mapped to FHIR's and the appointment's number as identifier.

Every id is the practice's UUID for the record (:class:`~medoffice.core.records.FhirIds`):
the same Practitioner has the same id here and in a claim's bundle, and exporting a week again
gives the same ids. References between the bundle's resources are their ``urn:uuid:``.
Patients are referenced, never copied in: the schedule export carries no demographics, so an
appointment names its patient by MRN (a logical reference, ``identifier`` with the MRN
system), which the Patient resources of ``medoffice patients export --format fhir`` carry.
The appointment's note stays in the practice. Times are UTC instants.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from medoffice.core import Context
from medoffice.core import fhir as core_fhir
from medoffice.core.records import FhirIds, StaffRecord
from medoffice.core.services import staff
from medoffice.core.storage.models import Patient

from . import catalogue, slots
from .exports import date_range, location_text, provider_record, range_appointments, utc_bounds, utc_text
from .models import ACTIVE_STATUSES, Appointment
from .permissions import READ

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

    ids = core_fhir.ids_for(ctx)
    practice = ctx.practice
    mrns = _mrns(ctx, {row.patient_id for row, _ in rows})
    resources: list[dict[str, Any]] = [core_fhir.organization_resource(practice, ids)]
    resources += [core_fhir.location_resource(location, practice, ids) for location in practice.locations]
    resources += [core_fhir.practitioner_resource(p, ids) for p in providers]
    resources += [schedule_resource(p, ids, horizon_start, horizon_end) for p in providers]
    slot_resources = [busy_slot_resource(row, ids, name) for row, name in rows if row.status in ACTIVE_STATUSES]
    slot_resources += [free_slot_resource(s, ids) for s in free]
    resources += sorted(slot_resources, key=lambda r: (r["start"], r["status"], r["id"]))
    resources += [appointment_resource(ctx, row, ids, name, mrns[row.patient_id]) for row, name in rows]
    bundle = core_fhir.bundle(resources, timestamp=utc_text(ctx.now()))
    ctx.audit("schedule.exported", "provider", chosen.id if chosen else None,
              summary={"format": "fhir", "from": start_day.isoformat(), "to": end_day.isoformat(),
                       "appointments": len(rows), "free_slots": len(free)})
    return bundle


def _mrns(ctx: Context, patient_ids: set[int]) -> dict[int, str]:
    ordered = sorted(patient_ids)
    found: dict[int, str] = {}
    for index in range(0, len(ordered), 500):
        query = select(Patient.id, Patient.mrn).where(Patient.id.in_(ordered[index:index + 500]))
        found.update({pid: mrn for pid, mrn in ctx.session.execute(query)})
    return found


def _shortest_type(ctx: Context):
    types = catalogue.list_types(ctx)
    if not types:
        return None
    return min(types, key=lambda t: (t.duration_minutes, t.name.lower()))


def schedule_resource(provider: StaffRecord, ids: FhirIds, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """One provider's ``Schedule``: its actor is their ``Practitioner``, its horizon the range."""
    return {
        "resourceType": "Schedule",
        "id": ids.id("Schedule", provider.id),
        "active": provider.active,
        "actor": [ids.reference("Practitioner", provider.id, provider.name)],
        "planningHorizon": {"start": utc_text(start), "end": utc_text(end)},
    }


def busy_slot_resource(row: Appointment, ids: FhirIds, type_name: str) -> dict[str, Any]:
    """The ``busy`` Slot an appointment holds (key ``appointment-<id>``)."""
    return {
        "resourceType": "Slot",
        "id": ids.id("Slot", f"appointment-{row.id}"),
        "schedule": ids.reference("Schedule", row.provider_id),
        "appointmentType": {"text": type_name},
        "status": "busy",
        "start": utc_text(row.starts_at),
        "end": utc_text(row.ends_at),
        **({"overbooked": True} if row.overbooked else {}),
    }


def free_slot_resource(slot: slots.Slot, ids: FhirIds) -> dict[str, Any]:
    """A ``free`` Slot found by the slot finder, for its appointment type (key
    ``free-<provider>-<UTC start>-<minutes>``)."""
    minutes = int((slot.end - slot.start).total_seconds() // 60)
    return {
        "resourceType": "Slot",
        "id": ids.id("Slot", f"free-{slot.provider_id}-{slot.start.astimezone(dt.timezone.utc):%Y%m%dT%H%MZ}"
                             f"-{minutes}".lower()),
        "schedule": ids.reference("Schedule", slot.provider_id),
        "appointmentType": {"text": slot.appointment_type},
        "status": "free",
        "start": utc_text(slot.start),
        "end": utc_text(slot.end),
    }


APPOINTMENT_SYSTEM = "urn:medoffice:appointment"


def appointment_resource(ctx: Context, row: Appointment, ids: FhirIds, type_name: str, mrn: str) -> dict[str, Any]:
    """An ``Appointment``: status mapped to FHIR's, patient (by MRN), practitioner and place as
    participants."""
    minutes = int((row.ends_at - row.starts_at).total_seconds() // 60)
    place = location_text(ctx, row.location_id, row.room_id)
    participants = [
        {"actor": {"type": "Patient", "identifier": core_fhir.mrn_identifier(mrn)}, "required": "required",
         "status": "accepted"},
        {"actor": ids.reference("Practitioner", row.provider_id), "required": "required", "status": "accepted"},
    ]
    if row.location_id is not None:
        participants.append({"actor": ids.reference("Location", row.location_id, place),
                             "required": "required", "status": "accepted"})
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": ids.id("Appointment", row.id),
        "identifier": [{"system": APPOINTMENT_SYSTEM, "value": str(row.id)}],
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
        resource["slot"] = [ids.reference("Slot", f"appointment-{row.id}")]
    if row.status == "cancelled" and row.cancel_reason:
        resource["cancelationReason"] = {"text": row.cancel_reason}
    return resource
