"""What the rota makes of each refusal of the database: a lost race is an overlapping shift
or another terminal's staffing need, told by its kind; a refusal it does not own goes on as
it was."""

from __future__ import annotations

import sqlite3
import sys

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from medoffice.core.errors import Conflict
from medoffice.plugins.staff import coverage, rota

pytestmark = [pytest.mark.medoffice_plugins("staff"), pytest.mark.medoffice_backends("sqlite")]


class Deadlock(Exception):
    """What psycopg raises when PostgreSQL aborts one of two writers waiting on each other."""

    sqlstate = "40P01"


def _sqlite_error(name: str, text: str) -> sqlite3.IntegrityError:
    error = sqlite3.IntegrityError(text)
    error.sqlite_errorname = name
    return error


def _flush_raises(ctx, monkeypatch, error, *, only_from: str | None = None):
    """The session's flush raises ``error`` (only when ``only_from`` calls it, not autoflush)."""
    flush = ctx.session.flush

    def refuse(*args, **kwargs):
        if only_from is not None and sys._getframe(1).f_code.co_name != only_from:
            return flush(*args, **kwargs)
        raise error

    monkeypatch.setattr(ctx.session, "flush", refuse)


def test_a_deadlock_between_two_rota_writers_is_an_overlapping_shift(medoffice_practice, monkeypatch):
    with medoffice_practice.operation("manager") as ctx:
        _flush_raises(ctx, monkeypatch, OperationalError("INSERT INTO staff_shift", {}, Deadlock()))
        with pytest.raises(Conflict) as refused:
            rota.flush(ctx)
    assert str(refused.value) == "shift overlaps: another terminal wrote a shift of the same person just now"
    assert refused.value.code == "shift_overlaps"


def test_only_a_duplicate_staffing_need_is_another_terminals_change(medoffice_practice, world, monkeypatch):
    duplicate = IntegrityError("INSERT INTO staff_staffing_need", {},
                               _sqlite_error("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: "
                                             "staff_staffing_need.role, staff_staffing_need.location_id"))
    with medoffice_practice.operation("manager") as ctx:
        _flush_raises(ctx, monkeypatch, duplicate, only_from="set_need")
        with pytest.raises(Conflict, match="^another terminal changed these staffing needs just now"):
            coverage.set_need(ctx, "receptionist", "Main", "mon", 1)
    broken = IntegrityError("INSERT INTO staff_staffing_need", {},
                            _sqlite_error("SQLITE_CONSTRAINT_CHECK", "CHECK constraint failed: headcount_positive"))
    with medoffice_practice.operation("manager") as ctx:
        _flush_raises(ctx, monkeypatch, broken, only_from="set_need")
        with pytest.raises(IntegrityError):
            coverage.set_need(ctx, "receptionist", "Main", "mon", 1)
