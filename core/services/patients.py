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
from types import SimpleNamespace
from typing import Any

import attrs
from sqlalchemy import ARRAY, Integer, String, and_, bindparam, cast, event, func, inspect, or_, select, true
from sqlalchemy.orm import Session

from ..context import Context
from ..errors import Conflict, NotFound, ValidationError
from ..records import Address, EmergencyContact, PatientMatch, PatientRecord
from ..storage import plain
from ..storage.models import Patient, PatientSearchTerm, Practice
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
_BLANK = dict.fromkeys(c.key for c in _PATIENTS.c if c.key != "id")
_PRACTICES = Practice.__table__
_MRN_USED = select(_PATIENTS.c.id).where(_PATIENTS.c.mrn == bindparam("mrn"))
_DRAW_MRNS = plain.Statement(_PRACTICES.update().where(_PRACTICES.c.id == 1)
                             .values(next_mrn=_PRACTICES.c.next_mrn + bindparam("count", type_=Integer))
                             .returning(_PRACTICES.c.mrn_prefix, _PRACTICES.c.next_mrn))
_GIVE_BACK = (_PRACTICES.update().where(_PRACTICES.c.id == 1, _PRACTICES.c.next_mrn == bindparam("drawn_to"))
              .values(next_mrn=bindparam("back_to")))
_NEW_PATIENT = {c.key: bindparam(c.key, type_=c.type) for c in _PATIENTS.c if c.key != "id"}
"""A new patient's columns, each a value the statement is given by its own name."""
_INSERT_PLAIN = plain.Statement(_PATIENTS.insert().values(_NEW_PATIENT).returning(_PATIENTS.c.id))


def _insert_with_terms() -> Any:
    """On PostgreSQL, the patient's row and its search terms in one statement (two inserts in
    ``WITH``, the terms given as two arrays)."""
    terms_table = PatientSearchTerm.__table__
    new = _PATIENTS.insert().values(_NEW_PATIENT).returning(_PATIENTS.c.id).cte("new_patient")
    given = select(func.unnest(cast(bindparam("kinds"), ARRAY(String))).label("kind"),
                   func.unnest(cast(bindparam("terms"), ARRAY(String))).label("term")).subquery("given")
    filed = terms_table.insert().from_select(
        ["patient_id", "kind", "term"],
        select(new.c.id, given.c.kind, given.c.term).select_from(new).join(given, true())).cte("new_terms")
    return select(new.c.id).add_cte(filed)


_INSERT_WITH_TERMS = plain.Statement(_insert_with_terms())


@functools.cache
def _insert_terms(count: int) -> plain.Statement:
    """``count`` search terms of one patient in one plain statement (built once per count)."""
    table = PatientSearchTerm.__table__
    return plain.Statement(table.insert().values([
        {"patient_id": bindparam(f"patient_id_{n}", type_=table.c.patient_id.type),
         "kind": bindparam(f"kind_{n}", type_=table.c.kind.type), "term": bindparam(f"term_{n}", type_=table.c.term.type)}
        for n in range(count)]))
_TWINS = {exclude: select(*_PATIENTS.c).where(
    _PATIENTS.c.search_last == bindparam("last"), _PATIENTS.c.search_first == bindparam("first"),
    _PATIENTS.c.date_of_birth == bindparam("born"),
    *([_PATIENTS.c.id != bindparam("exclude")] if exclude else [])).order_by(_PATIENTS.c.id)
    for exclude in (False, True)}
_TWINS_OR_MRN = plain.Statement(select(
    and_(_PATIENTS.c.search_last == bindparam("is_last"), _PATIENTS.c.search_first == bindparam("is_first"),
         _PATIENTS.c.date_of_birth == bindparam("is_born")), *_PATIENTS.c)
    .where(or_(and_(_PATIENTS.c.search_last == bindparam("last"), _PATIENTS.c.search_first == bindparam("first"),
                    _PATIENTS.c.date_of_birth == bindparam("born")),
               _PATIENTS.c.mrn == bindparam("mrn"))))
"""A registration's statements, built once, run by the driver itself (no ORM object to build
and flush, no SQLAlchemy execution)."""

_COLUMN_AT = {c.key: n for n, c in enumerate(_PATIENTS.c)}


@functools.cache
def _readers(dialect: Any) -> tuple[Any, ...]:
    """Per column of ``core_patient``, what turns the driver's value into the column's (a
    birth date stored as text on SQLite): None where the value is already right."""
    return tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in _PATIENTS.c)


def _stored_record(session: Session, row: Any) -> PatientRecord:
    """A patient's record from a plain statement's row of every column, as the driver gave it."""
    values = [value if read is None or value is None else read(value)
              for value, read in zip(row, _readers(session.get_bind().dialect), strict=True)]
    return to_record(SimpleNamespace(**dict(zip(_COLUMN_AT, values, strict=True))))


_MRN_BLOCK = "medoffice.mrn_block"
"""Where a session keeps the MRNs its unit of work drew and has not handed out yet."""

