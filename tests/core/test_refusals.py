"""The database's refusals read the same on both databases, by code and constraint name.

A service that tells a duplicate from a missing parent from a broken rule asks
:func:`medoffice.core.storage.refusals.refusal`, never the driver's message: these tests
break each kind of rule on the test's backend and check what the helper says.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from medoffice.core.errors import Conflict, SlotTaken
from medoffice.core.storage import refusals
from medoffice.core.storage.engine import make_engine


@pytest.fixture
def engine(medoffice_db_url, medoffice_backend):
    engine = make_engine(medoffice_db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE ward (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, "
                             "CONSTRAINT uq_ward_name UNIQUE (name))"))
        conn.execute(sa.text("CREATE TABLE bed (id INTEGER PRIMARY KEY, ward_id INTEGER NOT NULL "
                             "CONSTRAINT fk_bed_ward REFERENCES ward (id), beds INTEGER, "
                             "CONSTRAINT ck_bed_beds_positive CHECK (beds > 0))"))
        if medoffice_backend == "postgresql":
            conn.execute(sa.text("CREATE TABLE booking (id INTEGER PRIMARY KEY, span tstzrange, "
                                 "CONSTRAINT booking_no_overlap EXCLUDE USING gist (span WITH &&))"))
        else:
            conn.execute(sa.text("CREATE TABLE booking (id INTEGER PRIMARY KEY, span TEXT)"))
            conn.execute(sa.text("CREATE TRIGGER booking_no_overlap BEFORE INSERT ON booking "
                                 "WHEN EXISTS (SELECT 1 FROM booking) BEGIN SELECT RAISE(ABORT, 'slot taken'); END"))
        conn.execute(sa.text("INSERT INTO ward (id, name) VALUES (1, 'East')"))
    yield engine
    engine.dispose()


def _refused(engine, statement: str, **values) -> refusals.Refusal | None:
    with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
        conn.execute(sa.text(statement), values)
    return refusals.refusal(caught.value)


def test_a_duplicate_is_a_unique_refusal_of_the_table(engine, medoffice_backend):
    found = _refused(engine, "INSERT INTO ward (id, name) VALUES (2, 'East')")
    assert found.kind == refusals.UNIQUE
    assert found.table == "ward"
    if medoffice_backend == "postgresql":
        assert found.constraint == "uq_ward_name"
    else:  # SQLite names the columns, not the constraint
        assert found.columns == ("name",)


def test_a_missing_parent_is_a_foreign_key_refusal(engine, medoffice_backend):
    found = _refused(engine, "INSERT INTO bed (id, ward_id, beds) VALUES (1, 99, 2)")
    assert found.kind == refusals.FOREIGN_KEY
    assert found.table == "bed"
    if medoffice_backend == "postgresql":
        assert found.constraint == "fk_bed_ward"


def test_a_broken_rule_is_a_check_refusal_named_on_both(engine):
    found = _refused(engine, "INSERT INTO bed (id, ward_id, beds) VALUES (1, 1, 0)")
    assert found == refusals.Refusal(refusals.CHECK, "ck_bed_beds_positive", "bed")


def test_a_missing_value_is_a_not_null_refusal(engine):
    found = _refused(engine, "INSERT INTO ward (id, name) VALUES (3, NULL)")
    assert found.kind == refusals.NOT_NULL
    assert found.table == "ward"


def test_an_overlap_is_an_exclusion_on_postgresql_and_the_triggers_words_on_sqlite(engine, medoffice_backend):
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO booking (id, span) VALUES (1, :span)"),
                     {"span": "[2026-01-05 09:00+00, 2026-01-05 10:00+00)"})
    found = _refused(engine, "INSERT INTO booking (id, span) VALUES (2, :span)",
                     span="[2026-01-05 09:30+00, 2026-01-05 10:30+00)")
    if medoffice_backend == "postgresql":
        assert found == refusals.Refusal(refusals.EXCLUSION, "booking_no_overlap", "booking")
    else:
        assert found == refusals.Refusal(refusals.RAISED, table="booking", raised="slot taken")


def test_an_error_that_breaks_no_rule_is_not_a_refusal(engine):
    assert _refused(engine, "SELECT * FROM no_such_table") is None
    assert refusals.refusal(ValueError("UNIQUE constraint failed: ward.name")) is None


def test_refused_gives_the_callers_own_error_or_none(engine):
    def translate(found):
        return SlotTaken("slot taken: the bed is booked") if found.kind == refusals.UNIQUE else None

    with pytest.raises(DBAPIError) as duplicate, engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO ward (id, name) VALUES (2, 'East')"))
    error = refusals.refused(duplicate.value, translate)
    assert isinstance(error, Conflict) and error.code == "slot_taken"
    assert str(error) == "slot taken: the bed is booked"
    with pytest.raises(DBAPIError) as orphan, engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO bed (id, ward_id, beds) VALUES (1, 99, 2)"))
    assert refusals.refused(orphan.value, translate) is None
