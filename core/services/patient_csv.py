"""Patients in and out as CSV: an import that is all or nothing and idempotent, and an export.

An import checks every row before writing any: one bad row and nothing is written, and the
error lists each bad row by line number. Importing the same file twice changes nothing the
second time: a row whose MRN exists updates that patient only where values differ; a row
without an MRN that matches a patient by name and date of birth (on file, or earlier in the
file) is left alone; any other row registers a patient.

It is written for files of tens of thousands of patients: the patients a file names are
looked up a few hundred at a time (by MRN, and by name and birth date), new MRNs are drawn
in one go, rows are written :data:`BATCH` at a time in the one transaction, and the audit
entries go in with them. Each patient still gets its own audit entry
(``patient.registered`` or ``patient.updated``) and its hook call
(``medoffice_patient_registered`` or ``medoffice_patient_updated``), in file order, once
the batch holding it is written; the import as a whole is audited as ``patients.imported``.

Cells go through :mod:`medoffice.core.csvio`: an export escapes cells a spreadsheet would
evaluate (``=``, ``+``, ``-``, ``@``…), an import reads them back as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TextIO

import attrs
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import selectinload

from .. import csvio
from ..context import Context
from ..errors import ValidationError
from ..progress import SILENT, Progress
from ..storage.models import Patient, Practice
from . import patient_search, patients

CSV_COLUMNS = patients.FIELDS
BATCH = 500
"""Rows written, and names looked up, per round trip to the database."""

_NAME_KEYS_PER_QUERY = 300  # three parameters each: under SQLite's oldest limit of 999


@attrs.frozen
class ImportResult:
    """What an import did, MRN by MRN, in file order."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


@attrs.frozen
class _Row:
    line: int
    raw: dict[str, str]
    values: dict[str, Any]

    @property
    def key(self) -> tuple[str, str, Any]:
        return (patients.search_key(self.values["last_name"]), patients.search_key(self.values["first_name"]),
                self.values["date_of_birth"])


def _checked(ctx: Context, handle: TextIO, progress: Progress) -> list[_Row]:
    """Every row of the file parsed; one error naming every bad row when any is bad."""
    today = ctx.local(ctx.now()).date()
    found = list(csvio.rows(handle, CSV_COLUMNS, label="line"))
    progress.step("checking patients", len(found))
    parsed: list[_Row] = []
    errors: list[str] = []
    seen_mrns: set[str] = set()
    for index, (line, raw) in enumerate(found, start=1):
        try:
            values = patients.parse_patient_fields({k: v for k, v in raw.items() if v or k != "mrn"},
                                                   new=True, today=today)
        except ValidationError as error:
            errors.append(f"line {line}: {error.message}")
        else:
            mrn = values.get("mrn")
            if mrn and mrn in seen_mrns:
                errors.append(f"line {line}: MRN {mrn} appears twice in the file")
            seen_mrns.add(mrn)
            parsed.append(_Row(line, raw, values))
        if index % BATCH == 0 or index == len(found):
            progress.advance(BATCH if index % BATCH == 0 else index % BATCH)
    if errors:
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        raise ValidationError(f"nothing imported; {len(errors)} bad row(s): " + "; ".join(errors[:10]) + more)
    return parsed


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _on_file(ctx: Context, rows: list[_Row]) -> tuple[dict[str, Patient], dict[tuple, list[str]]]:
    """The patients the file names by MRN (with their search terms, for edits), and the MRNs
    of the patients with the name and birth date of each row that may be new, oldest first."""
    session = ctx.session
    mrns = sorted({r.values["mrn"] for r in rows if r.values.get("mrn")})
    by_mrn: dict[str, Patient] = {}
    for chunk in _chunks(mrns, BATCH):
        query = select(Patient).where(Patient.mrn.in_(chunk)).options(selectinload(Patient.search_terms))
        by_mrn.update((p.mrn, p) for p in session.execute(query).scalars())
    keys = sorted({r.key for r in rows if r.values.get("mrn") not in by_mrn}, key=repr)
    twins: dict[tuple, list[str]] = {}
    for chunk in _chunks(keys, _NAME_KEYS_PER_QUERY):
        query = (select(Patient.search_last, Patient.search_first, Patient.date_of_birth, Patient.mrn)
                 .where(tuple_(Patient.search_last, Patient.search_first, Patient.date_of_birth).in_(chunk))
                 .order_by(Patient.id))
        for last, first, born, mrn in session.execute(query):
            twins.setdefault((last, first, born), []).append(mrn)
    return by_mrn, twins


def _new_mrns(ctx: Context, count: int, taken: set[str]) -> list[str]:
    """``count`` MRNs after the practice's last, skipping any on file or in ``taken``."""
    if not count:
        return []
    session = ctx.session
    practice = session.execute(select(Practice).where(Practice.id == 1).with_for_update()).scalar_one()
    chosen: list[str] = []
    number = practice.next_mrn
    while len(chosen) < count:
        wanted = count - len(chosen)
        candidates = [f"{practice.mrn_prefix}{n:06d}" for n in range(number, number + wanted)]
        number += wanted
        used = set()
        for chunk in _chunks(candidates, BATCH):
            used.update(session.execute(select(Patient.mrn).where(Patient.mrn.in_(chunk))).scalars())
        chosen.extend(m for m in candidates if m not in used and m not in taken)
    practice.next_mrn = number
    return chosen


