"""Reading a bundle as a receiving system would: the R4B models of ``fhir.resources`` and an
independent check of FHIR's Bundle invariants and of every reference.

:func:`bundle_problems` knows nothing of medoffice: it applies the invariants of Bundle
(bdl-1 to bdl-12, R4) as they are written in the specification, FHIR's JSON rules (no empty
arrays, objects or strings; ids of at most 64 letters, digits, ``-`` and ``.``; a
``urn:uuid:`` is a lower-case UUID) and the rule for resolving references inside a bundle:
a reference is an entry's ``fullUrl``, or a relative ``Type/id`` that names an entry's
resource; a local ``#id`` names a contained resource; a conditional ``Type?search`` is left to
the server, in a transaction only. References to things the bundle does
not carry must be logical (``identifier``, no ``reference``). Where the element says which
types it may point at, the resolved resource must be one of them.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from fhir.resources.R4B.bundle import Bundle

ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
URN_UUID = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
BUNDLE_TYPES = ("document", "message", "transaction", "transaction-response", "batch", "batch-response",
                "history", "searchset", "collection")
TARGETS = {
    "Appointment.participant.actor": {"Patient", "Practitioner", "PractitionerRole", "RelatedPerson", "Device",
                                      "HealthcareService", "Location"},
    "Appointment.slot": {"Slot"},
    "Slot.schedule": {"Schedule"},
    "Schedule.actor": {"Patient", "Practitioner", "PractitionerRole", "RelatedPerson", "Device",
                       "HealthcareService", "Location"},
    "Location.managingOrganization": {"Organization"},
    "Location.partOf": {"Location"},
    "Patient.link.other": {"Patient", "RelatedPerson"},
    "Patient.managingOrganization": {"Organization"},
    "RelatedPerson.patient": {"Patient"},
    "Coverage.beneficiary": {"Patient"},
    "Coverage.subscriber": {"Patient", "RelatedPerson"},
    "Coverage.policyHolder": {"Patient", "RelatedPerson", "Organization"},
    "Coverage.payor": {"Organization", "Patient", "RelatedPerson"},
    "Claim.patient": {"Patient"},
    "Claim.provider": {"Practitioner", "PractitionerRole", "Organization"},
    "Claim.insurer": {"Organization"},
    "Claim.careTeam.provider": {"Practitioner", "PractitionerRole", "Organization"},
    "Claim.insurance.coverage": {"Coverage"},
    "Invoice.subject": {"Patient", "Group"},
    "Invoice.recipient": {"Organization", "Patient", "RelatedPerson"},
    "Invoice.issuer": {"Organization"},
    "Device.owner": {"Organization"},
    "Device.location": {"Location"},
    "Device.parent": {"Device"},
}


def _walk(value: Any, path: str):
    """Every (path, dict) below ``value``; list items keep their parent's path."""
    if isinstance(value, dict):
        yield path, value
        for key, inner in value.items():
            yield from _walk(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner, path)


