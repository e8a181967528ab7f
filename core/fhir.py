"""FHIR R4 JSON for the core's shared records (Patient, Practitioner, the practice as
Organization, its Locations) and the Bundle that carries them.

Only what the record holds is written; empty elements are left out, as FHIR requires.

Ids and references: every resource's ``id`` is a UUID made from the practice's namespace, the
resource type and the record's key (:class:`~medoffice.core.records.FhirIds`), its entry's
``fullUrl`` is ``urn:uuid:<id>``, and a reference to another resource of the bundle is that
``urn:uuid:``. Exporting a record again gives the same UUID, whichever command exports it, so
a receiving system can tell a new resource from a new version of one it has. A resource the
bundle does not carry (a patient in the schedule export) is referenced logically, by its
identifier (the MRN), never by a ``urn:uuid:`` that would not resolve.

The MRN is an identifier of type ``MR`` under :data:`MRN_SYSTEM`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .records import FhirIds, LocationRecord, PatientRecord, PracticeRecord, StaffRecord

if TYPE_CHECKING:
    from .context import Context

MRN_SYSTEM = "urn:medoffice:mrn"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
EIN_SYSTEM = "urn:oid:2.16.840.1.113883.4.4"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
EXTENSION = "urn:medoffice:fhir:StructureDefinition:"
REMINDERS_EXTENSION = EXTENSION + "appointment-reminders"
"""``valueBoolean``: whether the patient agrees to appointment reminders."""
INACTIVE_REASON_EXTENSION = EXTENSION + "inactive-reason"
"""``valueString``: why an inactive patient was deactivated."""
GENDERS = ("female", "male", "other", "unknown")
PRACTICE_KEY = "practice"


def namespace(ctx: Context) -> uuid.UUID:
    """The practice's UUID namespace, from the instant it was created (which never changes,
    and survives a backup and restore)."""
    from sqlalchemy import select

    from .storage.models import Practice

    created = ctx.session.execute(select(Practice.created_at).where(Practice.id == 1)).scalar_one()
    instant = created.astimezone(dt.timezone.utc) if created.tzinfo else created.replace(tzinfo=dt.timezone.utc)
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:medoffice:practice:{instant.isoformat()}")


def ids_for(ctx: Context) -> FhirIds:
    """The practice's :class:`~medoffice.core.records.FhirIds`."""
    return FhirIds(namespace(ctx))


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in (_prune(v) for v in value) if v not in (None, "", [], {})]
    return value


def to_json(data: Any) -> str:
    """FHIR JSON text: a ``Decimal`` is written as a JSON number, digit for digit (never
    through a float)."""
    marked = json.dumps(data, indent=2, default=lambda v: f"\x00{v}\x00" if isinstance(v, Decimal) else str(v))
    return re.sub(r'"\\u0000(-?[0-9.]+)\\u0000"', r"\1", marked)


def mrn_identifier(mrn: str) -> dict[str, Any]:
    return {"use": "usual", "type": {"coding": [{"system": IDENTIFIER_TYPE, "code": "MR"}]},
            "system": MRN_SYSTEM, "value": mrn}


def patient_reference(ids: FhirIds, patient: PatientRecord, *, in_bundle: bool) -> dict[str, Any]:
    """A reference to a patient: the ``urn:uuid:`` of their Patient when the bundle carries it,
    else the MRN as a logical reference (``type`` and ``identifier``)."""
    if in_bundle:
        return ids.reference("Patient", patient.id)
    return {"type": "Patient", "identifier": mrn_identifier(patient.mrn)}


def address_element(address: Any, *, use: str | None = None) -> dict[str, Any]:
    return {"use": use, "line": [line for line in (address.line1, address.line2) if line], "city": address.city,
            "state": address.state, "postalCode": address.postal_code, "country": address.country}


