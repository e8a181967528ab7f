"""What every booking asks of the staff plugin (Dr Adams's approved time off, the credentials
his work requires, a manager's override) is kept in memory by each terminal: with the staff
plugin enabled a booking costs the statements it costs without it, and another terminal's new
leave, renewal or override is seen by the next booking, never a stale copy.

The world's clock stands on Monday 2026-01-05 (America/New_York); Dr Adams sees patients
Monday to Friday 09:00-12:00 and 13:00-17:00 at Main.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from medoffice.core.errors import Conflict, ValidationError
from medoffice.core.storage.models import AuditRow
from medoffice.plugins.scheduling import booking, slots
from medoffice.plugins.staff import credentials, time_off

from .conftest import NOW

pytestmark = pytest.mark.medoffice_plugins("scheduling", "staff")

STAFF_ROWS = ("staff_time_off", "staff_credential", "staff_credential_override")


def statements_of(engine, action) -> list[str]:
    """The statements ``action`` sends to the database, whole."""
    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return sent


def reading_staff_rows(sent: list[str]) -> list[str]:
    return [s for s in sent if any(table in s for table in STAFF_ROWS)]


def book(runtime, desk, mrn, provider, at):
    """Book a check-up at a desk signed in as the front desk (once: a terminal signs in once)."""
    with runtime.operation(desk) as ctx:
        return booking.book(ctx, mrn, provider, "Check-up", at)


def as_manager(practice, action, *args, **options):
    with practice.operation("manager") as ctx:
        return action(ctx, *args, **options)


def licence(practice, staff_id, expires_on):
    return as_manager(practice, credentials.add, staff_id, {"kind": "medical licence", "issuer": "NY",
                                                            "expires_on": expires_on, "required_for_work": True})


@pytest.fixture
def desk(medoffice_practice):
    """The front desk, signed in once."""
    return medoffice_practice.record("frontdesk")


def test_a_booking_with_the_staff_plugin_costs_no_more_statements_than_without(medoffice_practice, world, desk):
    """Dr Adams has a licence on file and a day of approved leave: once a terminal has booked,
    the next booking reads neither, and the staff plugin's generation is read in the one
    statement that reads the other owners' (5 statements on SQLite, 7 on PostgreSQL, as
    without the staff plugin: tests/plugins/scheduling/test_setup_kept.py)."""
    p = medoffice_practice
    licence(p, world.adams, "2027-06-30")
    leave = as_manager(p, time_off.request, "2026-01-09", staff_id=world.adams, reason="course")
    as_manager(p, time_off.approve, leave.id)
    book(p.runtime, desk, world.ann, world.adams, "2026-01-06 09:00")  # the checks read once

    sent = statements_of(p.runtime.engine, lambda: book(p.runtime, desk, world.bo, world.adams, "2026-01-06 10:00"))

    assert reading_staff_rows(sent) == []
    (generations,) = [s for s in sent if "_generation" in s]
    assert "staff_generation" in generations and "scheduling_generation" in generations
    assert [s.split()[0] for s in sent].count("INSERT") == 2  # the visit, the audit row
    assert len(sent) <= (5 if p.runtime.engine.dialect.name == "sqlite" else 7), sent


def test_a_slot_search_asks_the_kept_leave_and_credentials(medoffice_practice, world):
    """The slot finder asks about every provider's leave and credentials over its days: from
    the kept copy, and it still leaves out the day of leave and the days after the licence
    expired."""
    p = medoffice_practice
    licence(p, world.adams, "2026-01-07")
    leave = as_manager(p, time_off.request, "2026-01-06", staff_id=world.adams, reason="course")
    as_manager(p, time_off.approve, leave.id)

    def offered():
        with p.operation("frontdesk", write=False) as ctx:
            found = slots.find_slots(ctx, "Check-up", "2026-01-05", "2026-01-09", limit=200)
        return sorted({str(s.start.date()) for s in found if s.provider_id == world.adams})

    assert offered() == ["2026-01-05", "2026-01-07"]
    sent = statements_of(p.runtime.engine, lambda: offered())
    assert reading_staff_rows(sent) == []


def test_a_credential_expires_with_the_calendar_not_with_a_change(medoffice_practice, world, desk):
    """What is kept is the licence's expiry, not an answer for a day: good through Tuesday,
    it lets Tuesday's booking through and refuses Wednesday's from the same kept copy."""
    p = medoffice_practice
    licence(p, world.adams, "2026-01-06")
    book(p.runtime, desk, world.ann, world.adams, "2026-01-06 09:00")

    def wednesday():
        with pytest.raises(Conflict, match="expired on 2026-01-06"):
            book(p.runtime, desk, world.bo, world.adams, "2026-01-07 09:00")

    assert reading_staff_rows(statements_of(p.runtime.engine, wednesday)) == []


def test_a_change_in_the_same_unit_of_work_is_read_at_once(medoffice_practice, world, desk):
    """A manager who lets the licence lapse and books in one unit of work meets the block at
    once; the change rolled back with the refusal, the next booking goes through."""
    p = medoffice_practice
    renewed = licence(p, world.adams, "2027-06-30")
    book(p.runtime, desk, world.ann, world.adams, "2026-01-06 09:00")  # kept
    with pytest.raises(Conflict, match="expired on 2026-01-01"), p.operation("manager") as ctx:
        credentials.update(ctx, renewed.id, {"expires_on": "2026-01-01"})
        booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-06 10:00")
    assert book(p.runtime, desk, world.bo, world.adams, "2026-01-06 10:00").provider_id == world.adams


@pytest.fixture
def desk_b(medoffice_practice):
    """Desk B: the same database opened again, as another computer opens it."""
    with medoffice_practice.another_terminal(clock=lambda: NOW) as runtime:
        yield runtime


class TestAnotherTerminalsChange:
    """Desk B has booked Dr Adams (so it keeps what the staff plugin checks) when the manager
    changes it at desk A: B's next booking sees the change."""

    def test_leave_approved_then_cancelled(self, medoffice_practice, world, desk_b, desk):
        p = medoffice_practice
        book(desk_b, desk, world.ann, world.adams, "2026-01-06 09:00")
        leave = as_manager(p, time_off.request, "2026-01-07", staff_id=world.adams, reason="course")
        as_manager(p, time_off.approve, leave.id)
        with pytest.raises(ValidationError, match="approved time off on Wed 2026-01-07"):
            book(desk_b, desk, world.bo, world.adams, "2026-01-07 09:00")
        as_manager(p, time_off.cancel, leave.id, "course moved")
        assert book(desk_b, desk, world.bo, world.adams, "2026-01-07 09:00").provider_id == world.adams

    def test_a_request_not_approved_yet_blocks_nothing(self, medoffice_practice, world, desk_b, desk):
        p = medoffice_practice
        book(desk_b, desk, world.ann, world.adams, "2026-01-06 09:00")
        as_manager(p, time_off.request, "2026-01-07", staff_id=world.adams, reason="course")
        assert book(desk_b, desk, world.bo, world.adams, "2026-01-07 09:00").provider_id == world.adams

    def test_a_licence_expired_renewed_overridden_and_the_override_ended(self, medoffice_practice, world, desk_b, desk):
        p = medoffice_practice
        book(desk_b, desk, world.ann, world.adams, "2026-01-06 09:00")
        lapsed = licence(p, world.adams, "2026-01-01")
        with pytest.raises(Conflict, match=f"credential {lapsed.id}\\) expired on 2026-01-01"):
            book(desk_b, desk, world.bo, world.adams, "2026-01-06 10:00")

        as_manager(p, credentials.update, lapsed.id, {"expires_on": "2028-01-01"})
        assert book(desk_b, desk, world.bo, world.adams, "2026-01-06 10:00").provider_id == world.adams

        as_manager(p, credentials.update, lapsed.id, {"expires_on": "2026-01-01"})
        granted = as_manager(p, credentials.override, lapsed.id, reason="renewal in the post", until="2026-01-08")
        made = book(desk_b, desk, world.cy, world.adams, "2026-01-06 11:00")
        with p.operation("admin", write=False) as ctx:
            used = ctx.session.execute(select(AuditRow.entity_id).where(
                AuditRow.action == "hr.credential.override_used")).scalars().all()
        assert made.provider_id == world.adams and used == [str(lapsed.id)]

        as_manager(p, credentials.end_override, granted.id)
        with pytest.raises(Conflict, match="required for work"):
            book(desk_b, desk, world.cy, world.adams, "2026-01-07 09:00")

    def test_a_licence_taken_off_file_blocks_no_more(self, medoffice_practice, world, desk_b, desk):
        p = medoffice_practice
        lapsed = licence(p, world.adams, "2026-01-01")
        with pytest.raises(Conflict):
            book(desk_b, desk, world.ann, world.adams, "2026-01-06 09:00")
        as_manager(p, credentials.retire, lapsed.id)
        assert book(desk_b, desk, world.ann, world.adams, "2026-01-06 09:00").provider_id == world.adams
