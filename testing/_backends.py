"""The databases tests run on: a SQLite file per test, or a PostgreSQL schema per test.

Nothing here imports SQLAlchemy or psycopg at module level: the fixture module is loaded
by every pytest run in an environment where medoffice is installed.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

BACKENDS = ("sqlite", "postgresql")
"""The backends ``--medoffice-db`` may name, in the order tests are generated."""

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
"""Used when ``MEDOFFICE_TEST_POSTGRES_URL`` is not set."""

CONNECT_TIMEOUT_SECONDS = 3


def parse_backends(value: str) -> tuple[str, ...]:
    """``"sqlite,postgresql"`` as a tuple of backend names, without repeats.

    Raises:
        ValueError: an unknown name, or no name at all.
    """
    names: list[str] = []
    for part in value.split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name not in BACKENDS:
            raise ValueError(f"--medoffice-db: unknown backend {name!r} (choose from {', '.join(BACKENDS)})")
        if name not in names:
            names.append(name)
    if not names:
        raise ValueError(f"--medoffice-db: name at least one backend ({', '.join(BACKENDS)})")
    return tuple(names)


def postgres_url(env: Mapping[str, str] | None = None) -> str:
    """The server tests create their schemas on: ``MEDOFFICE_TEST_POSTGRES_URL`` or the default."""
    env = os.environ if env is None else env
    return env.get("MEDOFFICE_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def in_ci(env: Mapping[str, str] | None = None) -> bool:
    """Whether a missing PostgreSQL must fail tests rather than skip them (``CI=true``)."""
    env = os.environ if env is None else env
    return env.get("CI", "").strip().lower() == "true"


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (``postgresql+psycopg://``) as one libpq understands (``postgresql://``)."""
    return re.sub(r"^postgres(?:ql)?(?:\+\w+)?://", "postgresql://", url)


def display_url(url: str) -> str:
    """``url`` with any password masked, for messages."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def with_search_path(url: str, schema: str) -> str:
    """``url`` with ``options=-csearch_path=<schema>``, so every connection works in ``schema``."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


_SEARCH_PATH = re.compile(r"[?&]options=-csearch_path%3D(\w+)$")


def schema_of(url: str) -> str:
    """The schema a URL made by :func:`with_search_path` points at."""
    found = _SEARCH_PATH.search(url)
    if found is None:
        raise ValueError(f"{display_url(url)} names no schema")
    return found.group(1)


def server_of(url: str) -> str:
    """A URL made by :func:`with_search_path` without its schema: the server and database."""
    return _SEARCH_PATH.sub("", url)


def probe_postgres(url: str) -> str | None:
    """None when the server at ``url`` accepts a connection, else why not, in one line."""
    import psycopg

    try:
        with psycopg.connect(libpq_url(url), connect_timeout=CONNECT_TIMEOUT_SECONDS, autocommit=True):
            return None
    except Exception as exc:  # psycopg.OperationalError, or a malformed URL
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        return lines[0]


_ADMIN: dict[str, psycopg.Connection] = {}


def admin_connection(url: str) -> psycopg.Connection:
    """This process's autocommit connection to the server at ``url``, for making and dropping
    schemas (opened on first use, and again when it broke): a new connection per test costs
    more than the statements it runs."""
    import psycopg

    conn = _ADMIN.get(url)
    if conn is None or conn.closed or conn.broken:
        conn = psycopg.connect(libpq_url(url), connect_timeout=CONNECT_TIMEOUT_SECONDS, autocommit=True)
        _ADMIN[url] = conn
    return conn


def close_admin_connections() -> None:
    for conn in _ADMIN.values():
        conn.close()
    _ADMIN.clear()


@contextmanager
def postgres_schema(url: str, give_back: Callable[[str], bool] | None = None) -> Iterator[str]:
    """Create an empty schema ``mo_<random>`` and yield ``url`` pointed at it; drop it afterwards.

    Every engine on the yielded URL must be disposed of before the block ends, or the drop
    waits for its locks (it gives up after a while and leaves the schema).

    ``give_back(url)``, when given, is offered the schema first: True means it took the
    schema away (renamed it into a pool of practices), so there is nothing left to drop.
    """
    from psycopg import sql

    schema = f"mo_{secrets.token_hex(6)}"
    admin_connection(url).execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    schema_url = with_search_path(url, schema)
    try:
        yield schema_url
    finally:
        if give_back is None or not give_back(schema_url):
            conn = admin_connection(url)
            with conn.transaction():
                conn.execute("SET LOCAL lock_timeout = '30s'")
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def sqlite_url(path: os.PathLike[str] | str) -> str:
    return f"sqlite:///{os.fspath(path)}"