def _empty(value: Any, path: str) -> list[str]:
    if value in ("", [], {}) or value is None:
        return [f"{path} is empty (FHIR JSON leaves empty elements out)"]
    if isinstance(value, dict):
        return [p for key, inner in value.items() for p in _empty(inner, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for inner in value for p in _empty(inner, path)]
    return []


def bundle_problems(bundle: dict[str, Any]) -> list[str]:
    """Every broken invariant and unresolved reference, one line each (empty: all well)."""
    problems: list[str] = []
    kind = bundle.get("type")
    if bundle.get("resourceType") != "Bundle" or kind not in BUNDLE_TYPES:
        return [f"not a Bundle of a known type: {bundle.get('resourceType')} {kind}"]
    problems += _empty(bundle, "Bundle")
    entries = bundle.get("entry", [])
    if "total" in bundle and kind not in ("searchset", "history"):
        problems.append("bdl-1: total only when a search or history")
    if kind == "document":
        if not (bundle.get("identifier", {}).get("system") and bundle.get("identifier", {}).get("value")):
            problems.append("bdl-9: a document must have an identifier with a system and a value")
        if "timestamp" not in bundle:
            problems.append("bdl-10: a document must have a date")
        if not entries or entries[0].get("resource", {}).get("resourceType") != "Composition":
            problems.append("bdl-11: a document must have a Composition as the first resource")
    if kind == "message" and (not entries or entries[0].get("resource", {}).get("resourceType") != "MessageHeader"):
        problems.append("bdl-12: a message must have a MessageHeader as the first resource")
    full_urls: dict[str, int] = {}
    by_type_id: dict[tuple[str, str], dict] = {}
    for number, entry in enumerate(entries, start=1):
        resource = entry.get("resource")
        if "search" in entry and kind != "searchset":
            problems.append(f"bdl-2: entry {number} has search in a {kind}")
        needs_request = kind in ("batch", "transaction", "history")
        if needs_request != ("request" in entry):
            problems.append(f"bdl-3: entry {number}: request {'missing' if needs_request else 'not allowed'}")
        needs_response = kind in ("batch-response", "transaction-response", "history")
        if needs_response != ("response" in entry):
            problems.append(f"bdl-4: entry {number}: response {'missing' if needs_response else 'not allowed'}")
        if resource is None and "request" not in entry and "response" not in entry:
            problems.append(f"bdl-5: entry {number} has no resource, request or response")
        url = entry.get("fullUrl")
        if url is not None:
            if "/_history/" in url:
                problems.append(f"bdl-8: entry {number}'s fullUrl is version specific")
            if url.startswith("urn:uuid:") and not URN_UUID.match(url):
                problems.append(f"entry {number}: {url!r} is not urn:uuid: and a lower-case UUID")
            if url in full_urls and kind != "history":
                problems.append(f"bdl-7: entries {full_urls[url]} and {number} share the fullUrl {url}")
            full_urls.setdefault(url, number)
        if resource is not None:
            rid = resource.get("id")
            if rid is not None and not ID.match(str(rid)):
                problems.append(f"entry {number}: id {rid!r} is not a FHIR id")
            if url and not url.startswith("urn:") and rid and not url.endswith(f"{resource['resourceType']}/{rid}"):
                problems.append(f"entry {number}: fullUrl {url} disagrees with the resource's id {rid}")
            if rid is not None:
                by_type_id[(resource["resourceType"], str(rid))] = resource
    resolved = {url: entries[n - 1].get("resource") for url, n in full_urls.items()}
    for number, entry in enumerate(entries, start=1):
        resource = entry.get("resource")
        if resource is None:
            continue
        contained = {c.get("id") for c in resource.get("contained", [])}
        for path, item in _walk(resource, resource["resourceType"]):
            if isinstance(item.get("reference"), str):
                problems += _reference(number, path, item, resolved, by_type_id, contained, kind)
            elif path in TARGETS:
                if not (isinstance(item.get("identifier"), dict) or item.get("display")):
                    problems.append(f"entry {number}: {path} is a reference with neither reference, "
                                    "identifier nor display")
                elif isinstance(item.get("identifier"), dict) and not (
                        item["identifier"].get("system") and item["identifier"].get("value")):
                    problems.append(f"entry {number}: {path}'s logical reference lacks a system or a value")
    return problems


def _reference(number: int, path: str, item: dict, resolved: dict, by_type_id: dict, contained: set,
               kind: str) -> list[str]:
    text = item["reference"]
    if "?" in text:  # a conditional reference: the server resolves it when it processes a transaction
        return [] if kind == "transaction" else [f"entry {number}: {path} -> {text} is conditional outside a "
                                                   "transaction"]
    if text.startswith("#"):
        return [] if text[1:] in contained else [f"entry {number}: {path} {text} names no contained resource"]
    target = resolved.get(text)
    if target is None and not text.startswith("urn:") and "/" in text:
        kind, key = text.split("/")[-2:]
        target = by_type_id.get((kind, key))
    if target is None:
        return [f"entry {number}: {path} -> {text} does not resolve inside the bundle"]
    allowed = TARGETS.get(path)
    if allowed is not None and target["resourceType"] not in allowed:
        return [f"entry {number}: {path} -> {text} is a {target['resourceType']}, not one of {sorted(allowed)}"]
    if item.get("type") and item["type"] != target["resourceType"]:
        return [f"entry {number}: {path} says type {item['type']} but resolves to a {target['resourceType']}"]
    return []


def check_bundle(bundle: dict[str, Any]) -> dict[str, Any]:
    """Assert the bundle is valid R4B (every resource included) and breaks no invariant;
    returns it as a receiver reads it back from its JSON text."""
    from medoffice.core.fhir import to_json

    text = to_json(bundle)
    document = json.loads(text)
    Bundle.model_validate(document)
    problems = bundle_problems(document)
    assert not problems, "\n".join(problems[:20])
    return document


def is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False
