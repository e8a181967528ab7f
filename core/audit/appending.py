"""Appending: an operation's entries wait in its unit of work and go in together as it commits.

:func:`append` queues an entry in the session's transaction (a savepoint rolled back takes its
entries with it); :func:`write_pending` writes the queue as the transaction commits: the chain
extended in memory, one ``INSERT`` for the rows and one update of the head, however many
entries the operation made. The update names the head the connection's last write left (seq
and hash) and moves it only if it is still the head; when another terminal wrote since, the
head is locked and read and the chain extended from it. A unit of work that has made no ORM
session queues and writes its one entry with plain statements (:func:`queue_in_unit`,
:func:`write_in_unit`).

The session listeners that write the queue at commit and forget a rolled-back savepoint's
entries are registered here, once, when the module is first imported.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import bindparam, event
from sqlalchemy.orm import Session

from ..storage import plain
from ..storage.models import AuditHead, AuditRow
from .chain import GENESIS, compact_json, key_checked, read_head, row_hash, scrub

if TYPE_CHECKING:
    from ..storage.units import UnitOfWork

_APPENDED = "medoffice.audit_appended"
"""Where a session notes the (seq, hash) of the last entry it appended, for checkpoints."""

_HEAD_LEFT = "medoffice.audit_head_left"
"""Where a database connection notes the head (seq, hash) its last write left: its next
write moves the head from there with one conditional update, and reads the head (locked)
only when that update finds another head (another terminal wrote, or that write rolled back)."""

_HEAD = AuditHead.__table__
_MOVE_HEAD = _HEAD.update().where(_HEAD.c.id == 1)
_MOVE_HEAD_FROM = plain.Statement(
    _HEAD.update().where(_HEAD.c.id == 1, _HEAD.c.seq == bindparam("was_seq"), _HEAD.c.hash == bindparam("was_hash"))
    .values(seq=bindparam("seq", type_=_HEAD.c.seq.type), hash=bindparam("hash", type_=_HEAD.c.hash.type)),
    counted=True)
"""The head moved from where this connection left it, if it is still there (one row if so)."""
_INSERT_ONE = plain.Statement(AuditRow.__table__.insert().values(
    {c.key: bindparam(c.key, type_=c.type) for c in AuditRow.__table__.c}))
"""One entry's row, run by the driver itself."""
_INSERT_ROWS = plain.Statement(AuditRow.__table__.insert().values(
    {c.key: bindparam(c.key, type_=c.type) for c in AuditRow.__table__.c}))
"""Several entries' rows, run by the driver once per row (its ``executemany``): on SQLite."""
_INSERT_MANY_ROWS = AuditRow.__table__.insert()
"""Several entries' rows on a server (PostgreSQL), sent by SQLAlchemy as multi-row ``VALUES``."""
_NEW_HEAD = _HEAD.insert()
"""The statements of an append, built once (SQLAlchemy then reuses their compiled form)."""

_SUMMARY_JSON = compact_json(sort_keys=True)
"""A summary's JSON form."""


_PENDING = "medoffice.audit_pending"
"""Where a session keeps the entries appended but not written yet (a :class:`_Queue`)."""


@attrs.define(slots=True)
class _Unsaved:
    """An audit row's columns before its insert (what :func:`row_hash` reads); ``seq``,
    ``prev_hash`` and ``hash`` are set when the chain is extended at commit."""

    seq: int
    at: dt.datetime
    user_id: int | None
    username: str | None
    action: str
    entity: str
    entity_id: str | None
    patient_id: int | None
    summary: str
    prev_hash: str
    hash: str


@attrs.define(slots=True)
class _Queue:
    """A session's entries waiting for its commit, each with the (innermost) transaction it
    was appended in, so that a savepoint rolled back takes its entries with it."""

    key: bytes
    key_name: str | None
    entries: list[tuple[Any, _Unsaved]] = attrs.field(factory=list)


_UNSAVED_FIELDS = tuple(field.name for field in attrs.fields(_Unsaved))
_unsaved_values = operator.attrgetter(*_UNSAVED_FIELDS)


def _columns(row: _Unsaved) -> dict[str, Any]:
    """An entry's columns for its insert (``attrs.asdict`` without its generality: an import
    writes thousands)."""
    return dict(zip(_UNSAVED_FIELDS, _unsaved_values(row), strict=True))


def _queue(session: Session, key: bytes, key_name: str | None, rows: list[_Unsaved]) -> None:
    """Queue ``rows`` in the session's transaction. The first time a connection appends, the
    key is checked against the chain now, so that a wrong key is refused before any work."""
    queue = session.info.get(_PENDING)
    if queue is None:
        queue = session.info[_PENDING] = _Queue(key, key_name)
    elif queue.key != key:  # another key in the same unit of work: write what the first one signs
        write_pending(session)
        queue.key, queue.key_name = key, key_name
    if not queue.entries and not key_checked(session.connection().info, key):
        read_head(session, key, key_name, lock=False)
    transaction = session.get_nested_transaction() or session.get_transaction()
    if len(rows) == 1:  # an operation's usual entry
        queue.entries.append((transaction, rows[0]))
    else:
        queue.entries.extend([(transaction, row) for row in rows])


