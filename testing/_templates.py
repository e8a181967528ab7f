"""Practices made once per test process and copied for each test.

Making a practice runs every owner's migrations and the set-up (about a hundred DDL
statements, the users, the audit chain): a second or more per test on PostgreSQL. Most
tests ask for the same practice (the installed plugins, no in-memory extras), so the first
one of a kind is made for real and remembered; the next ones are copies:

- SQLite: the finished file, kept with the ``sqlite3`` backup API and copied as a file.
- PostgreSQL: a finished practice whose test is over, put back as it was and renamed to
  the next test's schema (see :mod:`medoffice.testing._schema_pool`). When there is none
  idle (the first ones, or a test changed the schema's shape), every statement that changed
  the database while the first one was made, recorded with its parameters and replayed as
  one script into the next test's empty schema (the statements name no schema: each
  connection's ``search_path`` picks it).

A copy needs the audit key its rows were signed with, so the key (and the checkpoints
written while it was made) go with it. A practice with an audit key given through the
environment, or with an in-memory plugin that cannot be told apart from another
(:func:`template_key`), is always made for real.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from . import _schema_pool

if TYPE_CHECKING:
    from medoffice.core.config import Settings
    from medoffice.core.loader import Candidate, LoadFailure

_READ_ONLY = ("select", "show", "with")
"""Statements that change nothing and need no replay, unless :data:`_WRITES_INSIDE` finds an
insert, update or delete inside one (a ``WITH … INSERT … RETURNING``, as a PostgreSQL
registration writes a patient and its search terms)."""

_WRITES_INSIDE = re.compile(r"\b(?:insert\s+into|update\s+\S+\s+set|delete\s+from)\b", re.IGNORECASE)


@attrs.frozen(eq=False)
class Template:
    """A finished practice that can be copied into an empty database."""

    backend: str
    audit_key: bytes
    checkpoints: dict[str, bytes]
    """The audit checkpoint files written while it was made (each database's file is named
    by its identity, which the copy shares)."""
    sqlite_file: Path | None = None
    script: str | None = None
    pool: _schema_pool.Pool | None = None
    """PostgreSQL: idle copies to lend (None when this practice cannot be put back)."""
    value: Any = None
    """What the set-up that made it returned (:func:`seeded`): handed to each copy's test."""

    def copy_into(self, url: str, settings: Settings) -> None:
        """Make the database at ``url`` (empty) a copy of the template, with its audit key."""
        if self.backend == "sqlite":
            target = _sqlite_path(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.sqlite_file, target)  # a closed file only ever read: no need of the backup API
        elif not _schema_pool.lend(self.pool, url):
            _postgres_replay(url, self.script)
            _schema_pool.follow(self.pool, url)
        key_file = settings.audit_key_file
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_bytes(self.audit_key)
        os.chmod(key_file, 0o600)
        if self.checkpoints:
            folder = settings.checkpoint_dir
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            for name, content in self.checkpoints.items():
                fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)


_TEMPLATES: dict[tuple, Template] = {}


def template_key(backend: str, candidates: Sequence[Candidate], failures: Sequence[LoadFailure],
                 chosen: Sequence[str] | None, extras: Sequence[Candidate]) -> tuple | None:
    """What makes two practices the same, or None when this one must be made for real.

    An in-memory plugin (``medoffice_extra_plugins``) is usually a new object per test: it
    counts as the same plugin when it is a module of the same file, or an object of the same
    class (from the same file) with the same plugin info and the same attributes, compared by
    ``repr``. One whose info or attributes show no stable ``repr`` (an object's address) is
    made for real.
    """
    if os.environ.get("MEDOFFICE_AUDIT_KEY") or os.environ.get("MEDOFFICE_AUDIT_KEY_FILE"):
        return None
    extra_ids = {id(c) for c in extras}
    plugins = tuple(sorted((c.info.id, getattr(c.module, "__file__", None) or repr(c.module))
                           for c in candidates if id(c) not in extra_ids))
    in_memory = []
    for candidate in extras:
        identity = _in_memory_identity(candidate)
        if identity is None:
            return None
        in_memory.append(identity)
    chosen_ids = None if chosen is None else tuple(sorted(set(chosen)))
    return (backend, plugins, tuple(sorted(f.id for f in failures)), chosen_ids,
            tuple(in_memory))


