"""Checkpoint files: the chain's head recorded outside the database, to tell a log cut at its end.

Removing rows from the end and rewriting the head (or wiping the log and beginning again)
leaves a chain that is still consistent; a checkpoint (the head's seq and hash, MACed with the
key) kept in the data folder, in a file named by the database's own identity
(:mod:`.identity`), reveals it. This module is the file: one JSON line per checkpoint, read
back from the last restore on. Who writes them, and when, is :mod:`.checkpoints`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ..files import private_folder

if TYPE_CHECKING:
    from ..config import Settings


@attrs.frozen
class Checkpoint:
    """One line of a checkpoint file: the head (``seq``, ``hash``) seen at ``at``, MACed with the
    key; a ``restored`` one (written by a restore) starts a new series."""

    seq: int
    hash: str
    at: str
    mac: str
    restored: bool = False


def _checkpoint_mac(key: bytes, seq: int, hash_: str, at: str, restored: bool) -> str:
    message = f"checkpoint|{seq}|{hash_}|{at}|{'restored' if restored else ''}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def checkpoint_path(folder: Path, database_id: str) -> Path:
    """The checkpoint file of the database ``database_id`` in ``folder``."""
    return folder / f"checkpoints-{database_id}.jsonl"


def append_point(path: Path, key: bytes, seq: int, hash_: str, now: dt.datetime, restored: bool) -> Checkpoint:
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


def parse_point(line: str, key: bytes) -> Checkpoint | None:
    """The checkpoint on ``line``; None when it is not one or its MAC is not good."""
    try:
        point = Checkpoint(**json.loads(line))
        good = hmac.compare_digest(point.mac, _checkpoint_mac(key, point.seq, point.hash, point.at, point.restored))
    except (ValueError, TypeError):
        return None
    return point if good else None


def read_checkpoints(path: Path, key: bytes) -> list[Checkpoint]:
    """The checkpoints in ``path`` whose MAC is good (a forged line is ignored), from the last
    restore on: a restored backup legitimately ends before checkpoints taken after it."""
    return last_series(points_in(path, key))


def points_in(path: Path, key: bytes) -> list[Checkpoint]:
    """Every checkpoint in ``path`` whose MAC is good, in order (none when there is no file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [p for p in map(lambda line: parse_point(line, key), text.splitlines()) if p is not None]


def last_series(points: Iterable[Checkpoint]) -> list[Checkpoint]:
    """The ``points`` from the last restored one on."""
    series: list[Checkpoint] = []
    for point in points:
        series = [point] if point.restored else [*series, point]
    return series


def practice_checkpoints(settings: Settings, key: bytes, database_id: str | None) -> list[Checkpoint]:
    """The checkpoints that bind this database: those in its own file (by its identity), after
    those of the older file named by the URL (kept before the identity existed), from the last
    restore on."""
    older = points_in(settings.legacy_checkpoint_file, key)
    own = points_in(checkpoint_path(settings.checkpoint_dir, database_id), key) if database_id else []
    return last_series([*older, *own])
