"""A writing unit of work that needs no ORM object (a booking: plain statements and one audit
entry) makes no ORM session: its audit entry and its announcements go in as plain statements
before it commits, into the same chain, and a refusal leaves nothing behind
(medoffice.core.storage.units, medoffice.core.audit.write_in_unit)."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import IntegrityError

from medoffice.core import audit
from medoffice.core.services import patients
from medoffice.core.storage.models import AuditRow, Patient
from medoffice.core.storage.plain import Statement

from .test_change_feed import WAIT, connected_feed

_BY_MRN = Statement(select(Patient.id).where(Patient.mrn == bindparam("mrn")))


def register(p, first: str = "Ann") -> str:
    with p.operation("frontdesk") as ctx:
        return patients.register(ctx, {"first_name": first, "last_name": "Lee", "date_of_birth": "1980-01-02",
                                       "sex": "f"}).patient.mrn


def look_up_and_note(runtime, desk, mrn: str, note: str) -> bool:
    """What a booking does, reduced: a plain read, an audit entry. Whether it made a session."""
    with runtime.operation(desk) as ctx:
        ((patient_id,),) = ctx.plain_rows(_BY_MRN, {"mrn": mrn})
        ctx.audit("patient.noted", "patient", patient_id, patient_id=patient_id, summary={"note": note})
        made = ctx.made_session is not None
    return made


def entries(p, action: str = "patient.noted") -> list[str]:
    with p.operation("admin", write=False) as ctx:
        rows = ctx.session.execute(select(AuditRow.summary).where(AuditRow.action == action)
                                   .order_by(AuditRow.seq)).scalars()
        return list(rows)


def chain_holds(p) -> bool:
    return audit.verify_practice(p.runtime, p.record("admin")).ok


def test_a_plain_write_with_one_audit_entry_makes_no_session_and_extends_the_chain(medoffice_practice):
    p = medoffice_practice
    mrn = register(p)  # this connection has checked the key and knows where it left the head
    desk = p.record("frontdesk")
    look_up_and_note(p.runtime, desk, mrn, "call 0")
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_rest):
        sent.append(statement.split()[0])

    event.listen(p.runtime.engine, "before_cursor_execute", count)
    try:
        made = [look_up_and_note(p.runtime, desk, mrn, f"call {n}") for n in (1, 2)]
    finally:
        event.remove(p.runtime.engine, "before_cursor_execute", count)
    assert made == [False, False], "no ORM session was made"
    assert sent == ["SELECT", "UPDATE", "INSERT"] * 2, "the read, the head moved, the entry"
    assert entries(p) == ['{"note":"call 0"}', '{"note":"call 1"}', '{"note":"call 2"}']
    assert chain_holds(p)


def test_another_terminals_write_in_between_is_chained_after_not_over(medoffice_practice):
    """Desk B writes between two of desk A's plain writes: A's head is stale, so A's write
    goes the session's way (the head locked and read) and the chain stays one."""
    p = medoffice_practice
    mrn = register(p)
    desk = p.record("frontdesk")
    with p.another_terminal() as other:
        look_up_and_note(p.runtime, desk, mrn, "a1")
        look_up_and_note(other, desk, mrn, "b1")
        look_up_and_note(p.runtime, desk, mrn, "a2")
        look_up_and_note(other, desk, mrn, "b2")
        assert look_up_and_note(p.runtime, desk, mrn, "a3") is False, "A's head is its own again"
    assert entries(p) == [f'{{"note":"{n}"}}' for n in ("a1", "b1", "a2", "b2", "a3")]
    assert chain_holds(p)


def test_a_plain_write_that_fails_leaves_no_entry_and_the_next_one_chains_on(medoffice_practice):
    p = medoffice_practice
    mrn = register(p)
    desk = p.record("frontdesk")
    look_up_and_note(p.runtime, desk, mrn, "kept")
    with pytest.raises(RuntimeError), p.runtime.operation(desk) as ctx:
        ((patient_id,),) = ctx.plain_rows(_BY_MRN, {"mrn": mrn})
        ctx.audit("patient.noted", "patient", patient_id, summary={"note": "lost"})
        raise RuntimeError("the rest of the booking failed")
    look_up_and_note(p.runtime, desk, mrn, "after")
    assert entries(p) == ['{"note":"kept"}', '{"note":"after"}']
    assert chain_holds(p)


