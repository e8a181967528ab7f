"""FHIR R4 JSON for the core's shared records (Patient, Practitioner).

Only what the record holds is written; empty elements are left out, as FHIR requires.
The MRN is an identifier with type ``MR`` under a system URI of the practice's choosing.
"""

from __future__ import annotations

from typing import Any

from .records import PatientRecord, StaffRecord

MRN_SYSTEM = "urn:medoffice:mrn"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
_GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in (_prune(v) for v in value) if v not in (None, "", [], {})]
    return value


def patient_resource(patient: PatientRecord, *, replaced_by: int | None = None,
                     replaces: tuple[int, ...] = ()) -> dict[str, Any]:
    """A FHIR R4 Patient. A record merged into another (``replaced_by``, the kept patient's id)
    links to it as ``replaced-by``; the kept one links to those it absorbed as ``replaces``,
    as FHIR describes merged patient records."""
    address = patient.address
    contact = patient.emergency_contact
    return _prune({
        "resourceType": "Patient",
        "id": str(patient.id),
        "identifier": [{
            "use": "usual",
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
            "system": MRN_SYSTEM,
            "value": patient.mrn,
        }],
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
        "gender": _GENDER[patient.sex],
        "birthDate": patient.date_of_birth.isoformat(),
        "address": [{
            "use": "home",
            "line": [line for line in (address.line1, address.line2) if line],
            "city": address.city,
            "state": address.state,
            "postalCode": address.postal_code,
            "country": address.country,
        }] if address.line1 or address.city else [],
        "contact": [{
            "relationship": [{"text": contact.relationship}] if contact.relationship else [],
            "name": {"text": contact.name},
            "telecom": [{"system": "phone", "value": contact.phone}] if contact.phone else [],
        }] if contact.name else [],
        "communication": [{"language": {"text": patient.preferred_language}, "preferred": True}]
        if patient.preferred_language else [],
        "link": ([{"other": {"reference": f"Patient/{replaced_by}"}, "type": "replaced-by"}] if replaced_by else [])
        + [{"other": {"reference": f"Patient/{absorbed}"}, "type": "replaces"} for absorbed in replaces],
    })


def practitioner_resource(staff: StaffRecord) -> dict[str, Any]:
    return _prune({
        "resourceType": "Practitioner",
        "id": str(staff.id),
        "identifier": [{"system": NPI_SYSTEM, "value": staff.npi}] if staff.npi else [],
        "active": staff.active,
        "name": [{"text": staff.name}],
    })


def bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """A ``collection`` Bundle of the given resources."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "total": len(resources),
        "entry": [{"fullUrl": f"urn:uuid:{r['resourceType'].lower()}-{r['id']}", "resource": r} for r in resources],
    }
