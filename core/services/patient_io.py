"""Moving patients in and out: CSV import (all or nothing, idempotent), CSV and FHIR export.

An import checks every row before writing any: one bad row and nothing is written, and the
error lists each bad row by line number. Importing the same file twice changes nothing the
second time: a row whose MRN exists updates that patient only where values differ; a row
without an MRN that matches a patient by name and date of birth is left alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

import attrs

from .. import fhir
from ..context import Context
from ..errors import ValidationError
from . import patients

CSV_COLUMNS = patients.FIELDS


@attrs.frozen
class ImportResult:
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


def _rows(handle: TextIO) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(handle)
    if reader.fieldnames is None:
        raise ValidationError("the CSV file is empty")
    unknown = [c for c in reader.fieldnames if c and c.strip() not in CSV_COLUMNS]
    if unknown:
        raise ValidationError(f"unknown column(s): {', '.join(unknown)} (known: {', '.join(CSV_COLUMNS)})")
    for row in reader:
        if None in row:
            raise ValidationError(f"line {reader.line_num}: more values than columns")
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if any(values.values()):
            yield reader.line_num, values


def import_csv(ctx: Context, handle: TextIO) -> ImportResult:
    ctx.require("patients.import")
    ctx.require("patients.write")
    today = ctx.local(ctx.now()).date()
    parsed: list[tuple[int, dict[str, str], dict[str, Any]]] = []
    errors: list[str] = []
    seen_mrns: set[str] = set()
    for line, raw in _rows(handle):
        try:
            values = patients.parse_patient_fields({k: v for k, v in raw.items() if v or k != "mrn"},
                                                   new=True, today=today)
        except ValidationError as error:
            errors.append(f"line {line}: {error.message}")
            continue
        mrn = values.get("mrn")
        if mrn and mrn in seen_mrns:
            errors.append(f"line {line}: MRN {mrn} appears twice in the file")
        seen_mrns.add(mrn)
        parsed.append((line, raw, values))
    if errors:
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        raise ValidationError(f"nothing imported; {len(errors)} bad row(s): " + "; ".join(errors[:10]) + more)
    created, updated, unchanged = [], [], []
    for _line, raw, values in parsed:
        mrn = values.get("mrn")
        existing = None
        if mrn:
            try:
                existing = patients.get(ctx, mrn)
            except Exception:
                existing = None
        else:
            twins = patients.likely_duplicates(ctx.session, values["first_name"], values["last_name"],
                                               values["date_of_birth"])
            if twins:
                unchanged.append(twins[0].mrn)
                continue
        if existing is None:
            data = {k: v for k, v in raw.items() if v}
            created.append(patients.register(ctx, data).patient.mrn)
            continue
        changes = {k: v for k, v in raw.items() if k != "mrn" and v}
        before = patients.record_fields(existing)
        if all(before.get(k) == values.get(k) for k in changes):
            unchanged.append(existing.mrn)
        else:
            patients.update(ctx, existing.mrn, changes)
            updated.append(existing.mrn)
    ctx.audit("patients.imported", "patient", None,
              summary={"created": len(created), "updated": len(updated), "unchanged": len(unchanged)})
    return ImportResult(tuple(created), tuple(updated), tuple(unchanged))


def _csv_value(value: Any) -> str:
    """A field as a CSV cell, the way the import and the form read it back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def export_csv(ctx: Context, out: TextIO, *, include_inactive: bool = True) -> int:
    ctx.require("patients.export")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for patient in patients.iter_all(ctx, include_inactive=include_inactive):
        fields = patients.record_fields(patient)
        writer.writerow([_csv_value(fields[c]) for c in CSV_COLUMNS])
        count += 1
    ctx.audit("patients.exported", "patient", None, summary={"format": "csv", "count": count})
    return count


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


def export_fhir(ctx: Context, *, include_inactive: bool = True) -> dict[str, Any]:
    ctx.require("patients.export")
    replaced_by, replaces = _merge_links(ctx)
    resources = [fhir.patient_resource(p, replaced_by=replaced_by.get(p.id), replaces=replaces.get(p.id, ()))
                 for p in patients.iter_all(ctx, include_inactive=include_inactive)]
    ctx.audit("patients.exported", "patient", None, summary={"format": "fhir", "count": len(resources)})
    return fhir.bundle(resources)


def export_one_fhir(ctx: Context, mrn: str) -> dict[str, Any]:
    ctx.require("patients.export")
    patient = patients.get(ctx, mrn)
    ctx.audit("patients.exported", "patient", patient.mrn, patient_id=patient.id, summary={"format": "fhir", "count": 1})
    replaced_by, replaces = _merge_links(ctx)
    return fhir.patient_resource(patient, replaced_by=replaced_by.get(patient.id), replaces=replaces.get(patient.id, ()))


def csv_text(rows: Iterable[dict[str, str]]) -> str:
    """Rows as CSV text with the standard columns (used by tests and the demo)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()
