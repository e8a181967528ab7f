"""The change feed: how one terminal learns, within a second, that another committed a change.

A clinic on PostgreSQL has two or three desks; when one books, checks in or cancels, the
others' day boards must show it without a key press. Reloading every screen every few
seconds costs every terminal a query per screen whether anything changed or not (the day
board did that every 15 s). Instead each database says when something was committed:

- **PostgreSQL: LISTEN/NOTIFY.** A service says what it changed with
  ``ctx.changed("scheduling.appointments")`` (:meth:`medoffice.core.context.Context.changed`),
  which calls :func:`announce`: ``pg_notify`` *inside the writing transaction*. PostgreSQL
  delivers a notification only when its transaction commits and drops it on rollback, so a
  listener never hears of a change that did not happen, nor before it can read it. The
  payload is the topic, so a screen reloads only for what it shows. The channel is the
  practice's: ``medoffice_`` and the md5 of the schema the connection works in
  (``current_schema()``). Notifications go to every listener of a *database*; several
  practices may share one (a schema each, through ``search_path``), and a change in one must
  not wake the others. md5, because a channel is an identifier of at most 63 bytes and a
  schema's name may be as long as that.
- **SQLite: ``PRAGMA data_version``.** On one connection, it changes whenever *another*
  connection (this process's or another's) committed to the file. Reading it costs
  microseconds and needs no table, trigger or migration, so :class:`SqliteChangeFeed` reads
  it twice a second. It cannot tell topics apart: a change is reported as :data:`ANY`, and
  every watching screen reloads (one query, at most once per poll). :func:`announce` has
  nothing to send.

Both feeds are read by one thread per process that wants them (the TUI's poller,
:mod:`medoffice.tui.live`): :meth:`ChangeFeed.wait` blocks for at most its timeout. A feed
opens its own connection, outside the engine's pool, on its first :meth:`~ChangeFeed.wait`,
so that making one costs nothing at start-up. When that connection breaks (the server
restarted) the feed logs it, says nothing to the user, and connects again on a later wait;
having (re)connected it reports :data:`ANY` once, since it cannot know what it missed
(including what was committed before it first connected, while the screens were loading).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from .plain import Statement

log = logging.getLogger("medoffice.changes")

ANY = "*"
"""The topic a feed reports when it cannot say what changed: every watcher wakes."""

NOTHING: frozenset[str] = frozenset()

TOPIC = re.compile(r"[a-z0-9_]+(?:[.-][a-z0-9_]+)*")
"""A topic: dotted lower-case words, the owner first (``scheduling.appointments``)."""

MAX_TOPIC = 100

CHANNEL_SQL = "'medoffice_' || md5(coalesce(current_schema(), ''))"
"""The practice's channel, computed by the server the same way for writers and listeners."""

RETRY_SECONDS = 5.0
"""How long a feed whose connection failed waits before it tries to connect again."""

CONNECT_TIMEOUT_SECONDS = 5
"""A PostgreSQL listener gives up connecting after this long (and tries again later)."""

APPLICATION_NAME = "medoffice changes"
"""How a listener shows in ``pg_stat_activity``."""


def check_topic(topic: str) -> str:
    """``topic`` if it is one (dotted lower-case words), else ValueError: a programming error.

    Raises:
        ValueError: not a string of dotted lower-case words of at most 100 characters.
    """
    if not isinstance(topic, str) or len(topic) > MAX_TOPIC or not TOPIC.fullmatch(topic):
        raise ValueError(f"a change topic is dotted lower-case words like 'scheduling.appointments', got {topic!r}")
    return topic


def matches(watched: Iterable[str], changed: Collection[str]) -> bool:
    """Whether a change of ``changed`` concerns a watcher of ``watched``.

    :data:`ANY` matches everything; a watched topic matches itself and the topics under it
    (``scheduling`` matches ``scheduling.waitlist``).
    """
    if ANY in changed:
        return True
    return any(c == w or c.startswith(w + ".") for w in watched for c in changed)


@functools.cache
def notify_statement() -> Statement:
    """Tell the practice's channel that ``topic`` changed (PostgreSQL; sent if the transaction
    commits): a plain statement, for a unit of work with no ORM session. Built on first use,
    so that the TUI's poller, which imports this module, loads no SQLAlchemy at start-up."""
    from sqlalchemy import String, bindparam, func, literal_column, select

    from .plain import Statement

    return Statement(select(func.pg_notify(literal_column(CHANNEL_SQL), bindparam("topic", type_=String()))))


def announce(session: Session, topics: Iterable[str]) -> None:
    """Tell the practice's other connections that this transaction changed ``topics``.

    Sent only if the transaction commits (PostgreSQL); nothing to send on SQLite, whose
    feed sees every commit. Call it through ``ctx.changed(...)``.
    """
    topics = list(topics)
    if not topics or session.get_bind().dialect.name != "postgresql":
        return
    from .plain import driver_rows

    for topic in topics:
        driver_rows(session, notify_statement(), {"topic": topic})


