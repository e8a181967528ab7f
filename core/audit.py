"""The audit log: append-only, hash-chained with a keyed hash, verifiable.

Every change, every opening of a patient's record, sign-ins and their failures, permission
changes, exports and backups are appended here in the same transaction as the work they
describe (a failed operation leaves no entry; a failed sign-in is recorded on its own).

An operation's entries wait in its session and are written together as it commits
(:func:`write_pending`): the chain extended in memory, one ``INSERT`` for the rows and one
update of the head, however many entries the operation made. The update names the head the
connection's last write left (seq and hash) and moves it only if it is still the head; when
another terminal wrote since, the head is locked and read and the chain extended from it.

Each row carries ``hash = HMAC(key, prev_hash + row)``. The key lives outside the database
(:mod:`medoffice.core.config`), so whoever edits the database cannot forge a consistent chain.
:func:`verify` walks the chain up to its head and names the first row that was altered,
inserted, reordered or deleted. Checkpoints of the head, kept outside the database in the
data folder and named by the database's own id (:func:`database_id`), reveal rows cut off the
end with the head rewritten, or a log wiped and begun again: every terminal writes them as
it works (:class:`AutoCheckpoints`), and each backup does.

A refused unit of work (:class:`~medoffice.core.errors.PermissionDenied`) is appended as
``permission.denied`` in a transaction of its own (:func:`refusals_recorded`).

Before a connection appends its first entry, :func:`append` checks that the key signs the
chain already there (the newest row's MAC, or the first row's when the newest was altered):
a terminal given another practice's key is refused with :class:`WrongAuditKey` and writes
nothing, rather than signing rows that ``audit verify`` would then report as tampered. The
check is made once per database connection; an empty chain (a new practice) has nothing to
check.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import operator
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs
from sqlalchemy import bindparam, event, func, select
from sqlalchemy.orm import Session

from .errors import ConfigurationError, MedofficeError, PermissionDenied
from .files import private_folder
from .records import AuditEntry
from .storage import plain
from .storage.models import AuditHead, AuditRow, DatabaseIdentity, Practice

if TYPE_CHECKING:
    from .config import Settings
    from .records import UserRecord
    from .runtime import Runtime
    from .storage.units import UnitOfWork

GENESIS = "0" * 64
_SECRET_KEY = re.compile(r"pass(word)?|secret|token|card|cvv|pin\b", re.IGNORECASE)
_CARD_NUMBER = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")


@functools.lru_cache(maxsize=1024)
def _secret(key: str) -> bool:
    """Whether a summary's key names a secret (its value is never written); the few keys
    services use are each judged once."""
    return _SECRET_KEY.search(key) is not None


_CARD_DIGITS = 13
"""A text shorter than this holds no card number (:data:`_CARD_NUMBER`): not searched."""


_CANONICAL_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode
_SUMMARY_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode
"""The two JSON forms, each encoder made once (``json.dumps`` with options makes one per call)."""


def scrub(value: Any) -> Any:
    """Remove what must never reach the audit trail: passwords, tokens, card numbers."""
    if isinstance(value, Mapping):
        scrubbed = {}
        for k, v in value.items():  # the common values (short texts, numbers, None) without a call
            if _secret(k if type(k) is str else str(k)):
                scrubbed[k] = "[redacted]"
            elif v is None or type(v) is int or type(v) is bool or (type(v) is str and len(v) < _CARD_DIGITS):
                scrubbed[k] = v
            else:
                scrubbed[k] = scrub(v)
        return scrubbed
    if isinstance(value, str):
        return value if len(value) < _CARD_DIGITS else _CARD_NUMBER.sub("[redacted]", value)
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _canonical(row: AuditRow) -> bytes:
    at = row.at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    fields = [row.seq, at, row.user_id, row.username, row.action, row.entity, row.entity_id,
              row.patient_id, row.summary]
    return _CANONICAL_JSON(fields).encode()


def row_hash(key: bytes, prev_hash: str, row: AuditRow) -> str:
    return hmac.new(key, prev_hash.encode() + b"\x1f" + _canonical(row), hashlib.sha256).hexdigest()


class WrongAuditKey(ConfigurationError):
    """The audit key does not sign this database's audit log: most likely another practice's
    key (a wrong ``MEDOFFICE_AUDIT_KEY_FILE``). Raised before anything is written.

    .. versionadded:: 1
    """


_KEY_CHECKED = "medoffice.audit_key_checked"
"""Where a connection notes (a digest of) the key it has seen sign the chain."""

_APPENDED = "medoffice.audit_appended"
"""Where a session notes the (seq, hash) of the last entry it appended, for checkpoints."""

_HEAD_LEFT = "medoffice.audit_head_left"
"""Where a database connection notes the head (seq, hash) its last write left: its next
write moves the head from there with one conditional update, and reads the head (locked)
only when that update finds another head (another terminal wrote, or that write rolled back)."""


def key_signs_chain(session: Session, key: bytes, head_seq: int) -> bool:
    """Whether ``key`` made the chain whose newest row is ``head_seq``: that row's MAC holds
    under it, or, when that row was altered or removed, the first row's does. Another key
    fails both (HMAC); the right key fails both only when both rows were tampered with."""
    for seq in dict.fromkeys((head_seq, 1)):
        row = session.get(AuditRow, seq)
        if row is not None and hmac.compare_digest(row.hash, row_hash(key, row.prev_hash, row)):
            return True
    return False


@functools.lru_cache(maxsize=8)
def _key_mark(key: bytes) -> str:
    return hashlib.sha256(b"medoffice audit key check\x1f" + key).hexdigest()


def _check_key(session: Session, key: bytes, head_seq: int, key_name: str | None) -> None:
    """Refuse to sign with a key that did not sign the chain; once per connection."""
    info = session.connection().info
    mark = _key_mark(key)
    if info.get(_KEY_CHECKED) == mark:
        return
    if not key_signs_chain(session, key, head_seq):
        where = f"the audit key {key_name}" if key_name else "the audit key"
        raise WrongAuditKey(f"{where} did not sign this practice's audit log (another practice's key?): nothing "
                            "was written; set MEDOFFICE_AUDIT_KEY_FILE or audit_key_file to this practice's key")
    info[_KEY_CHECKED] = mark


class AuditLogDamaged(ConfigurationError):
    """The audit log's head was deleted or reset while rows remain: appending would collide
    with them. Nothing is written until the database is restored.

    .. versionadded:: 1
    """


_HEAD = AuditHead.__table__
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)
_LOCK_HEAD = _READ_HEAD.with_for_update()
_MOVE_HEAD = _HEAD.update().where(_HEAD.c.id == 1)
_MOVE_HEAD_FROM = plain.Statement(
    _HEAD.update().where(_HEAD.c.id == 1, _HEAD.c.seq == bindparam("was_seq"), _HEAD.c.hash == bindparam("was_hash"))
    .values(seq=bindparam("seq", type_=_HEAD.c.seq.type), hash=bindparam("hash", type_=_HEAD.c.hash.type))
    .returning(_HEAD.c.seq))
_INSERT_ONE = plain.Statement(AuditRow.__table__.insert().values(
    {c.key: bindparam(c.key, type_=c.type) for c in AuditRow.__table__.c}).returning(AuditRow.__table__.c.seq))
"""One entry's row, run by the driver itself (``RETURNING``: a plain statement fetches its rows)."""
_NEW_HEAD = _HEAD.insert()
_INSERT_ROWS = AuditRow.__table__.insert()
_COUNT_ROWS = select(func.count()).select_from(AuditRow.__table__)
"""The statements of an append, built once (SQLAlchemy then reuses their compiled form)."""


