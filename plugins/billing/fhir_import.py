"""Insurance from a FHIR import: each active ``Coverage`` of an imported patient becomes a policy.

``medoffice patients import --format fhir`` asks every plugin to check its entries before the
core writes anything, then to import them (``medoffice_fhir_import_check`` and
``medoffice_fhir_import``). A Coverage reads as:

- ``beneficiary``: a Patient of the same bundle (else the entry is refused);
- ``payor``: one of the practice's active payers, by its payer id (an ``Organization`` of the
  bundle with identifier ``urn:medoffice:payer-id``) or by name (the Organization's, or the
  reference's ``display``), ignoring case. An import never adds payers: billers keep that
  list, and a payer the practice does not know refuses the entry;
- ``subscriberId`` (else an identifier of type ``MB``): the member id; ``order`` 1 primary,
  2 secondary (none: primary); ``relationship`` self, spouse, child (parent, common, injured
  and other: other); for a subscriber other than the patient, the ``subscriber`` (a Patient or
  RelatedPerson of the bundle) gives the name, birth date, sex and address;
- ``class`` of type ``group``: group number and name; ``period``: effective dates;
  ``costToBeneficiary`` of type ``copay``: the copay.

A Coverage whose ``status`` is not ``active`` is left alone, as are Coverages contained in
other resources. A policy already on file (same patient, payer and member id) is not added
again, so importing a bundle twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from sqlalchemy import select

from medoffice.core import Context, ValidationError
from medoffice.core.records import FhirEntry, FhirImport, FhirImported, PatientRecord

from .models import Payer, Policy
from .policies import _parse, add_policy

PAYER_ID_SYSTEM = "urn:medoffice:payer-id"
_RELATIONSHIP = {"self": "self", "spouse": "spouse", "child": "child", "parent": "other", "common": "other",
                 "injured": "other", "other": "other"}
_RANK = {1: "primary", 2: "secondary"}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _codes(concept: Any) -> list[str]:
    return [_text(c.get("code")) for c in _list((concept or {}).get("coding"))] if isinstance(concept, dict) else []


@attrs.frozen
class _Planned:
    entry: FhirEntry
    patient_entry: int
    payer: Payer
    values: dict[str, Any]
    """The policy's fields as :func:`.policies.add_policy` takes them (text)."""


def _payer(bundle: FhirImport, entry: FhirEntry, payers: list[Payer]) -> Payer:
    payor = _list(entry.resource.get("payor"))
    if not payor:
        raise ValidationError("it names no payor")
    reference = payor[0]
    organization = bundle.resolve(reference)
    names = [_text(reference.get("display"))]
    codes = []
    if organization is not None and organization.resource_type == "Organization":
        names.insert(0, _text(organization.resource.get("name")))
        codes = [_text(i.get("value")) for i in _list(organization.resource.get("identifier"))
                 if i.get("system") == PAYER_ID_SYSTEM]
    identifier = reference.get("identifier")
    if isinstance(identifier, dict) and identifier.get("system") == PAYER_ID_SYSTEM:
        codes.append(_text(identifier.get("value")))
    active = [p for p in payers if p.active]
    for code in filter(None, codes):
        found = [p for p in active if p.payer_code == code]
        if len(found) == 1:
            return found[0]
    for name in filter(None, names):
        found = [p for p in active if p.name.lower() == " ".join(name.split()).lower()]
        if found:
            return found[0]
    said = next(filter(None, names), "") or next(filter(None, codes), "")
    if not said:
        raise ValidationError("its payor has no name the practice could know it by")
    raise ValidationError(f"no payer of the practice is named {said[:60]!r} (add it with 'medoffice billing "
                          "payers add', then import again)")


def _member_id(resource: Mapping[str, Any]) -> str:
    found = _text(resource.get("subscriberId"))
    if found:
        return found
    for identifier in _list(resource.get("identifier")):
        if "MB" in _codes(identifier.get("type")) and _text(identifier.get("value")):
            return _text(identifier["value"])
    return ""


def _subscriber(bundle: FhirImport, entry: FhirEntry) -> dict[str, str]:
    person = bundle.resolve(entry.resource.get("subscriber"))
    if person is None or person.resource_type not in ("Patient", "RelatedPerson"):
        return {}
    resource = person.resource
    names = _list(resource.get("name"))
    name = next((n for n in names if n.get("use") in ("official", "usual")), names[0] if names else {})
    given = [_text(g) for g in name.get("given", []) if _text(g)] if isinstance(name.get("given"), list) else []
    addresses = _list(resource.get("address"))
    address = addresses[0] if addresses else {}
    lines = [_text(x) for x in address.get("line", []) if _text(x)] if isinstance(address.get("line"), list) else []
    gender = _text(resource.get("gender"))
    return {"subscriber_first_name": given[0] if given else "", "subscriber_middle_name": " ".join(given[1:]),
            "subscriber_last_name": _text(name.get("family")), "subscriber_date_of_birth": _text(
                resource.get("birthDate")), "subscriber_sex": gender if gender in ("female", "male") else
            ("unknown" if gender else ""), "address_line1": lines[0] if lines else "",
            "address_line2": ", ".join(lines[1:]), "city": _text(address.get("city")),
            "state": _text(address.get("state")), "postal_code": _text(address.get("postalCode"))}