class ChangeFeed(Protocol):
    """What a poller reads: the topics other connections committed changes to."""

    def wait(self, timeout: float) -> frozenset[str]:
        """Block at most ``timeout`` seconds; the topics changed since the last call
        (:data:`ANY` when the feed cannot tell which), or none."""

    def interrupt(self) -> None:
        """Cut short a :meth:`wait` that is sleeping; safe from any thread."""

    def close(self) -> None:
        """Close the feed's connection. Call it from the thread that calls :meth:`wait`."""


def open_feed(engine: Engine) -> ChangeFeed | None:
    """The change feed of ``engine``'s database, not yet connected; None when it has none (an
    in-memory SQLite database is seen by one connection only)."""
    backend = engine.dialect.name
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    if backend == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:" or "mode=memory" in database:
            return None

        def connect_sqlite() -> Any:
            import sqlite3

            return sqlite3.connect(*cargs, **{**cparams, "check_same_thread": False})

        return SqliteChangeFeed(connect_sqlite)
    if backend == "postgresql":
        params = {k: v for k, v in cparams.items() if k != "context"}  # SQLAlchemy's adapters
        params.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        params.setdefault("application_name", APPLICATION_NAME)

        def connect_postgres() -> Any:
            import psycopg

            return psycopg.connect(*cargs, **params, autocommit=True)

        return PostgresChangeFeed(connect_postgres)
    return None


class _Feed:
    """A feed's connection: opened on first use, closed and opened again when it breaks."""

    def __init__(self, connect: Callable[[], Any]) -> None:
        self._connect = connect
        self._conn: Any = None
        self._closed = False
        self._woken = threading.Event()
        self._failed_once = False

    @property
    def connected(self) -> bool:
        return self._conn is not None

    @property
    def closed(self) -> bool:
        return self._closed

    def _open(self) -> bool:
        """Connect (and start listening); True when it worked. A failure is logged once per
        outage, since a server that is down fails every few seconds until it is back."""
        try:
            self._conn = self._connect()
            self._start()
        except Exception as exc:  # noqa: BLE001 - the driver's errors, a vanished file, a bad URL
            self._drop()
            if not self._failed_once:
                log.warning("change feed: cannot connect (%s); other terminals' changes show on reload",
                            " ".join(str(exc).split()) or type(exc).__name__)
            self._failed_once = True
            return False
        if self._failed_once:
            log.info("change feed: connected again")
        self._failed_once = False
        return True

    def _start(self) -> None:
        """Begin watching on the new connection."""

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is gone
                pass

    def wait(self, timeout: float) -> frozenset[str]:
        if self._closed:
            return NOTHING
        if self._conn is None:
            if not self._open():
                self._woken.wait(max(timeout, RETRY_SECONDS))
                return NOTHING
            return frozenset({ANY})  # what happened before we (re)connected is unknown
        try:
            return self._read(timeout)
        except Exception as exc:  # noqa: BLE001 - the connection broke: connect again next time
            log.warning("change feed: connection lost (%s); connecting again",
                        " ".join(str(exc).split()) or type(exc).__name__)
            self._failed_once = True
            self._drop()
            return NOTHING

    def _read(self, timeout: float) -> frozenset[str]:
        raise NotImplementedError

    def interrupt(self) -> None:
        """End a :meth:`wait` that is sleeping (between polls, or before connecting again)
        early; safe from any thread. A poller calls it when it stops."""
        self._woken.set()

    def close(self) -> None:
        self._closed = True
        self._drop()


class SqliteChangeFeed(_Feed):
    """``PRAGMA data_version`` on a connection of its own, read every ``timeout``."""

    def __init__(self, connect: Callable[[], Any]) -> None:
        super().__init__(connect)
        self._version: int | None = None

    def _start(self) -> None:
        self._version = self._data_version()

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _read(self, timeout: float) -> frozenset[str]:
        if self._woken.wait(timeout):
            return NOTHING
        version = self._data_version()
        if version == self._version:
            return NOTHING
        self._version = version
        return frozenset({ANY})


class PostgresChangeFeed(_Feed):
    """``LISTEN`` on the practice's channel, on an autocommit connection of its own."""

    def _start(self) -> None:
        from psycopg import sql

        channel = self._conn.execute(f"SELECT {CHANNEL_SQL}").fetchone()[0]
        self._conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

    @property
    def backend_pid(self) -> int | None:
        """The listening connection's server process (tests end it to play a server restart)."""
        return None if self._conn is None else self._conn.info.backend_pid

    def _read(self, timeout: float) -> frozenset[str]:
        # stop_after=1: back as soon as a commit is heard (more in the same packet come too)
        return frozenset(n.payload for n in self._conn.notifies(timeout=timeout, stop_after=1))
