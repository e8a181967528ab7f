"""A read-only unit of work runs plain statements on a bare pooled connection and makes its ORM
session only when something needs one, on the same connection and in the same transaction
(medoffice.core.storage.units); the statements stay visible to the engine's listeners."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import bindparam, event, select

from medoffice.core.services import patients
from medoffice.core.storage.models import Patient
from medoffice.core.storage.plain import Statement, stored_time
from medoffice.core.storage.types import UTCDateTime

_BY_MRN = Statement(select(Patient.id, Patient.last_name, Patient.created_at)
                    .where(Patient.mrn == bindparam("mrn")))
_SINCE = Statement(select(Patient.id).where(Patient.created_at >= bindparam("since", type_=UTCDateTime()))
                   .order_by(Patient.id))


def register(p, first: str = "Ann", last: str = "Lee") -> str:
    with p.operation("frontdesk") as ctx:
        return patients.register(ctx, {"first_name": first, "last_name": last, "date_of_birth": "1980-01-02",
                                       "sex": "f"}).patient.mrn


def test_a_plain_read_makes_no_session_and_its_statements_are_seen(medoffice_practice):
    p = medoffice_practice
    mrn = register(p)
    desk = p.record("frontdesk")
    sent = []

    def count(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    event.listen(p.runtime.engine, "before_cursor_execute", count)
    try:
        with p.runtime.operation(desk, write=False) as ctx:
            ((patient_id, last, created),) = ctx.plain_rows(_BY_MRN, {"mrn": mrn})
            assert ctx.made_session is None
    finally:
        event.remove(p.runtime.engine, "before_cursor_execute", count)
    assert last == "Lee"
    assert stored_time(created).tzinfo is dt.timezone.utc
    assert len(sent) == 1 and sent[0][1] in ({"mrn": mrn}, (mrn,))


def test_aware_times_are_bound_as_the_column_stores_them(medoffice_practice):
    p = medoffice_practice
    register(p)
    with p.runtime.operation(p.record("frontdesk"), write=False) as ctx:
        assert ctx.plain_rows(_SINCE, {"since": p.runtime.clock() - dt.timedelta(days=1)})
        assert ctx.plain_rows(_SINCE, {"since": p.runtime.clock() + dt.timedelta(days=1)}) == []


def test_dates_are_bound_as_the_column_stores_them():
    """A plain statement binds a date as the column's own processor would (on SQLite, the
    text SQLite compares; the driver form makes it with ``date.isoformat``), for any day
    from the year 1 to 9999, and a datetime given for a date still goes the type's way."""
    import random

    from sqlalchemy import Date
    from sqlalchemy.dialects import postgresql, sqlite

    from medoffice.core.storage.plain import _bind_processor

    dialect = sqlite.dialect()
    ours, theirs = _bind_processor(Date(), dialect), Date().dialect_impl(dialect).bind_processor(dialect)
    assert ours.__name__ == "date_text"  # the quick way is the one tested
    rng = random.Random(4)
    days = [dt.date(1, 1, 1), dt.date(999, 12, 31), dt.date(9999, 12, 31)]
    days += [dt.date(1, 1, 1) + dt.timedelta(days=rng.randrange(0, 3_652_058)) for _ in range(2_000)]
    for day in days:
        assert ours(day) == theirs(day)
    moment = dt.datetime(2026, 3, 8, 23, 30)
    assert ours(moment) == theirs(moment) and ours(None) is None
    assert _bind_processor(Date(), postgresql.psycopg.dialect()) is None  # the driver takes the date itself


def test_the_session_made_after_a_plain_read_is_in_the_same_unit_of_work(medoffice_practice):
    p = medoffice_practice
    mrn = register(p)
    with p.runtime.operation(p.record("frontdesk"), write=False) as ctx:
        ((patient_id, *_),) = ctx.plain_rows(_BY_MRN, {"mrn": mrn})
        assert ctx.session.get(Patient, patient_id).mrn == mrn  # the ORM on the same connection
        assert ctx.plain_rows(_BY_MRN, {"mrn": mrn})[0][0] == patient_id
    for _ in range(3):  # the connections went back to the pool clean: every unit of work begins anew
        with p.runtime.operation(p.record("frontdesk")) as ctx:
            patients.update(ctx, mrn, {"phone": "555-0100"})
        with p.runtime.operation(p.record("frontdesk"), write=False) as ctx:
            assert ctx.plain_rows(_BY_MRN, {"mrn": mrn})


def test_a_plain_read_sees_what_another_runtime_committed_before_it_began(medoffice_practice, medoffice_other_terminal):
    p, other = medoffice_practice, medoffice_other_terminal
    with other.operation(p.record("frontdesk"), write=False) as ctx:
        assert ctx.plain_rows(_BY_MRN, {"mrn": "NOPE"}) == []
    mrn = register(p, "Bo", "Ng")
    with other.operation(p.record("frontdesk"), write=False) as ctx:
        assert ctx.plain_rows(_BY_MRN, {"mrn": mrn})[0][1] == "Ng"


def test_a_failed_read_rolls_back_and_gives_the_connection_back(medoffice_practice):
    p = medoffice_practice
    desk = p.record("frontdesk")
    with pytest.raises(RuntimeError), p.runtime.operation(desk, write=False) as ctx:
        ctx.plain_rows(_BY_MRN, {"mrn": "X"})
        raise RuntimeError("refused")
    kept = p.runtime._idle._kept if p.runtime._idle is not None else []
    assert p.runtime.engine.pool.checkedout() == len(kept) <= 1  # kept for the next read, or back in the pool
    for _pool, fairy in kept:
        assert not fairy.driver_connection.in_transaction
    mrn = register(p)  # a write begins as it should on the connection given back
    with p.runtime.operation(desk, write=False) as ctx:
        assert ctx.plain_rows(_BY_MRN, {"mrn": mrn})
    p.runtime._idle and p.runtime._idle.close()
    assert p.runtime.engine.pool.checkedout() == 0


def test_a_kept_connection_from_before_the_engine_was_disposed_is_not_used(medoffice_practice):
    """As a restore disposes the engine: the connections kept for reads are left for new ones."""
    p = medoffice_practice
    mrn = register(p)
    desk = p.record("frontdesk")
    with p.runtime.operation(desk, write=False) as ctx:
        ctx.plain_rows(_BY_MRN, {"mrn": mrn})
    p.runtime.engine.dispose()
    with p.runtime.operation(desk, write=False) as ctx:
        assert ctx.plain_rows(_BY_MRN, {"mrn": mrn})
    if p.runtime._idle is not None:
        assert all(pool is p.runtime.engine.pool for pool, _fairy in p.runtime._idle._kept)


def test_a_statement_with_an_expanding_list_is_refused(medoffice_practice):
    listing = Statement(select(Patient.id).where(Patient.mrn.in_(bindparam("mrns", expanding=True))))
    with medoffice_practice.runtime.operation(medoffice_practice.record("frontdesk"), write=False) as ctx, \
            pytest.raises(ValueError, match="expanding"):
        ctx.plain_rows(listing, {"mrns": ["A"]})
