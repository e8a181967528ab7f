"""A registration's writes: the MRN drawn, the likely duplicates asked, the patient and its
search terms filed, each a plain statement built once and run by the driver itself (no ORM
object to build and flush, no SQLAlchemy execution), and the records made from their rows.

:func:`medoffice.core.services.patients.register` judges the form and audits; this module is
what it asks the database, as few statements per patient as each database allows:

- **SQLite**: the likely duplicates and whether the MRN is on file (one select), the patient
  (an insert returning its id), its search terms (one multi-row insert, built once per
  count); three statements.
- **PostgreSQL**: all of it in one statement (:data:`_FILE_IF_FREE`): the select as a ``WITH``,
  the patient inserted only if the MRN is not on file, its terms inserted from the new id;
  one round trip. The terms go as two space-separated texts (a term is letters and digits
  only), split by the server, rather than as arrays, which psycopg adapts element by element.

An MRN is drawn from the practice's counter in blocks (:func:`draw_mrn`), so an operation
registering many patients moves the counter about twenty times per thousand.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from typing import Any

import attrs
from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    event,
    exists,
    func,
    inspect,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from ..errors import Conflict
from ..records import Address, EmergencyContact, PatientRecord
from ..storage import plain
from ..storage.models import Patient, PatientSearchTerm, Practice

_PATIENTS = Patient.__table__
_TERMS = PatientSearchTerm.__table__
_PRACTICES = Practice.__table__

# -- records from columns -----------------------------------------------------------------------

RECORD_COLUMNS = ("id", "mrn", "first_name", "last_name", "middle_name", "date_of_birth", "sex", "phone", "email",
                  "address_line1", "address_line2", "city", "state", "postal_code", "country", "preferred_language",
                  "emergency_name", "emergency_phone", "emergency_relationship", "active", "reminders",
                  "inactive_reason")
"""The columns of ``core_patient`` a :class:`PatientRecord` is made of, in :func:`record_of_row`'s order."""


def record_of_row(v: Any) -> PatientRecord:
    """A patient's record from the values of :data:`RECORD_COLUMNS`, in that order."""
    return PatientRecord(id=v[0], mrn=v[1], first_name=v[2], last_name=v[3], middle_name=v[4], date_of_birth=v[5],
                         sex=v[6], phone=v[7], email=v[8], address=Address(v[9], v[10], v[11], v[12], v[13], v[14]),
                         preferred_language=v[15], emergency_contact=EmergencyContact(v[16], v[17], v[18]),
                         active=v[19], reminders=v[20], inactive_reason=v[21])


_RECORD_VALUES = operator.itemgetter(*RECORD_COLUMNS)


def record_of(columns: Mapping[str, Any]) -> PatientRecord:
    """A patient's record from its columns by name (a patient about to be or just written)."""
    return record_of_row(_RECORD_VALUES(columns))


_ASKED = (*RECORD_COLUMNS, "search_last", "search_first")
"""What the likely duplicates' query reads of each row: the record, and the name keys that
tell a twin from a patient found by MRN alone."""
_SEARCH_LAST, _SEARCH_FIRST, _BORN, _MRN_AT = (_ASKED.index(name) for name in (
    "search_last", "search_first", "date_of_birth", "mrn"))


@functools.cache
def _readers(dialect: Any) -> tuple[tuple[int, Any], ...]:
    """Per column of :data:`_ASKED` that needs it, what turns the driver's value into the
    column's (SQLite: a birth date stored as text, a boolean as an integer)."""
    found = ((n, _PATIENTS.c[name].type.dialect_impl(dialect).result_processor(dialect, None))
             for n, name in enumerate(_ASKED))
    return tuple((n, read) for n, read in found if read is not None)


def _stored(row: Any, dialect: Any) -> list[Any]:
    """A row of :data:`_ASKED` as the driver gave it, each value as its column's."""
    values = list(row)
    for n, read in _readers(dialect):
        if values[n] is not None:
            values[n] = read(values[n])
    return values


# -- MRNs ---------------------------------------------------------------------------------------

_MRN_USED = select(_PATIENTS.c.id).where(_PATIENTS.c.mrn == bindparam("mrn"))
_DRAW_MRNS = plain.Statement(_PRACTICES.update().where(_PRACTICES.c.id == 1)
                             .values(next_mrn=_PRACTICES.c.next_mrn + bindparam("count", type_=Integer))
                             .returning(_PRACTICES.c.mrn_prefix, _PRACTICES.c.next_mrn))