def queue_in_unit(unit: UnitOfWork, key: bytes, key_name: str | None, rows: list[_Unsaved]) -> bool:
    """Queue ``rows`` in a unit of work that has made no ORM session, as :func:`_queue` does in
    a session's; False (nothing queued) when the session's way is needed: the connection has
    not yet checked ``key`` against the chain, or the unit of work signs with another key.
    When the unit of work makes its session, the queue moves to it with the rest of its
    ``info`` (entries queued before any savepoint, so none takes them back)."""
    if not key_checked(unit.connection_info, key):
        return False
    queue = unit.info.get(_PENDING)
    if queue is None:
        queue = unit.info[_PENDING] = _Queue(key, key_name)
    elif queue.key != key:
        return False
    queue.entries.extend((None, row) for row in rows)
    return True


def unsaved(at: dt.datetime, user_id: int | None, username: str | None, action: str, entity: str,
             entity_id: Any, patient_id: int | None, summary: Mapping[str, Any] | None) -> _Unsaved:
    """An entry's row before the chain is extended (its summary scrubbed of secrets and
    written as canonical JSON): what :func:`append` queues."""
    return _Unsaved(seq=0, at=at, user_id=user_id, username=username, action=action, entity=entity,
                    entity_id=None if entity_id is None else str(entity_id), patient_id=patient_id,
                    summary=_SUMMARY_JSON(scrub(summary) if summary else {}),
                    prev_hash="", hash="")


def append(
    session: Session,
    key: bytes,
    *,
    at: dt.datetime,
    user_id: int | None,
    username: str | None,
    action: str,
    entity: str,
    entity_id: str | None = None,
    patient_id: int | None = None,
    summary: Mapping[str, Any] | None = None,
    key_name: str | None = None,
) -> None:
    """Append one entry in the session's transaction: it is written, with every other entry
    of the unit of work, when the transaction commits (:func:`write_pending`), and is gone
    if it rolls back (a savepoint rolled back takes the entries appended in it).

    The first time a connection appends to a chain that has rows, the key is checked against
    it (:func:`key_signs_chain`); ``key_name`` says where the key came from, for the message.

    Raises:
        WrongAuditKey: the key did not sign the chain; nothing is written.
        AuditLogDamaged: the chain's head was deleted or reset while rows remain.

    .. versionchanged:: 1 checks the key against the chain; ``key_name``; ``AuditLogDamaged``.
    .. versionchanged:: 1 written at commit with the unit of work's other entries; returns None.
    """
    _queue(session, key, key_name, [unsaved(at, user_id, username, action, entity, entity_id, patient_id,
                                             summary)])


def append_many(
    session: Session,
    key: bytes,
    entries: Iterable[Mapping[str, Any]],
    *,
    at: dt.datetime,
    user_id: int | None,
    username: str | None,
    key_name: str | None = None,
) -> int:
    """Append several entries, in order, as :func:`append` does one by one.

    Each entry holds ``action`` and ``entity``, and optionally ``entity_id``, ``patient_id``
    and ``summary``, as :func:`append` takes them.

    Returns:
        How many entries were appended.

    Raises:
        WrongAuditKey: the key did not sign the chain; nothing is written.

    .. versionadded:: 1
    .. versionchanged:: 1 returns the count instead of ORM rows; written at commit.
    """
    rows = [unsaved(at, user_id, username, entry["action"], entry["entity"], entry.get("entity_id"),
                     entry.get("patient_id"), entry.get("summary")) for entry in entries]
    if rows:
        _queue(session, key, key_name, rows)
    return len(rows)


