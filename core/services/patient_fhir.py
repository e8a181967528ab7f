"""Patients as FHIR R4: the export (a Bundle of Patient resources and what plugins add) and the
import of a Bundle from another system (ours, an EHR, a FHIR data generator such as Synthea).

The import reads each ``Patient`` (name, birth date, gender, phone, e-mail, home address,
preferred language, emergency contact, our MRN) and hands the rest of the bundle to the
plugins (billing takes ``Coverage`` as insurance policies); every other resource type is left
alone. Like the CSV import it is all or nothing and safe to run twice:

- every entry is checked, by the core and by each plugin, before anything is written; one bad
  entry and nothing is written, and the error names each bad entry (``entry 3 (Patient …)``);
- a Patient carrying our MRN (identifier system :data:`~medoffice.core.fhir.MRN_SYSTEM`)
  updates that patient where the values differ, or registers them under that MRN; an MRN of
  ours that belongs to someone else (another birth date, another name) is refused;
- a Patient without our MRN that matches a patient by name and birth date is left alone;
  otherwise the patient is registered with the next MRN.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

import attrs
from sqlalchemy import select

from .. import fhir
from ..context import Context
from ..errors import MedofficeError, ValidationError
from ..records import FhirEntry, FhirImport, FhirImported, PatientRecord
from ..storage.models import Practice
from . import patients

MAX_BYTES = 100 * 1024 * 1024
"""The largest bundle an import reads (a generated patient with decades of history is ~20 MB)."""
MAX_SHOWN_ERRORS = 10
_CLIP = 160


# -- export ----------------------------------------------------------------------------------


def _merge_links(ctx: Context) -> tuple[dict[int, int], dict[int, tuple[int, ...]]]:
    """Every merge as FHIR links: absorbed id -> kept id, and kept id -> the ids it absorbed."""
    from sqlalchemy import select

    from ..storage.models import PatientMergeRow

    replaced_by: dict[int, int] = {}
    replaces: dict[int, tuple[int, ...]] = {}
    for absorbed, kept in ctx.session.execute(select(PatientMergeRow.absorbed_id, PatientMergeRow.kept_id)
                                              .order_by(PatientMergeRow.id)):
        replaced_by[absorbed] = kept
        replaces[kept] = (*replaces.get(kept, ()), absorbed)
    return replaced_by, replaces


def _patient_resources(ctx: Context, chosen: list[PatientRecord], *, in_bundle: bool) -> list[dict[str, Any]]:
    ids = fhir.ids_for(ctx)
    replaced_by, replaces = _merge_links(ctx)
    carried = {p.id for p in chosen} if in_bundle else set()

    def ref(patient_id: int) -> dict[str, Any]:
        return fhir.patient_reference(ids, patients.get_by_id(ctx, patient_id), in_bundle=patient_id in carried)

    return [fhir.patient_resource(p, ids, replaced_by=ref(replaced_by[p.id]) if p.id in replaced_by else None,
                                  replaces=tuple(ref(other) for other in replaces.get(p.id, ())))
            for p in chosen]


def export_bundle(ctx: Context, *, include_inactive: bool = True) -> dict[str, Any]:
    """Every patient as a FHIR ``collection`` Bundle: the Patient resources, then what plugins
    add about them (billing: each active policy as ``Coverage``, with its payer as
    ``Organization`` and a subscriber who is not the patient as ``RelatedPerson``).

    Raises:
        PermissionDenied: without ``patients.export``.
    """
    ctx.require("patients.export")
    chosen = list(patients.iter_all(ctx, include_inactive=include_inactive))
    resources = _patient_resources(ctx, chosen, in_bundle=True)
    resources += [resource for _plugin, resource in
                  ctx.hooks.fhir_patient_resources(ctx, tuple(chosen), fhir.ids_for(ctx))]
    ctx.audit("patients.exported", "patient", None, summary={"format": "fhir", "count": len(chosen)})
    return fhir.bundle(resources)


def export_one(ctx: Context, mrn: str) -> dict[str, Any]:
    """One patient's Patient resource (a merged record's links name the other by MRN)."""
    ctx.require("patients.export")
    patient = patients.get(ctx, mrn)
    ctx.audit("patients.exported", "patient", patient.mrn, patient_id=patient.id, summary={"format": "fhir", "count": 1})
    return _patient_resources(ctx, [patient], in_bundle=False)[0]


# -- import: reading the file ----------------------------------------------------------------


@attrs.frozen
class FhirImportResult:
    """What an import did: MRNs registered, updated and already there, and each plugin's part."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    ignored: int
    parts: tuple[FhirImported, ...] = ()


