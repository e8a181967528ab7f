"""The audit log: append-only, hash-chained with a keyed hash, verifiable.

Every change, every opening of a patient's record, sign-ins and their failures, permission
changes, exports and backups are appended here in the same transaction as the work they
describe (a failed operation leaves no entry; a failed sign-in is recorded on its own).

Each row carries ``hash = HMAC(key, prev_hash + row)``. The key lives outside the database
(:mod:`medoffice.core.config`), so whoever edits the database cannot forge a consistent chain.
:func:`verify` walks the chain and names the first row that was altered, inserted, reordered
or deleted; checkpoints of the head, kept outside the database and written at each backup,
reveal rows cut off the end.

Before a connection appends its first entry, :func:`append` checks that the key signs the
chain already there (the newest row's MAC, or the first row's when the newest was altered):
a terminal given another practice's key is refused with :class:`WrongAuditKey` and writes
nothing, rather than signing rows that ``audit verify`` would then report as tampered. The
check is made once per database connection; an empty chain (a new practice) has nothing to
check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import ConfigurationError
from .records import AuditEntry
from .storage.models import AuditHead, AuditRow

GENESIS = "0" * 64
_SECRET_KEY = re.compile(r"pass(word)?|secret|token|card|cvv|pin\b", re.IGNORECASE)
_CARD_NUMBER = re.compile(r"\b(?:\d[ -]?){13,19}\b")


def scrub(value: Any) -> Any:
    """Remove what must never reach the audit trail: passwords, tokens, card numbers."""
    if isinstance(value, Mapping):
        return {k: ("[redacted]" if _SECRET_KEY.search(str(k)) else scrub(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return _CARD_NUMBER.sub("[redacted]", value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _canonical(row: AuditRow) -> bytes:
    at = row.at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    fields = [row.seq, at, row.user_id, row.username, row.action, row.entity, row.entity_id,
              row.patient_id, row.summary]
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=True).encode()


def row_hash(key: bytes, prev_hash: str, row: AuditRow) -> str:
    return hmac.new(key, prev_hash.encode() + b"\x1f" + _canonical(row), hashlib.sha256).hexdigest()


class WrongAuditKey(ConfigurationError):
    """The audit key does not sign this database's audit log: most likely another practice's
    key (a wrong ``MEDOFFICE_AUDIT_KEY_FILE``). Raised before anything is written.

    .. versionadded:: 1
    """


_KEY_CHECKED = "medoffice.audit_key_checked"
"""Where a connection notes (a digest of) the key it has seen sign the chain."""


def key_signs_chain(session: Session, key: bytes, head_seq: int) -> bool:
    """Whether ``key`` made the chain whose newest row is ``head_seq``: that row's MAC holds
    under it, or, when that row was altered or removed, the first row's does. Another key
    fails both (HMAC); the right key fails both only when both rows were tampered with."""
    for seq in dict.fromkeys((head_seq, 1)):
        row = session.get(AuditRow, seq)
        if row is not None and hmac.compare_digest(row.hash, row_hash(key, row.prev_hash, row)):
            return True
    return False


def _check_key(session: Session, key: bytes, head: AuditHead, key_name: str | None) -> None:
    """Refuse to sign with a key that did not sign the chain; once per connection."""
    info = session.connection().info
    mark = hashlib.sha256(b"medoffice audit key check\x1f" + key).hexdigest()
    if info.get(_KEY_CHECKED) == mark:
        return
    if not key_signs_chain(session, key, head.seq):
        where = f"the audit key {key_name}" if key_name else "the audit key"
        raise WrongAuditKey(f"{where} did not sign this practice's audit log (another practice's key?): nothing "
                            "was written; set MEDOFFICE_AUDIT_KEY_FILE or audit_key_file to this practice's key")
    info[_KEY_CHECKED] = mark


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
) -> AuditRow:
    """Append one entry in the session's transaction, after locking the chain's head.

    The first time a connection appends to a chain that has rows, the key is checked against
    it (:func:`key_signs_chain`); ``key_name`` says where the key came from, for the message.

    Raises:
        WrongAuditKey: the key did not sign the chain; nothing is written.

    .. versionchanged:: 1 checks the key against the chain; ``key_name``.
    """
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    elif head.seq > 0:
        _check_key(session, key, head, key_name)
    row = AuditRow(
        seq=head.seq + 1,
        at=at,
        user_id=user_id,
        username=username,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        patient_id=patient_id,
        summary=json.dumps(scrub(dict(summary or {})), sort_keys=True, separators=(",", ":")),
        prev_hash=head.hash,
        hash="",
    )
    row.hash = row_hash(key, head.hash, row)
    session.add(row)
    head.seq, head.hash = row.seq, row.hash
    session.flush()
    return row


def append_many(
    session: Session,
    key: bytes,
    entries: Iterable[Mapping[str, Any]],
    *,
    at: dt.datetime,
    user_id: int | None,
    username: str | None,
    key_name: str | None = None,
) -> list[AuditRow]:
    """Append several entries, in order, as :func:`append` would one by one, but locking the
    chain's head once and writing the rows in one flush (an import's thousands of entries).

    Each entry holds ``action`` and ``entity``, and optionally ``entity_id``, ``patient_id``
    and ``summary``, as :func:`append` takes them.

    Raises:
        WrongAuditKey: the key did not sign the chain; nothing is written.

    .. versionadded:: 1
    """
    entries = list(entries)
    if not entries:
        return []
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    elif head.seq > 0:
        _check_key(session, key, head, key_name)
    rows = []
    for entry in entries:
        entity_id = entry.get("entity_id")
        row = AuditRow(
            seq=head.seq + 1,
            at=at,
            user_id=user_id,
            username=username,
            action=entry["action"],
            entity=entry["entity"],
            entity_id=None if entity_id is None else str(entity_id),
            patient_id=entry.get("patient_id"),
            summary=json.dumps(scrub(dict(entry.get("summary") or {})), sort_keys=True, separators=(",", ":")),
            prev_hash=head.hash,
            hash="",
        )
        row.hash = row_hash(key, head.hash, row)
        head.seq, head.hash = row.seq, row.hash
        rows.append(row)
    session.add_all(rows)
    session.flush()
    return rows


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


def write_checkpoint(session: Session, key: bytes, path: Path, now: dt.datetime, *,
                     restored: bool = False) -> Checkpoint | None:
    """Record the chain's head in ``path`` (JSON lines, outside the database). ``restored``
    starts a new series (after a restore from backup)."""
    head = session.get(AuditHead, 1)
    if head is None:
        return None
    at = now.isoformat()
    point = Checkpoint(head.seq, head.hash, at, _checkpoint_mac(key, head.seq, head.hash, at, restored), restored)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(attrs.asdict(point)) + "\n")
    return point


def read_checkpoints(path: Path, key: bytes) -> list[Checkpoint]:
    """The checkpoints in ``path`` whose MAC is good (a forged line is ignored), from the last
    restore on: a restored backup legitimately ends before checkpoints taken after it."""
    if not path.exists():
        return []
    points: list[Checkpoint] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            point = Checkpoint(**json.loads(line))
        except (ValueError, TypeError):
            continue
        if hmac.compare_digest(point.mac, _checkpoint_mac(key, point.seq, point.hash, point.at, point.restored)):
            points = [point] if point.restored else [*points, point]
    return points


@attrs.frozen
class VerifyReport:
    """The outcome of :func:`verify`: ``ok``, how many rows were checked, and the first problem."""

    ok: bool
    rows: int
    first_bad_seq: int | None = None
    problem: str | None = None


def verify(session: Session, key: bytes, checkpoints: list[Checkpoint] = ()) -> VerifyReport:
    """Walk the whole chain in order and report the first row that does not hold."""
    expected_seq, prev_hash, checked, last = 1, GENESIS, 0, None
    rows = session.execute(select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=2000)).scalars()
    for row in rows:
        if row.seq > expected_seq:
            missing = f"row {expected_seq}" if row.seq == expected_seq + 1 else f"rows {expected_seq} to {row.seq - 1}"
            return VerifyReport(False, checked, expected_seq, f"{missing} deleted (the chain jumps to row {row.seq})")
        if row.prev_hash != prev_hash:
            return VerifyReport(False, checked, row.seq,
                                f"row {row.seq} does not follow row {row.seq - 1}: a row was deleted, inserted or reordered")
        if not hmac.compare_digest(row.hash, row_hash(key, prev_hash, row)):
            return VerifyReport(False, checked, row.seq, f"row {row.seq} was altered or inserted without the key")
        expected_seq, prev_hash, last = row.seq + 1, row.hash, row
        checked += 1
    head = session.get(AuditHead, 1)
    last_seq = last.seq if last else 0
    if head is not None and (head.seq, head.hash) != (last_seq, last.hash if last else GENESIS):
        return VerifyReport(False, checked, last_seq + 1,
                            f"the log ends at row {last_seq} but its head says row {head.seq}: rows were removed from the end")
    for point in checkpoints:
        if point.seq > last_seq:
            return VerifyReport(False, checked, last_seq + 1,
                                f"the log ends at row {last_seq} but the checkpoint of {point.at} saw row {point.seq}: "
                                "rows were removed from the end")
        row = session.get(AuditRow, point.seq)
        if row is None or row.hash != point.hash:
            return VerifyReport(False, checked, point.seq, f"row {point.seq} differs from the checkpoint of {point.at}")
    return VerifyReport(True, checked)


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
    """Newest first, filtered."""
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
        query = query.where(AuditRow.action.like(action.replace("*", "%")))
    for row in session.execute(query).scalars():
        yield to_entry(row)
