"""The database's own identity and home: what names its checkpoint file, and how a copy of the
database takes an identity of its own.

A database's identity is a random id in the database (``core_database``), not its URL, so a
practice's checkpoints follow it whatever its URL's spelling. Beside its checkpoints, the
first terminal records where the database is (:func:`database_location`); a database found
elsewhere is a copy (or a move) and takes a new identity (:func:`own_identity`), so neither
copy's checkpoints make the other look cut.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..files import private_folder
from ..storage.models import AuditHead, AuditRow, DatabaseIdentity
from .appending import append, write_pending
from .checkpoint_file import append_point, checkpoint_path, last_series, points_in


def database_id(session: Session) -> str | None:
    """This database's own identity (``core_database``, core migration c0005), which names its
    checkpoint file; None for a database made before it (or whose identity was removed)."""
    from sqlalchemy import inspect

    if not inspect(session.connection()).has_table(DatabaseIdentity.__tablename__):
        return None
    return session.execute(select(DatabaseIdentity.uid).where(DatabaseIdentity.id == 1)).scalar_one_or_none()


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
    points = last_series(points_in(checkpoint_path(folder, uid), key))
    kept = []
    for point in points:
        row = session.get(AuditRow, point.seq)
        if row is not None and hmac.compare_digest(row.hash, point.hash):
            kept.append(point)
    target = checkpoint_path(folder, new)
    for point in kept:
        append_point(target, key, point.seq, point.hash, dt.datetime.fromisoformat(point.at), point.restored)
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
