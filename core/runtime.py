"""The runtime: one practice's database, plugins and settings, and its units of work.

``open_runtime`` is what the CLI, the TUI and the test kit call. It opens the engine, reads
which plugins the practice enabled (stored in the database, so every terminal agrees), and
builds a fresh plugin manager. :meth:`Runtime.operation` is the one way to touch data: a
transaction that commits whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager as ContextManager
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, select

from . import audit
from .config import Settings
from .context import SYSTEM_USER, Context
from .errors import ConfigurationError, PermissionDenied
from .loader import Candidate, LoadFailure, PluginSet, build_plugin_set, discover
from .loader.failures import FailureLog, failure_log_path
from .loader.manager import StoredChoice
from .permissions import CorePermissions
from .records import UserRecord
from .setup_cache import SetupCache
from .storage.engine import WRITE_OPTION, make_engine
from .storage.units import IdleConnections, UnitOfWork
from .storage.models import PluginState


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def stored_choices(engine: Engine) -> dict[str, StoredChoice] | None:
    """The practice's plugin choices, or None when the database has no practice yet."""
    reader = engine.execution_options(**{WRITE_OPTION: False})
    with reader.connect() as conn:  # the dialect's own check: an Inspector costs more than the read
        if not reader.dialect.has_table(conn, PluginState.__tablename__):
            return None
        rows = conn.execute(select(PluginState.plugin_id, PluginState.enabled, PluginState.migrated)).all()
    return {plugin_id: StoredChoice(enabled, migrated) for plugin_id, enabled, migrated in rows}


class Runtime:
    """An open practice. Cheap to keep for the life of a process; close it at the end."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        plugins: PluginSet,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        sources: tuple[Sequence[Candidate], Sequence[LoadFailure]] = ((), ()),
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock
        data_dir = settings.data_dir if settings.data_dir is not None else settings.config_dir.parent / "data"
        self.plugin_failures = FailureLog(failure_log_path(data_dir, settings.database_url), lambda: self.clock())
        self.plugins = plugins
        self._sources = sources
        self._audit_key: bytes | None = None
        self.checkpoints = audit.AutoCheckpoints(settings.checkpoint_dir)
        self._reader: tuple[Engine, Engine] | None = None
        self._idle = IdleConnections() if engine.url.get_backend_name() == "sqlite" and not _memory(engine) else None
        """Connections kept between units of work (SQLite files only)."""
        self.setup_cache = SetupCache()
        """The read-mostly set-up kept between units of work (:meth:`Context.cached`)."""

    @property
    def plugins(self) -> PluginSet:
        """The loaded plugins; their hooks' failures are kept in :attr:`plugin_failures`."""
        return self._plugins

    @plugins.setter
    def plugins(self, value: PluginSet) -> None:
        value.hooks.on_failure = self.plugin_failures.record
        self._plugins = value

    def audit_key(self) -> bytes:
        if self._audit_key is None:
            self._audit_key = self.settings.audit_key()
        return self._audit_key

    @cached_property
    def audit_key_source(self) -> str:
        """Where the audit key comes from, for messages (:attr:`Settings.audit_key_source`),
        worked out once: every audit entry names it in case the key is refused."""
        return self.settings.audit_key_source

    @property
    def has_practice(self) -> bool:
        reader = self.engine.execution_options(**{WRITE_OPTION: False})
        with reader.connect() as conn:
            return reader.dialect.has_table(conn, "core_practice")

    def operation(self, user: UserRecord | None = None, *, write: bool = True) -> ContextManager[Context]:
        """A unit of work acting as ``user`` (the system user when None).

        Commits when the block ends normally; rolls everything back, audit entries and
        plugins' writes included, when it raises. A refusal (``PermissionDenied``) is then
        audited on its own; a unit of work that appended to the audit log may checkpoint it
        once committed (:class:`~medoffice.core.audit.AutoCheckpoints`).

        It runs its plain statements on a pooled connection and makes its ORM session only if
        something needs one (:mod:`medoffice.core.storage.units`); ``write=False`` makes it
        read-only (on SQLite it then takes no write lock).
        """
        return _Operation(self, user, write)

    def _unit(self, write: bool) -> UnitOfWork:
        if write:
            return UnitOfWork(self.engine, self._idle, write=True)
        reader = self._reader
        if reader is None or reader[0] is not self.engine:
            reader = self._reader = (self.engine, self.engine.execution_options(**{WRITE_OPTION: False}))
        return UnitOfWork(reader[1], self._idle)

    def build_plugins(self, choices: Mapping[str, StoredChoice] | None, *, require_migrated: bool = True) -> PluginSet:
        """A fresh plugin set of this runtime's installed plugins for the given choices (the
        stored ones, or ones an operation is about to store)."""
        candidates, failures = self._sources
        built = build_plugin_set(candidates, failures, choices, core_plugins=[CorePermissions()],
                                 require_migrated=require_migrated)
        built.hooks.on_failure = self.plugin_failures.record
        return built

    def reload_plugins(self) -> PluginSet:
        """Rebuild the plugin manager after the practice's choices changed."""
        self.plugins = self.build_plugins(stored_choices(self.engine))
        return self.plugins

    def migration_plugins(self) -> PluginSet:
        """Every enabled plugin, migrated or not: what ``db upgrade`` works on."""
        return self.build_plugins(stored_choices(self.engine), require_migrated=False)

    def close(self) -> None:
        if self._idle is not None:
            self._idle.close()
        self.engine.dispose()