def _write(ctx: Context, rows: list[_Row], progress: Progress) -> ImportResult:
    session = ctx.session
    by_mrn, twins = _on_file(ctx, rows)
    file_mrns = {r.values["mrn"] for r in rows if r.values.get("mrn")}
    # Which rows create, update or leave alone, in file order (a row may match one created above it).
    plan: list[tuple[str, _Row, Any]] = []
    auto = 0
    for row in rows:
        mrn = row.values.get("mrn")
        existing = by_mrn.get(mrn) if mrn else None
        if existing is not None:
            before = patients.to_record(existing)
            old = patients.record_fields(before)
            changed = {k: row.values[k] for k, v in row.raw.items() if k != "mrn" and v and old[k] != row.values[k]}
            if changed:
                old_key = (existing.search_last, existing.search_first, existing.date_of_birth)
                plan.append(("update", row, (existing, before, changed)))
                new_key = (patients.search_key(changed.get("last_name", before.last_name)),
                           patients.search_key(changed.get("first_name", before.first_name)),
                           changed.get("date_of_birth", before.date_of_birth))
                if new_key != old_key:
                    if existing.mrn in twins.get(old_key, ()):
                        twins[old_key].remove(existing.mrn)
                    twins.setdefault(new_key, []).append(existing.mrn)
            else:
                plan.append(("unchanged", row, existing.mrn))
            continue
        matches = twins.setdefault(row.key, [])
        if not mrn and matches:
            plan.append(("unchanged", row, matches[0]))
            continue
        if not mrn:
            auto += 1
            mrn = f"#{auto}"  # a placeholder until the MRNs are drawn
        plan.append(("create", row, (mrn, list(matches))))
        matches.append(mrn)
    drawn = iter(_new_mrns(ctx, auto, file_mrns))
    numbers = {f"#{n}": next(drawn) for n in range(1, auto + 1)}

    progress.step("writing patients", len(plan))
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    now = ctx.now()
    for batch in _chunks(plan, BATCH):
        written: list[tuple[str, Patient, Any]] = []
        for action, row, detail in batch:
            if action == "unchanged":
                unchanged.append(numbers.get(detail, detail))
            elif action == "update":
                existing, before, changed = detail
                for name, value in changed.items():
                    setattr(existing, name, value)
                existing.updated_at = now
                patient_search.index_patient(existing)
                written.append(("update", existing, (before, changed)))
            else:
                mrn, matches = detail
                values = {k: v for k, v in row.values.items() if v is not None}
                values["mrn"] = numbers.get(mrn, mrn)
                patient = Patient(**{"created_at": now, "updated_at": now, "active": True, "reminders": True,
                                     "country": "US", **values})
                patient_search.index_patient(patient)
                session.add(patient)
                written.append(("create", patient, [numbers.get(m, m) for m in matches]))
                created.append(patient.mrn)
        session.flush()
        records = [(action, patients.to_record(patient), detail) for action, patient, detail in written]
        entries = []
        for action, record, detail in records:
            if action == "create":
                entries.append({"action": "patient.registered", "entity": "patient", "entity_id": record.mrn,
                                "patient_id": record.id,
                                "summary": {"mrn": record.mrn, "possible_duplicates": detail}})
            else:
                before, changed = detail
                old = patients.record_fields(before)
                entries.append({"action": "patient.updated", "entity": "patient", "entity_id": record.mrn,
                                "patient_id": record.id,
                                "summary": {"changed": {k: [old[k], v] for k, v in changed.items()}}})
                updated.append(record.mrn)
        ctx.audit_many(entries)
        for action, record, detail in records:
            if action == "create":
                ctx.hooks.patient_registered(ctx, record)
            else:
                ctx.hooks.patient_updated(ctx, detail[0], record)
        progress.advance(len(batch))
    return ImportResult(tuple(created), tuple(updated), tuple(unchanged))


def import_csv(ctx: Context, handle: TextIO, *, progress: Progress = SILENT) -> ImportResult:
    """Import patients from CSV (the columns of :data:`CSV_COLUMNS`, any subset, any order).

    Raises:
        PermissionDenied: without ``patients.import`` and ``patients.write``.
        ValidationError: a file that cannot be read (:func:`medoffice.core.csvio.rows`), or
            bad rows, each named by line (the first ten); nothing is written.

    .. versionchanged:: 1 bulk look-ups and batched writes; ``progress``.
    """
    ctx.require("patients.import")
    ctx.require("patients.write")
    rows = _checked(ctx, handle, progress)
    result = _write(ctx, rows, progress)
    ctx.audit("patients.imported", "patient", None,
              summary={"created": len(result.created), "updated": len(result.updated),
                       "unchanged": len(result.unchanged)})
    return result


def export_csv(ctx: Context, out: TextIO, *, include_inactive: bool = True, progress: Progress = SILENT) -> int:
    """Write every patient (the active ones only, when asked) as CSV, by MRN; return how many.

    .. versionchanged:: 1 cells a spreadsheet would evaluate are escaped (:mod:`..csvio`); ``progress``.
    """
    ctx.require("patients.export")
    query = select(func.count(Patient.id))
    if not include_inactive:
        query = query.where(Patient.active.is_(True))
    progress.step("exporting patients", ctx.session.execute(query).scalar_one())
    writer = csvio.Writer(out, CSV_COLUMNS)
    for patient in patients.iter_all(ctx, include_inactive=include_inactive):
        fields = patients.record_fields(patient)
        writer.row(fields[c] for c in CSV_COLUMNS)
        if writer.rows % BATCH == 0:
            progress.advance(BATCH)
    progress.advance(writer.rows % BATCH)
    ctx.audit("patients.exported", "patient", None, summary={"format": "csv", "count": writer.rows})
    return writer.rows


def csv_text(rows: Iterable[dict[str, Any]]) -> str:
    """Rows (dicts of field to value) as CSV text with the standard columns (tests, the demo)."""
    return csvio.text(CSV_COLUMNS, ([row.get(c) for c in CSV_COLUMNS] for row in rows))


__all__ = ["BATCH", "CSV_COLUMNS", "ImportResult", "csv_text", "export_csv", "import_csv"]
