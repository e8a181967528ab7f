"""Backups and restores of a SQLite practice, with an audit checkpoint at each backup.

SQLite's online backup API copies a consistent snapshot while other terminals keep working.
PostgreSQL practices use ``pg_dump``; we say so rather than half-doing it. Each backup writes
a checkpoint of the audit chain's head outside the database, so that ``audit verify`` can tell
when rows were later cut off the end of the log. A restore starts a new checkpoint series: a
restored practice legitimately ends earlier than the checkpoints written after the backup.
"""

from __future__ import annotations

import sqlite3
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


def backup(runtime: Runtime, ctx_user, target: Path, *, overwrite: bool = False) -> BackupResult:
    """Copy the practice to ``target`` (a new file) and checkpoint the audit chain."""
    _require_sqlite(runtime)
    with runtime.operation(ctx_user, write=False) as ctx:
        ctx.require("backup.run")
    target = Path(target)
    if target.exists() and not overwrite:
        raise Conflict(f"{target} already exists; choose another name or pass --force")
    if not target.parent.exists():
        raise ValidationError(f"the folder {target.parent} does not exist")
    partial = target.with_name(target.name + ".partial")
    with runtime.engine.connect() as conn:
        source = conn.connection.driver_connection
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
        finally:
            dest.close()
    partial.replace(target)
    with runtime.operation(ctx_user) as ctx:
        ctx.audit("backup.created", "database", None, summary={"path": str(target), "bytes": target.stat().st_size})
    with runtime.operation(ctx_user, write=False) as ctx:
        point = audit.write_checkpoint(ctx.session, runtime.audit_key(), runtime.settings.checkpoint_file, ctx.now())
    return BackupResult(target, target.stat().st_size, point.seq if point else None)


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