_GIVE_BACK = (_PRACTICES.update().where(_PRACTICES.c.id == 1, _PRACTICES.c.next_mrn == bindparam("drawn_to"))
              .values(next_mrn=bindparam("back_to")))

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


def draw_mrn(session: Session) -> str:
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


def next_free_mrn(session: Session) -> str:
    """The practice's next MRN not on file (:func:`draw_mrn` until one is free)."""
    while True:
        mrn = draw_mrn(session)
        if plain.rows(session, _MRN_USED, {"mrn": mrn}).first() is None:
            return mrn


# -- the statements -----------------------------------------------------------------------------

ALWAYS = {"active": true(), "country": literal_column("'US'", String)}
"""What every new patient is, written into the statements rather than sent with each."""

GIVEN = tuple(c.key for c in _PATIENTS.c if c.key not in ALWAYS and c.key not in ("id", "inactive_reason"))
"""The columns a registration gives a value for (the form's fields, the search columns, the
times); ``inactive_reason`` is left NULL."""


def _values(*, one_time: bool) -> dict[str, Any]:
    """A new patient's columns, each a value given by its own name (with ``one_time``, the
    creation time is given once for both times: PostgreSQL's named parameters allow it)."""
    given = {key: bindparam(key, type_=_PATIENTS.c[key].type) for key in GIVEN}
    if one_time:
        given["updated_at"] = bindparam("created_at", type_=_PATIENTS.c.updated_at.type)
    return {**given, **ALWAYS}


def _twin_or_mrn(table: Any, last: Any, first: Any, born: Any, mrn: Any) -> Any:
    return or_(and_(table.c.search_last == last, table.c.search_first == first, table.c.date_of_birth == born),
               table.c.mrn == mrn)


_ASK = plain.Statement(select(*(_PATIENTS.c[name] for name in _ASKED)).where(_twin_or_mrn(
    _PATIENTS, bindparam("last"), bindparam("first"), bindparam("born", type_=_PATIENTS.c.date_of_birth.type),
    bindparam("mrn"))))
"""The likely duplicates of a name and birth date, and the patient with an MRN, if any."""

_INSERT = plain.Statement(_PATIENTS.insert().values(_values(one_time=False)), returning_key=True)


@functools.cache
def _insert_terms(count: int) -> tuple[plain.Statement, tuple[str, ...]]:
    """``count`` search terms of one patient in one plain statement, and its parameters'
    names in order, three per term (built once per count)."""
    names = tuple(name for n in range(count) for name in (f"patient_id_{n}", f"kind_{n}", f"term_{n}"))
    return plain.Statement(_TERMS.insert().values([
        {"patient_id": bindparam(f"patient_id_{n}", type_=_TERMS.c.patient_id.type),
         "kind": bindparam(f"kind_{n}", type_=_TERMS.c.kind.type), "term": bindparam(f"term_{n}", type_=_TERMS.c.term.type)}
        for n in range(count)])), names


def _given_terms() -> Any:
    """The terms sent as two space-separated texts, ``kinds`` and ``terms``, as rows."""
    space = literal_column("' '", String)
    return select(func.unnest(func.string_to_array(bindparam("kinds", type_=String), space)).label("kind"),
                  func.unnest(func.string_to_array(bindparam("terms", type_=String), space)).label("term")
                  ).subquery("given")


def _file_terms(new: Any) -> Any:
    given = _given_terms()
    return _TERMS.insert().from_select(
        ["patient_id", "kind", "term"],
        select(new.c.id, given.c.kind, given.c.term).select_from(new).join(given, true())).cte("new_terms")


def _insert_with_terms() -> Any:
    """PostgreSQL: the patient's row and its search terms in one statement (when the MRN drawn
    first was on file and the next free one is used)."""
    new = _PATIENTS.insert().values(_values(one_time=True)).returning(_PATIENTS.c.id).cte("new_patient")
    return select(new.c.id).add_cte(_file_terms(new))