def _head(session: Session, key: bytes, key_name: str | None, *, lock: bool) -> tuple[int, str] | None:
    """The chain's head (seq, hash), locked when ``lock``; None for a new practice's log. The
    key is checked against the chain (once per connection).

    Raises:
        AuditLogDamaged: the head was deleted or reset while rows remain.
        WrongAuditKey: the key did not sign the chain.
    """
    found = plain.rows(session, _LOCK_HEAD if lock else _READ_HEAD).first()
    if found is None or found[0] == 0:  # a new practice's log, or one whose head was removed
        rows = plain.rows(session, _COUNT_ROWS).scalar()
        if rows:
            raise AuditLogDamaged(
                f"the audit log was tampered with: its head ({AuditHead.__tablename__}) was "
                f"{'deleted' if found is None else 'reset'} while {rows} rows remain; nothing was written. "
                "Restore the database from a backup")
        return None if found is None else (0, found[1])
    _check_key(session, key, found[0], key_name)
    return found[0], found[1]


# -- appending: entries wait in the unit of work and go in together at its commit ------------


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
    if not queue.entries and session.connection().info.get(_KEY_CHECKED) != _key_mark(key):
        _head(session, key, key_name, lock=False)
    transaction = session.get_nested_transaction() or session.get_transaction()
    queue.entries.extend((transaction, row) for row in rows)


