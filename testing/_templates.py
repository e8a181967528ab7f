"""Practices made once per test process and copied for each test.

Making a practice runs every owner's migrations and the set-up (about a hundred DDL
statements, the users, the audit chain): a second or more per test on PostgreSQL. Most
tests ask for the same practice (the installed plugins, no in-memory extras), so the first
one of a kind is made for real and remembered; the next ones are copies:

- SQLite: the finished file, copied with the ``sqlite3`` backup API.
- PostgreSQL: a finished practice whose test is over, put back as it was and renamed to
  the next test's schema (see :mod:`medoffice.testing._schema_pool`). When there is none
  idle (the first ones, or a test changed the schema's shape), every statement that changed
  the database while the first one was made, recorded with its parameters and replayed as
  one script into the next test's empty schema (the statements name no schema: each
  connection's ``search_path`` picks it).

A copy needs the audit key its rows were signed with, so the key (and the checkpoints
beside it) go with it. A practice with in-memory plugins, or with an audit key given
through the environment, is always made for real.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from . import _schema_pool

if TYPE_CHECKING:
    from medoffice.core.config import Settings
    from medoffice.core.loader import Candidate, LoadFailure

_READ_ONLY = ("select", "show", "with")
"""Statements that change nothing and need no replay (``WITH`` here only ever reads)."""


@attrs.frozen(eq=False)
class Template:
    """A finished practice that can be copied into an empty database."""

    backend: str
    audit_key: bytes
    checkpoints: bytes | None
    sqlite_file: Path | None = None
    script: str | None = None
    pool: _schema_pool.Pool | None = None
    """PostgreSQL: idle copies to lend (None when this practice cannot be put back)."""

    def copy_into(self, url: str, settings: Settings) -> None:
        """Make the database at ``url`` (empty) a copy of the template, with its audit key."""
        if self.backend == "sqlite":
            _sqlite_copy(self.sqlite_file, _sqlite_path(url))
        elif not _schema_pool.lend(self.pool, url):
            _postgres_replay(url, self.script)
            _schema_pool.follow(self.pool, url)
        key_file = settings.audit_key_file
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_bytes(self.audit_key)
        os.chmod(key_file, 0o600)
        if self.checkpoints is not None:
            settings.checkpoint_file.write_bytes(self.checkpoints)


_TEMPLATES: dict[tuple, Template] = {}


def template_key(backend: str, candidates: Sequence[Candidate], failures: Sequence[LoadFailure],
                 chosen: Sequence[str] | None, extras: Sequence[Candidate]) -> tuple | None:
    """What makes two practices the same, or None when this one must be made for real."""
    if extras or os.environ.get("MEDOFFICE_AUDIT_KEY") or os.environ.get("MEDOFFICE_AUDIT_KEY_FILE"):
        return None
    plugins = tuple(sorted((c.info.id, getattr(c.module, "__file__", None) or repr(c.module)) for c in candidates))
    return (backend, plugins, tuple(sorted(f.id for f in failures)), None if chosen is None else tuple(chosen))


def lookup(key: tuple | None) -> Template | None:
    return None if key is None else _TEMPLATES.get(key)


@contextmanager
def recording(key: tuple | None, url: str, settings: Settings) -> Iterator[None]:
    """Remember the practice made inside the block as the template for ``key``."""
    if key is None:
        yield
        return
    backend = key[0]
    statements: list[tuple[str, Any, bool]] = []
    with _recorded_writes(statements) if backend == "postgresql" else nullcontext():
        yield
    checkpoints = settings.checkpoint_file.read_bytes() if settings.checkpoint_file.exists() else None
    audit_key = settings.audit_key()
    if backend == "sqlite":
        keep = Path(tempfile.mkdtemp(prefix="medoffice-template-")) / "practice.sqlite"
        _sqlite_copy(_sqlite_path(url), keep)
        _TEMPLATES[key] = Template(backend, audit_key, checkpoints, sqlite_file=keep)
    else:
        pool = _schema_pool.new_pool(_schema_pool.snapshot(url), url)
        _schema_pool.follow(pool, url)
        _TEMPLATES[key] = Template(backend, audit_key, checkpoints, script=_render(url, statements), pool=pool)


@contextmanager
def _recorded_writes(statements: list[tuple[str, Any, bool]]) -> Iterator[None]:
    """Append every statement that may change the database, with its parameters, while the
    block runs (on every engine: the practice is made by a runtime of its own)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if not statement.lstrip().lower().startswith(_READ_ONLY):
            statements.append((statement, parameters, executemany))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def _sqlite_path(url: str) -> Path:
    return Path(url.split(":///", 1)[1])


def _sqlite_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _render(url: str, statements: list[tuple[str, Any, bool]]) -> str:
    """The recorded statements as one SQL script, their parameters bound by psycopg."""
    import psycopg

    from ._backends import libpq_url

    parts: list[str] = []
    with psycopg.connect(libpq_url(url)) as conn:
        cursor = psycopg.ClientCursor(conn)
        for statement, parameters, executemany in statements:
            for params in (parameters if executemany else [parameters]):
                text = statement if params is None else cursor.mogrify(statement, params)
                parts.append(text.rstrip().rstrip(";") + ";")
    return "\n".join(parts)


def _postgres_replay(url: str, script: str | None) -> None:
    import psycopg

    from ._backends import libpq_url

    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute(script.encode())

