"""The context of one operation: who acts, in which unit of work, with which plugins.

Every service function takes a :class:`Context` first. It is how a service checks a
permission (before it loads any patient data), writes the audit log, reaches the practice's
time zone and calls hooks. Plugins receive it in event hooks and may write their own tables
through :attr:`Context.session`, inside the same transaction: if anything raises, all of it
rolls back. Records, never ORM objects, leave a service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.orm import Session

from . import audit
from .errors import PermissionDenied
from .records import UserRecord
from .storage.plain import Statement, driver_rows
from .storage.units import UnitOfWork

if TYPE_CHECKING:
    from .loader import Hooks
    from .records import PracticeRecord
    from .runtime import Runtime

T = TypeVar("T")

SYSTEM_USER = UserRecord(id=0, username="system", full_name="medoffice", roles=frozenset({"system"}),
                         permissions=frozenset({"*"}))
"""Acts for set-up work with no human behind it (``init``, ``demo``, migrations)."""


class Context:
    """One unit of work, acting as one user."""

    def __init__(self, runtime: Runtime, session: Session | None, user: UserRecord, *, write: bool,
                 unit: UnitOfWork | None = None) -> None:
        self.runtime = runtime
        self._session = session
        self._unit = unit
        self.user = user
        self.write = write
        self._changed: set[str] = set()

    @property
    def session(self) -> Session:
        """The unit of work's ORM session (made on first use, on the connection and in the
        transaction its plain statements use, :meth:`plain_rows`)."""
        session = self._session
        if session is None:
            session = self._session = self._unit.session()  # type: ignore[union-attr]
        return session

    @property
    def info(self) -> dict[str, Any]:
        """What the unit of work notes about itself (its session's ``info`` once it has one)."""
        return self._session.info if self._session is not None else self._unit.info  # type: ignore[union-attr]

    @property
    def made_session(self) -> Session | None:
        """The unit of work's ORM session if it has one yet (None: only plain statements ran)."""
        return self._session

    def plain_rows(self, statement: Statement, parameters: Mapping[str, Any] | None = None) -> list[Any]:
        """Every row of a plain ``statement`` (:class:`~medoffice.core.storage.plain.Statement`)
        run by the driver in this unit of work, as the driver gives them (tuples of stored
        values: see :func:`~medoffice.core.storage.plain.stored_time`). In a read-only unit
        of work that has not needed its ORM session, no session is made
        (:mod:`medoffice.core.storage.reads`); otherwise the statement runs on the session's
        connection after its pending changes are flushed.

        .. versionadded:: 1
        """
        if self._session is None and self._unit is not None:
            return self._unit.rows(statement, parameters)
        return driver_rows(self.session, statement, parameters)

    @property
    def _begun(self) -> bool:
        """Whether the unit of work touched the database: on SQLite a write then holds the
        write lock (noted by one listener for every session, :func:`_note_begun`)."""
        if self._unit is not None and self._unit.began:
            return True
        return self._session is not None and self._session.info.get(_BEGUN, False)

    @property
    def hooks(self) -> Hooks:
        return self.runtime.plugins.hooks

    def role_service(self, role: str) -> Any:
        """The service of the domain ``role`` (``"scheduling"``…) from whichever enabled plugin
        provides it, or None when none does: what the core, the TUI and other plugins ask a
        domain through (see docs/architecture.md#roles). Same as ``ctx.hooks.scheduling(ctx)``."""
        return self.hooks.role_service(role, self)

    def now(self) -> dt.datetime:
        """The current time, aware, in UTC (the runtime's clock, so tests can fix it)."""
        return self.runtime.clock()

    @cached_property
    def practice(self) -> PracticeRecord:
        """The practice's record (its locations and rooms), kept by the runtime between units
        of work while the set-up does not change (:meth:`cached`)."""
        from .services import practice

        return self.cached("core.practice", practice.load)

    @cached_property
    def timezone(self) -> ZoneInfo:
        """The practice's zone (from :attr:`practice`, kept between units of work)."""
        return ZoneInfo(self.practice.timezone)

    def cached(self, name: str, load: Callable[[Context], T]) -> T:
        """A value of the practice's read-mostly set-up (appointment types, templates, staff…)
        kept by the runtime between units of work: ``load(self)`` makes it when it is not kept
        or the set-up changed since (another terminal's change included; one small read per
        unit of work tells, :mod:`medoffice.core.setup_cache`). ``name`` names it for the whole
        runtime (the plugin's id first); ``load`` must return something immutable, made only
        from set-up tables (those :func:`medoffice.core.storage.generation.watch` names).

        .. versionadded:: 1
        """
        return self.runtime.setup_cache.get(self, name, load)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A UTC time shown in the practice's time zone."""
        return moment.astimezone(self.timezone)

    @contextmanager
    def reading(self) -> Iterator[Context]:
        """A read-only unit of work beside this one, as the same user: where a long write (an
        import) parses, looks up and checks everything before it writes, so that it holds the
        write lock (SQLite's, PostgreSQL's row locks) only for its short final writes, and other
        desks sign in, write and back up meanwhile. Readers never wait for the writer.

        What is read there may change before this unit of work writes: read again here, in the
        write, what the plan depends on, and plan again when it changed.

        When this unit of work is read-only, or has already read or written (it holds the lock
        anyway, and its reads must see its own writes), it is this context itself.

        .. versionadded:: 1
        """
        if not self.write or self._begun or _in_memory(self.runtime):
            yield self
            return
        with self.runtime.operation(self.user, write=False) as reader:
            yield reader

    def can(self, permission: str) -> bool:
        return self.user.can(permission)

    def require(self, permission: str) -> None:
        """Refuse the operation unless the user has ``permission``. Call it first thing."""
        if not self.can(permission):
            raise PermissionDenied(self.user.username, permission)

    def changed(self, *topics: str) -> None:
        """Say that this unit of work changed ``topics`` (``"scheduling.appointments"``), so
        that the screens watching them on other terminals reload once it commits.

        Call it where the change is made, beside ``audit``. Nothing is sent if the unit of
        work rolls back; a topic is sent once per unit of work however often it is named.
        (:mod:`medoffice.core.storage.changes`: PostgreSQL's NOTIFY; on SQLite every commit
        is seen anyway, so this sends nothing.)

        Raises:
            ValueError: a topic that is not dotted lower-case words, the plugin's id first.

        .. versionadded:: 1 (hook API version 1)
        """
        sent = self._changed
        if sent.issuperset(topics):
            return  # named before in this unit of work (so checked then): a batch names them each time
        from .storage import changes

        new = [t for t in dict.fromkeys(map(changes.check_topic, topics)) if t not in sent]
        if new:
            self._changed.update(new)
            if self.runtime.engine.dialect.name != "postgresql":
                return  # SQLite's feed sees every commit: nothing to send
            if self._session is None and self._unit is not None:
                for topic in new:
                    self._unit.rows(changes.notify_statement(), {"topic": topic})
            else:
                changes.announce(self.session, new)

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: Any = None,
        *,
        patient_id: int | None = None,
        summary: Mapping[str, Any] | None = None,
    ) -> None:
        """Append an audit entry in this unit of work, as this user. It is written with the
        unit of work's other entries when it commits (:func:`medoffice.core.audit.write_pending`),
        and vanishes with it (or with a savepoint it was appended in) when it rolls back.

        Raises:
            WrongAuditKey: the runtime's audit key did not sign the practice's audit log
                (checked once per connection); the unit of work must roll back.
        """
        key, key_name = self.runtime.audit_key(), self.runtime.audit_key_source
        if self._session is None and self._unit is not None and self.write:
            row = audit.unsaved(self.now(), self.user.id or None, self.user.username, action, entity, entity_id,
                                patient_id, summary)
            if audit.queue_in_unit(self._unit, key, key_name, [row]):
                return
        audit.append(
            self.session,
            key,
            key_name=key_name,
            at=self.now(),
            user_id=self.user.id or None,
            username=self.user.username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            patient_id=patient_id,
            summary=summary,
        )

    def audit_many(self, entries: Iterable[Mapping[str, Any]]) -> None:
        """Append several audit entries at once, in order, as this user: each a mapping of
        :meth:`audit`'s arguments (``action``, ``entity``, and optionally ``entity_id``,
        ``patient_id``, ``summary``). For thousands of entries (an import), far faster than
        as many :meth:`audit` calls.

        .. versionadded:: 1
        """
        audit.append_many(
            self.session,
            self.runtime.audit_key(),
            entries,
            key_name=self.runtime.audit_key_source,
            at=self.now(),
            user_id=self.user.id or None,
            username=self.user.username,
        )


_BEGUN = "medoffice.begun"
"""Set in a session's info once its unit of work has begun a transaction on a connection."""


def _note_begun(session: Session, _transaction: Any, _connection: Any) -> None:
    session.info[_BEGUN] = True


event.listen(Session, "after_begin", _note_begun)


def _in_memory(runtime: Runtime) -> bool:
    """A SQLite database in memory: one connection, so no unit of work beside another."""
    url = runtime.engine.url
    return url.get_backend_name() == "sqlite" and (url.database in (None, "", ":memory:")
                                                   or "mode=memory" in (url.database or ""))
