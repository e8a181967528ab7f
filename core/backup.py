"""Backups and restores of a SQLite practice, with an audit checkpoint at each backup.

SQLite's online backup API copies a consistent snapshot while other terminals keep working.
PostgreSQL practices use ``pg_dump``; we say so rather than half-doing it. Each backup writes
a checkpoint of the audit chain's head outside the database, so that ``audit verify`` can tell
when rows were later cut off the end of the log. A restore starts a new checkpoint series: a
restored practice legitimately ends earlier than the checkpoints written after the backup.

A backup file is created with mode 0600 and replaces only a regular file (:func:`backup`).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from pathlib import Path

import attrs

from . import audit
from .errors import ConfigurationError, Conflict, ValidationError
from .runtime import Runtime


@attrs.frozen
class BackupResult:
    path: Path
    bytes: int
    audit_seq: int | None
    replaced: bool = False
    """Whether an older file at ``path`` was replaced (``--force``)."""


def _require_sqlite(runtime: Runtime, *, restoring: bool = False) -> str:
    url = runtime.engine.url
    if url.get_backend_name() != "sqlite":
        where = f"-h {url.host or 'localhost'} -U {url.username or 'postgres'}"
        if restoring:
            raise ConfigurationError(f"PostgreSQL practices are restored from a pg_dump backup with pg_restore, "
                                     f"e.g. 'pg_restore {where} -d {url.database} practice.dump'")
        raise ConfigurationError(f"PostgreSQL practices are backed up with pg_dump, "
                                 f"e.g. 'pg_dump -Fc {where} {url.database} > practice.dump'")
    return url.database


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _existing(target: Path, overwrite: bool) -> bool:
    """Whether ``target`` is a regular file a backup may replace; refuse anything else there."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(info.st_mode):
        raise ValidationError(f"{target} is {_kind(info.st_mode)}: a backup only replaces a regular file or makes "
                              "a new one; choose another name", field="path")
    if not overwrite:
        raise Conflict(f"{target} already exists; choose another name or pass --force")
    return True


def _put_in_place(written: Path, target: Path, overwrite: bool) -> bool:
    """Give the finished backup its name; return whether a file was replaced.

    Without ``overwrite`` a hard link names it, which fails if anything took the name in the
    meantime; where the file system has no hard links (FAT on a USB disk), the name is checked
    once more just before the rename.
    """
    if not overwrite:
        try:
            os.link(written, target, follow_symlinks=False)
        except FileExistsError:
            raise Conflict(f"{target} already exists; choose another name or pass --force") from None
        except OSError:
            pass
        else:
            written.unlink()
            return False
    replaced = _existing(target, overwrite)
    os.replace(written, target)
    return replaced


def backup(runtime: Runtime, ctx_user, target: Path, *, overwrite: bool = False) -> BackupResult:
    """Copy the practice to ``target`` and checkpoint the audit chain.

    The copy goes to a new file of its own in the target's folder (made exclusively, mode
    0600, with an unpredictable name), which is renamed to ``target`` once complete. A target
    that exists is refused unless ``overwrite``, and is only ever replaced when it is a regular
    file: never a device, a pipe, a folder or what a symbolic link points at.

    Raises:
        PermissionDenied: without ``backup.run``.
        Conflict: ``target`` exists and ``overwrite`` is false.
        ValidationError: ``target`` is not a regular file; its folder does not exist.
        ConfigurationError: a PostgreSQL practice (use ``pg_dump``).

    .. versionchanged:: 1 refuses targets that are not regular files; ``replaced``.
    """
    _require_sqlite(runtime)
    with runtime.operation(ctx_user, write=False) as ctx:
        ctx.require("backup.run")
    target = Path(target)
    if not target.parent.is_dir():
        raise ValidationError(f"the folder {target.parent} does not exist", field="path")
    _existing(target, overwrite)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    written = Path(name)
    try:
        with runtime.engine.connect() as conn:
            source = conn.connection.driver_connection
            dest = sqlite3.connect(written)
            try:
                source.backup(dest)
            finally:
                dest.close()
        replaced = _put_in_place(written, target, overwrite)
    finally:
        written.unlink(missing_ok=True)
    size = target.stat().st_size
    with runtime.operation(ctx_user) as ctx:
        ctx.audit("backup.created", "database", None,
                  summary={"path": str(target), "bytes": size, **({"replaced": True} if replaced else {})})
    with runtime.operation(ctx_user, write=False) as ctx:
        point = audit.write_checkpoint(ctx.session, runtime.audit_key(), runtime.settings.checkpoint_file, ctx.now())
    return BackupResult(target, size, point.seq if point else None, replaced)


def _check_backup(path: Path) -> None:
    if not path.exists():
        raise ValidationError(f"no backup file at {path}")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            has_practice = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='core_practice'").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"{path} is not a SQLite database: {exc}") from None
    if ok != "ok":
        raise ValidationError(f"{path} is damaged: {ok}")
    if not has_practice:
        raise ValidationError(f"{path} is not a medoffice backup (it has no practice)")


def _require_key_signs(source: Path, runtime: Runtime) -> None:
    """Refuse, before anything is replaced, a backup whose audit log another key signed."""
    from sqlalchemy.orm import Session

    from .storage.engine import make_engine
    from .storage.models import AuditHead

    engine = make_engine(f"sqlite:///file:{source}?mode=ro&uri=true")
    try:
        with Session(engine) as session:
            head = session.get(AuditHead, 1)
            if head is not None and head.seq and not audit.key_signs_chain(session, runtime.audit_key(), head.seq):
                raise audit.WrongAuditKey(
                    f"the audit key {runtime.settings.audit_key_source} did not sign the audit log of {source}: "
                    "nothing was restored; point MEDOFFICE_AUDIT_KEY_FILE at the key of the practice that was "
                    "backed up")
    finally:
        engine.dispose()


def restore(runtime: Runtime, source: Path, *, overwrite: bool = False, by: str | None = None) -> Path:
    """Replace the practice's SQLite database with the backup at ``source``.

    Refuses when the database already holds a practice, unless ``overwrite``.
    """
    database = Path(_require_sqlite(runtime, restoring=True))
    source = Path(source)
    _check_backup(source)
    if runtime.has_practice and not overwrite:
        raise Conflict(f"{database} already holds a practice; pass --force to replace it")
    try:
        runtime.audit_key()
    except ConfigurationError as missing:
        raise ConfigurationError(
            f"{missing}: to restore into this database, point MEDOFFICE_AUDIT_KEY_FILE at the audit key "
            "of the practice that was backed up"
        ) from None
    _require_key_signs(source, runtime)
    runtime.engine.dispose()
    with sqlite3.connect(source) as src, sqlite3.connect(database) as dest:
        src.backup(dest)
    runtime.engine.dispose()
    with runtime.operation() as ctx:
        ctx.audit("backup.restored", "database", None, summary={"from": str(source), "by": by})
    with runtime.operation(write=False) as ctx:
        audit.write_checkpoint(ctx.session, runtime.audit_key(), runtime.settings.checkpoint_file, ctx.now(),
                               restored=True)
    runtime.reload_plugins()
    return database