def queue_in_unit(unit: UnitOfWork, key: bytes, key_name: str | None, rows: list[_Unsaved]) -> bool:
    """Queue ``rows`` in a unit of work that has made no ORM session, as :func:`_queue` does in
    a session's; False (nothing queued) when the session's way is needed: the connection has
    not yet checked ``key`` against the chain, or the unit of work signs with another key.
    When the unit of work makes its session, the queue moves to it with the rest of its
    ``info`` (entries queued before any savepoint, so none takes them back)."""
    if unit.connection_info.get(_KEY_CHECKED) != _key_mark(key):
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
                    summary=_SUMMARY_JSON(scrub(dict(summary or {}))),
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
        head = _head(session, key, queue.key_name, lock=True)
        seq, prev = _chain(key, rows, *(head if head is not None else (0, GENESIS)))
        if head is None:
            connection.execute(_NEW_HEAD, {"id": 1, "seq": seq, "hash": prev})
        else:
            connection.execute(_MOVE_HEAD, {"seq": seq, "hash": prev})
    values = [_columns(row) for row in rows]
    if len(values) > 1:
        connection.execute(_INSERT_ROWS, values)
    else:  # one entry (a desk's booking): run by the driver itself
        plain.driver_rows(session, _INSERT_ONE, values[0])
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


@attrs.frozen
class Checkpoint:
    seq: int
    hash: str
    at: str
    mac: str
    restored: bool = False


def _checkpoint_mac(key: bytes, seq: int, hash_: str, at: str, restored: bool) -> str:
    message = f"checkpoint|{seq}|{hash_}|{at}|{'restored' if restored else ''}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


CHECKPOINT_EVERY = 1000
"""A terminal checkpoints the chain after every this many entries (and at its first write of
each day in the practice's time zone)."""


def database_id(session: Session) -> str | None:
    """This database's own identity (``core_database``, core migration c0005), which names its
    checkpoint file; None for a database made before it (or whose identity was removed)."""
    from sqlalchemy import inspect

    if not inspect(session.connection()).has_table(DatabaseIdentity.__tablename__):
        return None
    return session.execute(select(DatabaseIdentity.uid).where(DatabaseIdentity.id == 1)).scalar_one_or_none()


def checkpoint_path(folder: Path, database_id: str) -> Path:
    """The checkpoint file of the database ``database_id`` in ``folder``."""
    return folder / f"checkpoints-{database_id}.jsonl"


def _append_point(path: Path, key: bytes, seq: int, hash_: str, now: dt.datetime, restored: bool) -> Checkpoint:
    """Append one checkpoint line to ``path``: the file mode 0600, its folder 0700."""
    at = now.isoformat()
    point = Checkpoint(seq, hash_, at, _checkpoint_mac(key, seq, hash_, at, restored), restored)
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:  # made by an older medoffice, or loosened by hand
            os.fchmod(fd, 0o600)
        os.write(fd, (json.dumps(attrs.asdict(point)) + "\n").encode())
    finally:
        os.close(fd)
    return point


def write_checkpoint(session: Session, key: bytes, path: Path, now: dt.datetime, *,
                     restored: bool = False) -> Checkpoint | None:
    """Record the chain's head outside the database, in the database's own checkpoint file in
    ``path``'s folder (:func:`checkpoint_path`; ``path`` itself for a database without an
    identity). ``restored`` starts a new series (after a restore from backup).

    ``path`` is :attr:`Settings.checkpoint_file <medoffice.core.config.Settings.checkpoint_file>`.

    .. versionchanged:: 1 the file is named by the database's identity; mode 0600.
    """
    head = session.get(AuditHead, 1)
    if head is None:
        return None
    uid = database_id(session)
    target = checkpoint_path(path.parent, uid) if uid else path
    return _append_point(target, key, head.seq, head.hash, now, restored)


