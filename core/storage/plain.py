"""Plain statements on a unit of work's connection: rows as tuples, no ORM objects.

A read that needs no ORM object (a record built from columns, a list of plain rows) is
cheaper as a Core statement built once and run on the session's connection: SQLAlchemy
compiles it once per process and returns tuples. Such a read does not flush the session
itself, so :func:`rows` flushes first what the unit of work changed through the ORM, as a
query through the session would: the read sees the unit of work's own changes.

.. versionadded:: 1
"""

from __future__ import annotations

import datetime as _dt
import operator
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Integer
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session


def flush_pending(session: Session) -> None:
    """Flush the ORM changes the unit of work has not written yet (as a query would), if any.
    (Asked before every plain statement: the session's own collections are looked at, since
    ``session.new`` and ``session.deleted`` copy them into a new set each time.)"""
    if session.autoflush and (session._new or session._deleted or session.identity_map._modified):
        session.flush()


def rows(session: Session, statement: Any, parameters: Mapping[str, Any] | None = None) -> CursorResult[Any]:
    """Run a Core ``statement`` (built once, with bound values) on the session's connection,
    after :func:`flush_pending`; the result's rows are tuples."""
    flush_pending(session)
    return session.connection().execute(statement, parameters or {})


# -- statements run by the driver itself -------------------------------------------------------


_SQLITE_DATE_FORMAT = "%(year)04d-%(month)02d-%(day)02d"


_PROCESSORS: dict[Any, Any] = {}
"""Bind processors made for the types that take no arguments changing them (times, dates,
booleans), by type and dialect: columns of one such type share one, so that a value given
twice (a creation time that is also the update time) is known to need processing once."""


def _bind_processor(kind: Any, dialect: Any) -> Any:
    """What turns a value of ``kind`` into the driver's: the type's own bind processor, except
    SQLite's default date text, made by ``date.isoformat`` (the same characters, one C call;
    a datetime given for a date still goes the type's way)."""
    from sqlalchemy import Boolean, Date

    from .types import UTCDateTime

    if type(kind) not in (UTCDateTime, Date, Boolean):
        return _make_bind_processor(kind, dialect)
    key = (type(kind), dialect.name, dialect.driver)
    found = _PROCESSORS.get(key)
    if found is None:
        found = _PROCESSORS[key] = (_make_bind_processor(kind, dialect),)
    return found[0]


def _make_bind_processor(kind: Any, dialect: Any) -> Any:
    impl = kind.dialect_impl(dialect)
    process = impl.bind_processor(dialect)
    if process is None or dialect.name != "sqlite":
        return process
    from sqlalchemy.dialects.sqlite import DATE

    if not isinstance(impl, DATE) or getattr(impl, "_storage_format", None) != _SQLITE_DATE_FORMAT:
        return process
    day = _dt.date

    def date_text(value: Any) -> Any:
        return value.isoformat() if type(value) is day else process(value)

    return date_text


class _DriverForm:
    """One statement as one dialect's driver takes it: the SQL, and how to make its arguments."""

    __slots__ = ("sql", "positional", "rowid", "counted", "_names", "_fixed", "_given", "_take", "_processed")

    def __init__(self, clause: Any, dialect: Any, *, rowid: bool = False, counted: bool = False) -> None:
        self.rowid = rowid
        """Whether the statement's one row is the new row's key, read from the cursor's
        ``lastrowid`` (an insert on SQLite, see :class:`Statement`)."""
        self.counted = counted
        """Whether the statement's rows are one empty row per row it changed (``rowcount``)."""
        compiled = clause.compile(dialect=dialect)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("a plain statement takes no expanding (IN list) or literal-execute parameters")
        missing = [column.key for column in (*compiled.insert_prefetch, *compiled.update_prefetch)]
        if missing:  # SQLAlchemy's execution would compute these; the driver would get None
            raise ValueError(f"a plain statement gives every column a value: {', '.join(missing)} left to a "
                             "Python-side default")
        self.sql: str = compiled.string
        spec = []
        for bind, name in compiled.bind_names.items():
            process = _bind_processor(bind.type, dialect)
            if bind.callable is not None or (bind.required and bind.value is None):
                spec.append((name, bind.key, True, process))
            else:
                value = bind.effective_value
                spec.append((name, value if process is None or value is None else process(value), False, None))
        self.positional = compiled.positional
        if self.positional:
            order = {name: index for index, name in enumerate(compiled.positiontup or ())}
            spec.sort(key=lambda item: order[item[0]])
            if len(spec) != len(compiled.positiontup or ()):
                raise ValueError("a plain statement names each parameter once")
        self._names = tuple(name for name, _key, _given, _process in spec)
        self._fixed = [None if given else key for _name, key, given, _process in spec]
        """The arguments with the statement's own values in place (a copy is filled per run)."""
        self._given = tuple((index, key, process) for index, (_name, key, given, process) in enumerate(spec)
                            if given)
        given_keys = [key for _name, key, given, _process in spec if given]
        self._take = None
        """When every argument is given (the usual statement): what takes them all from the
        parameters at once, in order (one ``itemgetter`` call)."""
        if len(given_keys) == len(spec) and spec:
            take = operator.itemgetter(*given_keys)
            self._take = take if len(spec) > 1 else (lambda parameters: (take(parameters),))
        self._processed = tuple((index, process) for index, _key, process in self._given if process is not None)
        """Where a given argument needs its column's processing, and what does it."""

    @property
    def keys(self) -> tuple[str, ...] | None:
        """The parameters' names in the order a positional driver takes them, when every
        argument is given (else None)."""
        if not self.positional or self._take is None:
            return None
        return tuple(key for _index, key, _process in self._given)

    def arguments_in_order(self, values: Any) -> tuple[Any, ...]:
        """The driver's arguments from ``values`` given in :attr:`keys`' order (no mapping
        made and read again: a batch of thousands of rows)."""
        if not self._processed:
            return tuple(values)
        values = list(values)
        for index, process in self._processed:
            value = values[index]
            if value is not None:
                values[index] = process(value)
        return tuple(values)

    def arguments(self, parameters: Mapping[str, Any]) -> Any:
        """The driver's arguments for ``parameters`` (the statement's own values kept). A value
        given for two arguments (a creation time that is also the update time) is processed once."""
        take = self._take
        if take is not None:
            values = take(parameters)
            if self._processed:
                values = list(values)
                last = last_process = last_done = None
                for index, process in self._processed:
                    value = values[index]
                    if value is not None:
                        if value is not last or process is not last_process:
                            last, last_process, last_done = value, process, process(value)
                        values[index] = last_done
        else:
            values = self._fixed.copy()
            for index, key, process in self._given:
                value = parameters[key]
                values[index] = value if process is None or value is None else process(value)
        if self.positional:
            return tuple(values)
        return dict(zip(self._names, values, strict=True))


