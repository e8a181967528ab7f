"""What scheduling makes of each refusal of the database: a lost race is a taken slot (or an
overlapping shift), told by its kind; a refusal it does not own goes on as it was."""

from __future__ import annotations

import sqlite3
import sys

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from medoffice.core.errors import Conflict, SlotTaken
from medoffice.plugins.scheduling import booking, coverage, rota

pytestmark = [pytest.mark.medoffice_plugins("scheduling"), pytest.mark.medoffice_backends("sqlite")]


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


def test_a_deadlock_while_booking_is_a_slot_taken_by_another_terminal(medoffice_practice, monkeypatch):
    with medoffice_practice.operation("frontdesk") as ctx:
        _flush_raises(ctx, monkeypatch, OperationalError("INSERT INTO scheduling_appointment", {}, Deadlock()))
        with pytest.raises(SlotTaken) as refused:
            booking._flush(ctx)
    assert str(refused.value) == "slot taken: another terminal booked the same time just now"
    assert refused.value.code == "slot_taken"


def test_a_missing_patient_is_not_mistaken_for_a_taken_slot(medoffice_practice, monkeypatch):
    """A foreign-key refusal (even one whose words say 'slot taken') is not the booking's to
    reword: it goes on unchanged, a bug to report."""
    orphan = IntegrityError("INSERT INTO scheduling_appointment", {},
                            _sqlite_error("SQLITE_CONSTRAINT_FOREIGNKEY", "slot taken"))
    with medoffice_practice.operation("frontdesk") as ctx:
        _flush_raises(ctx, monkeypatch, orphan)
        with pytest.raises(IntegrityError) as refused:
            booking._flush(ctx)
    assert refused.value is orphan


def test_a_deadlock_between_two_rota_writers_is_an_overlapping_shift(medoffice_practice, monkeypatch):
    with medoffice_practice.operation("manager") as ctx:
        _flush_raises(ctx, monkeypatch, OperationalError("INSERT INTO scheduling_shift", {}, Deadlock()))
        with pytest.raises(Conflict) as refused:
            rota.flush(ctx)
    assert str(refused.value) == "shift overlaps: another terminal wrote a shift of the same person just now"
    assert refused.value.code == "shift_overlaps"


def test_only_a_duplicate_staffing_need_is_another_terminals_change(medoffice_practice, world, monkeypatch):
    duplicate = IntegrityError("INSERT INTO scheduling_staffing_need", {},
                               _sqlite_error("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: "
                                             "scheduling_staffing_need.role, scheduling_staffing_need.location_id"))
    with medoffice_practice.operation("manager") as ctx:
        _flush_raises(ctx, monkeypatch, duplicate, only_from="set_need")
        with pytest.raises(Conflict, match="^another terminal changed these staffing needs just now"):
            coverage.set_need(ctx, "receptionist", "Main", "mon", 1)
    broken = IntegrityError("INSERT INTO scheduling_staffing_need", {},
                            _sqlite_error("SQLITE_CONSTRAINT_CHECK", "CHECK constraint failed: headcount_positive"))
    with medoffice_practice.operation("manager") as ctx:
        _flush_raises(ctx, monkeypatch, broken, only_from="set_need")
        with pytest.raises(IntegrityError):
            coverage.set_need(ctx, "receptionist", "Main", "mon", 1)