def _parse(line: str, key: bytes) -> Checkpoint | None:
    try:
        point = Checkpoint(**json.loads(line))
        good = hmac.compare_digest(point.mac, _checkpoint_mac(key, point.seq, point.hash, point.at, point.restored))
    except (ValueError, TypeError):
        return None
    return point if good else None


def read_checkpoints(path: Path, key: bytes) -> list[Checkpoint]:
    """The checkpoints in ``path`` whose MAC is good (a forged line is ignored), from the last
    restore on: a restored backup legitimately ends before checkpoints taken after it."""
    return _series(_points_in(path, key))


def _points_in(path: Path, key: bytes) -> list[Checkpoint]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [p for p in map(lambda line: _parse(line, key), text.splitlines()) if p is not None]


def _series(points: Iterable[Checkpoint]) -> list[Checkpoint]:
    series: list[Checkpoint] = []
    for point in points:
        series = [point] if point.restored else [*series, point]
    return series


def practice_checkpoints(settings: Settings, key: bytes, database_id: str | None) -> list[Checkpoint]:
    """The checkpoints that bind this database: those in its own file (by its identity), after
    those of the older file named by the URL (kept before the identity existed), from the last
    restore on."""
    older = _points_in(settings.legacy_checkpoint_file, key)
    own = _points_in(checkpoint_path(settings.checkpoint_dir, database_id), key) if database_id else []
    return _series([*older, *own])


@attrs.frozen
class VerifyReport:
    """The outcome of :func:`verify`: ``ok``, how many rows were checked, and the first problem.

    ``checkpoints``: how many checkpoints the log was checked against (none: a cut at the end
    of the log, or a wiped log, could not be told).

    .. versionchanged:: 1 ``checkpoints``.
    """

    ok: bool
    rows: int
    first_bad_seq: int | None = None
    problem: str | None = None
    checkpoints: int = 0


def verify(session: Session, key: bytes, checkpoints: Iterable[Checkpoint] = ()) -> VerifyReport:
    """Walk the chain in order up to its head and report the first row that does not hold.

    The head is read first: every row up to it was committed before it, so other terminals
    appending meanwhile (PostgreSQL reads each statement anew) are never mistaken for rows
    removed from the end; what they add after the head is left for the next verify. Read the
    ``checkpoints`` before the session's transaction starts, for the same reason.

    .. versionchanged:: 1 stops at the head as first read; a missing head or an empty log is
       reported.
    """
    checkpoints = list(checkpoints)
    write_pending(session)
    head = session.get(AuditHead, 1)
    wanted = {point.seq for point in checkpoints}
    seen: dict[int, str] = {}
    expected_seq, prev_hash, checked, last = 1, GENESIS, 0, None
    query = select(AuditRow).order_by(AuditRow.seq)
    if head is not None:
        query = query.where(AuditRow.seq <= head.seq)
    rows = session.execute(query.execution_options(yield_per=2000)).scalars()
    for row in rows:
        if row.seq > expected_seq:
            missing = f"row {expected_seq}" if row.seq == expected_seq + 1 else f"rows {expected_seq} to {row.seq - 1}"
            return VerifyReport(False, checked, expected_seq, f"{missing} deleted (the chain jumps to row {row.seq})")
        if row.prev_hash != prev_hash:
            return VerifyReport(False, checked, row.seq,
                                f"row {row.seq} does not follow row {row.seq - 1}: a row was deleted, inserted or reordered")
        if not hmac.compare_digest(row.hash, row_hash(key, prev_hash, row)):
            return VerifyReport(False, checked, row.seq, f"row {row.seq} was altered or inserted without the key")
        if row.seq in wanted:
            seen[row.seq] = row.hash
        expected_seq, prev_hash, last = row.seq + 1, row.hash, row
        checked += 1
    last_seq = last.seq if last else 0
    if head is None:
        if last is not None:
            return VerifyReport(False, checked, None, "the log's head is missing: it was deleted")
        return VerifyReport(False, 0, None, "the log is empty: every row and its head were deleted")
    if (head.seq, head.hash) != (last_seq, last.hash if last else GENESIS):
        if head.seq == last_seq:
            return VerifyReport(False, checked, last_seq, f"the log's head does not match row {last_seq}: it was rewritten")
        return VerifyReport(False, checked, last_seq + 1,
                            f"the log ends at row {last_seq} but its head says row {head.seq}: rows were removed from the end")
    if last is None:
        return VerifyReport(False, 0, None, "the log is empty: every row was deleted and its head reset")
    beyond = session.execute(select(func.min(AuditRow.seq)).where(AuditRow.seq > head.seq)).scalar()
    if beyond is not None:  # appended since the head was read, or put there by hand: read the head again
        now_at = session.execute(select(AuditHead.seq).where(AuditHead.id == 1)).scalar()
        if now_at is None or now_at < beyond:
            return VerifyReport(False, checked, beyond,
                                f"row {beyond} lies beyond the log's head (row {head.seq}): it was inserted by hand")
    for point in checkpoints:
        if point.seq > last_seq:
            return VerifyReport(False, checked, last_seq + 1,
                                f"the log ends at row {last_seq} but the checkpoint of {point.at} saw row {point.seq}: "
                                "rows were removed from the end, or the log was wiped and begun again")
        if seen.get(point.seq) != point.hash:
            return VerifyReport(False, checked, point.seq,
                                f"row {point.seq} differs from the checkpoint of {point.at}: the log was cut and "
                                "written again, or wiped and begun again")
    return VerifyReport(True, checked, checkpoints=len(checkpoints))