class _Operation:
    """A unit of work (:meth:`Runtime.operation`): a plain class rather than generators, since
    a day board's whole read costs little more than the layers of generators around it would.
    A refusal that ends it is recorded as :func:`medoffice.core.audit.refusals_recorded`
    records one (the outermost unit of work of a thread, each refusal once)."""

    __slots__ = ("_runtime", "_user", "_write", "_depth", "_unit", "_ctx")

    def __init__(self, runtime: Runtime, user: UserRecord | None, write: bool) -> None:
        self._runtime = runtime
        self._user = user
        self._write = write

    def __enter__(self) -> Context:
        runtime = self._runtime
        self._depth = depth = audit.unit_entered()
        try:
            self._unit = unit = runtime._unit(self._write)
            self._ctx = Context(runtime, None, self._user or SYSTEM_USER, write=self._write, unit=unit)
        except BaseException:
            audit.unit_left(depth)
            raise
        return self._ctx

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        runtime, ctx = self._runtime, self._ctx
        try:
            ok, due = kind is None, None
            try:
                if ok:
                    due = self._before_commit(ctx)
            except BaseException:
                ok = False
                raise
            finally:
                self._unit.close(commit=ok)
            if due is not None:
                runtime.checkpoints.write(due, runtime.audit_key(), runtime.clock())
            if isinstance(error, PermissionDenied):
                self._refused(error)
        except PermissionDenied as refused:
            self._refused(refused)
            raise
        finally:
            audit.unit_left(self._depth)

    def _before_commit(self, ctx: Context) -> Any:
        """Write what waits for the commit (the audit entries) and say whether a checkpoint is
        due. Without an ORM session the entries go in as plain statements when they can;
        otherwise (the audit head moved under this terminal, several entries, a checkpoint's
        first look at the database) the session is made and its commit writes them."""
        runtime, unit = self._runtime, self._unit
        checkpoints = runtime.checkpoints
        if ctx.made_session is None and self._write:
            if audit.write_in_unit(unit) and not (checkpoints.needs_session and audit.appended_in(unit.info)):
                return checkpoints.due_after(unit.info, runtime.audit_key, runtime.clock)
        session = ctx.made_session if not self._write else ctx.session
        if session is None:
            return None
        return checkpoints.due(session, runtime.audit_key, runtime.clock)

    def _refused(self, refused: PermissionDenied) -> None:
        """Record the refusal (once rolled back) when this is the thread's outermost unit of work."""
        audit.record_refusal(self._runtime, self._user, refused, self._depth)


def _memory(engine: Engine) -> bool:
    database = engine.url.database or ""
    return database in ("", ":memory:") or "mode=memory" in database


def open_runtime(
    database_url: str | None = None,
    *,
    settings: Settings | None = None,
    candidates: Sequence[Candidate] | None = None,
    failures: Sequence[LoadFailure] = (),
    clock: Callable[[], dt.datetime] = utc_now,
    **engine_options: Any,
) -> Runtime:
    """Open a practice's database with its enabled plugins.

    Args:
        database_url: overrides the configured database.
        settings: resolved settings (else resolved from the environment).
        candidates: the installed plugins; None discovers them from entry points.
        failures: plugins that failed to import, to report.
        clock: where "now" comes from.
    """
    settings = settings or Settings.resolve(database_url)
    if candidates is None:
        candidates, found_failures = discover()
        failures = [*failures, *found_failures]
    try:
        engine = make_engine(settings.database_url, **engine_options)
    except Exception as exc:  # an unparseable URL or unknown driver
        raise ConfigurationError(f"cannot use the database {settings.database_url!r}: {exc}") from None
    plugins = build_plugin_set(candidates, failures, stored_choices(engine), core_plugins=[CorePermissions()])
    return Runtime(settings, engine, plugins, clock=clock, sources=(tuple(candidates), tuple(failures)))
