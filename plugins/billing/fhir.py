"""FHIR R4 JSON of billing: a claim as a ``Claim`` (what was billed to the payer) and an
``Invoice`` (the encounter's charges as the patient's bill), in a ``collection`` Bundle with
everything they refer to: the Patient, the rendering Practitioner, the practice and the payer
as ``Organization``, the ``Coverage`` (and its subscriber as ``RelatedPerson`` when that is not
the patient). Patients' policies as ``Coverage`` also join the patients' FHIR export through
``medoffice_fhir_patient_resources``.

Ids and references are the practice's UUIDs (:mod:`medoffice.core.fhir`): a Coverage is the
same resource, with the same id, in a claim's bundle and in the patients' export.

Codes are written with their standard systems: CPT/HCPCS
(``http://www.ama-assn.org/go/cpt``), ICD-10-CM (``http://hl7.org/fhir/sid/icd-10-cm``, with
the dot), claim type ``professional``, place of service (CMS). Amounts are ``USD``
decimals. Exporting is audited, since the bundle carries patient data.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medoffice.core import Context
from medoffice.core import fhir as core_fhir
from medoffice.core.fhir import _prune, to_json  # noqa: F401 (to_json: billing's callers use it from here)
from medoffice.core.records import FhirIds, PatientRecord
from medoffice.core.services import patients, staff

from .claims import _claim_row, claim_data
from .codes import with_dot
from .models import Encounter, Payer, Policy
from .permissions import CLAIMS
from .policies import PolicyRecord, to_record
from .x12.p837 import ClaimData

CPT = "http://www.ama-assn.org/go/cpt"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"
POS = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
RELATIONSHIP = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
COPAY_TYPE = "http://terminology.hl7.org/CodeSystem/coverage-copay-type"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
PAYER_ID_SYSTEM = "urn:medoffice:payer-id"
CLAIM_NUMBER_SYSTEM = "urn:medoffice:claim-number"
CLAIM_STATUS = {"draft": "draft", "ready": "draft", "submitted": "active", "paid": "active", "denied": "active"}
INVOICE_STATUS = {"draft": "draft", "ready": "draft", "submitted": "issued", "paid": "balanced", "denied": "issued"}
RANK_ORDER = {"primary": 1, "secondary": 2}


def _money(value: Decimal) -> dict[str, Any]:
    return {"value": value, "currency": "USD"}


def payer_key(payer_id: int) -> str:
    return f"payer-{payer_id}"


def payer_resource(payer: Payer, ids: FhirIds) -> dict[str, Any]:
    """A payer as an ``Organization`` of type ``pay``, its clearinghouse id as identifier."""
    return _prune({
        "resourceType": "Organization",
        "id": ids.id("Organization", payer_key(payer.id)),
        "identifier": [{"system": PAYER_ID_SYSTEM, "value": payer.payer_code}],
        "active": payer.active,
        "type": [{"coding": [{"system": ORGANIZATION_TYPE, "code": "pay"}]}],
        "name": payer.name,
        "telecom": [{"system": "phone", "value": payer.phone}] if payer.phone else [],
        "address": [{"line": [x for x in (payer.address_line1, payer.address_line2) if x], "city": payer.city,
                     "state": payer.state, "postalCode": payer.postal_code}] if payer.address_line1 else [],
    })


def subscriber_resource(policy: PolicyRecord, ids: FhirIds) -> dict[str, Any]:
    """The subscriber of a policy held by someone else (spouse, parent…) as ``RelatedPerson``."""
    person = policy.subscriber
    a = person.address
    return _prune({
        "resourceType": "RelatedPerson",
        "id": ids.id("RelatedPerson", f"subscriber-{policy.id}"),
        "patient": ids.reference("Patient", policy.patient_id),
        "relationship": [{"coding": [{"system": RELATIONSHIP, "code": policy.relationship}]}],
        "name": [{"family": person.last_name,
                  "given": [n for n in (person.first_name, person.middle_name) if n]}],
        "gender": person.sex,
        "birthDate": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "address": [core_fhir.address_element(a)] if a.line1 or a.city else [],
    })


def coverage_resource(policy: PolicyRecord, ids: FhirIds) -> dict[str, Any]:
    """A policy as ``Coverage``: member id, order (1 primary, 2 secondary), the subscriber,
    the group, the effective period and the copay."""
    subscriber = (ids.reference("Patient", policy.patient_id) if policy.relationship == "self"
                  else ids.reference("RelatedPerson", f"subscriber-{policy.id}"))
    return _prune({
        "resourceType": "Coverage",
        "id": ids.id("Coverage", policy.id),
        "status": "active",
        "subscriber": subscriber,
        "subscriberId": policy.member_id,
        "beneficiary": ids.reference("Patient", policy.patient_id),
        "relationship": {"coding": [{"system": RELATIONSHIP, "code": policy.relationship}]},
        "period": {"start": policy.effective_from.isoformat() if policy.effective_from else None,
                   "end": policy.effective_to.isoformat() if policy.effective_to else None},
        "payor": [ids.reference("Organization", payer_key(policy.payer_id), policy.payer)],
        "class": [{"type": {"coding": [{"system": COVERAGE_CLASS, "code": "group"}]},
                   "value": policy.group_number, "name": policy.group_name}] if policy.group_number else [],
        "order": RANK_ORDER[policy.rank],
        "costToBeneficiary": [{"type": {"coding": [{"system": COPAY_TYPE, "code": "copay"}]},
                               "valueMoney": _money(policy.copay)}] if policy.copay else [],
    })


def policy_resources(policy: PolicyRecord, ids: FhirIds) -> list[dict[str, Any]]:
    """The Coverage of a policy, and its subscriber when that is not the patient."""
    found = [coverage_resource(policy, ids)]
    if policy.relationship != "self":
        found.append(subscriber_resource(policy, ids))
    return found


def patients_resources(ctx: Context, chosen: tuple[PatientRecord, ...], ids: FhirIds) -> list[dict[str, Any]]:
    """Every active policy of these patients as Coverage, and the payers they name."""
    from sqlalchemy import select

    by_id = {p.id: p for p in chosen}
    found: list[dict[str, Any]] = []
    payers: dict[int, Payer] = {}
    for number in range(0, len(by_id), 500):
        chunk = list(by_id)[number:number + 500]
        query = (select(Policy, Payer).join(Payer, Payer.id == Policy.payer_id)
                 .where(Policy.patient_id.in_(chunk), Policy.active.is_(True)).order_by(Policy.id))
        for row, payer in ctx.session.execute(query):
            payers[payer.id] = payer
            found += policy_resources(to_record(row, payer, by_id[row.patient_id]), ids)
    return [payer_resource(payers[key], ids) for key in sorted(payers)] + found


def claim_resource(claim: ClaimData, ids: FhirIds, *, patient: PatientRecord, provider_id: int | None,
                   policy_id: int, payer_id: int, practice: Any, created: str) -> dict:
    """The ``Claim`` resource of a claim (use ``claim``, type ``professional``)."""
    return _prune({
        "resourceType": "Claim",
        "id": ids.id("Claim", claim.id),
        "identifier": [{"system": CLAIM_NUMBER_SYSTEM, "value": claim.claim_number}],
        "status": CLAIM_STATUS[claim.status],
        "type": {"coding": [{"system": CLAIM_TYPE, "code": "professional"}]},
        "use": "claim",
        "patient": ids.reference("Patient", patient.id),
        "billablePeriod": {"start": claim.date_of_service.isoformat(), "end": claim.date_of_service.isoformat()},
        "created": created,
        "provider": core_fhir.organization_reference(ids, practice),
        "priority": {"coding": [{"system": PRIORITY, "code": "normal"}]},
        "insurer": ids.reference("Organization", payer_key(payer_id), claim.payer.name),
        "related": [{"reference": {"value": claim.payer_claim_number},
                     "relationship": {"coding": [{"code": "prior"}]}}] if claim.payer_claim_number else [],
        "careTeam": [{"sequence": 1, "provider": ids.reference("Practitioner", provider_id)}] if provider_id else [],
        "diagnosis": [{"sequence": n, "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM,
                                                                               "code": with_dot(code)}]}}
                      for n, code in enumerate(claim.diagnoses, start=1)],
        "insurance": [{"sequence": 1, "focal": True, "coverage": ids.reference("Coverage", policy_id)}],
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


def invoice_resource(claim: ClaimData, ids: FhirIds, *, patient: PatientRecord, practice: Any,
                     created: str) -> dict:
    """The ``Invoice`` of the claim's lines, as the patient's bill from the practice."""
    return _prune({
        "resourceType": "Invoice",
        "id": ids.id("Invoice", claim.id),
        "identifier": [{"system": CLAIM_NUMBER_SYSTEM, "value": claim.claim_number}],
        "status": INVOICE_STATUS[claim.status],
        "subject": ids.reference("Patient", patient.id),
        "recipient": ids.reference("Patient", patient.id),
        "date": created,
        "issuer": core_fhir.organization_reference(ids, practice),
        "lineItem": [{
            "sequence": line.line_number,
            "chargeItemCodeableConcept": {"coding": [{"system": CPT, "code": line.code}]},
            "priceComponent": [{"type": "base", "factor": line.units, "amount": _money(line.amount)}],
        } for line in claim.lines],
        "totalNet": _money(claim.total),
        "totalGross": _money(claim.total),
    })


def claim_bundle(ctx: Context, claim_id: int) -> dict[str, Any]:
    """A Bundle of the claim's Claim and Invoice with everything they refer to: the Patient,
    the Practitioner, the practice and the payer as Organizations, the Coverage (and its
    subscriber). JSON-ready: amounts as ``Decimal`` (:func:`to_json`)."""
    ctx.require(CLAIMS)
    ids = core_fhir.ids_for(ctx)
    row = _claim_row(ctx, claim_id)
    (data,) = claim_data(ctx, [row])
    encounter = ctx.session.get(Encounter, row.encounter_id)
    created = ctx.local(row.created_at).isoformat()
    patient = patients.get_by_id(ctx, row.patient_id)
    provider = staff.get(ctx, encounter.provider_id)
    practice = ctx.practice
    payer = ctx.session.get(Payer, row.payer_id)
    policy = to_record(ctx.session.get(Policy, row.policy_id), ctx.session.get(Payer, ctx.session.get(
        Policy, row.policy_id).payer_id), patient)
    resources = [claim_resource(data, ids, patient=patient, provider_id=provider.id, policy_id=row.policy_id,
                                payer_id=row.payer_id, practice=practice, created=created),
                 invoice_resource(data, ids, patient=patient, practice=practice, created=created),
                 core_fhir.patient_resource(patient, ids), core_fhir.practitioner_resource(provider, ids),
                 core_fhir.organization_resource(practice, ids), payer_resource(payer, ids),
                 *policy_resources(policy, ids)]
    if policy.payer_id != payer.id:
        resources.append(payer_resource(ctx.session.get(Payer, policy.payer_id), ids))
    ctx.audit("billing.claim.exported", "billing_claim", row.id, patient_id=row.patient_id,
              summary={"format": "fhir", "claim_number": row.claim_number})
    return core_fhir.bundle(resources)