def _file_if_free() -> Any:
    """PostgreSQL: :data:`_ASK` (as ``found``), the patient inserted unless its MRN is among
    what was found, and its terms, in one statement. Every part sees the database as it was
    before the statement, so the duplicates are the patients already on file. One row per
    patient found (or one row if none), each with the new id first (NULL: the MRN was on file,
    nothing was written)."""
    columns = _values(one_time=True)
    found = select(*(_PATIENTS.c[name] for name in _ASKED)).where(_twin_or_mrn(
        _PATIENTS, columns["search_last"], columns["search_first"], columns["date_of_birth"], columns["mrn"])
    ).cte("found")
    free = ~exists(select(found.c.id).where(found.c.mrn == columns["mrn"]))
    new = _PATIENTS.insert().from_select(list(columns), select(*columns.values()).where(free)).returning(
        _PATIENTS.c.id).cte("new_patient")
    one = select(literal_column("1").label("one")).subquery("one")
    return (select(new.c.id, *found.c).select_from(one.outerjoin(new, true()).outerjoin(found, true()))
            .add_cte(_file_terms(new)))


_INSERT_WITH_TERMS = plain.Statement(_insert_with_terms())
_FILE_IF_FREE = plain.Statement(_file_if_free())


# -- filing a new patient ----------------------------------------------------------------------


def _is_twin(values: list[Any], columns: Mapping[str, Any]) -> bool:
    return (values[_SEARCH_LAST] == columns["search_last"] and values[_SEARCH_FIRST] == columns["search_first"]
            and values[_BORN] == columns["date_of_birth"])


_BY_ID = operator.attrgetter("id")


def _found(rows: list[Any], dialect: Any, columns: Mapping[str, Any]) -> tuple[list[PatientRecord], bool]:
    """The likely duplicates among rows of :data:`_ASKED` (oldest first), and whether one of
    the rows has the MRN."""
    twins, taken = [], False
    for row in rows:
        values = _stored(row, dialect)
        taken = taken or values[_MRN_AT] == columns["mrn"]
        if _is_twin(values, columns):
            twins.append(record_of_row(values))
    if len(twins) > 1:
        twins.sort(key=_BY_ID)
    return twins, taken


def file_new_patient(session: Session, dialect: Any, columns: dict[str, Any], terms: list[tuple[str, str]], *,
                     drawn: bool) -> list[PatientRecord]:
    """Write a new patient's row (``columns``: :data:`GIVEN`) and search ``terms``; set
    ``columns["id"]``. Returns the likely duplicates on file before it, oldest first.

    An MRN on file is refused when it was typed; a drawn one is replaced by the next free one
    (``columns["mrn"]`` changes).

    Raises:
        Conflict: the typed MRN is on file; nothing is written.
    """
    if dialect.name == "postgresql":
        given = {**columns, "kinds": " ".join(kind for kind, _ in terms), "terms": " ".join(t for _, t in terms)}
        rows = plain.driver_rows(session, _FILE_IF_FREE, given)
        twins, taken = _found([row[1:] for row in rows if row[1] is not None], dialect, columns)
        if not taken:
            columns["id"] = rows[0][0]
            return twins
        _refuse_or_draw_again(session, columns, drawn=drawn)
        ((columns["id"],),) = plain.driver_rows(session, _INSERT_WITH_TERMS, {**given, "mrn": columns["mrn"]})
        return twins
    asked = {"last": columns["search_last"], "first": columns["search_first"], "born": columns["date_of_birth"],
             "mrn": columns["mrn"]}
    twins, taken = _found(plain.driver_rows(session, _ASK, asked), dialect, columns)
    if taken:
        _refuse_or_draw_again(session, columns, drawn=drawn)
    ((columns["id"],),) = plain.driver_rows(session, _INSERT, columns)
    if terms:
        statement, names = _insert_terms(len(terms))
        patient_id = columns["id"]
        plain.driver_rows(session, statement, dict(zip(names, [v for kind, term in terms
                                                                 for v in (patient_id, kind, term)], strict=True)))
    return twins


def _refuse_or_draw_again(session: Session, columns: dict[str, Any], *, drawn: bool) -> None:
    if not drawn:
        raise Conflict(f"MRN {columns['mrn']} is already in use")
    columns["mrn"] = next_free_mrn(session)  # a number given by hand, or an import ahead of the counter


__all__ = ["GIVEN", "MRN_BLOCK_MAX", "RECORD_COLUMNS", "draw_mrn", "file_new_patient", "next_free_mrn", "record_of",
           "record_of_row"]
