"""Read a practice's plugin choices without SQLAlchemy, for building the command line.

``medoffice --help`` must list exactly the enabled plugins' commands and still start fast, so
it reads the one small table with the database's own driver (stdlib ``sqlite3``, or psycopg),
read-only. Anything that goes wrong here means "no practice yet": the real command reports
the real problem when it opens the database.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from .manager import StoredChoice

_QUERY = "SELECT plugin_id, enabled, migrated FROM core_plugin_state"


def _sqlite_path(url: str) -> str | None:
    rest = url.split(":///", 1)[1] if ":///" in url else ""
    path = unquote(rest.split("?", 1)[0])
    return path or None


def read_choices(url: str) -> dict[str, StoredChoice] | None:
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
    return {pid: StoredChoice(bool(enabled), bool(migrated)) for pid, enabled, migrated in rows}