def _in_memory_identity(candidate: Candidate) -> tuple | None:
    """What an in-memory plugin contributes to a practice made with it (None: unknowable)."""
    import inspect
    import types

    obj = candidate.module
    try:
        if isinstance(obj, types.ModuleType):
            where: tuple = ("module", obj.__name__, getattr(obj, "__file__", None))
            state = ""
        else:
            cls = obj if isinstance(obj, type) else type(obj)
            where = ("object", cls.__module__, cls.__qualname__, inspect.getsourcefile(cls))
            state = "" if isinstance(obj, type) else repr(sorted(vars(obj).items())) if hasattr(obj, "__dict__") else ""
        shown = (repr(candidate.info), candidate.distribution, candidate.version, state)
    except Exception:  # no source file, an attribute whose repr fails
        return None
    if any(" at 0x" in text for text in shown) or where[-1] is None:
        return None
    return (*where, *shown)


def lookup(key: tuple | None) -> Template | None:
    return None if key is None else _TEMPLATES.get(key)


@contextmanager
def recording(key: tuple | None, url: str, settings: Settings) -> Iterator[None]:
    """Remember the practice made inside the block as the template for ``key``."""
    if key is None:
        yield
        return
    backend = key[0]
    before = _checkpoint_files(settings)
    statements: list[tuple[str, Any, bool]] = []
    with _recorded_writes(statements) if backend == "postgresql" else nullcontext():
        yield
    checkpoints = {name: content for name, content in _checkpoint_files(settings).items()
                   if before.get(name) != content}
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
        if not statement.lstrip().lower().startswith(_READ_ONLY) or _WRITES_INSIDE.search(statement):
            # A batch of "insertmanyvalues" comes with executemany set, but as one statement
            # with one set of parameters: only a list of parameter sets is many.
            many = executemany and isinstance(parameters, (list, tuple)) and bool(parameters) \
                and isinstance(parameters[0], (dict, list, tuple))
            statements.append((statement, parameters, many))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def seeded(key: tuple, url: str, settings: Settings, base: Template, build: Callable[[], Any]) -> Any:
    """Run ``build()`` (it writes into the practice at ``url``, a copy of ``base`` that nothing
    has changed yet) and remember the result as the template for ``key``, with ``build``'s
    return value. The practice's runtime stays open: a SQLite file is copied with the backup
    API; on PostgreSQL the statements ``build`` ran are added to ``base``'s script and the
    schema goes back to the new template's pool when its test ends."""
    statements: list[tuple[str, Any, bool]] = []
    with _recorded_writes(statements) if base.backend == "postgresql" else nullcontext():
        value = build()
    checkpoints = _checkpoint_files(settings)
    if base.backend == "sqlite":
        keep = Path(tempfile.mkdtemp(prefix="medoffice-template-")) / "practice.sqlite"
        _sqlite_copy(_sqlite_path(url), keep)
        template = Template("sqlite", base.audit_key, checkpoints, sqlite_file=keep, value=value)
    else:
        pool = _schema_pool.new_pool(_schema_pool.snapshot(url), url)
        _schema_pool.follow(pool, url)
        script = "\n".join(part for part in (base.script, _render(url, statements)) if part)
        template = Template("postgresql", base.audit_key, checkpoints, script=script, pool=pool, value=value)
    _TEMPLATES[key] = template
    return copy.deepcopy(value)


def replace(url: str, settings: Settings, template: Template) -> Any:
    """Make the practice at ``url`` (its runtimes closed) a copy of ``template`` instead, and
    return a copy of the value its set-up returned."""
    if template.backend == "sqlite":
        target = _sqlite_path(url)
        for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
    else:
        from psycopg import sql

        from ._backends import admin_connection, schema_of, server_of

        schema = sql.Identifier(schema_of(url))
        conn = admin_connection(server_of(url))
        if _schema_pool.give_back(url):  # the untouched copy goes back to its pool
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
        else:
            with conn.transaction():
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema))
                conn.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
    template.copy_into(url, settings)
    return copy.deepcopy(template.value)


def _checkpoint_files(settings: Settings) -> dict[str, bytes]:
    """The checkpoint files, without the ``database-*.home`` files that say where the template
    was: a test's copy stands for a practice made where it is, not for a copy of the template
    (which would take an identity of its own at its first write and say so in its log)."""
    folder = settings.checkpoint_dir
    if not folder.is_dir():
        return {}
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir()) if f.is_file() and not f.name.endswith(".home")}


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

