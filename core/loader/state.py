"""Read a practice's plugin choices without SQLAlchemy, for building the command line.

``medoffice --help`` must list exactly the enabled plugins' commands and still start fast, so
it reads the one small table with the database's own driver (stdlib ``sqlite3``, or psycopg),
read-only. Anything that goes wrong here means "no practice yet": the real command reports
the real problem when it opens the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from .manager import StoredChoice

_QUERY = "SELECT plugin_id, enabled, migrated FROM core_plugin_state"


def _sqlite_path(url: str) -> str | None:
    rest = url.split(":///", 1)[1] if ":///" in url else ""
    path = unquote(rest.split("?", 1)[0])
    return path or None


def read_choices(url: str) -> dict[str, StoredChoice] | None:
    """The practice's choice for each plugin it has seen; None when there is no practice to read."""
    from .manager import StoredChoice

    rows = read_choice_rows(url)
    if rows is None:
        return None
    return {pid: StoredChoice(bool(enabled), bool(migrated)) for pid, enabled, migrated in rows}


def read_choice_rows(url: str) -> list[tuple[str, bool, bool]] | None:
    """The rows of :func:`read_choices` as plain values (plugin id, enabled, migrated), sorted:
    what ``medoffice --help`` keys its remembered listing on, without attrs or pluggy."""
    try:
        if url.startswith("sqlite"):
            import sqlite3
            from pathlib import Path

            path = _sqlite_path(url)
            if not path or path == ":memory:" or not Path(path).exists():
                return None
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2) as conn:
                rows = conn.execute(_QUERY).fetchall()
        elif url.startswith("postgres"):
            import psycopg

            parts = urlsplit(url)
            conninfo = parts._replace(scheme="postgresql").geturl()
            with psycopg.connect(conninfo, connect_timeout=3) as conn:
                rows = conn.execute(_QUERY).fetchall()
        else:
            return None
    except Exception:
        return None
    return sorted((str(pid), bool(enabled), bool(migrated)) for pid, enabled, migrated in rows)
