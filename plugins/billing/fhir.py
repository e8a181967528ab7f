"""FHIR R4 JSON of a claim: a ``Claim`` (what was billed to the payer) and an ``Invoice``
(the encounter's charges as the patient's bill), in a ``collection`` Bundle with the
Patient, the rendering Practitioner, the practice as Organization and the Coverage.

Codes are written with their standard systems: CPT/HCPCS
(``http://www.ama-assn.org/go/cpt``), ICD-10-CM (``http://hl7.org/fhir/sid/icd-10-cm``, with
the dot), claim type ``professional``, place of service (CMS). Amounts are ``USD``
decimals. Exporting is audited, since the bundle carries patient data.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from medoffice.core import Context
from medoffice.core.fhir import NPI_SYSTEM, _prune, bundle, patient_resource, practitioner_resource
from medoffice.core.services import patients, staff

from .claims import _claim_row, billing_provider, claim_data
from .codes import with_dot
from .models import Encounter
from .permissions import CLAIMS
from .x12.p837 import BillingProvider, ClaimData, digits

CPT = "http://www.ama-assn.org/go/cpt"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"
POS = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
EIN = "urn:oid:2.16.840.1.113883.4.4"
RELATIONSHIP = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
PRACTICE_ID = "practice"
CLAIM_STATUS = {"draft": "draft", "ready": "draft", "submitted": "active", "paid": "active", "denied": "active"}
INVOICE_STATUS = {"draft": "draft", "ready": "draft", "submitted": "issued", "paid": "balanced", "denied": "issued"}


def _money(value: Decimal) -> dict[str, Any]:
    return {"value": value, "currency": "USD"}


def to_json(data: Any) -> str:
    """FHIR JSON text: a ``Decimal`` is written as a JSON number, digit for digit (never
    through a float)."""
    marked = json.dumps(data, indent=2, default=lambda v: f"\x00{v}\x00" if isinstance(v, Decimal) else str(v))
    return re.sub(r'"\\u0000(-?[0-9.]+)\\u0000"', r"\1", marked)


def organization_resource(practice: BillingProvider) -> dict[str, Any]:
    a = practice.address
    return _prune({
        "resourceType": "Organization",
        "id": PRACTICE_ID,
        "identifier": [{"system": NPI_SYSTEM, "value": practice.npi} if practice.npi else None,
                       {"system": EIN, "value": digits(practice.tax_id)} if practice.tax_id else None],
        "name": practice.name,
        "telecom": [{"system": "phone", "value": practice.phone}] if practice.phone else [],
        "address": [{"line": [x for x in (a.line1, a.line2) if x], "city": a.city, "state": a.state,
                     "postalCode": a.postal_code}] if a.line1 else [],
    })


def claim_resource(claim: ClaimData, *, patient_id: int, provider_id: int | None, policy_id: int, created: str) -> dict:
    """The ``Claim`` resource of a claim (use ``claim``, type ``professional``)."""
    return _prune({
        "resourceType": "Claim",
        "id": str(claim.id),
        "identifier": [{"system": "urn:medoffice:claim-number", "value": claim.claim_number}],
        "status": CLAIM_STATUS[claim.status],
        "type": {"coding": [{"system": CLAIM_TYPE, "code": "professional"}]},
        "use": "claim",
        "patient": {"reference": f"Patient/{patient_id}"},
        "billablePeriod": {"start": claim.date_of_service.isoformat(), "end": claim.date_of_service.isoformat()},
        "created": created,
        "provider": {"reference": f"Organization/{PRACTICE_ID}"},
        "priority": {"coding": [{"system": PRIORITY, "code": "normal"}]},
        "insurer": {"display": claim.payer.name,
                    "identifier": {"system": "urn:medoffice:payer-id", "value": claim.payer.payer_code}},
        "related": [{"reference": {"value": claim.payer_claim_number},
                     "relationship": {"coding": [{"code": "prior"}]}}] if claim.payer_claim_number else [],
        "careTeam": [{"sequence": 1, "provider": {"reference": f"Practitioner/{provider_id}"}}] if provider_id else [],
        "diagnosis": [{"sequence": n, "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM,
                                                                               "code": with_dot(code)}]}}
                      for n, code in enumerate(claim.diagnoses, start=1)],
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"reference": f"Coverage/{policy_id}"}}],
        "item": [{
            "sequence": line.line_number,
            "careTeamSequence": [1] if provider_id else [],
            "diagnosisSequence": list(line.pointers),
            "productOrService": {"coding": [{"system": CPT, "code": line.code}]},
            "modifier": [{"coding": [{"system": CPT, "code": m}]} for m in line.modifiers],
            "servicedDate": line.date_of_service.isoformat(),
            "locationCodeableConcept": {"coding": [{"system": POS, "code": claim.place_of_service}]},
            "quantity": {"value": line.units},
            "unitPrice": _money((line.amount / line.units).quantize(Decimal("0.01"))),
            "net": _money(line.amount),
        } for line in claim.lines],
        "total": _money(claim.total),
    })


def invoice_resource(claim: ClaimData, *, patient_id: int, created: str) -> dict:
    """The ``Invoice`` of the claim's lines, as the patient's bill from the practice."""
    return _prune({
        "resourceType": "Invoice",
        "id": str(claim.id),
        "identifier": [{"system": "urn:medoffice:claim-number", "value": claim.claim_number}],
        "status": INVOICE_STATUS[claim.status],
        "subject": {"reference": f"Patient/{patient_id}"},
        "recipient": {"reference": f"Patient/{patient_id}"},
        "date": created,
        "issuer": {"reference": f"Organization/{PRACTICE_ID}"},
        "lineItem": [{
            "sequence": line.line_number,
            "chargeItemCodeableConcept": {"coding": [{"system": CPT, "code": line.code}]},
            "priceComponent": [{"type": "base", "factor": line.units, "amount": _money(line.amount)}],
        } for line in claim.lines],
        "totalNet": _money(claim.total),
        "totalGross": _money(claim.total),
    })


def coverage_resource(claim: ClaimData, *, policy_id: int, patient_id: int) -> dict:
    return _prune({
        "resourceType": "Coverage",
        "id": str(policy_id),
        "status": "active",
        "subscriberId": claim.subscriber.member_id,
        "beneficiary": {"reference": f"Patient/{patient_id}"},
        "relationship": {"coding": [{"system": RELATIONSHIP, "code": claim.subscriber.relationship}]},
        "payor": [{"display": claim.payer.name}],
        "order": 1 if claim.sequence == "primary" else 2,
    })


def claim_bundle(ctx: Context, claim_id: int) -> dict[str, Any]:
    """A Bundle of the claim's Claim and Invoice with the Patient, Practitioner,
    Organization and Coverage they refer to (JSON-ready: amounts as ``Decimal``)."""
    ctx.require(CLAIMS)
    row = _claim_row(ctx, claim_id)
    (data,) = claim_data(ctx, [row])
    encounter = ctx.session.get(Encounter, row.encounter_id)
    created = ctx.local(row.created_at).isoformat()
    patient = patients.get_by_id(ctx, row.patient_id)
    provider = staff.get(ctx, encounter.provider_id)
    resources = [claim_resource(data, patient_id=patient.id, provider_id=provider.id, policy_id=row.policy_id,
                                created=created),
                 invoice_resource(data, patient_id=patient.id, created=created),
                 patient_resource(patient), practitioner_resource(provider),
                 organization_resource(billing_provider(ctx)),
                 coverage_resource(data, policy_id=row.policy_id, patient_id=patient.id)]
    ctx.audit("billing.claim.exported", "billing_claim", row.id, patient_id=row.patient_id,
              summary={"format": "fhir", "claim_number": row.claim_number})
    return bundle(resources)

