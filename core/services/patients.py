"""Patients: register, find, open, edit, deactivate.

Search takes what a receptionist types (part of a name, ``last, first``, a birth date as a
caller says it, a phone's last digits or an MRN) and ranks the hits; what it understands and
how it stays fast is :mod:`.patient_search`, which every write here keeps the search columns
right through.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import attrs
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..context import Context
from ..errors import Conflict, NotFound, ValidationError
from ..records import Address, EmergencyContact, PatientMatch, PatientRecord
from ..storage.models import Patient, Practice
from ..validation import (
    optional_text,
    parse_birth_date,
    parse_email,
    parse_phone,
    parse_sex,
    require_text,
)
from . import patient_search
from .forms import FieldCollector
from .patient_search import search_key

FIELDS = (
    "mrn", "first_name", "middle_name", "last_name", "date_of_birth", "sex", "phone", "email",
    "address_line1", "address_line2", "city", "state", "postal_code", "preferred_language",
    "emergency_name", "emergency_phone", "emergency_relationship", "reminders",
)
"""The fields a form, a CSV row or ``patients edit --set`` may carry."""

CHANGED = "core.patients"
"""The change topic of patients' records (``ctx.changed``): announced when a patient is
registered, edited, deactivated, reactivated or merged, so that other terminals' searches and
cards read them again."""

_YES = frozenset({"yes", "y", "true", "t", "1"})
_NO = frozenset({"no", "n", "false", "f", "0"})

_MRN = re.compile(r"^[A-Za-z0-9-]{1,20}$")


def _parse_mrn(value: str, *, field: str = "mrn") -> str:
    text = (value or "").strip()
    if not _MRN.match(text):
        raise ValidationError(f"MRN must be 1 to 20 letters, digits or hyphens, got {text!r}", field=field)
    return text.upper()


def _parse_state(value: str | None, *, field: str = "state") -> str | None:
    text = optional_text(value, field=field, max_length=40)
    return text.upper() if text and len(text) == 2 else text


def _parse_postal(value: str | None, *, field: str = "postal_code") -> str | None:
    text = optional_text(value, field=field, max_length=20)
    if text and not re.match(r"^[A-Za-z0-9 -]{3,10}$", text):
        raise ValidationError(f"postal code {text!r} is not a postal code", field=field)
    return text


def _parse_consent(value: str | bool, *, field: str = "reminders") -> bool:
    """Yes or no (``y``/``n``, ``true``/``false`` too). Blank is an error, not a default: a
    patient's consent changes only when someone says which way."""
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in _YES or text in _NO:
        return text in _YES
    raise ValidationError(f"{field.replace('_', ' ')} must be yes or no, got {value!r}", field=field)


