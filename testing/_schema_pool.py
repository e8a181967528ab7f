"""PostgreSQL practices put back as they were and lent again, instead of made anew.

Replaying a practice's script into a fresh schema runs about a hundred DDL statements: a
second under load, most of a PostgreSQL test's set-up. A test changes only a few rows, so
when it ends its schema is put back: the tables whose rows differ from the template's are
emptied and refilled from the template's rows, the sequences are set back, and the schema is
renamed out of the way (``mo_idle_<pid>_<n>``) until the next test of the same kind, which
gets it renamed to its own schema's name.

What a test cannot leave behind:

- a changed shape (a table, column, index, constraint, trigger, function or sequence added,
  dropped or altered): the schema's catalog rows are compared with those it was lent with
  (:data:`_CATALOG`), and it is dropped when they differ;
- rows: each table's rows are compared by digest; a changed table and every non-empty table
  that refers to it are emptied (referring tables first) and refilled (referred tables
  first). Triggers are off while that happens, as in a restore, so the audit log's
  append-only triggers let its rows be put back: the chain and its head are the template's
  again, which is what the audit key copied with the practice signs;
- sequences: set to the template's values, so ids continue as in a fresh copy.

Anything that goes wrong while putting a schema back (a lock still held, a table the test
locked) drops the schema instead, as before the pool. Idle schemas are dropped when the
test session ends (:func:`drop_idle`).
"""

from __future__ import annotations

import itertools
import os
from typing import TYPE_CHECKING, Any

import attrs

from ._backends import admin_connection, close_admin_connections, libpq_url, schema_of, server_of

if TYPE_CHECKING:
    import psycopg

LOCK_TIMEOUT = "5s"
"""How long putting a schema back waits for a lock before giving up (the schema is dropped)."""

_CATALOG = """
WITH members AS (SELECT classid, objid, xmin FROM pg_depend
                  WHERE refclassid = 'pg_namespace'::regclass AND refobjid = to_regnamespace(%(schema)s)::oid),
     rels AS (SELECT objid FROM members WHERE classid = 'pg_class'::regclass),
     catalog(x) AS (
       SELECT xmin FROM members
       UNION ALL SELECT c.xmin FROM pg_class c WHERE c.oid IN (SELECT objid FROM rels)
       UNION ALL SELECT a.xmin FROM pg_attribute a WHERE a.attrelid IN (SELECT objid FROM rels)
       UNION ALL SELECT d.xmin FROM pg_attrdef d WHERE d.adrelid IN (SELECT objid FROM rels)
       UNION ALL SELECT k.xmin FROM pg_constraint k WHERE k.conrelid IN (SELECT objid FROM rels)
       UNION ALL SELECT t.xmin FROM pg_trigger t WHERE t.tgrelid IN (SELECT objid FROM rels)
       UNION ALL SELECT i.xmin FROM pg_index i WHERE i.indrelid IN (SELECT objid FROM rels)
       UNION ALL SELECT c.xmin FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                  WHERE i.indrelid IN (SELECT objid FROM rels)
       UNION ALL SELECT s.xmin FROM pg_sequence s WHERE s.seqrelid IN (SELECT objid FROM rels)
       UNION ALL SELECT p.xmin FROM pg_proc p
                  WHERE p.oid IN (SELECT objid FROM members WHERE classid = 'pg_proc'::regclass)
       UNION ALL SELECT t.xmin FROM pg_type t
                  WHERE t.oid IN (SELECT objid FROM members WHERE classid = 'pg_type'::regclass)
       UNION ALL SELECT e.xmin FROM pg_enum e
                  WHERE e.enumtypid IN (SELECT objid FROM members WHERE classid = 'pg_type'::regclass)
     )
SELECT count(*), coalesce(sum(x::text::bigint), 0) FROM catalog
"""
"""The schema's catalog rows, summed up: what its tables, columns, defaults, constraints,
triggers, indexes, sequences, functions and types are.

DDL writes catalog rows, each stamped with its transaction (``xmin``): a row added or changed
after the sum was taken is newer than all the rows it summed, so a schema whose count and sum
of ``xmin`` are still those recorded when it was lent has the shape it was lent with. It looks
rows up by the schema's oid (indexes only): scanning ``pg_class`` for a namespace is slow on a
server whose catalog many schemas have come and gone through.
"""

_TABLES = """
SELECT c.relname,
       array(SELECT a.attname::text FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
              ORDER BY a.attnum),
       array(SELECT t.tgname::text FROM pg_trigger t
              WHERE t.tgrelid = c.oid AND NOT t.tgisinternal AND t.tgenabled <> 'D' ORDER BY t.tgname)
  FROM pg_class c WHERE c.relnamespace = to_regnamespace(current_schema()) AND c.relkind IN ('r', 'p')
 ORDER BY c.relname
"""

