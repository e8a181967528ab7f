"""Who writes checkpoints, and when: each terminal as it works (:class:`AutoCheckpoints`,
every :data:`CHECKPOINT_EVERY` entries and once a day), and each backup
(:func:`write_checkpoint`). The file they go to is :mod:`.checkpoint_file`.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.models import AuditHead, Practice
from .appending import take_appended, write_pending
from .checkpoint_file import Checkpoint, append_point, checkpoint_path, parse_point
from .identity import database_id, own_identity


CHECKPOINT_EVERY = 1000
"""A terminal checkpoints the chain after every this many entries (and at its first write of
each day in the practice's time zone)."""


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
    return append_point(target, key, head.seq, head.hash, now, restored)


@attrs.define
class _Due:
    """A checkpoint a unit of work calls for, written once it has committed."""

    path: Path
    seq: int
    hash: str
    day: dt.date


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
        appended = take_appended(info)
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
                appended = take_appended(info, appended)
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
                append_point(due.path, key, due.seq, due.hash, now, False)
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
            point = parse_point(line, key)
            if point is not None:
                try:
                    return point.seq, dt.datetime.fromisoformat(point.at).astimezone(zone).date()
                except ValueError:
                    return None
        return None
