"""Whether a practice's database is as new as the code that opens it, checked without Alembic.

A medoffice upgrade can bring a core migration (a new column, say). Opening a practice whose
database predates it would fail at the first query that reads the column, with the
database's own words ("no such column: core_patient.reminders"). Commands and the terminal
UI ask :func:`core_behind` first and say, in one line, what to do instead. One small query;
Alembic (about 0.2 s to import) is not needed to ask it: the newest core revision is written
down here, and a test checks it against the migration history.
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from .engine import WRITE_OPTION

CORE_HEAD = "c0006"
"""The newest revision of the core's migration history (tests/core/test_migrations.py
checks it is Alembic's head)."""


def core_revision(engine: Engine) -> str | None:
    """The core's revision in the database; None when it has none (no practice yet).

    Read in a read-only transaction: it never waits for another terminal's write."""
    try:
        with engine.execution_options(**{WRITE_OPTION: False}).connect() as connection:
            return connection.execute(text("SELECT version_num FROM core_alembic_version")).scalar()
    except DBAPIError:  # no version table: nothing was ever set up here
        return None


def core_behind(engine: Engine) -> str | None:
    """One line saying the database must be upgraded first, or None when it is current."""
    current = core_revision(engine)
    if current is None or current == CORE_HEAD:
        return None
    return (f"this practice's database is older than this medoffice (core schema {current}, needs {CORE_HEAD}): "
            "run 'medoffice db upgrade' first")