_REFERENCES = """
SELECT DISTINCT child.relname, parent.relname
  FROM pg_constraint k JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
 WHERE k.contype = 'f' AND k.connamespace = to_regnamespace(current_schema())
"""

_SEQUENCES = """
SELECT sequencename::text, coalesce(last_value, start_value), last_value IS NOT NULL
  FROM pg_sequences WHERE schemaname = current_schema() ORDER BY sequencename
"""


@attrs.frozen
class Table:
    """One table of a finished practice: what it takes to put its rows back."""

    name: str
    columns: tuple[str, ...]
    """The columns a COPY fills (generated ones are left out)."""
    triggers: tuple[str, ...]
    """Its enabled user triggers, off while its rows are put back."""
    digest: str | None
    """The digest of its rows (None: it has none)."""
    rows: bytes
    """Its rows as ``COPY ... TO STDOUT`` wrote them."""


@attrs.frozen
class Snapshot:
    """A finished practice's schema as a test must leave it to be lent again."""

    tables: tuple[Table, ...]
    """Referred tables before the tables that refer to them."""
    references: frozenset[tuple[str, str]]
    """(table, the table its foreign key refers to)."""
    sequences: tuple[tuple[str, int, bool], ...]
    """(name, value, is_called), as ``setval`` takes them."""


@attrs.define(eq=False)
class Pool:
    """The idle schemas holding one template's practice on one server, in this process."""

    snapshot: Snapshot
    server: str
    idle: list[tuple[str, tuple[int, int]]] = attrs.Factory(list)
    """(schema, its catalog sum) of each idle practice."""


_LENT: dict[tuple[str, str], tuple[Pool, tuple[int, int]]] = {}
"""(server, schema) of a practice in use -> the pool it goes back to and its catalog sum when lent."""
_POOLS: list[Pool] = []
_NAMES = itertools.count(1)


def snapshot(url: str) -> Snapshot | None:
    """The practice just made at ``url`` (a schema URL), or None when it cannot be put back
    (foreign keys in a cycle between tables)."""
    from psycopg import sql

    schema = schema_of(url)
    conn = admin_connection(server_of(url))
    with conn.transaction():
        _use(conn, schema)
        references = frozenset(conn.execute(_REFERENCES).fetchall())
        found = {name: (tuple(columns), tuple(triggers)) for name, columns, triggers in conn.execute(_TABLES)}
        order = _referred_first(found, references)
        if order is None:
            return None
        digests = _digests(conn, order)
        tables = []
        for name in order:
            columns, triggers = found[name]
            rows = b""
            if digests[name] is not None:
                copy_out = sql.SQL("COPY {} ({}) TO STDOUT").format(
                    sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, columns)))
                with conn.cursor().copy(copy_out) as copy:
                    rows = b"".join(bytes(block) for block in copy)
            tables.append(Table(name, columns, triggers, digests[name], rows))
        sequences = tuple((name, value, called) for name, value, called in conn.execute(_SEQUENCES))
    return Snapshot(tuple(tables), references, sequences)


def lend(pool: Pool | None, url: str) -> bool:
    """Make the empty schema at ``url`` one of ``pool``'s idle practices, if it has one."""
    if pool is None or not pool.idle or server_of(url) != pool.server:
        return False
    from psycopg import sql

    schema, (idle, catalog) = schema_of(url), pool.idle.pop()
    try:
        conn = admin_connection(pool.server)
        with conn.transaction():
            conn.execute(sql.SQL("DROP SCHEMA {}").format(sql.Identifier(schema)))
            conn.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(idle), sql.Identifier(schema)))
    except Exception:
        _drop(pool.server, idle)
        return False
    _LENT[(pool.server, schema)] = (pool, catalog)
    return True


def follow(pool: Pool | None, url: str) -> None:
    """Remember that the practice just made at ``url`` goes back to ``pool`` when its test ends."""
    if pool is not None and server_of(url) == pool.server:
        schema = schema_of(url)
        _LENT[(pool.server, schema)] = (pool, _catalog(admin_connection(pool.server), schema))


def give_back(url: str) -> bool:
    """Put the practice at ``url`` back in its pool, its test over. False when it was not lent
    or could not be put back: the caller drops it."""
    lent = _LENT.pop((server_of(url), schema_of(url)), None)
    if lent is None:
        return False
    from psycopg import sql

    (pool, catalog), schema = lent, schema_of(url)
    idle = f"mo_idle_{os.getpid()}_{next(_NAMES)}"
    try:
        conn = admin_connection(pool.server)
        with conn.transaction():
            conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            if _catalog(conn, schema) != catalog:
                raise _Changed
            _use(conn, schema)
            _restore(conn, pool.snapshot)
            catalog = _catalog(conn, schema)  # restoring turned triggers off and on
            conn.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(schema), sql.Identifier(idle)))
    except Exception:
        return False
    pool.idle.append((idle, catalog))
    return True


