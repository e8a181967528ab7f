"""The runtime: one practice's database, plugins and settings, and its units of work.

``open_runtime`` is what the CLI, the TUI and the test kit call. It opens the engine, reads
which plugins the practice enabled (stored in the database, so every terminal agrees), and
builds a fresh plugin manager. :meth:`Runtime.operation` is the one way to touch data: a
transaction that commits whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from . import audit
from .config import Settings
from .context import SYSTEM_USER, Context
from .errors import ConfigurationError
from .loader import Candidate, LoadFailure, PluginSet, build_plugin_set, discover
from .loader.failures import FailureLog, failure_log_path
from .loader.manager import StoredChoice
from .permissions import CorePermissions
from .records import UserRecord
from .storage.engine import WRITE_OPTION, make_engine
from .storage.models import PluginState


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def stored_choices(engine: Engine) -> dict[str, StoredChoice] | None:
    """The practice's plugin choices, or None when the database has no practice yet."""
    reader = engine.execution_options(**{WRITE_OPTION: False})
    if not inspect(reader).has_table("core_plugin_state"):
        return None
    with Session(reader) as session:
        rows = session.execute(select(PluginState)).scalars()
        return {r.plugin_id: StoredChoice(r.enabled, r.migrated) for r in rows}


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

    @property
    def has_practice(self) -> bool:
        return inspect(self.engine.execution_options(**{WRITE_OPTION: False})).has_table("core_practice")

    @contextmanager
    def operation(self, user: UserRecord | None = None, *, write: bool = True) -> Iterator[Context]:
        """A unit of work acting as ``user`` (the system user when None).

        Commits when the block ends normally; rolls everything back, audit entries and
        plugins' writes included, when it raises. A refusal (``PermissionDenied``) is then
        audited on its own; a unit of work that appended to the audit log may checkpoint it
        once committed (:class:`~medoffice.core.audit.AutoCheckpoints`).
        """
        bind = self.engine if write else self.engine.execution_options(**{WRITE_OPTION: False})
        with audit.refusals_recorded(self, user), Session(bind, expire_on_commit=False, autoflush=True) as session:
            with session.begin():
                yield Context(self, session, user or SYSTEM_USER, write=write)
                due = self.checkpoints.due(session, self.audit_key, self.clock)
            if due is not None:
                self.checkpoints.write(due, self.audit_key(), self.clock())

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
        self.engine.dispose()


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
