"""The set-up generation: one number that changes whenever the practice's set-up does.

Terminals keep the read-mostly set-up (appointment types, templates, staff, locations, the
practice's zone…) in memory between units of work (:mod:`medoffice.core.setup_cache`). To
know whether another terminal changed it, each unit of work reads one row,
per owner of the set-up it uses (``core_generation``, ``scheduling_generation``), in one
statement, which triggers on the set-up tables raise in the same transaction as the
change: whatever writes them (a service, another plugin, a script, a restore), the number
moves, so no terminal can miss it, and a number that has not moved means nothing changed.

Each owner (the core, a plugin) has its own counter (:func:`counter`), made with the
triggers on its own set-up tables by its own migrations (:func:`counter_sql`,
:func:`watch_sql`: the core's in core migration c0006), so that upgrading or downgrading
one owner never meets another's triggers. :func:`watch` names the same tables here, so that
a unit of work that changes one of them stops using the kept set-up for the rest of its own
work (it sees its own change at once).
"""

from __future__ import annotations

from collections.abc import Iterable

TABLE = "core_generation"


def counter(owner: str) -> str:
    """The table holding ``owner``'s set-up generation (``core_generation``,
    ``scheduling_generation``): each owner keeps its own, made and dropped by its own
    migrations, so that no owner's triggers depend on another owner's schema."""
    return f"{owner}_generation"


WATCHED: set[str] = set()
"""The set-up tables, of every owner (written by whatever code: the triggers see every write)."""

IGNORED_COLUMNS: dict[str, frozenset[str]] = {}
"""Columns of a watched table whose change is not a change of the set-up (the practice's
next MRN, taken by every registration)."""


def watch(*tables: str, ignoring: Iterable[str] = ()) -> None:
    """Name set-up tables (their triggers come from the migrations, :func:`watch_sql`)."""
    WATCHED.update(tables)
    if ignoring:
        for table in tables:
            IGNORED_COLUMNS[table] = frozenset(ignoring)


def _function(owner: str) -> str:
    return f"{counter(owner)}_bump"


def watch_sql(dialect: str, owner: str, table: str, *, columns: Iterable[str] | None = None) -> list[str]:
    """The statements that make ``table``'s changes raise ``owner``'s generation: any insert
    or delete, and an update (of ``columns`` only, when given)."""
    of = f" OF {', '.join(columns)}" if columns else ""
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {table}_generation_{verb.lower()} AFTER {verb}{of if verb == 'UPDATE' else ''} "
                f"ON {table} BEGIN UPDATE {counter(owner)} SET value = value + 1 WHERE id = 1; END"
                for verb in ("INSERT", "UPDATE", "DELETE")]
    return [f"CREATE TRIGGER {table}_generation AFTER INSERT OR DELETE OR UPDATE{of} ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_function(owner)}()"]


def unwatch_sql(dialect: str, table: str) -> list[str]:
    """The statements that undo :func:`watch_sql`."""
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_generation_{verb}" for verb in ("insert", "update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {table}_generation ON {table}"]


def counter_sql(dialect: str, owner: str) -> list[str]:
    """The owner's counter (one row, id 1) and, on PostgreSQL, the function its triggers run."""
    statements = [f"CREATE TABLE {counter(owner)} (id INTEGER NOT NULL, value BIGINT NOT NULL, "
                  f"CONSTRAINT pk_{counter(owner)} PRIMARY KEY (id))",
                  f"INSERT INTO {counter(owner)} (id, value) VALUES (1, 1)"]
    if dialect != "sqlite":
        statements.append(f"CREATE FUNCTION {_function(owner)}() RETURNS trigger LANGUAGE plpgsql AS "
                          f"$$ BEGIN UPDATE {counter(owner)} SET value = value + 1 WHERE id = 1; RETURN NULL; END $$")
    return statements


def drop_counter_sql(dialect: str, owner: str) -> list[str]:
    """The statements that undo :func:`counter_sql` (after :func:`unwatch_sql` of its tables)."""
    statements = [] if dialect == "sqlite" else [f"DROP FUNCTION IF EXISTS {_function(owner)}()"]
    return [*statements, f"DROP TABLE {counter(owner)}"]


PRACTICE_COLUMNS = ("name", "npi", "tax_id", "phone", "timezone", "is_demo", "mrn_prefix", "address_line1",
                    "address_line2", "city", "state", "postal_code", "country")
"""The practice's columns that are set-up (not ``next_mrn``, nor ``created_at``)."""

CORE_TABLES = ("core_location", "core_room", "core_staff", "core_role", "core_role_permission")

watch(*CORE_TABLES)
watch("core_practice", ignoring=("next_mrn",))