def new_pool(snap: Snapshot | None, url: str) -> Pool | None:
    """A pool for the practice ``snap`` was taken of, on ``url``'s server (None without a snapshot)."""
    if snap is None:
        return None
    pool = Pool(snap, server_of(url))
    if not any(p.server == pool.server for p in _POOLS):
        _drop_stale(pool.server)
    _POOLS.append(pool)
    return pool


def drop_idle() -> None:
    """Drop every idle schema of this process (the session is over)."""
    for pool in _POOLS:
        while pool.idle:
            _drop(pool.server, pool.idle.pop()[0])
    close_admin_connections()


class _Changed(Exception):
    """The test changed the schema's shape."""


def _restore(conn: psycopg.Connection, snap: Snapshot) -> None:
    from psycopg import sql

    digests = _digests(conn, [t.name for t in snap.tables])
    clear = {t.name for t in snap.tables if digests[t.name] != t.digest}
    holding = {name for name, digest in digests.items() if digest is not None}
    grown = True
    while grown:  # a table with rows that refers to one being emptied goes too
        more = {child for child, parent in snap.references if parent in clear and child in holding} - clear
        clear |= more
        grown = bool(more)
    touched = [t for t in snap.tables if t.name in clear]
    for table in touched:
        for trigger in table.triggers:
            conn.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER {}").format(sql.Identifier(table.name),
                                                                            sql.Identifier(trigger)))
    for table in reversed(touched):
        if table.name in holding:
            conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table.name)))
    for table in touched:
        if table.rows:
            copy_in = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, table.columns)))
            with conn.cursor().copy(copy_in) as copy:
                copy.write(table.rows)
        for trigger in table.triggers:
            conn.execute(sql.SQL("ALTER TABLE {} ENABLE TRIGGER {}").format(sql.Identifier(table.name),
                                                                           sql.Identifier(trigger)))
    if snap.sequences:
        conn.execute(sql.SQL("SELECT {}").format(sql.SQL(", ").join(
            sql.SQL("setval({}::regclass, {}, {})").format(sql.Literal(sql.Identifier(name).as_string(conn)),
                                                           sql.Literal(value), sql.Literal(called))
            for name, value, called in snap.sequences)))


def _referred_first(found: dict[str, Any], references: frozenset[tuple[str, str]]) -> list[str] | None:
    """The tables, each after those it refers to; None when foreign keys make a cycle."""
    waiting = {name: {parent for child, parent in references if child == name and parent != name} for name in found}
    order: list[str] = []
    while waiting:
        ready = sorted(name for name, parents in waiting.items() if not parents & waiting.keys())
        if not ready:
            return None
        order.extend(ready)
        for name in ready:
            del waiting[name]
    return order


def _digests(conn: psycopg.Connection, tables: list[str]) -> dict[str, str | None]:
    """Each table's rows as one digest (None for no rows), in one query."""
    from psycopg import sql

    if not tables:
        return {}
    query = sql.SQL("SELECT {}").format(sql.SQL(", ").join(
        sql.SQL("(SELECT md5(string_agg(x::text, E'\\n' ORDER BY x::text)) FROM {} x)").format(sql.Identifier(t))
        for t in tables))
    return dict(zip(tables, conn.execute(query).fetchone()))


def _catalog(conn: psycopg.Connection, schema: str) -> tuple[int, int]:
    count, total = conn.execute(_CATALOG, {"schema": schema}).fetchone()
    return int(count), int(total)


def _use(conn: psycopg.Connection, schema: str) -> None:
    conn.execute("SELECT set_config('search_path', %s, true)", (schema,))


def _drop_stale(server: str) -> None:
    """Drop the idle schemas that processes on this machine left when they were killed before
    their session ended (a server elsewhere may hold other machines' idle schemas: left alone)."""
    import re
    from urllib.parse import urlsplit

    if (urlsplit(libpq_url(server)).hostname or "localhost") not in ("localhost", "127.0.0.1", "::1"):
        return
    query = r"SELECT nspname FROM pg_namespace WHERE nspname ~ '^mo_idle_\d+_\d+$'"
    for (name,) in admin_connection(server).execute(query):
        pid = int(re.match(r"mo_idle_(\d+)_", name).group(1))
        if not _alive(pid):
            _drop(server, name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop(server: str, schema: str) -> None:
    from psycopg import sql

    try:
        admin_connection(server).execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    except Exception:
        pass  # left behind, like a schema of a crashed run