def test_several_entries_and_an_orm_change_later_in_the_same_unit_of_work_are_one_commit(medoffice_practice):
    """Entries queued before the session was made move to it with the unit of work's notes,
    and are written with what the session wrote, in order."""
    p = medoffice_practice
    mrn = register(p)
    desk = p.record("frontdesk")
    look_up_and_note(p.runtime, desk, mrn, "first")
    with p.runtime.operation(desk) as ctx:
        ((patient_id,),) = ctx.plain_rows(_BY_MRN, {"mrn": mrn})
        ctx.audit("patient.noted", "patient", patient_id, summary={"note": "before the session"})
        assert ctx.made_session is None
        patients.update(ctx, mrn, {"phone": "555-0100"})  # the ORM: the session is made now
        assert ctx.made_session is not None
        ctx.audit("patient.noted", "patient", patient_id, summary={"note": "after"})
    assert entries(p) == ['{"note":"first"}', '{"note":"before the session"}', '{"note":"after"}']
    with p.operation("frontdesk", write=False) as ctx:
        assert patients.get(ctx, mrn).phone == "555-0100"
    assert chain_holds(p)


@pytest.mark.medoffice_backends("postgresql")
def test_a_plain_write_announces_its_topics_once_it_commits(medoffice_practice):
    """On PostgreSQL a unit of work without a session sends its NOTIFY as a plain statement:
    heard once committed, never when it rolls back."""
    p = medoffice_practice
    mrn = register(p)
    desk = p.record("frontdesk")
    with connected_feed(p) as feed:
        with pytest.raises(RuntimeError), p.runtime.operation(desk) as ctx:
            ctx.plain_rows(_BY_MRN, {"mrn": mrn})
            ctx.changed("scheduling.appointments")
            raise RuntimeError("refused")
        assert feed.wait(WAIT) == frozenset()
        with p.runtime.operation(desk) as ctx:
            ctx.plain_rows(_BY_MRN, {"mrn": mrn})
            ctx.changed("scheduling.appointments")
            assert ctx.made_session is None
        heard: set[str] = set()
        for _ in range(8):
            heard |= feed.wait(WAIT)
            if heard:
                break
        assert heard == {"scheduling.appointments"}


_RENAME = Statement(Patient.__table__.update().where(Patient.mrn == bindparam("mrn"))
                    .values(last_name=bindparam("last")).returning(Patient.id))


def test_a_savepoint_rolled_back_undoes_the_plain_statements_written_in_it(medoffice_practice):
    """A plain write inside a savepoint (a series books each date in one) is undone with it,
    and the statements after it, in the outer transaction, are kept; on PostgreSQL the
    transaction goes on after a refused statement inside the savepoint."""
    p = medoffice_practice
    mrn = register(p)
    with p.operation("frontdesk") as ctx:
        ctx.plain_rows(_RENAME, {"mrn": mrn, "last": "Outer"})
        savepoint = ctx.session.begin_nested()
        ctx.plain_rows(_RENAME, {"mrn": mrn, "last": "Inner"})
        savepoint.rollback()
        assert ctx.plain_rows(_BY_MRN, {"mrn": mrn})
        nested = ctx.session.begin_nested()
        with pytest.raises(IntegrityError):  # an MRN may not be empty
            ctx.plain_rows(_RENAME_MRN, {"mrn": mrn, "new": None})
        nested.rollback()
        ctx.plain_rows(_RENAME, {"mrn": mrn, "last": "After"})
    with p.operation("frontdesk", write=False) as ctx:
        assert patients.get(ctx, mrn).last_name == "After"
    with p.operation("frontdesk") as ctx:
        savepoint = ctx.session.begin_nested()
        ctx.plain_rows(_RENAME, {"mrn": mrn, "last": "Gone"})
        savepoint.rollback()
    with p.operation("frontdesk", write=False) as ctx:
        assert patients.get(ctx, mrn).last_name == "After"