def clip(text: str, limit: int = _CLIP) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def read_bundle(handle: IO[bytes] | IO[str]) -> dict[str, Any]:
    """The bundle a file holds, as parsed JSON.

    Raises:
        ValidationError: larger than :data:`MAX_BYTES`, not UTF-8, not JSON, or not a
            Bundle with a list of entries.
    """
    data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; split the bundle")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(f"the file is not UTF-8 text (byte {error.start})") from None
    try:
        document = json.loads(data, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ValidationError(f"the file is not JSON: {error.msg} at line {error.lineno}, column {error.colno}") \
            from None
    except (RecursionError, ValueError) as error:
        raise ValidationError(f"the file is not JSON a FHIR bundle can be: {clip(str(error), 80)}") from None
    if not isinstance(document, dict):
        raise ValidationError(f"the file is not a FHIR Bundle: its JSON is a {type(document).__name__}, "
                              "not an object")
    kind = document.get("resourceType")
    if kind != "Bundle":
        raise ValidationError("the file is not a FHIR Bundle: " + (
            f"its resourceType is {clip(repr(kind), 40)}" if kind else "it has no resourceType"))
    if not isinstance(document.get("entry", []), list):
        raise ValidationError("the Bundle's entry is not a list")
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def bundle_entries(document: Mapping[str, Any]) -> tuple[list[FhirEntry], list[str]]:
    """The entries that hold a resource, and one line per malformed entry."""
    entries, problems = [], []
    seen: dict[str, int] = {}
    for number, raw in enumerate(document.get("entry", []), start=1):
        if not isinstance(raw, dict):
            problems.append(f"entry {number}: not a JSON object")
            continue
        resource = raw.get("resource")
        if resource is None:
            continue  # a transaction's DELETE, a response without its resource
        full_url = raw.get("fullUrl")
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            problems.append(f"entry {number}: its resource has no resourceType")
            continue
        if full_url is not None and not isinstance(full_url, str):
            problems.append(f"entry {number}: its fullUrl is not text")
            continue
        if full_url in seen:  # bdl-7: references to it could not tell the two apart
            problems.append(f"entry {number}: its fullUrl {clip(full_url, 80)} is also entry {seen[full_url]}'s")
            continue
        if full_url:
            seen[full_url] = number
        entries.append(FhirEntry(number, full_url, resource))
    return entries, problems


# -- import: reading a Patient ---------------------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _pick(items: list[dict[str, Any]], uses: tuple[str, ...], *, skip: tuple[str, ...] = ("old",)) -> dict | None:
    """The first item whose ``use`` comes first in ``uses``; else the first not in ``skip``."""
    current = [i for i in items if not (isinstance(i.get("period"), dict) and i["period"].get("end"))]
    for wanted in uses:
        for item in current:
            if item.get("use") == wanted:
                return item
    return next((i for i in current if i.get("use") not in skip), None)


def _name(resource: Mapping[str, Any]) -> dict[str, str]:
    name = _pick(_list(resource.get("name")), ("official", "usual"), skip=("old", "maiden", "anonymous"))
    if name is None:
        return {}
    given = [_text(g) for g in name.get("given", []) if _text(g)] if isinstance(name.get("given"), list) else []
    found = {"first_name": given[0] if given else "", "middle_name": " ".join(given[1:]),
             "last_name": _text(name.get("family"))}
    if not found["first_name"] and not found["last_name"] and _text(name.get("text")):
        words = _text(name["text"]).split()
        found = {"first_name": words[0], "middle_name": " ".join(words[1:-1]),
                 "last_name": words[-1] if len(words) > 1 else ""}
    return found


def _telecom(resource: Mapping[str, Any]) -> dict[str, str]:
    points = _list(resource.get("telecom"))
    phones = [p for p in points if p.get("system") == "phone" and _text(p.get("value"))]
    emails = [p for p in points if p.get("system") == "email" and _text(p.get("value"))]
    phone = _pick(sorted(phones, key=lambda p: p.get("rank") if isinstance(p.get("rank"), int) else 99),
                  ("home", "mobile", "work"))
    email = _pick(emails, ("home", "work"))
    return {"phone": _text(phone.get("value")) if phone else "", "email": _text(email.get("value")) if email else ""}


def _address(resource: Mapping[str, Any]) -> dict[str, str]:
    address = _pick([a for a in _list(resource.get("address")) if a.get("type") != "postal"],
                    ("home",), skip=("old", "billing", "temp"))
    if address is None:
        return {}
    lines = [_text(x) for x in address.get("line", []) if _text(x)] if isinstance(address.get("line"), list) else []
    return {"address_line1": lines[0] if lines else "", "address_line2": ", ".join(lines[1:]),
            "city": _text(address.get("city")), "state": _text(address.get("state")),
            "postal_code": _text(address.get("postalCode"))}


def _language(resource: Mapping[str, Any]) -> str:
    ways = _list(resource.get("communication"))
    chosen = next((c for c in ways if c.get("preferred") is True), ways[0] if ways else None)
    language = chosen.get("language") if chosen else None
    if not isinstance(language, dict):
        return ""
    coding = _list(language.get("coding"))
    return _text(language.get("text")) or next(
        (_text(c.get("display")) or _text(c.get("code")) for c in coding if _text(c.get("display") or c.get("code"))),
        "")


def _contact(resource: Mapping[str, Any]) -> dict[str, str]:
    contacts = _list(resource.get("contact"))
    if not contacts:
        return {}
    contact = contacts[0]
    name = contact.get("name") if isinstance(contact.get("name"), dict) else {}
    given = [_text(g) for g in name.get("given", []) if _text(g)] if isinstance(name.get("given"), list) else []
    full = _text(name.get("text")) or " ".join([*given, _text(name.get("family"))]).strip()
    relationship = ""
    for concept in _list(contact.get("relationship")):
        coding = _list(concept.get("coding"))
        relationship = _text(concept.get("text")) or next(
            (_text(c.get("display")) or _text(c.get("code")) for c in coding), "")
        if relationship:
            break
    phone = next((_text(t.get("value")) for t in _list(contact.get("telecom"))
                  if t.get("system") == "phone" and _text(t.get("value"))), "")
    if not (full or phone):
        return {}
    return {"emergency_name": full, "emergency_phone": phone, "emergency_relationship": relationship}


def _our_mrn(resource: Mapping[str, Any]) -> str:
    mrns = [_text(i.get("value")) for i in _list(resource.get("identifier"))
            if i.get("system") == fhir.MRN_SYSTEM and _text(i.get("value"))]
    return mrns[0] if mrns else ""


def _extension(resource: Mapping[str, Any], url: str, kind: str) -> Any:
    for item in _list(resource.get("extension")):
        if item.get("url") == url:
            return item.get(kind)
    return None


@attrs.frozen
class _Incoming:
    entry: FhirEntry
    raw: dict[str, str]
    values: dict[str, Any]
    active: bool
    inactive_reason: str | None


def parse_patient(entry: FhirEntry, today: Any) -> _Incoming:
    """A Patient resource as patient fields, checked as a form is.

    Raises:
        ValidationError: what is missing or wrong, without the entry's name.
    """
    resource = entry.resource
    gender = resource.get("gender")
    if gender is not None and gender not in fhir.GENDERS:
        raise ValidationError(f"gender must be one of {', '.join(fhir.GENDERS)}, got {clip(repr(gender), 40)}")
    born = resource.get("birthDate")
    if not _text(born):
        raise ValidationError("birthDate is required")
    raw: dict[str, Any] = {**_name(resource), **_telecom(resource), **_address(resource), **_contact(resource),
                           "date_of_birth": _text(born), "sex": gender or "unknown",
                           "preferred_language": _language(resource)}
    mrn = _our_mrn(resource)
    if mrn:
        raw["mrn"] = mrn
    reminders = _extension(resource, fhir.REMINDERS_EXTENSION, "valueBoolean")
    if isinstance(reminders, bool):
        raw["reminders"] = "yes" if reminders else "no"
    raw = {k: v for k, v in raw.items() if v not in ("", None)}
    values = patients.parse_patient_fields(raw, new=True, today=today)
    active = resource.get("active") is not False
    reason = _extension(resource, fhir.INACTIVE_REASON_EXTENSION, "valueString")
    reason = clip(_text(reason), 200) if isinstance(reason, str) and _text(reason) else None
    return _Incoming(entry, raw, values, active, None if active else (reason or "inactive in the imported bundle"))


# -- import ----------------------------------------------------------------------------------


def _checked(ctx: Context, document: Any) -> tuple[list[FhirEntry], list[_Incoming],
                                                   dict[int, PatientRecord | None]]:
    """The bundle's entries, its Patient entries parsed, and each one's match (None: new),
    checked by the core and the plugins.

    Raises:
        ValidationError: one entry or more is bad, each named.
    """
    entries, problems = bundle_entries(document)
    today = ctx.local(ctx.now()).date()
    incoming: list[_Incoming] = []
    matched: dict[int, PatientRecord | None] = {}
    seen_mrns: dict[str, int] = {}
    for entry in entries:
        if entry.resource_type != "Patient":
            continue
        try:
            patient = parse_patient(entry, today)
        except ValidationError as error:
            problems.append(f"{entry.label}: {clip(error.message)}")
            continue
        mrn = patient.values.get("mrn")
        if mrn and mrn in seen_mrns:
            problems.append(f"{entry.label}: MRN {mrn} is also entry {seen_mrns[mrn]}'s")
            continue
        if mrn:
            seen_mrns[mrn] = entry.number
        existing = _existing(ctx, patient)
        if mrn and existing is not None and not _same_person(existing, patient.values):
            problems.append(f"{entry.label}: MRN {mrn} is {existing.display_name}'s, born "
                            f"{existing.date_of_birth.isoformat()}, not this patient's")
            continue
        incoming.append(patient)
        matched[entry.number] = existing
    checked = FhirImport(tuple(entries), matched)
    problems += [clip(line, 300) for _plugin, line in ctx.hooks.fhir_import_check(ctx, checked)]
    if problems:
        more = f" (and {len(problems) - MAX_SHOWN_ERRORS} more)" if len(problems) > MAX_SHOWN_ERRORS else ""
        raise ValidationError(f"nothing imported; {len(problems)} bad entr{'y' if len(problems) == 1 else 'ies'}: "
                              + "; ".join(problems[:MAX_SHOWN_ERRORS]) + more)
    return entries, incoming, matched


def _same_person(existing: PatientRecord, values: Mapping[str, Any]) -> bool:
    from .patient_search import search_key

    if existing.date_of_birth != values["date_of_birth"]:
        return False
    return (search_key(existing.last_name) == search_key(values["last_name"])
            or search_key(existing.first_name) == search_key(values["first_name"]))


def import_bundle(ctx: Context, handle: IO[bytes] | IO[str]) -> FhirImportResult:
    """Import the patients of a FHIR R4 Bundle (and, through plugins, what else applies).

    The bundle is read, its Patient entries parsed and matched to the practice's patients,
    and the plugins' checks run, in a read-only unit of work beside this one
    (:meth:`Context.reading`): the write lock is taken only for the writes, after the
    matches are read again (and everything checked again, there, if another desk changed a
    matched patient meanwhile). All of it is written, or nothing.

    Raises:
        PermissionDenied: without ``patients.import`` and ``patients.write``.
        ValidationError: the file is not a Bundle, or one entry or more is bad (each named,
            on one line); nothing is written.

    .. versionchanged:: 1 checks outside the write lock.
    """
    ctx.require("patients.import")
    ctx.require("patients.write")
    document = read_bundle(handle)
    with ctx.reading() as reader:
        entries, incoming, matched = _checked(reader, document)
    if reader is not ctx:  # now the write lock, and the matches again under it
        ctx.session.execute(select(Practice.id).where(Practice.id == 1).with_for_update())
        if any(_existing(ctx, patient) != matched[patient.entry.number] for patient in incoming):
            entries, incoming, matched = _checked(ctx, document)
    created, updated, unchanged = [], [], []
    saved: dict[int, PatientRecord] = {}
    for patient in incoming:
        existing = matched[patient.entry.number]
        if existing is None:
            record = patients.register(ctx, patient.raw).patient
            if not patient.active:
                from .patient_merge import deactivate

                record = deactivate(ctx, record.mrn, patient.inactive_reason)
            created.append(record.mrn)
        elif patient.values.get("mrn"):
            changes = {k: v for k, v in patient.raw.items() if k != "mrn"}
            before = patients.record_fields(existing)
            if all(before.get(k) == patient.values.get(k) for k in changes):
                record = existing
                unchanged.append(existing.mrn)
            else:
                record = patients.update(ctx, existing.mrn, changes)
                updated.append(existing.mrn)
        else:
            record = existing
            unchanged.append(existing.mrn)
        saved[patient.entry.number] = record
    parts = tuple(part for _plugin, part in ctx.hooks.fhir_import(ctx, FhirImport(tuple(entries), saved)))
    patient_entries = len(incoming)
    ignored = len(entries) - patient_entries - sum(p.created + p.updated + p.unchanged for p in parts)
    ctx.audit("patients.imported", "patient", None,
              summary={"format": "fhir", "created": len(created), "updated": len(updated),
                       "unchanged": len(unchanged),
                       **{p.what: {"created": p.created, "updated": p.updated, "unchanged": p.unchanged}
                          for p in parts}})
    return FhirImportResult(tuple(created), tuple(updated), tuple(unchanged), max(ignored, 0), parts)


def _existing(ctx: Context, patient: _Incoming) -> PatientRecord | None:
    mrn = patient.values.get("mrn")
    if mrn:
        try:
            return patients.get(ctx, mrn)
        except MedofficeError:
            return None
    twins = patients.likely_duplicates(ctx.session, patient.values["first_name"], patient.values["last_name"],
                                       patient.values["date_of_birth"])
    return twins[0] if twins else None
