"""Moving patients in and out: CSV import (all or nothing, idempotent), CSV and FHIR export
(CSV lives in :mod:`.patient_csv`).

An import checks every row before writing any: one bad row and nothing is written, and the
error lists each bad row by line number. Importing the same file twice changes nothing the
second time: a row whose MRN exists updates that patient only where values differ; a row
without an MRN that matches a patient by name and date of birth is left alone.
"""

from __future__ import annotations

from typing import Any

from .. import fhir
from ..context import Context
from . import patients
from .patient_csv import CSV_COLUMNS, ImportResult, csv_text, export_csv, import_csv


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


__all__ = ["CSV_COLUMNS", "ImportResult", "csv_text", "export_csv", "export_fhir", "export_one_fhir", "import_csv"]
