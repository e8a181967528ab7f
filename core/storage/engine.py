"""Engines for SQLite (embedded, one terminal) and PostgreSQL (several terminals).

SQLite gets WAL (readers never wait for the writer), foreign keys, a busy timeout, a page
cache of 64 MiB per connection (filled only as pages are read), and
transactions that say up front whether they will write: a write operation starts with
``BEGIN IMMEDIATE`` so it takes the write lock before it reads; a deferred ``BEGIN`` that later
writes fails at once with "database is locked" when another terminal got there first. A new
database file is created with mode 0600 (:mod:`medoffice.core.files`), whatever the umask.

PostgreSQL gets a ``lock_timeout`` of the same length on every connection: a command that
waits that long for a lock another terminal holds (a stuck session, a long migration) gives
up in one line ("the database is busy … try again") instead of hanging for ever.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ..files import create_private_empty

SQLITE_BUSY_TIMEOUT_MS = 15_000
SQLITE_CACHE_KIB = 65_536
"""Each SQLite connection's page cache (SQLite's default is 2 MiB): a month's slot search
reads more pages than that, and would push the day board's out between two reads of it."""
POSTGRESQL_LOCK_TIMEOUT_MS = 15_000
"""How long a PostgreSQL statement waits for a row or table lock before it fails (SQLSTATE 55P03)."""
WRITE_OPTION = "medoffice_write"
PLAIN_BEGUN = "medoffice.plain_begun"
"""Noted in a pooled connection's info when a read-only unit of work's plain statement began
its transaction (:mod:`medoffice.core.storage.units`): the session made next joins it."""


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names (or none)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # Straight on the driver's connection: every unit of work begins, and a statement
        # through SQLAlchemy's execution costs several times the BEGIN itself. A refusal
        # (the database busy past the timeout) is wrapped as SQLAlchemy wraps any other.
        # A read-only unit of work's plain statements may have begun the transaction already
        # (medoffice.core.storage.units): its session then joins it.
        if connection.connection.info.pop(PLAIN_BEGUN, False):
            return
        driver = connection.connection.driver_connection
        statement = "BEGIN IMMEDIATE" if connection.get_execution_options().get(WRITE_OPTION, True) else "BEGIN"
        try:
            driver.execute(statement)
        except sqlite3.Error as error:
            raise DBAPIError.instance(statement, (), error, sqlite3.Error, dialect=connection.dialect) from None


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # outside a transaction, so that the pool's rollback on check-in does not undo it
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            dbapi_connection.execute(f"SET lock_timeout = {int(POSTGRESQL_LOCK_TIMEOUT_MS)}")
        finally:
            dbapi_connection.autocommit = autocommit


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for ``url`` with the settings above."""
    url = normalise_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database).expanduser()
            path.parent.mkdir(parents=True, exist_ok=True)
            create_private_empty(path)  # SQLite keeps its mode (0600) for the -wal and -shm files
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    elif backend == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if backend == "sqlite":
        _configure_sqlite(engine)
    elif backend == "postgresql":
        _configure_postgresql(engine)
    return engine
