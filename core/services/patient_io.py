"""Moving patients in and out: CSV import (all or nothing, idempotent), CSV and FHIR export
(CSV lives in :mod:`.patient_csv`; FHIR, both ways, in :mod:`.patient_fhir`).

An import checks every row before writing any: one bad row and nothing is written, and the
error lists each bad row by line number. Importing the same file twice changes nothing the
second time: a row whose MRN exists updates that patient only where values differ; a row
without an MRN that matches a patient by name and date of birth is left alone.
"""

from __future__ import annotations

from typing import Any

from ..context import Context
from .patient_csv import CSV_COLUMNS, ImportResult, csv_text, export_csv, import_csv


def export_fhir(ctx: Context, *, include_inactive: bool = True) -> dict[str, Any]:
    """Every patient as a FHIR Bundle (see :func:`.patient_fhir.export_bundle`)."""
    from . import patient_fhir

    return patient_fhir.export_bundle(ctx, include_inactive=include_inactive)


def export_one_fhir(ctx: Context, mrn: str) -> dict[str, Any]:
    """One patient's FHIR Patient resource (see :func:`.patient_fhir.export_one`)."""
    from . import patient_fhir

    return patient_fhir.export_one(ctx, mrn)


__all__ = ["CSV_COLUMNS", "ImportResult", "csv_text", "export_csv", "export_fhir", "export_one_fhir", "import_csv"]