MRN_BLOCK_MAX = 64
"""The most MRNs a unit of work draws at once (its first draw takes one, each next one twice
as many as the last: a desk registering one patient draws one, an operation registering a
thousand draws about twenty times)."""


@attrs.define
class _Block:
    prefix: str
    next: int
    end: int
    size: int


def _draw_mrn(session: Session) -> str:
    """The practice's next MRN, its counter moved past it (the practice's row is locked until
    the unit of work ends, so two desks never draw the same number); it may be on file.

    A unit of work that registers several patients draws their numbers in blocks (1, 2, 4…
    up to :data:`MRN_BLOCK_MAX` at a time) and hands them out in order; what it has not
    handed out when it commits goes back to the counter (:func:`_give_back`), so the numbers
    are the same as drawn one by one."""
    block = session.info.get(_MRN_BLOCK)
    if block is not None and block.next < block.end:
        number, block.next = block.next, block.next + 1
        return f"{block.prefix}{number:06d}"
    kept = session.identity_map.get(inspect(Practice).identity_key_from_primary_key((1,)))
    if kept is not None:  # the unit of work loaded the practice: what it holds must not go stale
        session.flush()
        session.expire(kept, ["next_mrn"])
    size = 1 if block is None else min(block.size * 2, MRN_BLOCK_MAX)
    ((prefix, following),) = plain.driver_rows(session, _DRAW_MRNS, {"count": size})
    session.info[_MRN_BLOCK] = _Block(prefix, following - size + 1, following, size)
    return f"{prefix}{following - size:06d}"


def _give_back(session: Session) -> None:
    """Before the unit of work commits: the MRNs it drew and did not hand out go back to the
    counter, unless something else moved the counter since (then they stay unused)."""
    block = session.info.pop(_MRN_BLOCK, None)
    if block is None or block.next >= block.end:
        return
    plain.flush_pending(session)
    session.connection().execute(_GIVE_BACK, {"drawn_to": block.end, "back_to": block.next})
    kept = session.identity_map.get(inspect(Practice).identity_key_from_primary_key((1,)))
    if kept is not None:
        session.expire(kept, ["next_mrn"])


def _forget_block(session: Session, _rolled_back: Any) -> None:
    """A rollback (of the unit of work or a savepoint) may have taken the draw back: the
    numbers not handed out are dropped, never handed out twice."""
    session.info.pop(_MRN_BLOCK, None)


event.listen(Session, "before_commit", _give_back)
event.listen(Session, "after_soft_rollback", _forget_block)


def _next_mrn(session: Session) -> str:
    """The practice's next MRN not on file (:func:`_draw_mrn` until one is free)."""
    while True:
        mrn = _draw_mrn(session)
        if plain.rows(session, _MRN_USED, {"mrn": mrn}).first() is None:
            return mrn


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
    """Register a new patient. A likely duplicate is flagged, not refused: twins exist."""
    ctx.require("patients.write")
    values = parse_patient_fields(data, new=True, today=ctx.local(ctx.now()).date())
    session = ctx.session
    drawn = not values.get("mrn")
    if drawn:
        values["mrn"] = _draw_mrn(session)
    search, terms = patient_search.index_values(values)
    # Whether there are likely duplicates and whether the MRN is on file, in one statement
    # (the duplicates' records are read only when there are some).
    keys = {"last": search["search_last"], "first": search["search_first"], "born": values["date_of_birth"]}
    found = plain.driver_rows(session, _TWINS_OR_MRN, {**keys, "is_last": keys["last"], "is_first": keys["first"],
                                                       "is_born": keys["born"], "mrn": values["mrn"]})
    mrn_at = _COLUMN_AT["mrn"] + 1
    taken = any(row[mrn_at] == values["mrn"] for row in found)
    duplicates = sorted((_stored_record(session, row[1:]) for row in found if row[0]), key=lambda p: p.id)
    if taken and not drawn:
        raise Conflict(f"MRN {values['mrn']} is already in use")
    if taken:  # a number given by hand or an import ahead of the counter: the next free one
        values["mrn"] = _next_mrn(session)
    now = ctx.now()
    columns = {**_BLANK, "active": True, "reminders": True, "country": "US", **values, **search,
               "created_at": now, "updated_at": now}
    if session.get_bind().dialect.name == "postgresql":  # one round trip: the row and its terms
        ((columns["id"],),) = plain.driver_rows(session, _INSERT_WITH_TERMS, {
            **columns, "kinds": [k for k, _ in terms], "terms": [t for _, t in terms]})
    else:
        ((columns["id"],),) = plain.driver_rows(session, _INSERT_PLAIN, columns)
        if terms:
            given: dict[str, Any] = {}
            for n, (kind, term) in enumerate(terms):
                given |= {f"patient_id_{n}": columns["id"], f"kind_{n}": kind, f"term_{n}": term}
            plain.driver_rows(session, _insert_terms(len(terms)), given)
    patient = to_record(SimpleNamespace(**columns))
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