def parse_patient_fields(data: Mapping[str, Any], *, new: bool, today: dt.date) -> dict[str, Any]:
    """Validate a patient form (all fields for a new patient, the given ones for an edit).

    A new patient agrees to reminders unless ``reminders`` says no (a blank one, as an
    import's empty cell, is the default yes); an edit must say yes or no.
    """
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationError(f"unknown patient field(s): {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    if new and isinstance(data.get("reminders"), str) and not data["reminders"].strip():
        data = {k: v for k, v in data.items() if k != "reminders"}
    form = FieldCollector(data)
    if new:
        form.require("first_name", "last_name", "date_of_birth", "sex")
    if data.get("mrn"):
        form.field("mrn", _parse_mrn)
    form.field("first_name", require_text, max_length=80)
    form.field("last_name", require_text, max_length=80)
    form.field("middle_name", optional_text, max_length=80)
    form.field("date_of_birth", parse_birth_date, today=today)
    form.field("sex", parse_sex)
    form.field("phone", parse_phone)
    form.field("email", parse_email)
    form.field("address_line1", optional_text, max_length=120)
    form.field("address_line2", optional_text, max_length=120)
    form.field("city", optional_text, max_length=80)
    form.field("state", _parse_state)
    form.field("postal_code", _parse_postal)
    form.field("preferred_language", optional_text, max_length=40)
    form.field("emergency_name", optional_text, max_length=160)
    form.field("emergency_phone", parse_phone)
    form.field("emergency_relationship", optional_text, max_length=40)
    form.field("reminders", _parse_consent)
    return form.done()


def to_record(row: Patient) -> PatientRecord:
    return PatientRecord(
        id=row.id,
        mrn=row.mrn,
        first_name=row.first_name,
        last_name=row.last_name,
        middle_name=row.middle_name,
        date_of_birth=row.date_of_birth,
        sex=row.sex,
        phone=row.phone,
        email=row.email,
        address=Address(row.address_line1, row.address_line2, row.city, row.state, row.postal_code, row.country),
        preferred_language=row.preferred_language,
        emergency_contact=EmergencyContact(row.emergency_name, row.emergency_phone, row.emergency_relationship),
        active=row.active,
        reminders=row.reminders,
        inactive_reason=row.inactive_reason,
    )


def record_fields(patient: PatientRecord) -> dict[str, Any]:
    """A record back as form fields (for edits, exports and audit summaries)."""
    return {
        "mrn": patient.mrn, "first_name": patient.first_name, "middle_name": patient.middle_name,
        "last_name": patient.last_name, "date_of_birth": patient.date_of_birth, "sex": patient.sex,
        "phone": patient.phone, "email": patient.email, "address_line1": patient.address.line1,
        "address_line2": patient.address.line2, "city": patient.address.city, "state": patient.address.state,
        "postal_code": patient.address.postal_code, "preferred_language": patient.preferred_language,
        "emergency_name": patient.emergency_contact.name, "emergency_phone": patient.emergency_contact.phone,
        "emergency_relationship": patient.emergency_contact.relationship, "reminders": patient.reminders,
    }


def _apply(row: Patient, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    patient_search.index_patient(row)


def _next_mrn(session: Session) -> str:
    practice = session.execute(select(Practice).where(Practice.id == 1).with_for_update()).scalar_one()
    while True:
        mrn = f"{practice.mrn_prefix}{practice.next_mrn:06d}"
        practice.next_mrn += 1
        if session.execute(select(Patient.id).where(Patient.mrn == mrn)).first() is None:
            return mrn


@attrs.frozen
class Registration:
    """A registered patient and the existing patients with the same name and date of birth."""

    patient: PatientRecord
    possible_duplicates: tuple[PatientRecord, ...] = ()


def likely_duplicates(session: Session, first: str, last: str, born: dt.date, *, exclude: int | None = None) -> list[PatientRecord]:
    query = select(Patient).where(
        Patient.search_last == search_key(last),
        Patient.search_first == search_key(first),
        Patient.date_of_birth == born,
    )
    if exclude is not None:
        query = query.where(Patient.id != exclude)
    return [to_record(r) for r in _rows(session, query)]


def _rows(session: Session, query: Any) -> list[Patient]:
    return list(session.execute(query).scalars())


def register(ctx: Context, data: Mapping[str, Any]) -> Registration:
    """Register a new patient. A likely duplicate is flagged, not refused: twins exist."""
    ctx.require("patients.write")
    values = parse_patient_fields(data, new=True, today=ctx.local(ctx.now()).date())
    session = ctx.session
    if values.get("mrn"):
        if session.execute(select(Patient.id).where(Patient.mrn == values["mrn"])).first():
            raise Conflict(f"MRN {values['mrn']} is already in use")
    else:
        values["mrn"] = _next_mrn(session)
    duplicates = likely_duplicates(session, values["first_name"], values["last_name"], values["date_of_birth"])
    now = ctx.now()
    row = Patient(created_at=now, updated_at=now, active=True, reminders=True, country="US")
    _apply(row, values)
    session.add(row)
    session.flush()
    patient = to_record(row)
    ctx.audit("patient.registered", "patient", patient.mrn, patient_id=patient.id,
              summary={"mrn": patient.mrn, "possible_duplicates": [d.mrn for d in duplicates]})
    ctx.changed(CHANGED)
    ctx.hooks.patient_registered(ctx, patient)
    return Registration(patient, tuple(duplicates))


def _row_by_mrn(session: Session, mrn: str) -> Patient:
    row = session.execute(select(Patient).where(Patient.mrn == (mrn or "").strip().upper())).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no patient with MRN {mrn!r}")
    return row


def get(ctx: Context, mrn: str) -> PatientRecord:
    """A patient by MRN, without counting as opening the record (lists, pickers)."""
    ctx.require("patients.read")
    return to_record(_row_by_mrn(ctx.session, mrn))


def get_by_id(ctx: Context, patient_id: int) -> PatientRecord:
    ctx.require("patients.read")
    row = ctx.session.get(Patient, patient_id)
    if row is None:
        raise NotFound(f"no patient with id {patient_id}")
    return to_record(row)


def open_record(ctx: Context, mrn: str) -> PatientRecord:
    """Open a patient's record: audited, and announced to plugins."""
    ctx.require("patients.read")
    row = _row_by_mrn(ctx.session, mrn)
    if not row.active:  # a merged record says where it went (patient_merge.PatientMerged)
        from .patient_merge import refuse_merged

        refuse_merged(ctx.session, row)
    patient = to_record(row)
    ctx.audit("patient.opened", "patient", patient.mrn, patient_id=patient.id)
    ctx.hooks.patient_opened(ctx, patient)
    return patient


def update(ctx: Context, mrn: str, changes: Mapping[str, Any]) -> PatientRecord:
    """Change some fields; the audit entry keeps each changed field's old and new value."""
    ctx.require("patients.write")
    if not changes:
        raise ValidationError("nothing to change: give at least one field")
    if "mrn" in changes:
        raise ValidationError("an MRN cannot be changed", field="mrn")
    values = parse_patient_fields(changes, new=False, today=ctx.local(ctx.now()).date())
    for required in ("first_name", "last_name", "date_of_birth", "sex"):
        if required in changes and values.get(required) is None:
            raise ValidationError(f"{required.replace('_', ' ')} is required", field=required)
    row = _row_by_mrn(ctx.session, mrn)
    before = to_record(row)
    old_fields = record_fields(before)
    diff = {k: [old_fields[k], v] for k, v in values.items() if old_fields.get(k) != v}
    if not diff:
        return before
    _apply(row, values)
    row.updated_at = ctx.now()
    ctx.session.flush()
    after = to_record(row)
    ctx.audit("patient.updated", "patient", after.mrn, patient_id=after.id, summary={"changed": diff})
    ctx.changed(CHANGED)
    ctx.hooks.patient_updated(ctx, before, after)
    return after


def set_active(ctx: Context, mrn: str, active: bool) -> PatientRecord:
    ctx.require("patients.write")
    row = _row_by_mrn(ctx.session, mrn)
    before = to_record(row)
    if row.active == active:
        return before
    if active:  # a merged record cannot come back (patient_merge.reactivate says why)
        from .patient_merge import refuse_merged

        refuse_merged(ctx.session, row)
    row.active = active
    row.inactive_reason = None
    row.updated_at = ctx.now()
    ctx.session.flush()
    after = to_record(row)
    ctx.audit("patient.activated" if active else "patient.deactivated", "patient", after.mrn, patient_id=after.id)
    ctx.changed(CHANGED)
    ctx.hooks.patient_updated(ctx, before, after)
    return after


def find(ctx: Context, query: str, *, limit: int = 20, include_inactive: bool = False) -> list[PatientMatch]:
    """Patients matching ``query``, best first, each with why it matched ("phone ending",
    "part of last name"…): an MRN, a birth date (``3/15/86``), a phone's last 4 or more
    digits or the whole number, ``last, first``, ``first last`` or part of a name (see
    :mod:`.patient_search`). Inactive (deactivated or merged) patients only when asked.

    Raises:
        ValidationError: an empty query, or one longer than ``patient_search.MAX_QUERY``.
    """
    ctx.require("patients.read")
    hits = patient_search.search(ctx, query, limit=limit, include_inactive=include_inactive)
    return [PatientMatch(to_record(hit.row), hit.score, hit.reason) for hit in hits]


def count(ctx: Context) -> int:
    ctx.require("patients.read")
    return ctx.session.execute(select(func.count(Patient.id))).scalar_one()


def iter_all(ctx: Context, *, include_inactive: bool = True, batch: int = 1000):
    """Every patient by MRN, streamed in batches (exports); the caller audits the export."""
    query = select(Patient).order_by(Patient.mrn)
    if not include_inactive:
        query = query.where(Patient.active.is_(True))
    for row in ctx.session.execute(query.execution_options(yield_per=batch)).scalars():
        yield to_record(row)


__all__ = [
    "CHANGED", "FIELDS", "Registration", "count", "find", "get", "get_by_id", "iter_all", "likely_duplicates",
    "open_record", "parse_patient_fields", "record_fields", "register", "search_key", "set_active", "update",
]