def patient_resource(patient: PatientRecord, ids: FhirIds, *, replaced_by: dict[str, Any] | None = None,
                     replaces: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    """A FHIR R4 Patient. A record merged into another links to it as ``replaced-by``; the
    kept one links to those it absorbed as ``replaces``, as FHIR describes merged records
    (``replaced_by`` and ``replaces`` are references, see :func:`patient_reference`)."""
    address = patient.address
    contact = patient.emergency_contact
    return _prune({
        "resourceType": "Patient",
        "id": ids.id("Patient", patient.id),
        "extension": [{"url": REMINDERS_EXTENSION, "valueBoolean": patient.reminders},
                      {"url": INACTIVE_REASON_EXTENSION, "valueString": patient.inactive_reason}
                      if patient.inactive_reason else None],
        "identifier": [mrn_identifier(patient.mrn)],
        "active": patient.active,
        "name": [{
            "use": "official",
            "family": patient.last_name,
            "given": [n for n in (patient.first_name, patient.middle_name) if n],
        }],
        "telecom": [
            {"system": "phone", "value": patient.phone, "use": "home"} if patient.phone else None,
            {"system": "email", "value": patient.email} if patient.email else None,
        ],
        "gender": patient.sex,
        "birthDate": patient.date_of_birth.isoformat(),
        "address": [address_element(address, use="home")] if any(
            (address.line1, address.line2, address.city, address.state, address.postal_code)) else [],
        "contact": [{
            "relationship": [{"text": contact.relationship}] if contact.relationship else [],
            "name": {"text": contact.name},
            "telecom": [{"system": "phone", "value": contact.phone}] if contact.phone else [],
        }] if contact.name or contact.phone else [],  # pat-1: a contact has details, not only a relationship
        "communication": [{"language": {"text": patient.preferred_language}, "preferred": True}]
        if patient.preferred_language else [],
        "link": ([{"other": replaced_by, "type": "replaced-by"}] if replaced_by else [])
        + [{"other": other, "type": "replaces"} for other in replaces],
    })


def practitioner_resource(staff: StaffRecord, ids: FhirIds) -> dict[str, Any]:
    return _prune({
        "resourceType": "Practitioner",
        "id": ids.id("Practitioner", staff.id),
        "identifier": [{"system": NPI_SYSTEM, "value": staff.npi}] if staff.npi else [],
        "active": staff.active,
        "name": [{"text": staff.name}],
    })


def organization_resource(practice: PracticeRecord, ids: FhirIds) -> dict[str, Any]:
    """The practice as an ``Organization`` (NPI and EIN identifiers, address, phone)."""
    a = practice.address
    ein = re.sub(r"\D", "", practice.tax_id or "")
    return _prune({
        "resourceType": "Organization",
        "id": ids.id("Organization", PRACTICE_KEY),
        "identifier": [{"system": NPI_SYSTEM, "value": practice.npi} if practice.npi else None,
                       {"system": EIN_SYSTEM, "value": ein} if ein else None],
        "active": True,
        "name": practice.name,
        "telecom": [{"system": "phone", "value": practice.phone}] if practice.phone else [],
        "address": [address_element(a)] if a.line1 or a.city else [],
    })


def organization_reference(ids: FhirIds, practice: PracticeRecord) -> dict[str, Any]:
    return ids.reference("Organization", PRACTICE_KEY, practice.name)


def location_resource(location: LocationRecord, practice: PracticeRecord, ids: FhirIds) -> dict[str, Any]:
    """One of the practice's sites as a ``Location`` managed by the practice's Organization."""
    a = location.address
    return _prune({
        "resourceType": "Location",
        "id": ids.id("Location", location.id),
        "status": "active",
        "name": location.name,
        "mode": "instance",
        "telecom": [{"system": "phone", "value": location.phone}] if location.phone else [],
        "address": address_element(a) if a.line1 or a.city else {},
        "managingOrganization": organization_reference(ids, practice),
    })


def bundle(resources: list[dict[str, Any]], *, timestamp: str | None = None) -> dict[str, Any]:
    """A ``collection`` Bundle of the given resources, each under ``fullUrl`` ``urn:uuid:<id>``.

    A collection has no ``total`` (FHIR's bdl-1: only search and history bundles count).

    Raises:
        ValueError: a resource whose id is not a UUID, or two resources with one id (a bug:
            every id comes from :class:`~medoffice.core.records.FhirIds`).
    """
    seen: set[str] = set()
    entries = []
    for resource in resources:
        key = str(uuid.UUID(resource["id"]))
        if key != resource["id"] or key in seen:
            raise ValueError(f"{resource['resourceType']} id {resource['id']!r} is not a new UUID")
        seen.add(key)
        entries.append({"fullUrl": f"urn:uuid:{key}", "resource": resource})
    found: dict[str, Any] = {"resourceType": "Bundle", "type": "collection"}
    if timestamp:
        found["timestamp"] = timestamp
    if entries:
        found["entry"] = entries
    return found