def verify_practice(runtime: Runtime, user: UserRecord | None = None) -> VerifyReport:
    """``audit verify``: the chain against this database's checkpoints, as ``user``.

    The checkpoints are read before the snapshot that is verified, so one written meanwhile
    by another terminal is never ahead of it.

    Raises:
        PermissionDenied: without ``audit.read``.

    .. versionadded:: 1
    """
    with runtime.operation(user, write=False) as ctx:
        ctx.require("audit.read")
        uid = database_id(ctx.session)
    key = runtime.audit_key()
    points = practice_checkpoints(runtime.settings, key, uid)
    with runtime.operation(user, write=False) as ctx:
        return verify(ctx.session, key, points)


@attrs.define
class _Due:
    path: Path
    seq: int
    hash: str
    day: dt.date


def database_location(session: Session) -> str | None:
    """Where this database is, as its own terms say, however its URL is spelled: a SQLite
    file's real path; a PostgreSQL cluster's system identifier and the database's name (a
    practice's schema is left out: a database's practices each have their own identity
    anyway). None for a database in memory."""
    from sqlalchemy import text

    if session.get_bind().dialect.name == "sqlite":
        files = {name: path for _seq, name, path in session.execute(text("PRAGMA database_list")).all()}
        return f"sqlite:{os.path.realpath(files['main'])}" if files.get("main") else None
    from sqlalchemy.exc import DBAPIError

    try:
        with session.begin_nested():  # a server that refuses pg_control_system() must not fail the write
            cluster, name = session.execute(text(
                "SELECT (SELECT system_identifier FROM pg_control_system()), current_database()")).one()
    except DBAPIError:
        return None
    return f"postgresql:{cluster}/{name}"


def _home_file(folder: Path, database_id: str) -> Path:
    """Where the location of the database named ``database_id`` is kept (by the first
    terminal that checkpointed it here)."""
    return folder / f"database-{database_id}.home"