def write_pending(session: Session) -> int:
    """Write the entries the session's unit of work appended: the chain extended in memory
    (each row's HMAC over the one before), the rows in one ``INSERT`` (executed for all of
    them at once) and one update of the head. The update moves the head from the one this
    connection's last write left, if it is still the head (two statements); otherwise the
    head is locked and read, and the chain extended from it (three statements). Called
    as the transaction commits (and by what reads the log in the same unit of work); writes
    nothing when nothing is waiting, nor inside a savepoint (whose rollback would take the
    entries appended before it too: they wait for the transaction's own commit).

    Two terminals committing at once on PostgreSQL wait for each other on the head's row
    lock, so each extends the chain the other left: one chain, whatever the timing.

    Returns:
        How many entries were written.

    Raises:
        WrongAuditKey, AuditLogDamaged: as :func:`append`; the unit of work must roll back.
    """
    queue = session.info.get(_PENDING)
    if queue is None or not queue.entries or session.in_nested_transaction():
        return 0
    rows = [row for _transaction, row in queue.entries]
    queue.entries = []
    key = queue.key
    plain.flush_pending(session)  # what the unit of work changed goes first, as before a query
    connection = session.connection()
    guess = connection.info.get(_HEAD_LEFT)
    if guess is not None:  # the head this connection left: moved only if it is still the head
        seq, prev = _chain(key, rows, *guess)
        if not plain.driver_rows(session, _MOVE_HEAD_FROM, {"seq": seq, "hash": prev, "was_seq": guess[0],
                                                            "was_hash": guess[1]}):
            guess = None  # another terminal wrote since (or this connection's last write rolled back)
    if guess is None:
        head = read_head(session, key, queue.key_name, lock=True)
        seq, prev = _chain(key, rows, *(head if head is not None else (0, GENESIS)))
        if head is None:
            connection.execute(_NEW_HEAD, {"id": 1, "seq": seq, "hash": prev})
        else:
            connection.execute(_MOVE_HEAD, {"seq": seq, "hash": prev})
    if len(rows) > 1 and connection.dialect.name == "sqlite":  # the driver's executemany: no round trips
        plain.driver_many(session, _INSERT_ROWS, list(map(_unsaved_values, rows)), in_order=_UNSAVED_FIELDS)
    elif len(rows) > 1:  # SQLAlchemy's multi-row VALUES: one round trip per thousand, not one per row
        connection.execute(_INSERT_MANY_ROWS, [_columns(row) for row in rows])
    else:  # one entry (a desk's booking)
        plain.driver_rows(session, _INSERT_ONE, _columns(rows[0]))
    connection.info[_HEAD_LEFT] = session.info[_APPENDED] = (seq, prev)
    return len(rows)


def write_in_unit(unit: UnitOfWork) -> bool:
    """Write, with plain statements, the entry queued in a unit of work that has made no ORM
    session (:func:`queue_in_unit`), as :func:`write_pending` would: the chain extended in
    memory from the head this connection's last write left, the head moved with one
    conditional update, the row inserted. True when nothing is left to write; False when the
    session's way is needed (several entries, no head known on this connection, or another
    terminal moved the head since), which then writes them at its commit.

    .. versionadded:: 1
    """
    queue = unit.info.get(_PENDING)
    if queue is None or not queue.entries:
        return True
    info = unit.connection_info
    guess = info.get(_HEAD_LEFT)
    if guess is None or len(queue.entries) != 1:
        return False
    rows = [queue.entries[0][1]]
    seq, prev = _chain(queue.key, rows, *guess)
    if not unit.rows(_MOVE_HEAD_FROM, {"seq": seq, "hash": prev, "was_seq": guess[0], "was_hash": guess[1]}):
        del info[_HEAD_LEFT]  # the session's way locks and reads the head at once
        return False
    unit.rows(_INSERT_ONE, _columns(rows[0]))
    queue.entries = []
    info[_HEAD_LEFT] = unit.info[_APPENDED] = (seq, prev)
    return True


def appended_in(info: Mapping[str, Any]) -> bool:
    """Whether the unit of work whose ``info`` this is appended to the log (and wrote it)."""
    return info.get(_APPENDED) is not None


def take_appended(info: dict[str, Any], default: tuple[int, str] | None = None) -> tuple[int, str] | None:
    """The head (seq, hash) the unit of work whose ``info`` this is left when it wrote to the
    log, taken from ``info`` (so that it is considered once); ``default`` when it wrote none."""
    return info.pop(_APPENDED, default)


def _chain(key: bytes, rows: list[_Unsaved], seq: int, prev: str) -> tuple[int, str]:
    """Extend the chain whose head is (``seq``, ``prev``) with ``rows`` in memory; the new head."""
    for row in rows:
        seq += 1
        row.seq, row.prev_hash = seq, prev
        row.hash = prev = row_hash(key, prev, row)  # type: ignore[arg-type]
    return seq, prev


def _before_commit(session: Session) -> None:
    if session.info.get(_PENDING) is not None:
        write_pending(session)


def _after_rollback(session: Session, rolled_back: Any) -> None:
    """Forget the entries appended in ``rolled_back`` (a savepoint, or the whole transaction)
    or in a savepoint inside it."""
    queue = session.info.get(_PENDING)
    if queue is None or not queue.entries:
        return

    def inside(transaction: Any) -> bool:
        while transaction is not None:
            if transaction is rolled_back:
                return True
            transaction = transaction.parent
        return False

    queue.entries = [(transaction, row) for transaction, row in queue.entries if not inside(transaction)]


event.listen(Session, "before_commit", _before_commit)
event.listen(Session, "after_soft_rollback", _after_rollback)