def _values(bundle: FhirImport, entry: FhirEntry) -> dict[str, str]:
    resource = entry.resource
    order = resource.get("order")
    if order is not None and (not isinstance(order, int) or isinstance(order, bool) or order not in _RANK):
        raise ValidationError(f"order {str(order)[:20]!r}: the practice bills a primary (1) and a secondary (2) "
                              "policy only")
    codes = _codes(resource.get("relationship"))
    relationship = next((_RELATIONSHIP[c] for c in codes if c in _RELATIONSHIP), "self" if not codes else "")
    if not relationship:
        raise ValidationError(f"relationship {codes[0][:20]!r} is not a subscriber relationship "
                              f"({', '.join(_RELATIONSHIP)})")
    values = {"rank": _RANK[order] if order else "primary", "relationship": relationship,
              "member_id": _member_id(resource)}
    if not values["member_id"]:
        raise ValidationError("it has no member id (subscriberId)")
    group = next((c for c in _list(resource.get("class")) if "group" in _codes(c.get("type"))), None)
    if group is not None:
        values |= {"group_number": _text(group.get("value")), "group_name": _text(group.get("name"))}
    period = resource.get("period") if isinstance(resource.get("period"), dict) else {}
    values |= {"effective_from": _text(period.get("start"))[:10], "effective_to": _text(period.get("end"))[:10]}
    for cost in _list(resource.get("costToBeneficiary")):
        money = cost.get("valueMoney")
        if "copay" in _codes(cost.get("type")) and isinstance(money, dict) and money.get("value") is not None:
            values["copay"] = str(money["value"])
            break
    if relationship != "self":
        values |= _subscriber(bundle, entry)
    return {k: v for k, v in values.items() if v}


def _plan(ctx: Context, bundle: FhirImport) -> tuple[list[_Planned], list[str]]:
    payers = list(ctx.session.execute(select(Payer).order_by(Payer.id)).scalars())
    planned, problems = [], []
    taken: dict[tuple[int, str], str] = {}
    for entry in bundle.entries:
        if entry.resource_type != "Coverage" or entry.resource.get("status") != "active":
            continue
        beneficiary = bundle.resolve(entry.resource.get("beneficiary"))
        if beneficiary is None or beneficiary.resource_type != "Patient" or beneficiary.number not in bundle.patients:
            said = _text((entry.resource.get("beneficiary") or {}).get("reference")
                         if isinstance(entry.resource.get("beneficiary"), dict) else "")
            problems.append(f"{entry.label}: its beneficiary {said[:80]!r} is not a Patient of this bundle")
            continue
        try:
            payer = _payer(bundle, entry, payers)
            values = _values(bundle, entry)
            _parse(ctx, values)  # every rule a policy typed at the desk must meet
        except ValidationError as error:
            problems.append(f"{entry.label}: {error.message}")
            continue
        planned.append(_Planned(entry, beneficiary.number, payer, values))
        patient = bundle.patients[beneficiary.number]
        if patient is not None and _on_file(ctx, patient, payer, values["member_id"]) is not None:
            continue
        slot = (beneficiary.number, values.get("rank", "primary"))
        if slot in taken:
            problems.append(f"{entry.label}: {taken[slot]} is already the patient's {slot[1]} policy in this bundle")
            continue
        taken[slot] = entry.label.split(" (")[0]
        if patient is not None:
            holder = ctx.session.execute(select(Policy.member_id, Payer.name).join(Payer, Payer.id == Policy.payer_id)
                                         .where(Policy.patient_id == patient.id, Policy.rank == slot[1],
                                                Policy.active.is_(True))).first()
            if holder is not None:
                problems.append(f"{entry.label}: {patient.display_name} already has an active {slot[1]} policy "
                                f"({holder.name}, member {holder.member_id}); end it first")
    return planned, problems


def _on_file(ctx: Context, patient: PatientRecord, payer: Payer, member_id: str) -> int | None:
    return ctx.session.execute(select(Policy.id).where(
        Policy.patient_id == patient.id, Policy.payer_id == payer.id, Policy.member_id == member_id,
        Policy.active.is_(True))).scalar()


def check(ctx: Context, bundle: FhirImport) -> list[str] | None:
    """The bundle's active Coverages, each checked as a policy the desk adds; one line per bad one."""
    if not any(e.resource_type == "Coverage" for e in bundle.entries):
        return None
    return _plan(ctx, bundle)[1] or None


def import_coverages(ctx: Context, bundle: FhirImport) -> FhirImported | None:
    """Add a policy for each active Coverage not already on file."""
    if not any(e.resource_type == "Coverage" for e in bundle.entries):
        return None
    planned, problems = _plan(ctx, bundle)
    if problems:  # the check passed moments ago in the same unit of work; a bug if not
        raise ValidationError("; ".join(problems))
    created = unchanged = 0
    for plan in planned:
        patient = bundle.patients[plan.patient_entry]
        if _on_file(ctx, patient, plan.payer, plan.values["member_id"]) is not None:
            unchanged += 1
            continue
        add_policy(ctx, patient.mrn, plan.payer.name, plan.values)
        created += 1
    return FhirImported("insurance policies", created=created, unchanged=unchanged)


__all__ = ["check", "import_coverages"]