def own_identity(session: Session, folder: Path, uid: str, key: bytes, now: dt.datetime) -> str:
    """This database's identity, renewed when it turns out to be a copy (or a move) of the
    database that had it: its location differs from the one recorded beside that identity's
    checkpoints. A copy keeps the identity's checkpoints that its own log matches (the ones
    taken before it was copied) in a file of its own, and from then on checkpoints there,
    so the original's later checkpoints never make the copy look cut, nor the copy's the
    original. The renewal is audited (``database.identity_renewed``: the old identity and
    location, how many checkpoints were kept and how many did not match: taken after the
    copy, or the log was cut before it moved).

    Called in a write unit of work that appended to the log (its head is locked).
    """
    import secrets

    from sqlalchemy import update

    where = database_location(session)
    if where is None:
        return uid
    home = _home_file(folder, uid)
    try:
        recorded = home.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        _record_home(home, where)
        return uid
    except OSError:
        return uid
    if recorded == where:
        return uid
    new = secrets.token_hex(16)
    session.execute(update(DatabaseIdentity).where(DatabaseIdentity.id == 1).values(uid=new))
    points = _series(_points_in(checkpoint_path(folder, uid), key))
    kept = []
    for point in points:
        row = session.get(AuditRow, point.seq)
        if row is not None and hmac.compare_digest(row.hash, point.hash):
            kept.append(point)
    target = checkpoint_path(folder, new)
    for point in kept:
        _append_point(target, key, point.seq, point.hash, dt.datetime.fromisoformat(point.at), point.restored)
    _record_home(_home_file(folder, new), where)
    head = session.get(AuditHead, 1)
    append(session, key, at=now, user_id=None, username="system", action="database.identity_renewed",
           entity="database", entity_id=new, summary={
               "previous_id": uid, "previous_location": recorded, "location": where,
               "checkpoints_kept": len(kept), "checkpoints_not_matching": len(points) - len(kept),
               "head_before": head.seq if head is not None else 0})
    write_pending(session)
    return new


