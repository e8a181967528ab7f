"""What the database refused, read once, the same on PostgreSQL and SQLite.

A write can be refused by the database itself: a unique key, a foreign key, a check, an
exclusion constraint (PostgreSQL) or a trigger that aborts (SQLite's stand-in for one). A
service that wants to tell the user *which* rule was broken must not read the driver's
message text: it differs between drivers and versions. :func:`refusal` is the one place that
does the reading: by SQLSTATE and the constraint name psycopg reports on PostgreSQL, by the
extended result code and the one message format SQLite has on SQLite. Everything else asks
:class:`Refusal` and raises its own typed error (``SlotTaken``, ``Conflict``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs
from sqlalchemy.exc import DBAPIError

from ..errors import MedofficeError

UNIQUE = "unique"
FOREIGN_KEY = "foreign_key"
CHECK = "check"
NOT_NULL = "not_null"
EXCLUSION = "exclusion"
RAISED = "raised"
"""A trigger's ``RAISE(ABORT, '…')`` on SQLite (or a ``RAISE EXCEPTION`` on PostgreSQL)."""
DEADLOCK = "deadlock"
"""PostgreSQL aborted one of two writers waiting on each other (SQLSTATE 40P01); with
exclusion constraints this is how a lost race for the same slot often ends."""
LOCK_TIMEOUT = "lock_timeout"
"""PostgreSQL gave up waiting for a row or table another terminal held (SQLSTATE 55P03)."""

_SQLSTATES = {"23505": UNIQUE, "23503": FOREIGN_KEY, "23514": CHECK, "23502": NOT_NULL,
              "23P01": EXCLUSION, "P0001": RAISED, "40P01": DEADLOCK, "55P03": LOCK_TIMEOUT}
_SQLITE_CODES = {"SQLITE_CONSTRAINT_UNIQUE": UNIQUE, "SQLITE_CONSTRAINT_PRIMARYKEY": UNIQUE,
                 "SQLITE_CONSTRAINT_FOREIGNKEY": FOREIGN_KEY, "SQLITE_CONSTRAINT_CHECK": CHECK,
                 "SQLITE_CONSTRAINT_NOTNULL": NOT_NULL, "SQLITE_CONSTRAINT_TRIGGER": RAISED}
_SQLITE_FAILED = re.compile(r"^(?:UNIQUE|CHECK|NOT NULL|FOREIGN KEY) constraint failed(?::\s*(?P<detail>.*))?$")
_TARGET = re.compile(r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+\"?(\w+)",
                     re.IGNORECASE)


@attrs.frozen
class Refusal:
    """One refusal of the database, in words that do not depend on the driver.

    ``kind``: one of :data:`UNIQUE`, :data:`FOREIGN_KEY`, :data:`CHECK`, :data:`NOT_NULL`,
    :data:`EXCLUSION`, :data:`RAISED`, :data:`DEADLOCK`, :data:`LOCK_TIMEOUT`. ``constraint``: the constraint's
    name when the database says it (PostgreSQL always; SQLite for named checks). ``table``:
    the table written. ``columns``: the columns a unique or not-null key covers (SQLite says
    them; PostgreSQL says the constraint instead). ``raised``: a trigger's own message.
    """

    kind: str
    constraint: str | None = None
    table: str | None = None
    columns: tuple[str, ...] = ()
    raised: str | None = None


def refusal(error: BaseException) -> Refusal | None:
    """What the database refused in ``error`` (SQLAlchemy's wrapper of the driver's error), or
    None when ``error`` is not a refusal of a rule (a lost connection, a bug, another error)."""
    if not isinstance(error, DBAPIError):
        return None
    original = error.orig
    table = _statement_table(error.statement)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:  # psycopg (PostgreSQL)
        kind = _SQLSTATES.get(sqlstate)
        if kind is None:
            return None
        diag = getattr(original, "diag", None)
        raised = getattr(diag, "message_primary", None) if kind == RAISED else None
        return Refusal(kind, getattr(diag, "constraint_name", None), getattr(diag, "table_name", None) or table,
                       raised=raised)
    kind = _SQLITE_CODES.get(getattr(original, "sqlite_errorname", None) or "")
    if kind is None:
        return None
    text = str(original)
    if kind == RAISED:
        return Refusal(RAISED, table=table, raised=text)
    found = _SQLITE_FAILED.match(text.strip())
    detail = (found.group("detail") or "").strip() if found else ""
    if kind in (UNIQUE, NOT_NULL) and detail:
        columns = tuple(part.strip() for part in detail.split(","))
        table = columns[0].partition(".")[0] if "." in columns[0] else table
        return Refusal(kind, table=table, columns=tuple(c.rpartition(".")[2] for c in columns))
    if kind == CHECK and detail:
        return Refusal(CHECK, constraint=detail, table=table)
    return Refusal(kind, table=table)


def refused(error: BaseException, translate: Callable[[Refusal], MedofficeError | None]) -> MedofficeError | None:
    """The domain error ``translate`` makes of the database's refusal in ``error``, or None
    (not a refusal, or one ``translate`` does not own: the caller re-raises the original)."""
    found = refusal(error)
    return translate(found) if found is not None else None


def _statement_table(statement: str | None) -> str | None:
    """The table an INSERT, UPDATE or DELETE writes (SQLite's trigger refusals do not say it)."""
    found = _TARGET.match(statement or "")
    return found.group(1) if found else None


__all__ = ["CHECK", "DEADLOCK", "EXCLUSION", "FOREIGN_KEY", "LOCK_TIMEOUT", "NOT_NULL", "RAISED", "UNIQUE", "Refusal", "refusal",
           "refused"]
