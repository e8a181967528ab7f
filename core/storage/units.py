"""A unit of work on a bare pooled connection, with no ORM session until one is needed.

Most units of work run a few plain statements and build records from their rows: a day
board, a slot search, a patient's list, and also a booking (the set-up's generations, the
patient's key, the insert, the audit entry). An ORM :class:`~sqlalchemy.orm.Session`
(made, begun, flushed, committed, closed) costs more than such work itself.
:meth:`Runtime.operation <medoffice.core.runtime.Runtime.operation>` therefore opens a
:class:`UnitOfWork`, read-only or writing: the first plain statement (:meth:`Context.plain_rows
<medoffice.core.context.Context.plain_rows>`, a :class:`~medoffice.core.storage.plain.Statement`)
takes a connection from the engine's pool and begins a transaction on it (SQLite's deferred
``BEGIN`` for a read, ``BEGIN IMMEDIATE`` for a write, which takes the write lock at once as
every writing unit of work does; PostgreSQL's implicit one), and every later statement runs
in it. The first use of ``ctx.session`` (an ORM query, an ORM object added) makes the
session on that same connection and transaction, so what ran before and after is one unit
of work; the end commits (or, when the block raised, rolls back) whichever ran, and gives
the connection back (on a SQLite file, to the runtime's :class:`IdleConnections`, else to
the pool). A writing unit of work that made no session writes its audit entries with plain
statements before it commits (:func:`medoffice.core.audit.write_in_unit`).

No transaction is kept between units of work: each begins its own, so every unit of work
sees what other terminals committed before it began.

.. versionadded:: 1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction

from .engine import PLAIN_BEGUN
from .plain import Statement, driver_rows, execute_plain


class IdleConnections:
    """A few connections kept for units of work between them, on a SQLite file:
    taken and given back without the pool's checkout and return (its queue, its records, its
    reset), which cost a read of a few rows more than the read itself. A connection is kept
    only when its unit of work ended cleanly (committed or rolled back, so no transaction is
    left open: each unit of work begins its own); one from before the engine was disposed
    (a restore) is closed instead of used. The pool counts the kept ones as checked out.

    .. versionadded:: 1
    """

    KEEP = 2

    def __init__(self) -> None:
        self._kept: list[tuple[Any, Any]] = []

    def take(self, engine: Engine) -> Any:
        """A kept connection of ``engine``'s pool, or a new one from the pool."""
        kept = self._kept
        while kept:
            try:
                pool, fairy = kept.pop()
            except IndexError:  # another thread took the last one
                break
            if pool is engine.pool:
                return fairy
            fairy.close()
        return engine.raw_connection()

    def give_back(self, engine: Engine, fairy: Any) -> None:
        """Keep ``fairy`` (out of any transaction) for the next unit of work, or return it."""
        if len(self._kept) < self.KEEP:
            self._kept.append((engine.pool, fairy))
        else:
            fairy.close()

    def close(self) -> None:
        """Give every kept connection back to its pool (before the engine is disposed)."""
        while self._kept:
            try:
                _pool, fairy = self._kept.pop()
            except IndexError:
                break
            fairy.close()


class UnitOfWork:
    """One unit of work (see the module's docstring).

    Args:
        engine: the runtime's engine; for a read-only unit of work, one whose execution
            options say ``BEGIN`` without ``IMMEDIATE`` on SQLite
            (:data:`~medoffice.core.storage.engine.WRITE_OPTION`), for the session it makes.
        idle: where a SQLite file's connections wait between units of work.
        write: whether it may write (SQLite: ``BEGIN IMMEDIATE``).
    """

    __slots__ = ("engine", "info", "write", "_begin", "_idle", "_fairy", "_driver", "_cursor", "_began",
                 "_connection", "_session", "_transaction")

    def __init__(self, engine: Engine, idle: IdleConnections | None = None, *, write: bool = False) -> None:
        self.engine = engine
        self.write = write
        self._begin = "BEGIN IMMEDIATE" if write else "BEGIN"
        self._idle = idle
        self.info: dict[str, Any] = {}
        """What the unit of work notes about itself (handed to its session when one is made)."""
        self._fairy: Any = None
        self._driver: Any = None
        self._cursor: Any = None
        self._began = False
        self._connection: Connection | None = None
        self._session: Session | None = None
        self._transaction: SessionTransaction | None = None

    @property
    def began(self) -> bool:
        """Whether a plain statement began the unit of work's transaction."""
        return self._began

    @property
    def made_session(self) -> Session | None:
        """The unit of work's ORM session, if it has needed one so far."""
        return self._session

    def _taken(self) -> Any:
        """The unit of work's connection (its pool's wrapper), taken on first need."""
        if self._fairy is None:
            self._fairy = self._idle.take(self.engine) if self._idle is not None else self.engine.raw_connection()
        return self._fairy

    @property
    def connection_info(self) -> dict[str, Any]:
        """What the unit of work's connection notes about itself across units of work (its
        pool record's ``info``: the audit key it checked, the audit head it left); the
        connection is taken on first need."""
        return self._taken().info

    def rows(self, statement: Statement, parameters: Mapping[str, Any] | None = None) -> list[Any]:
        """Every row of ``statement`` in this unit of work, as the driver gives them."""
        if self._session is not None:
            return driver_rows(self._session, statement, parameters)
        driver = self._driver
        if driver is None:
            driver = self._driver = self._taken().driver_connection
            self._cursor = driver.cursor()  # one for every statement of the unit of work
        if not self._began:
            if self.engine.dialect.name == "sqlite" and not driver.in_transaction:
                try:
                    driver.execute(self._begin)
                except self.engine.dialect.loaded_dbapi.Error as error:
                    raise DBAPIError.instance(self._begin, (), error, self.engine.dialect.loaded_dbapi.Error,
                                              dialect=self.engine.dialect) from None
            self._began = True  # PostgreSQL: the driver begins at the first statement
        return execute_plain(self.engine, driver, statement, parameters, self._cursor)

    def session(self) -> Session:
        """The unit of work's ORM session, made on first need on the same connection and
        transaction as the plain statements before it."""
        if self._session is None:
            self._taken()
            if self._began and self.engine.dialect.name == "sqlite":
                self._fairy.info[PLAIN_BEGUN] = True  # the session's begin joins the transaction
            self._connection = Connection(self.engine, self._fairy)
            session = Session(self._connection, expire_on_commit=False, autoflush=True, info=self.info)
            self._transaction = session.begin()
            self._session = session
            self.info = session.info
        return self._session

    def close(self, *, commit: bool) -> None:
        """End the unit of work: commit (or roll back) what ran, give the connection back."""
        clean = False
        try:
            transaction = self._transaction
            if transaction is not None and transaction.is_active:  # (one the block rolled back is over)
                if commit:
                    transaction.commit()
                else:
                    transaction.rollback()
            if self._began:  # begun by a plain statement: ended here if the session never used it
                driver = self._driver
                if commit:
                    driver.commit()
                else:
                    driver.rollback()
            clean = True
        finally:
            if self._cursor is not None:
                self._cursor.close()
            if self._fairy is not None:
                self._fairy.info.pop(PLAIN_BEGUN, None)
            if self._session is not None:
                self._session.close()
                self._connection.close()
            elif self._fairy is not None:
                if clean and self._idle is not None:
                    self._idle.give_back(self.engine, self._fairy)
                else:
                    self._fairy.close()
            self._fairy = self._driver = self._cursor = self._connection = self._session = self._transaction = None