def _record_home(path: Path, where: str) -> None:
    try:
        private_folder(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:  # there already (another terminal was first), or not writable: costs nothing
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(where + "\n")


class AutoCheckpoints:
    """A terminal's own checkpoints: after a unit of work that appended to the log commits, the
    head it left is written to the database's checkpoint file when this terminal has none of
    the practice's day yet, or :data:`CHECKPOINT_EVERY` entries were appended since its last.

    The cost is in the unit of work that is due: one line appended to a file (and, once per
    process, the database's identity and the file's last line are read).

    .. versionadded:: 1
    """

    def __init__(self, folder: Path, every: int = CHECKPOINT_EVERY) -> None:
        self.folder = folder
        self.every = every
        self._lock = threading.Lock()
        self._identity: tuple[str, ZoneInfo] | None = None
        self._last: dict[str, tuple[int, dt.date]] = {}

    @property
    def needs_session(self) -> bool:
        """Whether deciding the next checkpoint needs a session (the database's identity and
        the practice's zone are read once per process)."""
        return self._identity is None

    def due(self, session: Session, key: Callable[[], bytes], clock: Callable[[], dt.datetime]) -> _Due | None:
        """Whether the unit of work in ``session`` (about to commit) calls for a checkpoint;
        ``key`` and ``clock`` are asked only when it appended to the log."""
        write_pending(session)
        return self.due_after(session.info, key, clock, session)

    def due_after(self, info: dict[str, Any], key: Callable[[], bytes], clock: Callable[[], dt.datetime],
                  session: Session | None = None) -> _Due | None:
        """:meth:`due` once the unit of work's entries are written (``info``: its own); without
        a ``session`` only when :attr:`needs_session` is False."""
        appended = info.pop(_APPENDED, None)
        if appended is None:
            return None
        key, now = key(), clock()
        renewed = False
        if self._identity is None:
            if session is None:
                raise RuntimeError("the first checkpoint of a process needs a session")
            uid = database_id(session)
            if uid is None:
                return None
            renewed_uid = own_identity(session, self.folder, uid, key, now)
            if renewed_uid != uid:
                uid, renewed = renewed_uid, True
                appended = info.pop(_APPENDED, appended)
            zone = session.execute(select(Practice.timezone).where(Practice.id == 1)).scalar_one_or_none()
            self._identity = (uid, ZoneInfo(zone or "UTC"))
        uid, zone = self._identity
        seq, hash_ = appended
        today = now.astimezone(zone).date()
        path = checkpoint_path(self.folder, uid)
        if renewed:
            return _Due(path, seq, hash_, today)
        with self._lock:
            last = self._last.get(uid)
            if last is None or seq < last[0]:
                last = self._last_in(path, key, zone)
                if last is not None:
                    self._last[uid] = last
        if last is None or last[1] < today or seq - last[0] >= self.every:
            return _Due(path, seq, hash_, today)
        return None

    def write(self, due: _Due, key: bytes, now: dt.datetime) -> None:
        """Write the checkpoint, once the unit of work has committed. A file that cannot be
        written costs the checkpoint, never the work already done."""
        with self._lock:
            try:
                _append_point(due.path, key, due.seq, due.hash, now, False)
            except OSError:
                return
            self._last[due.path.stem.removeprefix("checkpoints-")] = (due.seq, due.day)

    @staticmethod
    def _last_in(path: Path, key: bytes, zone: ZoneInfo) -> tuple[int, dt.date] | None:
        try:
            with path.open("rb") as handle:
                size = handle.seek(0, os.SEEK_END)
                handle.seek(max(0, size - 8192))
                tail = handle.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return None
        for line in reversed(tail.splitlines()):
            point = _parse(line, key)
            if point is not None:
                try:
                    return point.seq, dt.datetime.fromisoformat(point.at).astimezone(zone).date()
                except ValueError:
                    return None
        return None


def _command() -> str | None:
    """The command being run (``audit show``), when it is the CLI that runs it."""
    try:
        import click
    except ImportError:  # pragma: no cover - click is a dependency
        return None
    context = click.get_current_context(silent=True)
    if context is None:
        return None
    names = []
    while context is not None:
        names.append(context.info_name or "")
        context = context.parent
    return " ".join(reversed(names[:-1])) or None


_NESTING = threading.local()


def unit_entered() -> int:
    """Count a unit of work begun on this thread; returns the depth it began at (0: the
    thread's outermost), to give back to :func:`unit_left` and :func:`record_refusal`."""
    depth = getattr(_NESTING, "depth", 0)
    _NESTING.depth = depth + 1
    return depth


def unit_left(depth: int) -> None:
    """The unit of work that began at ``depth`` has ended."""
    _NESTING.depth = depth


def record_refusal(runtime: Runtime, user: UserRecord | None, refused: PermissionDenied, depth: int) -> None:
    """Record ``refused`` as ``permission.denied`` when it ends the thread's outermost unit of
    work (``depth`` 0), once per refusal, in a short transaction of its own."""
    if depth == 0 and not getattr(refused, "_medoffice_recorded", False):
        refused._medoffice_recorded = True  # type: ignore[attr-defined]
        _record_refusal(runtime, user, refused)


@contextmanager
def refusals_recorded(runtime: Runtime, user: UserRecord | None) -> Iterator[None]:
    """Around a unit of work: a :class:`PermissionDenied` that ends it is recorded as
    ``permission.denied`` (who, which permission, which command) in a short transaction of its
    own, once the refused unit of work has rolled back, so a refusal in a read-only command is
    recorded too. Only the outermost unit of work of a thread records, and each refusal once.
    A refusal that cannot be recorded (the database refuses the write) is still raised.
    """
    depth = unit_entered()
    try:
        yield
    except PermissionDenied as refused:
        record_refusal(runtime, user, refused, depth)
        raise
    finally:
        unit_left(depth)


def _record_refusal(runtime: Runtime, user: UserRecord | None, refused: PermissionDenied) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    summary = {"permission": refused.permission}
    command = _command()
    if command:
        summary["command"] = command
    try:
        with runtime.operation(user) as ctx:
            ctx.audit("permission.denied", "permission", refused.permission, summary=summary)
    except (MedofficeError, SQLAlchemyError, OSError):
        pass


def to_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.seq, row.at, row.username, row.action, row.entity, row.entity_id, row.patient_id,
                      json.loads(row.summary))


def iter_entries(
    session: Session,
    *,
    patient_id: int | None = None,
    username: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    action: str | None = None,
    limit: int = 200,
) -> Iterator[AuditEntry]:
    """Newest first, filtered (the unit of work's own entries included)."""
    write_pending(session)
    query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit)
    if patient_id is not None:
        query = query.where(AuditRow.patient_id == patient_id)
    if username is not None:
        query = query.where(AuditRow.username == username)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if until is not None:
        query = query.where(AuditRow.at < until)
    if action is not None:
        pattern = action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
        query = query.where(AuditRow.action.like(pattern, escape="\\"))
    for row in session.execute(query).scalars():
        yield to_entry(row)