_RENAME_MRN = Statement(Patient.__table__.update().where(Patient.mrn == bindparam("mrn"))
                        .values(mrn=bindparam("new")).returning(Patient.id))


def test_an_insert_gives_its_new_key_and_a_counted_update_says_whether_it_matched(medoffice_practice):
    """``returning_key``: the new row's key, by the cursor's lastrowid on SQLite (no RETURNING
    said) and by RETURNING on PostgreSQL; ``counted``: one empty row per row changed."""
    from medoffice.core.storage.models import Location

    table = Location.__table__
    add = Statement(table.insert().values(name=bindparam("name"), country="US"), returning_key=True)
    rename = Statement(table.update().where(table.c.id == bindparam("id"), table.c.name == bindparam("was"))
                       .values(name=bindparam("name")), counted=True)
    sent = []

    def note(_conn, _cursor, statement, *_rest):
        sent.append(statement)

    p = medoffice_practice
    event.listen(p.runtime.engine, "before_cursor_execute", note)
    try:
        with p.runtime.operation(p.record("admin")) as ctx:
            ((first,),) = ctx.plain_rows(add, {"name": "Annex"})
            ((second,),) = ctx.plain_rows(add, {"name": "Annex 2"})
            assert ctx.plain_rows(rename, {"id": first, "was": "Annex", "name": "North annex"}) == [()]
            assert ctx.plain_rows(rename, {"id": first, "was": "Annex", "name": "Again"}) == []
            names = dict(ctx.session.execute(select(table.c.id, table.c.name)).all())
    finally:
        event.remove(p.runtime.engine, "before_cursor_execute", note)
    assert second == first + 1 and names[first] == "North annex" and names[second] == "Annex 2"
    inserts = [sql for sql in sent if sql.startswith("INSERT INTO core_location")]
    returning = p.runtime.engine.dialect.name == "postgresql"
    assert len(inserts) == 2 and all(("RETURNING" in sql) == returning for sql in inserts)
    assert not any("RETURNING" in sql for sql in sent if sql.startswith("UPDATE core_location"))


def test_a_statement_that_cannot_give_a_key_or_a_count_is_refused():
    from medoffice.core.storage.models import AuditRow as Row, Location

    with pytest.raises(ValueError, match="returning_key"):
        Statement(Row.__table__.insert().values(seq=bindparam("seq")).returning(Row.__table__.c.seq), returning_key=True)
    with pytest.raises(ValueError, match="counted"):
        Statement(Location.__table__.update().values(name="x").returning(Location.__table__.c.id), counted=True)


def test_a_plain_insert_that_leaves_a_column_to_a_python_default_is_refused_when_compiled():
    """The driver would get None where SQLAlchemy's execution computes a Python-side
    default (a location's country): such a statement is refused, not run."""
    from sqlalchemy.dialects import sqlite

    from medoffice.core.storage.models import Location

    statement = Statement(Location.__table__.insert().values(name=bindparam("name")))
    with pytest.raises(ValueError, match="country"):
        statement.form(sqlite.dialect())


def test_many_rows_given_in_order_go_in_as_given_whatever_order_the_statement_takes(medoffice_practice):
    """``driver_many(..., in_order=names)``: rows as sequences of those names' values; handed
    straight to the driver when it takes the statement's arguments in that order, else made
    into mappings first."""
    from medoffice.core.storage import plain
    from medoffice.core.storage.models import Location

    table = Location.__table__
    add = Statement(table.insert().values(name=bindparam("name"), country=bindparam("country")))
    p = medoffice_practice
    with p.runtime.operation(p.record("admin")) as ctx:
        plain.driver_many(ctx.session, add, [("North", "US"), ("South", "CA")], in_order=("name", "country"))
        plain.driver_many(ctx.session, add, [("MX", "East")], in_order=("country", "name"))
        found = dict(ctx.session.execute(select(table.c.name, table.c.country)).all())
    assert found == {"North": "US", "South": "CA", "East": "MX"}
