"""The hash chain itself: what a row holds once scrubbed, how it is signed, and where the chain's
head is.

Each row carries ``hash = HMAC(key, prev_hash + row)``. The key lives outside the database
(:mod:`medoffice.core.config`), so whoever edits the database cannot forge a consistent chain
(:mod:`.verification` walks it).

Before a connection appends its first entry, the key is checked against the chain already
there (the newest row's MAC, or the first row's when the newest was altered): a terminal
given another practice's key is refused with :class:`WrongAuditKey` and writes nothing,
rather than signing rows that ``audit verify`` would then report as tampered. The check is
made once per database connection; an empty chain (a new practice) has nothing to check.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import json.encoder
import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import ConfigurationError
from ..storage import plain
from ..storage.models import AuditHead, AuditRow

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


def compact_json(*, sort_keys: bool) -> Callable[[Any], str]:
    """What writes a value as JSON with no spaces and only ASCII characters, as
    ``json.dumps(value, separators=(",", ":"), sort_keys=sort_keys)`` does, character for
    character: the standard library's C encoder made once and called directly
    (``JSONEncoder.encode`` makes one per call, a third of the time of a small summary's).
    It does not look for circular references: what it writes is built fresh (a scrubbed
    summary, a row's fields)."""
    options = json.JSONEncoder(sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=True)
    make = json.encoder.c_make_encoder
    if make is None:  # a Python without the C accelerator
        return options.encode
    encoder = make(None, options.default, json.encoder.encode_basestring_ascii, None, ":", ",", sort_keys, False, True)

    def encode(value: Any) -> str:
        return "".join(encoder(value, 0))

    return encode


_CANONICAL_JSON = compact_json(sort_keys=False)
"""A row's canonical JSON form."""


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


_UTC = dt.timezone.utc


def _canonical(row: AuditRow) -> bytes:
    at = row.at
    at = (at if at.tzinfo is _UTC else at.astimezone(_UTC)).isoformat(timespec="microseconds")
    fields = [row.seq, at, row.user_id, row.username, row.action, row.entity, row.entity_id,
              row.patient_id, row.summary]
    return _CANONICAL_JSON(fields).encode()


@functools.lru_cache(maxsize=8)
def _keyed(key: bytes) -> Any:
    """An HMAC-SHA-256 with ``key`` and nothing hashed yet: each row's MAC starts from a copy
    (the key's padding hashed once per key, not once per row)."""
    return hmac.new(key, digestmod=hashlib.sha256)


def row_hash(key: bytes, prev_hash: str, row: AuditRow) -> str:
    """The row's MAC over the hash before it and its canonical form."""
    mac = _keyed(key).copy()
    mac.update(prev_hash.encode() + b"\x1f" + _canonical(row))
    return mac.hexdigest()


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


@functools.lru_cache(maxsize=8)
def _key_mark(key: bytes) -> str:
    return hashlib.sha256(b"medoffice audit key check\x1f" + key).hexdigest()


def key_checked(info: Mapping[str, Any], key: bytes) -> bool:
    """Whether the connection whose ``info`` this is has seen ``key`` sign the chain already."""
    return info.get(_KEY_CHECKED) == _key_mark(key)


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
_COUNT_ROWS = select(func.count()).select_from(AuditRow.__table__)
"""The statements that read the head, built once (SQLAlchemy then reuses their compiled form)."""


def read_head(session: Session, key: bytes, key_name: str | None, *, lock: bool) -> tuple[int, str] | None:
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
