"""Patients: register, find, open, edit, deactivate.

Search takes what a receptionist types (part of a name, ``last, first``, a birth date as a
caller says it, a phone's last digits or an MRN) and ranks the hits; what it understands and
how it stays fast is :mod:`.patient_search`, which every write here keeps the search columns
right through.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Any

import attrs
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..context import Context
from ..errors import NotFound, ValidationError
from ..records import Address, EmergencyContact, PatientMatch, PatientRecord
from ..storage import plain
from ..storage.models import Patient
from ..validation import (
    SLOW,
    QuickCheck,
    optional_text,
    parse_birth_date,
    parse_email,
    parse_phone,
    parse_sex,
    quick_birth_date,
    quick_email,
    quick_phone,
    quick_sex,
    quick_text,
    require_text,
    typed_text,
)
from . import patient_search, patients_register
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
_POSTAL = re.compile(r"^[A-Za-z0-9 -]{3,10}$")


def _parse_mrn(value: str, *, field: str = "mrn") -> str:
    text = typed_text(value, field).strip()
    if not _MRN.match(text):
        raise ValidationError(f"MRN must be 1 to 20 letters, digits or hyphens, got {text!r}", field=field)
    return text.upper()


def _parse_state(value: str | None, *, field: str = "state") -> str | None:
    text = optional_text(value, field=field, max_length=40)
    return text.upper() if text and len(text) == 2 else text


def _parse_postal(value: str | None, *, field: str = "postal_code") -> str | None:
    text = optional_text(value, field=field, max_length=20)
    if text and not _POSTAL.match(text):
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


# -- the form, judged from a table made once: a quick check per field, its parser for the rest --

_FIELD_SET = frozenset(FIELDS)
_REQUIRED = ("first_name", "last_name", "date_of_birth", "sex")
_CONSENT = dict.fromkeys(_YES, True) | dict.fromkeys(_NO, False)
_QUICK_TEXT_20, _QUICK_TEXT_40 = quick_text(20, required=False), quick_text(40, required=False)


def _quick_mrn(value: Any) -> Any:
    if type(value) is str:
        text = value.strip()
        if _MRN.match(text):
            return text.upper()
    return SLOW


def _quick_state(value: Any) -> Any:
    text = _QUICK_TEXT_40(value)
    return text.upper() if type(text) is str and len(text) == 2 else text


def _quick_postal(value: Any) -> Any:
    text = _QUICK_TEXT_20(value)
    return text if text is None or text is SLOW or _POSTAL.match(text) else SLOW


def _quick_consent(value: Any) -> Any:
    if type(value) is bool:
        return value
    return _CONSENT.get(value, SLOW) if type(value) is str else SLOW


@functools.lru_cache(maxsize=4)
def _rules(today: dt.date) -> tuple[tuple[str, int, bool, QuickCheck | None, Any], ...]:
    """The patient form's fields but the MRN, in the order they are judged (and their errors
    listed): each with its longest length and whether it is required (for a text field,
    whose quick check :func:`parse_patient_fields` makes itself: ``None``) or a quick check
    of the common well-formed value, and its parser, which judges what the check leaves
    (:data:`~medoffice.core.validation.SLOW`) with the words of every refusal. Made once
    per day (a birth date is judged against today)."""
    def text(name: str, max_length: int, *, required: bool = False) -> tuple[str, int, bool, None, Any]:
        parse = require_text if required else optional_text
        return name, max_length, required, None, functools.partial(parse, field=name, max_length=max_length)

    def parsed(name: str, quick: QuickCheck, parse: Any, **options: Any) -> tuple[str, int, bool, QuickCheck, Any]:
        return name, 0, False, quick, functools.partial(parse, field=name, **options)

    return (
        text("first_name", 80, required=True),
        text("last_name", 80, required=True),
        text("middle_name", 80),
        parsed("date_of_birth", quick_birth_date(today), parse_birth_date, today=today),
        parsed("sex", quick_sex, parse_sex),
        parsed("phone", quick_phone, parse_phone),
        parsed("email", quick_email, parse_email),
        text("address_line1", 120),
        text("address_line2", 120),
        text("city", 80),
        parsed("state", _quick_state, _parse_state),
        parsed("postal_code", _quick_postal, _parse_postal),
        text("preferred_language", 40),
        text("emergency_name", 160),
        parsed("emergency_phone", quick_phone, parse_phone),
        text("emergency_relationship", 40),
        parsed("reminders", _quick_consent, _parse_consent),
    )


_ABSENT = object()


def parse_patient_fields(data: Mapping[str, Any], *, new: bool, today: dt.date) -> dict[str, Any]:
    """Validate a patient form (all fields for a new patient, the given ones for an edit).

    A new patient agrees to reminders unless ``reminders`` says no (a blank one, as an
    import's empty cell, is the default yes); an edit must say yes or no. Every bad field is
    reported at once; an MRN is judged only when one is given.

    A text field's common case (a short printable string, or a blank optional one) is judged
    here in the loop, as :func:`~medoffice.core.validation.quick_text` would: a form has nine
    such fields, and a desk or an import judges thousands of forms.
    """
    if not _FIELD_SET.issuperset(data):
        unknown = sorted(set(data) - _FIELD_SET)
        raise ValidationError(f"unknown patient field(s): {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    if new and isinstance(data.get("reminders"), str) and not data["reminders"].strip():
        data = {k: v for k, v in data.items() if k != "reminders"}
    errors = {name: f"{name.replace('_', ' ')} is required" for name in _REQUIRED if name not in data} if new else {}
    values: dict[str, Any] = {}
    mrn = data.get("mrn")
    if mrn:
        judged = _quick_mrn(mrn)
        if judged is SLOW:
            try:
                values["mrn"] = _parse_mrn(mrn)
            except ValidationError as error:
                errors["mrn"] = error.message
        else:
            values["mrn"] = judged
    for name, max_length, required, quick, parse in _rules(today):
        value = data.get(name, _ABSENT)
        if value is _ABSENT:
            continue
        judged = SLOW
        if quick is not None:
            judged = quick(value)
        elif type(value) is str:  # a text field's quick check
            text = value.strip()
            if text:
                if len(text) <= max_length and text.isprintable():
                    judged = text
            elif not required:
                judged = None
        elif value is None and not required:
            judged = None
        if judged is SLOW:
            try:
                judged = parse(value)
            except ValidationError as error:
                errors[name] = error.message
                continue
        values[name] = judged
    if errors:
        raise ValidationError.of_fields(errors)
    return values


def to_record(row: Any) -> PatientRecord:
    """A patient's record from its ORM row or a plain row of its columns."""
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


_PATIENTS = Patient.__table__
_TWINS = {exclude: select(*_PATIENTS.c).where(
    _PATIENTS.c.search_last == bindparam("last"), _PATIENTS.c.search_first == bindparam("first"),
    _PATIENTS.c.date_of_birth == bindparam("born"),
    *([_PATIENTS.c.id != bindparam("exclude")] if exclude else [])).order_by(_PATIENTS.c.id)
    for exclude in (False, True)}

_NEW = {**dict.fromkeys(patients_register.GIVEN), "active": True, "country": "US", "inactive_reason": None,
        "reminders": True}
"""A new patient's columns before the form's values: what is not given is blank, and a new
patient is active, in the US, and agrees to reminders unless the form says otherwise."""


@attrs.frozen
class Registration:
    """A registered patient and the existing patients with the same name and date of birth."""

    patient: PatientRecord
    possible_duplicates: tuple[PatientRecord, ...] = ()


def likely_duplicates(session: Session, first: str, last: str, born: dt.date, *, exclude: int | None = None) -> list[PatientRecord]:
    """The patients with the same name (as search keys) and date of birth, oldest first."""
    parameters = {"last": search_key(last), "first": search_key(first), "born": born, "exclude": exclude}
    return [to_record(row) for row in plain.rows(session, _TWINS[exclude is not None], parameters).all()]


def register(ctx: Context, data: Mapping[str, Any]) -> Registration:
    """Register a new patient. A likely duplicate is flagged, not refused: twins exist.

    What it asks the database, as few statements as each allows, is
    :mod:`.patients_register`'s."""
    ctx.require("patients.write")
    now = ctx.now()
    values = parse_patient_fields(data, new=True, today=ctx.local(now).date())
    session = ctx.session
    drawn = not values.get("mrn")
    if drawn:
        values["mrn"] = patients_register.draw_mrn(session)
    search, terms = patient_search.index_values(values)
    columns = {**_NEW, **values, **search, "created_at": now, "updated_at": now}
    bind = session.bind
    dialect = (bind if bind is not None else session.get_bind()).dialect
    duplicates = patients_register.file_new_patient(session, dialect, columns, terms, drawn=drawn)
    patient = patients_register.record_of(columns)
    ctx.audit("patient.registered", "patient", patient.mrn, patient_id=patient.id,
              summary={"mrn": patient.mrn, "possible_duplicates": [d.mrn for d in duplicates]})
    ctx.changed(CHANGED)
    ctx.hooks.patient_registered(ctx, patient)
    return Registration(patient, tuple(duplicates))


_BY_MRN = select(Patient).where(Patient.mrn == bindparam("mrn"))
"""Built once: the look-up every opened or changed record makes."""

_RECORD_BY_MRN = select(*Patient.__table__.c).where(Patient.__table__.c.mrn == bindparam("mrn"))
"""Built once: the look-up every booking makes, as a plain row (no ORM object to load)."""


def _row_by_mrn(session: Session, mrn: str) -> Patient:
    row = session.execute(_BY_MRN, {"mrn": (mrn or "").strip().upper()}).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no patient with MRN {mrn!r}")
    return row


def get(ctx: Context, mrn: str) -> PatientRecord:
    """A patient by MRN, without counting as opening the record (lists, pickers)."""
    ctx.require("patients.read")
    row = plain.rows(ctx.session, _RECORD_BY_MRN, {"mrn": (mrn or "").strip().upper()}).first()
    if row is None:
        raise NotFound(f"no patient with MRN {mrn!r}")
    return to_record(row)


_KEY_BY_MRN = plain.Statement(select(_PATIENTS.c.id, _PATIENTS.c.active).where(_PATIENTS.c.mrn == bindparam("mrn")))


@attrs.frozen
class PatientKey:
    """What a service that starts something for a patient needs of them: the id, and whether
    the record is active (an inactive or merged one is refused by
    :func:`~medoffice.core.services.patient_merge.require_active`).

    .. versionadded:: 1
    """

    id: int
    active: bool


def key(ctx: Context, mrn: str) -> PatientKey:
    """The patient with ``mrn``, as its id and whether it is active (cheaper than :func:`get`
    when nothing else of the record is read: a booking). Needs ``patients.read``, as :func:`get`.

    .. versionadded:: 1
    """
    ctx.require("patients.read")
    found = ctx.plain_rows(_KEY_BY_MRN, {"mrn": (mrn or "").strip().upper()})
    if not found:
        raise NotFound(f"no patient with MRN {mrn!r}")
    return PatientKey(found[0][0], bool(found[0][1]))


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
    "CHANGED", "FIELDS", "PatientKey", "Registration", "count", "find", "get", "get_by_id", "iter_all", "key",
    "likely_duplicates", "open_record", "parse_patient_fields", "record_fields", "register", "search_key",
    "set_active", "update",
]
