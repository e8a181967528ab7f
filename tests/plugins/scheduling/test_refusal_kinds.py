"""What scheduling makes of each refusal of the database: a lost race is a taken slot, told
by its kind; a refusal it does not own goes on as it was."""

from __future__ import annotations

import sqlite3
import sys

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from medoffice.core.errors import SlotTaken
from medoffice.plugins.scheduling import booking

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