class Statement:
    """A Core statement (a ``select`` with :func:`~sqlalchemy.bindparam` values) that the
    driver runs itself: compiled by SQLAlchemy once per dialect, then handed to the driver's
    cursor with its arguments made by the columns' own bind processors (an aware time becomes
    what the column stores), and its rows returned as the driver gives them: tuples of the
    stored values (on SQLite, times are the stored text, see :func:`stored_time`).

    For the hot reads (a day board, a slot search's busy rows), where SQLAlchemy's execution
    and result processing cost several times the query: run it with :func:`driver_rows` on a
    unit of work's connection, or with :meth:`medoffice.core.context.Context.plain_rows`.
    The engine's ``before_cursor_execute`` listeners still see every statement (with no
    SQLAlchemy connection nor execution context: ``None``), so statement-count tests count
    them. A statement with an expanding ``IN`` list is refused: name each value. A statement
    that returns no rows (an insert or update without ``RETURNING``) gives ``[]``.

    ``returning_key``: ``clause`` is an ``INSERT`` (without ``RETURNING``) into a table whose
    key is one integer column, and its one row is the new row's key. On PostgreSQL the
    statement returns it; on SQLite, where such a key is the table's rowid, the cursor's
    ``lastrowid`` gives it without the ``RETURNING`` clause, which costs SQLite a third of
    the insert (a registration's, a booking's).

    ``counted``: ``clause`` is an ``UPDATE`` or ``DELETE`` (without ``RETURNING``) whose rows
    are one empty row per row it changed (the cursor's ``rowcount``): for a conditional
    update whose caller asks only whether it matched.

    .. versionadded:: 1
    .. versionchanged:: 1 ``returning_key`` and ``counted``; a statement without rows gives ``[]``.
    """

    __slots__ = ("clause", "_returning_key", "_counted", "_forms", "_last")

    def __init__(self, clause: Any, *, returning_key: bool = False, counted: bool = False) -> None:
        if returning_key:
            key = list(clause.table.primary_key.columns)
            if len(key) != 1 or key[0].type._type_affinity is not Integer or clause._returning:
                raise ValueError("returning_key is for an INSERT without RETURNING into a table keyed by one integer")
        if counted and (returning_key or getattr(clause, "_returning", ())):
            raise ValueError("a counted statement returns nothing itself")
        self.clause = clause
        self._returning_key = returning_key
        self._counted = counted
        self._forms: dict[Any, _DriverForm] = {}
        self._last: tuple[Any, _DriverForm] | None = None

    def form(self, dialect: Any) -> _DriverForm:
        """The statement as ``dialect``'s driver takes it (compiled on first use)."""
        last = self._last
        if last is not None and last[0] is dialect:
            return last[1]
        key = (dialect.name, dialect.driver, dialect.paramstyle)
        found = self._forms.get(key)
        if found is None:
            clause, rowid = self.clause, False
            if self._returning_key:
                rowid = dialect.name == "sqlite" and _is_rowid(clause.table, dialect)
                if not rowid:
                    clause = clause.returning(*clause.table.primary_key.columns)
            found = self._forms[key] = _DriverForm(clause, dialect, rowid=rowid, counted=self._counted)
        self._last = (dialect, found)
        return found


def _is_rowid(table: Any, dialect: Any) -> bool:
    """Whether SQLite keeps ``table``'s one-column key as its rowid: declared ``INTEGER``."""
    (key,) = table.primary_key.columns
    return key.type.compile(dialect=dialect) == "INTEGER"


def execute_plain(engine: Any, driver_connection: Any, statement: Statement,
                  parameters: Mapping[str, Any] | None = None, cursor: Any = None) -> list[Any]:
    """Run ``statement`` on a driver's connection (one the engine's pool handed out, inside
    its unit of work's transaction) and fetch every row; a driver's error is wrapped as
    SQLAlchemy wraps it. ``cursor``: one of that connection's, used again (every row of the
    statement before is fetched already); else a new one, closed after."""
    dialect = engine.dialect
    form = statement.form(dialect)
    arguments = form.arguments(parameters or _EMPTY)
    own = cursor is None
    if own:
        cursor = driver_connection.cursor()
    try:
        listeners = engine.dispatch.before_cursor_execute
        if listeners:
            for listener in listeners:
                listener(None, cursor, form.sql, arguments, None, False)
        try:
            cursor.execute(form.sql, arguments)
            if form.rowid:
                return [(cursor.lastrowid,)]
            if form.counted:
                return [()] * cursor.rowcount
            return cursor.fetchall() if cursor.description is not None else []
        except dialect.loaded_dbapi.Error as error:
            from sqlalchemy.exc import DBAPIError

            raise DBAPIError.instance(form.sql, arguments, error, dialect.loaded_dbapi.Error,
                                      dialect=dialect) from None
    finally:
        if own:
            cursor.close()


_EMPTY: Mapping[str, Any] = {}

_DRIVER = "medoffice.plain_driver"
"""Where a session keeps, for its innermost transaction, the engine, the driver's connection
and a cursor that its plain statements use (found through ``session.connection()`` once per
transaction or savepoint)."""


def driver_rows(session: Session, statement: Statement, parameters: Mapping[str, Any] | None = None) -> list[Any]:
    """Run ``statement`` (a :class:`Statement`) by the driver on the session's connection,
    after :func:`flush_pending`: every row, as the driver gives them.

    The connection is asked of the session once per transaction *and savepoint*: the session
    says ``SAVEPOINT`` only when a savepoint first needs its connection, so a statement in a
    new savepoint must ask, or rolling the savepoint back would not undo it."""
    flush_pending(session)
    transaction = session.get_nested_transaction() or session.get_transaction()
    kept = session.info.get(_DRIVER)
    if kept is None or transaction is None or kept[0] is not transaction:
        connection = session.connection()  # begins the transaction, or says the savepoint
        driver = connection.connection.driver_connection
        cursor = kept[3] if kept is not None and kept[2] is driver else driver.cursor()
        transaction = session.get_nested_transaction() or session.get_transaction()
        kept = session.info[_DRIVER] = (transaction, connection.engine, driver, cursor)
    return execute_plain(kept[1], kept[2], statement, parameters, kept[3])


def driver_many(session: Session, statement: Statement, parameters: list[Any], *,
                in_order: tuple[str, ...] | None = None) -> None:
    """Run ``statement`` (a :class:`Statement` that returns no rows: an ``INSERT`` without
    ``RETURNING``) by the driver once per mapping of ``parameters`` (its ``executemany``), on
    the session's connection after :func:`flush_pending`, as :func:`driver_rows` runs one:
    the rows an operation collected (its audit entries) in one call, without SQLAlchemy's
    execution and per-row parameter processing around the driver's.

    ``in_order``: each of ``parameters`` is a sequence of values for these names, in this
    order; when the driver takes the statement's arguments in that very order (SQLite), they
    are handed over without a mapping made per row."""
    if not parameters:
        return
    flush_pending(session)
    connection = session.connection()
    engine, dialect = connection.engine, connection.engine.dialect
    form = statement.form(dialect)
    if in_order is not None and form.keys == in_order:
        arguments = [form.arguments_in_order(each) for each in parameters]
    elif in_order is not None:
        arguments = [form.arguments(dict(zip(in_order, each, strict=True))) for each in parameters]
    else:
        arguments = [form.arguments(each) for each in parameters]
    cursor = connection.connection.driver_connection.cursor()
    try:
        for listener in engine.dispatch.before_cursor_execute:
            listener(None, cursor, form.sql, arguments, None, True)
        try:
            cursor.executemany(form.sql, arguments)
        except dialect.loaded_dbapi.Error as error:
            from sqlalchemy.exc import DBAPIError

            raise DBAPIError.instance(form.sql, arguments, error, dialect.loaded_dbapi.Error,
                                      dialect=dialect) from None
    finally:
        cursor.close()


def stored_time(value: Any) -> Any:
    """A time column's value as a plain statement returns it (SQLite's stored text, or the
    driver's datetime) as an aware UTC datetime; None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        return _dt.datetime.fromisoformat(value).replace(tzinfo=_dt.timezone.utc)
    return value.replace(tzinfo=_dt.timezone.utc) if value.tzinfo is None else value.astimezone(_dt.timezone.utc)

